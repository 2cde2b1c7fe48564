"""Benchmark: the aging XLSX export (ar_credit_control) over many open receivable items.

Creates (once, committed) benchmark customers holding N open posted items in
all (ref ``ar-aging-bench-<N>-<i>``, made as in bench_credit_check.py: one
ORM invoice per customer copied with SQL, due dates spread over two years),
then times ``ar.aging.report.wizard._xlsx_content()`` as of today: the SQL
aggregation per customer and bucket and the workbook written by xlsxwriter
in constant-memory mode. Memory: the process's peak resident set size
(``ru_maxrss``) after the runs, its growth during them, and the peak of
Python allocations (tracemalloc) of one extra run.

Run with the Odoo virtualenv's python, Odoo's command line in AR_ODOO_ARGS
(one argument a line); tests/benchmarks/run_aging_xlsx.sh does both::

    python tests/benchmarks/bench_aging_xlsx.py --db ar_bench --items 200000 --customers 200 \
        --runs 3 --out /tmp/bench_aging_xlsx.md
"""

import argparse
import io
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_credit_check as base  # noqa: E402 (sets TZ=UTC, as setup/lib.sh runs Odoo)

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402
from odoo.tools import SQL  # noqa: E402

base.JOURNAL_CODE = "ARAG"  # a journal of its own: its copies never disturb the credit benchmark's numbering
BENCH_REF = "ar-aging-bench-%d-%%"
BUDGET_SECONDS, BUDGET_MB = 15.0, 500.0
HEADER = (
    "| open items | customers | median s | max s | peak RSS MB | RSS growth MB | "
    "Python peak MB (tracemalloc) | XLSX KB |"
)


def parse_args(argv=None):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database with ar_credit_control installed")
    parser.add_argument("--items", type=int, default=200000, help="open items in all")
    parser.add_argument("--customers", type=int, default=200, help="customers sharing the items")
    parser.add_argument("--runs", type=int, default=3, help="measured exports")
    parser.add_argument("--out", help="write the markdown report to this file")
    parser.add_argument("--cleanup", action="store_true", help="delete the benchmark customers at the end")
    args = parser.parse_args(argv)
    if args.items < 1 or args.customers < 1 or args.customers > args.items or args.runs < 1:
        parser.error("--items >= --customers >= 1 and --runs >= 1")
    return args


def bench_partners(env, items):
    """The benchmark customers of an item count."""
    return env["res.partner"].with_context(active_test=False).search([("ref", "=like", BENCH_REF % items)])


def open_count(env, partners, company):
    """Open posted receivable items of ``partners`` (SQL)."""
    env.cr.execute(
        SQL(
            """SELECT COUNT(*) FROM account_move_line aml
                 JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
                WHERE aml.partner_id = ANY(%s) AND aml.company_id = %s
                  AND aml.parent_state = 'posted' AND aml.amount_residual <> 0""",
            partners.ids,
            company.id,
        )
    )
    return env.cr.fetchone()[0]


def ensure_items(env, company, items, customers):
    """Create the benchmark customers and their items unless they are there; commit."""
    partners = bench_partners(env, items)
    if partners and (len(partners) != customers or open_count(env, partners, company) != items):
        print("  benchmark customers do not match, recreating them")
        base.delete_customers(env, partners)
        partners = partners.browse()
    if partners:
        return partners
    journal, product = base.bench_journal(env, company), base.bench_product(env, company)
    per_customer, extra = divmod(items, customers)
    templates = []
    for index in range(
        customers
    ):  # every ORM invoice first: the SQL copies' names would confuse the sequence
        partner = env["res.partner"].create(
            {
                "name": f"AR Aging Benchmark {index:04d}",
                "ref": f"ar-aging-bench-{items}-{index}",
                "is_company": True,
            }
        )
        templates.append(base.template_invoice(env, partner, company, journal, product))
        partners |= partner
    env.flush_all()
    for index, move in enumerate(templates):
        count = per_customer + (1 if index < extra else 0)
        if count > 1:
            base.insert_copies(env, move, count - 1)
    env["ar.credit.balance"]._rebuild(partners.ids)
    env.cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile")
    env.cr.commit()  # pylint: disable=invalid-commit
    print(f"  created {customers} customers with {open_count(env, partners, company)} open items")
    return partners


def delete_leftovers(env, company):
    """Delete the benchmark journal and product once no benchmark customer or item uses them; commit."""
    partners = env["res.partner"].with_context(active_test=False)
    if partners.search_count(["|", ("ref", "=like", "ar-aging-bench-%"), ("ref", "=like", "ar-bench-%")]):
        return
    journal = env["account.journal"].search(
        [("code", "=", base.JOURNAL_CODE), ("company_id", "=", company.id)]
    )
    if journal and not env["account.move"].search_count([("journal_id", "=", journal.id)]):
        journal.unlink()
    product = (
        env["product.product"]
        .with_context(active_test=False)
        .search([("default_code", "=", base.PRODUCT_CODE)])
    )
    used = env["account.move.line"].search_count([("product_id", "in", product.ids)]) or env[
        "sale.order.line"
    ].search_count([("product_id", "in", product.ids)])
    if product and not used:
        product.product_tmpl_id.unlink()
    env.cr.commit()  # pylint: disable=invalid-commit


def rss_mb():
    """Peak resident set size of the process so far, MB (Linux: ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(env, runs):
    """Time ``runs`` exports; ``(seconds list, rss growth MB, peak rss MB, python peak MB, size KB)``."""
    wizard = env["ar.aging.report.wizard"].create({"date": fields.Date.context_today(env.user)})
    start_rss, times, content = rss_mb(), [], b""
    for _run in range(runs):
        start = time.perf_counter()
        content = wizard._xlsx_content()
        times.append(time.perf_counter() - start)
    peak_rss = rss_mb()
    tracemalloc.start()
    wizard._xlsx_content()
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    check_workbook(content)
    env.cr.rollback()
    return times, peak_rss - start_rss, peak_rss, python_peak, len(content) / 1024


def check_workbook(content):
    """The workbook opens and its totals row adds up (openpyxl)."""
    import openpyxl  # noqa: PLC0415 (only needed here)

    rows = list(
        openpyxl.load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
    )
    body, total = rows[3:-1], rows[-1]
    if abs(sum(row[-1] for row in body) - total[-1]) > 0.01 * max(1, len(body)):
        raise SystemExit("the totals row of the workbook does not add up")


def report(env, args, row):
    """The markdown report."""
    env.cr.execute("SHOW server_version")
    return "\n".join(
        [
            "# Aging XLSX export",
            "",
            f"Database `{args.db}`, Odoo {odoo.release.version}, PostgreSQL {env.cr.fetchone()[0]}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs; {args.runs} measured runs; "
            f"{time.strftime('%Y-%m-%d %H:%M UTC')}. Budget {BUDGET_SECONDS:g} s / {BUDGET_MB:g} MB "
            "(aim 5 s / 300 MB).",
            "",
            HEADER,
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            row,
            "",
            "Timed: `ar.aging.report.wizard._xlsx_content()` as of today (aging rebuilt from the "
            "reconciliations, grouped per customer and bucket in SQL, workbook in constant-memory mode). "
            "Peak RSS: the whole Odoo process (`ru_maxrss`), including the loaded registry.",
            "",
        ]
    )


def main(argv=None):
    """Run the benchmark; print the report and write it to ``--out``."""
    args = parse_args(argv)
    base.configure(args.db)
    registry = Registry(args.db)
    with registry.cursor() as cr:
        admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin")
        env = api.Environment(cr, admin.id, {"allowed_company_ids": [base.main_company(admin.env).id]})
        try:
            print(f"{args.items} open items over {args.customers} customers:")
            ensure_items(env(su=True), env.company, args.items, args.customers)
            times, growth, peak, python_peak, size = measure(env, args.runs)
            row = (
                f"| {args.items} | {args.customers} | {statistics.median(times):.2f} | {max(times):.2f} "
                f"| {peak:.0f} | {growth:.0f} | {python_peak:.1f} | {size:.0f} |"
            )
            text = report(env, args, row)
        finally:
            cr.rollback()
            if args.cleanup:
                sudo_env = env(su=True)
                base.delete_customers(sudo_env, bench_partners(sudo_env, args.items))
                delete_leftovers(sudo_env, env.company.sudo())
            cr.commit()  # pylint: disable=invalid-commit
    print("\n" + text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
