"""Benchmark: our dunning cron run by 1, 2 or 4 cron workers of Odoo's multi-process server.

On a database with ar_dunning and the ledger of bench_generate.py (compare.py
gives each worker count a fresh copy of the same database), the ledger's
customers get the benchmark policy, the scheduled action *Dunning: daily run*
is duplicated once per extra worker (readme/CONFIGURE.md) and made due now,
then ``odoo --workers=1 --max-cron-threads=N`` runs them.  Measures the run's
wall time (the run's creation to its last write), communications per second,
and counts duplicates (customers with more than one communication or email).

    python tests/benchmarks/bench_dunning_workers.py --db arcmp_w2 --workers 2 --json /tmp/w2.json
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import bench_dunning_run
import datagen
from bench_generate import LEDGER_REF

import odoo
from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import SQL

TIMEOUT_S = 3600


def parse_args(argv=None):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, required=True, help="cron workers (processes)")
    parser.add_argument("--json", help="write the figures as JSON to this file")
    return parser.parse_args(argv)


def prepare(db, workers):
    """Policy on the ledger's customers, ``workers`` copies of the cron due now.

    Returns the customers' ids and the id the first run of the benchmark will have.
    """
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("base.user_admin").company_id
        env = env(context={"allowed_company_ids": company.ids})
        partner_ids = bench_dunning_run.ledger_customers(env, company, LEDGER_REF)
        cron = env.ref("ar_dunning.ir_cron_ar_dunning_run")
        for _copy in range(workers - 1):
            cron.copy({"name": f"{cron.name} (benchmark worker)"})
        env["ir.cron"].search([("ir_actions_server_id.code", "=", cron.code)]).write(
            {"nextcall": "2000-01-01 00:00:00", "active": True}
        )
        cr.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM ar_dunning_run")
        first_run_id = cr.fetchone()[0]
        cr.commit()  # pylint: disable=invalid-commit
    return partner_ids, first_run_id


def free_port():
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db, workers):
    """``odoo --workers=1 --max-cron-threads=workers`` on ``db``; the process."""
    odoo_args = [arg for arg in os.environ.get("AR_ODOO_ARGS", "").splitlines() if arg.strip()]
    # odoo-bin of the source tree, not ``-m odoo``: the server re-executes its command line for gevent
    odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    cmd = [sys.executable, str(odoo_bin), *odoo_args, "-d", db, f"--db-filter=^{db}$"]
    cmd += ["--http-interface=127.0.0.1", f"--http-port={free_port()}", f"--gevent-port={free_port()}"]
    cmd += ["--workers=1", f"--max-cron-threads={workers}", "--log-level=warn", "--limit-time-real-cron=0"]
    return subprocess.Popen(cmd, env={**os.environ, "TZ": "UTC"}, stdout=subprocess.DEVNULL)


def progress(cr, partner_ids, first_run_id):
    """Progress of the runs from ``first_run_id`` on.

    (every run done, first run created, last write, communications, duplicates)
    """
    cr.execute(
        SQL(
            """SELECT BOOL_AND(r.state = 'done'), MIN(r.create_date),
                      GREATEST(MAX(r.write_date),
                               (SELECT MAX(create_date) FROM ar_dunning_communication
                                 WHERE run_id >= %(first)s)),
                      (SELECT COUNT(*) FROM ar_dunning_communication
                        WHERE run_id >= %(first)s AND partner_id = ANY(%(ids)s)),
                      (SELECT COUNT(*) FROM (SELECT partner_id FROM ar_dunning_communication
                                              WHERE partner_id = ANY(%(ids)s)
                                           GROUP BY partner_id HAVING COUNT(*) > 1) d)
                      + (SELECT COUNT(*) FROM (SELECT c.partner_id FROM mail_mail mm
                                                 JOIN mail_message msg ON msg.id = mm.mail_message_id
                                                 JOIN ar_dunning_communication c ON c.id = msg.res_id
                                                WHERE msg.model = 'ar.dunning.communication'
                                                  AND c.partner_id = ANY(%(ids)s)
                                             GROUP BY c.partner_id HAVING COUNT(*) > 1) d2)
                 FROM ar_dunning_run r WHERE r.id >= %(first)s HAVING COUNT(*) > 0""",
            ids=partner_ids,
            first=first_run_id,
        )
    )
    return cr.fetchone()


def wake_crons(db):
    """Wake the server's cron workers now (``ir.cron._notifydb``): they would first sleep up to a minute."""
    with closing(sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute("SELECT pg_notify('cron_trigger', %s)", [db])
        cr.commit()  # pylint: disable=invalid-commit


def wait_done(db, partner_ids, first_run_id, server):
    """Poll the database until the runs are done (every cron finished); their progress row."""
    deadline = time.monotonic() + TIMEOUT_S
    with Registry(db).cursor() as cr:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"the Odoo server stopped (exit code {server.returncode})")
            cr.rollback()
            row = progress(cr, partner_ids, first_run_id)
            if not row:
                wake_crons(db)
            cr.execute(
                "SELECT COUNT(*) FROM ir_cron WHERE nextcall < now() AND active "
                "AND cron_name LIKE 'Dunning: daily run%'"
            )
            if row and row[0] and not cr.fetchone()[0]:
                return row
            time.sleep(1)
    raise SystemExit(f"the run was not done within {TIMEOUT_S} s")


def main(argv=None):
    """Run the cron with N workers; print and write the figures."""
    args = parse_args(argv)
    datagen.configure(args.db)
    partner_ids, first_run_id = prepare(args.db, args.workers)
    server = start_server(args.db, args.workers)
    try:
        _state, created, last, comms, duplicates = wait_done(args.db, partner_ids, first_run_id, server)
    finally:
        server.terminate()
        server.wait(timeout=60)
    seconds = (last - created).total_seconds()
    figures = {
        "workers": args.workers,
        "customers": len(partner_ids),
        "communications": comms,
        "seconds": seconds,
        "per_second": comms / seconds if seconds else 0.0,
        "duplicates": duplicates,
    }
    print(json.dumps(figures))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=1)
    return 0 if duplicates == 0 and comms == len(partner_ids) else 1


if __name__ == "__main__":
    sys.exit(main())
