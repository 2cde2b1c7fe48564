"""Benchmark: the OCA credit control run (account_credit_control 18.0) on the generated ledger.

The peer of bench_dunning_run.py for the side-by-side comparison
(tests/benchmarks/compare.py): on a database with the OCA module and the ledger
of bench_generate.py, a policy like ours (an email at 5 days, a second email
at 45 days, both by a copy of the module's email template without its PDF
attachment, as our levels send none) becomes the company's
default, then a run of today generates its credit control lines, marks them
ready and runs the email channel, which builds the communications and queues
their emails (``mail.mail``, never sent): what our run does in
``ar.dunning.run._execute``.  Reports wall time, peak RSS and SQL queries.

    python tests/benchmarks/bench_oca_dunning.py --db arcmp_oca --json /tmp/oca.json
"""

import argparse
import json
import resource
import sys
import time

import datagen

import odoo.sql_db
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

LEVELS = ((1, 5, "First reminder"), (2, 45, "Second reminder"))


def parse_args(argv=None):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database with account_credit_control and the ledger")
    parser.add_argument("--json", help="write the figures as JSON to this file")
    return parser.parse_args(argv)


def receivable_accounts(env, company):
    """The receivable accounts of the company's posted customer invoices."""
    env.cr.execute(
        SQL(
            """SELECT DISTINCT aml.account_id FROM account_move_line aml
                 JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
                WHERE aml.company_id = %s""",
            company.id,
        )
    )
    return [account_id for (account_id,) in env.cr.fetchall()]


def make_policy(env, company):
    """A policy like the one our benchmark uses, the company's default; committed."""
    # like our benchmark's levels: the email without a PDF attached (rendering PDFs is another benchmark)
    template = env.ref("account_credit_control.email_template_credit_control_base").copy(
        {"name": "AR Benchmark reminder (OCA)", "report_template_ids": [Command.clear()]}
    )
    policy = env["credit.control.policy"].create(
        {
            "name": "AR Benchmark (OCA)",
            "company_id": company.id,
            "account_ids": [Command.set(receivable_accounts(env, company))],
        }
    )
    for level, days, name in LEVELS:
        env["credit.control.policy.level"].create(
            {
                "policy_id": policy.id,
                "name": name,
                "level": level,
                "computation_mode": "net_days",
                "delay_days": days,
                "email_template_id": template.id,
                "channel": "email",
                "custom_text": name,
                "custom_mail_text": f"<p>{name}</p>",
            }
        )
    company.credit_policy_id = policy
    env.cr.commit()  # pylint: disable=invalid-commit
    return policy


def counts(env):
    """(communications, customers reached, queued mails, credit lines, customers with two or more)."""
    env.cr.execute(
        """SELECT (SELECT COUNT(*) FROM credit_control_communication),
                  (SELECT COUNT(DISTINCT partner_id) FROM credit_control_communication),
                  (SELECT COUNT(*) FROM mail_mail mm JOIN mail_message msg ON msg.id = mm.mail_message_id
                    WHERE msg.model = 'credit.control.communication'),
                  (SELECT COUNT(*) FROM credit_control_line),
                  (SELECT COUNT(*) FROM (SELECT partner_id FROM credit_control_communication
                                      GROUP BY partner_id HAVING COUNT(*) > 1) d)"""
    )
    return env.cr.fetchone()


def main(argv=None):
    """Run the OCA credit control run once; print and write the figures."""
    args = parse_args(argv)
    datagen.configure(args.db)
    with Registry(args.db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.ref("base.user_admin").company_id
        env = env(context={"allowed_company_ids": company.ids})
        policy = make_policy(env, company)
        queries, start = odoo.sql_db.sql_counter, time.perf_counter()
        run = env["credit.control.run"].create(
            {"date": fields.Date.today(), "policy_ids": [Command.set(policy.ids)]}
        )
        run.generate_credit_lines()
        run.set_to_ready_lines()
        run.run_channel_action()
        env.flush_all()
        cr.commit()  # pylint: disable=invalid-commit
        elapsed, queries = time.perf_counter() - start, odoo.sql_db.sql_counter - queries
        comms, reached, mails, lines, several = counts(env)
    figures = {
        "communications": comms,
        "customers": reached,
        "mails": mails,
        "credit_lines": lines,
        "several_per_customer": several,
        "seconds": elapsed,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "queries": queries,
    }
    print(json.dumps(figures))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
