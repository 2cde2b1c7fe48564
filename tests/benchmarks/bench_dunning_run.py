"""Benchmark: communications built and emails queued per second by the dunning run (ar_dunning).

Creates ``AR_BENCH_CUSTOMERS`` customers (default 300) with ``AR_BENCH_INVOICES``
overdue invoices each (default 2) in the main company, runs the dunning over
them (first level: an email), prints the throughput and the queries per
communication, then rolls everything back. Run it in an Odoo shell on a
database with ``ar_dunning`` and its demo data::

    AR_BENCH_CUSTOMERS=1000 python -m odoo shell -d ar_bench --no-http < tests/benchmarks/bench_dunning_run.py

Budget (DESIGN.md): 10,000 customers / 100,000 invoices under 60 s, i.e. at
least about 170 communications per second.
"""

import os
import time
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields

from odoo.addons.ar_dunning.models.ar_dunning_run import ArDunningRun

customers = int(os.environ.get("AR_BENCH_CUSTOMERS", "300"))
per_customer = int(os.environ.get("AR_BENCH_INVOICES", "2"))
env = env(user=1)  # noqa: F821 - provided by odoo shell
company = env.ref("base.main_company")
today = fields.Date.context_today(env.user)
partners = env["res.partner"].create(
    [
        {"name": f"Bench {i}", "is_company": True, "email": f"ap{i}@bench.example.com"}
        for i in range(customers)
    ]
)
moves = env["account.move"].create(
    [
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": today - timedelta(days=40),
            "invoice_date_due": today - timedelta(days=10 + index),
            "invoice_line_ids": [
                Command.create({"name": "Goods", "quantity": 1, "price_unit": 100, "tax_ids": []})
            ],
        }
        for partner in partners
        for index in range(per_customer)
    ]
)
moves.action_post()
env.flush_all()
run = env["ar.dunning.run"].create(
    {"company_id": company.id, "date": today, "partner_ids": [Command.set(partners.ids)]}
)
queries = env.cr.sql_log_count
start = time.perf_counter()
with patch.object(ArDunningRun, "_commit", lambda run: None):
    run._execute()
env.flush_all()
elapsed = time.perf_counter() - start
count = max(run.communication_count, 1)
print(
    f"customers={customers} invoices={len(moves)} communications={run.communication_count} "
    f"sent={run.sent_count} time={elapsed:.2f}s rate={run.communication_count / elapsed:.0f}/s "
    f"queries/communication={(env.cr.sql_log_count - queries) / count:.1f}"
)
env.cr.rollback()
