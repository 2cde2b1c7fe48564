"""Benchmark: the daily dunning run over many customers (ar_dunning).

Creates ``--customers`` customers (default 10,000) with ``--invoices`` overdue
invoices each (default 10: 100,000 invoices), all in the range of a benchmark
dunning policy whose levels send an email (5 days) and an email plus an
activity (45 days), then runs the real dunning run of the company (batches
committed one by one, emails queued as ``mail.mail``, never sent) and reports
wall time, peak RSS, SQL queries, communications per second, and checks that
every customer got exactly one communication and one queued email.

Run with the Odoo virtualenv's python, Odoo's command line in the environment
variable AR_ODOO_ARGS (one argument a line, as setup/test.sh exports it);
tests/benchmarks/run_dunning_run.sh does both::

    python tests/benchmarks/bench_dunning_run.py --db ar_bench_dunning --customers 10000 \
        --invoices 10 --out /tmp/bench_dunning_run.md

Data, made fast: one customer and one posted invoice are created through the
ORM, then copied with SQL (customers ``AR Bench Dunning <n>``, ref
``ar-bench-dunning``; invoices in a journal of their own, code ARBD, due 5 to
94 days ago). Each customer has the benchmark policy as its own policy, so the
company's settings are not touched. Any benchmark data of a previous run is
deleted first; ``--cleanup`` deletes it at the end as well.

When other customers of the company have overdue invoices (a database with
demo data), the run is restricted to the benchmark customers.

Budget (DESIGN.md): 10,000 customers / 100,000 invoices under 60 s (first
budget 2 minutes), peak memory under 1 GB.
"""

import argparse
import json
import os
import platform
import resource
import sys
import time
from datetime import timedelta

os.environ["TZ"] = "UTC"  # as setup/lib.sh runs Odoo
time.tzset()

from datagen import configure, copy_select, table_columns  # noqa: E402

import odoo  # noqa: E402
import odoo.sql_db  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402
from odoo.tools import SQL  # noqa: E402

BENCH_REF = "ar-bench-dunning"
POLICY_NAME = "AR Benchmark dunning"
JOURNAL_CODE = "ARBD"
LEVELS = ((5, "Bench reminder", False), (45, "Bench second reminder", True))


# ----------------------------------------------------------------------
# Set-up
# ----------------------------------------------------------------------
def parse_args(argv=None):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database with ar_dunning installed")
    parser.add_argument("--customers", type=int, default=10000, help="benchmark customers")
    parser.add_argument("--invoices", type=int, default=10, help="overdue invoices per customer")
    parser.add_argument("--batch-size", type=int, default=500, help="customers per committed batch")
    parser.add_argument("--out", help="write the markdown report to this file")
    parser.add_argument("--json", help="write the figures as JSON to this file")
    parser.add_argument("--cleanup", action="store_true", help="delete the benchmark data at the end")
    parser.add_argument("--profile", help="write a cProfile of the run to this file")
    parser.add_argument(
        "--ledger-ref",
        help="dun the customers already generated with this ref (tests/benchmarks/datagen.py) "
        "instead of creating the benchmark's own",
    )
    args = parser.parse_args(argv)
    if args.customers < 1 or args.invoices < 1 or args.batch_size < 1:
        parser.error("--customers, --invoices and --batch-size must be positive")
    return args


def bench_policy(env, company):
    """The benchmark policy: an email at 5 days, an email and an activity at 45 days."""
    reminder = env.ref("ar_dunning.mail_template_dunning_reminder")
    policy = env["ar.dunning.policy"].create({"name": POLICY_NAME, "company_id": company.id})
    for days, name, activity in LEVELS:
        env["ar.dunning.level"].create(
            {
                "policy_id": policy.id,
                "name": name,
                "days": days,
                "min_days_since_previous": 0,
                "send_email": True,
                "mail_template_id": reminder.id,
                "create_activity": activity,
                "auto_execute": True,
            }
        )
    return policy


def bench_journal(env, company):
    """A sales journal of its own, so the SQL copies never disturb real invoice numbering."""
    sales = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    return env["account.journal"].create(
        {
            "name": "AR Benchmark Dunning",
            "code": JOURNAL_CODE,
            "type": "sale",
            "sequence": 999,
            "company_id": company.id,
            "default_account_id": sales.default_account_id.id,
        }
    )


def create_data(env, company, customers, per_customer):
    """The benchmark customers and their overdue invoices; commit. Returns the partner ids."""
    policy = bench_policy(env, company)
    journal = bench_journal(env, company)
    template = (
        env["res.partner"]
        .with_company(company)
        .create(
            {
                "name": "AR Bench Dunning 0",
                "ref": BENCH_REF,
                "is_company": True,
                "email": "ap0@bench.example.com",
                "ar_dunning_policy_id": policy.id,
            }
        )
    )
    today = fields.Date.context_today(template)
    invoice = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": "out_invoice",
                "partner_id": template.id,
                "journal_id": journal.id,
                "invoice_date": today - timedelta(days=40),
                "invoice_date_due": today - timedelta(days=40),
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
                ],
            }
        )
    )
    invoice.action_post()
    env.flush_all()
    if customers > 1:
        name = SQL("'AR Bench Dunning ' || g")
        env.cr.execute(
            SQL(
                """INSERT INTO res_partner (%(cols)s)
                   SELECT %(select)s FROM res_partner t, generate_series(1, %(count)s) g
                    WHERE t.id = %(id)s""",
                cols=SQL(", ").join(SQL.identifier(c) for c in table_columns(env, "res_partner")),
                select=copy_select(
                    table_columns(env, "res_partner"),
                    {
                        "name": name,
                        "complete_name": name,
                        "email": SQL("'ap' || g || '@bench.example.com'"),
                        "email_normalized": SQL("'ap' || g || '@bench.example.com'"),
                    },
                ),
                count=customers - 1,
                id=template.id,
            )
        )
        env.cr.execute(
            SQL(
                "UPDATE res_partner SET commercial_partner_id = id WHERE ref = %s AND id != %s",
                BENCH_REF,
                template.id,
            )
        )
    env.cr.execute(SQL("SELECT id FROM res_partner WHERE ref = %s ORDER BY id", BENCH_REF))
    partner_ids = [pid for (pid,) in env.cr.fetchall()]
    copies = customers * per_customer - 1
    if copies:
        # copy g goes to customer g / per_customer (the template invoice is customer 0's first)
        partner = SQL("(%s::int[])[1 + g / %s]", partner_ids, per_customer)
        due = SQL("(%s::date - (5 + mod(g, 90)))", today)
        prefix = f"{JOURNAL_CODE}/{today.year}/"
        move_columns = table_columns(env, "account_move")
        line_columns = table_columns(env, "account_move_line")
        env.cr.execute(
            SQL(
                """
                WITH m AS (
                    INSERT INTO account_move (%(move_cols)s)
                    SELECT %(move_select)s FROM account_move t, generate_series(1, %(count)s) g
                     WHERE t.id = %(template)s
                 RETURNING id, name, date, invoice_date, invoice_date_due, partner_id
                )
                INSERT INTO account_move_line (%(line_cols)s)
                SELECT %(line_select)s FROM account_move_line t, m WHERE t.move_id = %(template)s
                """,
                move_cols=SQL(", ").join(SQL.identifier(c) for c in move_columns),
                move_select=copy_select(
                    move_columns,
                    {
                        "name": SQL("%s || (g + 1)", prefix),
                        "sequence_prefix": SQL("%s", prefix),
                        "sequence_number": SQL("g + 1"),
                        "partner_id": partner,
                        "commercial_partner_id": partner,
                        "partner_shipping_id": partner,
                        "date": due,
                        "invoice_date": due,
                        "invoice_date_due": due,
                    },
                ),
                line_cols=SQL(", ").join(SQL.identifier(c) for c in line_columns),
                line_select=copy_select(
                    line_columns,
                    {
                        "move_id": SQL("m.id"),
                        "move_name": SQL("m.name"),
                        "partner_id": SQL("m.partner_id"),
                        "date": SQL("m.date"),
                        "invoice_date": SQL("m.invoice_date"),
                        "date_maturity": SQL(
                            "CASE WHEN t.date_maturity IS NULL THEN NULL ELSE m.invoice_date_due END"
                        ),
                    },
                ),
                count=copies,
                template=invoice.id,
            )
        )
    env.cr.execute("ANALYZE res_partner, account_move, account_move_line")
    env.cr.commit()  # pylint: disable=invalid-commit
    env.invalidate_all()
    return partner_ids


def ledger_customers(env, company, ref):
    """The generated customers with ``ref``, given the benchmark policy; commit. Returns their ids."""
    partners = env["res.partner"].search([("ref", "=", ref)])
    policy = env["ar.dunning.policy"].search([("name", "=", POLICY_NAME), ("company_id", "=", company.id)])
    partners.with_company(company).write({"ar_dunning_policy_id": (policy or bench_policy(env, company)).id})
    env.cr.commit()  # pylint: disable=invalid-commit
    return partners.ids


def overdue_invoices(env, company, partner_ids):
    """Posted customer invoices of ``partner_ids`` open and past due (SQL)."""
    env.cr.execute(
        SQL(
            """SELECT COUNT(*) FROM account_move WHERE company_id = %s AND move_type = 'out_invoice'
                 AND state = 'posted' AND amount_residual > 0 AND invoice_date_due < CURRENT_DATE
                 AND commercial_partner_id = ANY(%s)""",
            company.id,
            partner_ids,
        )
    )
    return env.cr.fetchone()[0]


def delete_data(env):
    """Delete every benchmark record (SQL where the ORM would be slow); commit."""
    env.cr.execute(SQL("SELECT id FROM res_partner WHERE ref = %s", BENCH_REF))
    partner_ids = [pid for (pid,) in env.cr.fetchall()]
    journals = env["account.journal"].search([("code", "=", JOURNAL_CODE)])
    policies = env["ar.dunning.policy"].with_context(active_test=False).search([("name", "=", POLICY_NAME)])
    runs = env["ar.dunning.run"]
    if partner_ids:
        env.cr.execute(
            SQL(
                "SELECT DISTINCT run_id FROM ar_dunning_communication WHERE partner_id = ANY(%s)", partner_ids
            )
        )
        runs = runs.browse([run_id for (run_id,) in env.cr.fetchall() if run_id])
        env.cr.execute(
            SQL(
                """DELETE FROM mail_activity WHERE res_model = 'res.partner' AND res_id = ANY(%(ids)s);
                   DELETE FROM mail_message WHERE model = 'res.partner' AND res_id = ANY(%(ids)s);
                   DELETE FROM mail_message WHERE model = 'ar.dunning.communication' AND res_id IN (
                       SELECT id FROM ar_dunning_communication WHERE partner_id = ANY(%(ids)s));
                   DELETE FROM ar_dunning_communication WHERE partner_id = ANY(%(ids)s);
                   DELETE FROM ar_dunning_customer WHERE partner_id = ANY(%(ids)s)""",
                ids=partner_ids,
            )
        )
    if journals:
        env.cr.execute(
            SQL(
                """DELETE FROM account_move_line WHERE journal_id = ANY(%(ids)s);
                   DELETE FROM account_move WHERE journal_id = ANY(%(ids)s)""",
                ids=journals.ids,
            )
        )
    if partner_ids:
        env.cr.execute(SQL("DELETE FROM res_partner WHERE id = ANY(%s)", partner_ids))
    env.invalidate_all()
    runs.unlink()
    journals.unlink()
    policies.level_ids.unlink()
    policies.unlink()
    env.cr.commit()  # pylint: disable=invalid-commit


# ----------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------
def rss_mb():
    """Peak resident set size of this process so far, in MB (Linux: ru_maxrss is in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def other_overdue_customers(env, company, partner_ids):
    """Whether customers other than the benchmark ones have open posted invoices."""
    env.cr.execute(
        SQL(
            """SELECT 1 FROM account_move WHERE company_id = %s AND move_type = 'out_invoice'
                 AND state = 'posted' AND amount_residual_signed > 0
                 AND NOT commercial_partner_id = ANY(%s) LIMIT 1""",
            company.id,
            partner_ids,
        )
    )
    return bool(env.cr.fetchone())


def run_dunning(env, company, partner_ids, batch_size, profile=None):
    """Create and execute the run with its real commits; ``(run, seconds, queries)``."""
    restricted = other_overdue_customers(env, company, partner_ids)
    run = (
        env["ar.dunning.run"]
        .with_company(company)
        .create(
            {
                "company_id": company.id,
                "batch_size": batch_size,
                "partner_ids": [Command.set(partner_ids)] if restricted else [],
            }
        )
    )
    env.cr.commit()  # pylint: disable=invalid-commit
    env.invalidate_all()
    queries, start = odoo.sql_db.sql_counter, time.perf_counter()
    if profile:
        import cProfile  # noqa: PLC0415

        cProfile.runctx("run.with_company(company)._execute()", globals(), locals(), profile)
    else:
        run.with_company(company)._execute()
    elapsed, queries = time.perf_counter() - start, odoo.sql_db.sql_counter - queries
    return run, restricted, elapsed, queries


def check_once(env, partner_ids):
    """``(customers with exactly one communication, with exactly one email, duplicates)``."""
    env.cr.execute(
        SQL(
            """SELECT
                 (SELECT COUNT(*) FROM (SELECT partner_id FROM ar_dunning_communication
                                         WHERE partner_id = ANY(%(ids)s) AND state = 'sent'
                                      GROUP BY partner_id HAVING COUNT(*) = 1) c),
                 (SELECT COUNT(*) FROM (SELECT c.partner_id FROM mail_mail mm
                                          JOIN mail_message msg ON msg.id = mm.mail_message_id
                                          JOIN ar_dunning_communication c ON c.id = msg.res_id
                                         WHERE msg.model = 'ar.dunning.communication'
                                           AND c.partner_id = ANY(%(ids)s)
                                      GROUP BY c.partner_id HAVING COUNT(*) = 1) e),
                 (SELECT COUNT(*) FROM (SELECT partner_id FROM ar_dunning_communication
                                         WHERE partner_id = ANY(%(ids)s)
                                      GROUP BY partner_id HAVING COUNT(*) > 1) d)
                 + (SELECT COUNT(*) FROM (SELECT c.partner_id FROM mail_mail mm
                                            JOIN mail_message msg ON msg.id = mm.mail_message_id
                                            JOIN ar_dunning_communication c ON c.id = msg.res_id
                                           WHERE msg.model = 'ar.dunning.communication'
                                             AND c.partner_id = ANY(%(ids)s)
                                        GROUP BY c.partner_id HAVING COUNT(*) > 1) d2)""",
            ids=partner_ids,
        )
    )
    return env.cr.fetchone()


HEADER = (
    "| customers | invoices | batch | communications | wall s | comms/s | peak RSS MB "
    "| SQL queries | queries/comm | one comm + one email | duplicates |"
)


def report(env, args, row, restricted):
    """The markdown report: context, table, method."""
    env.cr.execute("SHOW server_version")
    pg_version = env.cr.fetchone()[0]
    scope = "restricted to the benchmark customers" if restricted else "over the whole company"
    return "\n".join(
        [
            "# Dunning run",
            "",
            f"Database `{args.db}`, Odoo {odoo.release.version}, PostgreSQL {pg_version}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs; "
            f"{time.strftime('%Y-%m-%d %H:%M UTC')}.",
            "",
            HEADER,
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            row,
            "",
            f"Timed: `run._execute()` of a new run {scope}, one transaction committed per batch, "
            "emails queued as `mail.mail` (not sent), activities scheduled at the 45-day level. "
            "Peak RSS: `ru_maxrss` of the whole process (data set-up included).",
            "",
        ]
    )


def main(argv=None):
    """Run the benchmark; print the report and write it to ``--out``."""
    args = parse_args(argv)
    configure(args.db)
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("base.user_admin").company_id
        env = env(context={"allowed_company_ids": company.ids})
        try:
            start = time.perf_counter()
            if args.ledger_ref:
                partner_ids = ledger_customers(env, company, args.ledger_ref)
            else:
                delete_data(env)
                partner_ids = create_data(env, company, args.customers, args.invoices)
            invoices = overdue_invoices(env, company, partner_ids)
            print(
                f"{len(partner_ids)} customers, {invoices} overdue invoices "
                f"ready in {time.perf_counter() - start:.1f} s",
                flush=True,
            )
            run, restricted, elapsed, queries = run_dunning(
                env, company, partner_ids, args.batch_size, args.profile
            )
            comms = run.communication_count
            one_comm, one_mail, duplicates = check_once(env, partner_ids)
            row = (
                f"| {len(partner_ids)} | {invoices} | {args.batch_size} | {comms} "
                f"| {elapsed:.1f} | {comms / elapsed:.0f} | {rss_mb():.0f} | {queries} "
                f"| {queries / max(comms, 1):.1f} | {one_comm} / {one_mail} | {duplicates} |"
            )
            print(HEADER + "\n" + row, flush=True)
            figures = {
                "customers": len(partner_ids),
                "invoices": invoices,
                "communications": comms,
                "seconds": elapsed,
                "rss_mb": rss_mb(),
                "queries": queries,
                "duplicates": duplicates,
            }
            text = report(env, args, row, restricted)
            ok = (run.state, comms, run.sent_count, one_comm, one_mail, duplicates) == (
                "done",
                len(partner_ids),
                len(partner_ids),
                len(partner_ids),
                len(partner_ids),
                0,
            )
        finally:
            cr.rollback()
            if args.cleanup:
                delete_data(env)
    print("\n" + text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)
        print(f"written to {args.out}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=1)
    if not ok:
        print("FAILED: not every customer got exactly one communication and one email", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
