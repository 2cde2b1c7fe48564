"""Benchmark: the credit check's cost in ``sale.order.action_confirm`` (ar_credit_control).

For customers with N open posted receivable items, times the confirmation of a
fresh one-line quotation with the company's credit check off (the baseline:
the check is skipped entirely) and in block mode, interleaved (off, block,
off, block...) to cancel drift.  Each measured confirmation is rolled back, so
the database stays the same from run to run.

Run with the Odoo virtualenv's python, Odoo's command line in the environment
variable AR_ODOO_ARGS (one argument a line, as setup/test.sh exports it);
tests/benchmarks/run_credit_check.sh does both::

    python tests/benchmarks/bench_credit_check.py --db ar_bench --items 100,10000,50000 \
        --runs 20 --out /tmp/bench_credit_check.md

Benchmark customers (ref ``ar-bench-<N>``) are created once and committed:
one posted invoice made through the ORM is the template, its N-1 copies are
inserted with SQL into a journal of their own (code ARBN), all open, due on
dates spread over the past two years.  ``--cleanup`` deletes them at the end.
During the run the company's overdue tolerance is raised to 100,000 days, so
the check passes (the measured path is the usual one of a customer within
policy); the company's settings are restored at the end.
"""

import argparse
import math
import os
import platform
import statistics
import sys
import time
from datetime import timedelta

os.environ["TZ"] = "UTC"  # as setup/lib.sh runs Odoo
time.tzset()

import odoo  # noqa: E402
import odoo.sql_db  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402
from odoo.tools import SQL  # noqa: E402

MODES = ("off", "block")
BENCH_REF = "ar-bench-%d"
JOURNAL_CODE = "ARBN"
PRODUCT_CODE = "AR-BENCH"
CREDIT_LIMIT = 10**12
TOLERANCE_DAYS = 100000
MOVE_AMOUNT_PREFIX = "amount_"
LINE_AMOUNT_COLUMNS = {
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
    "price_unit",
    "price_subtotal",
    "price_total",
}
#: the copies' amounts: the template's times 1.0 ... 1.6
FACTOR = SQL("(1 + mod(g, 7) / 10.0)")


# ----------------------------------------------------------------------
# Set-up
# ----------------------------------------------------------------------
def parse_args(argv=None):
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="database with ar_credit_control installed")
    parser.add_argument("--items", default="100,10000,50000", help="open item counts, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="measured confirmations per mode")
    parser.add_argument("--warmup", type=int, default=2, help="confirmations per mode not counted")
    parser.add_argument("--out", help="write the markdown report to this file")
    parser.add_argument("--cleanup", action="store_true", help="delete the benchmark customers at the end")
    args = parser.parse_args(argv)
    args.items = [int(item) for item in args.items.split(",") if item.strip()]
    if not args.items or min(args.items) < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--items must be positive counts, --runs at least 1, --warmup not negative")
    return args


def configure(db):
    """Configure Odoo as a library from AR_ODOO_ARGS (addons path, database access)."""
    odoo_args = [arg for arg in os.environ.get("AR_ODOO_ARGS", "").splitlines() if arg.strip()]
    odoo.tools.config.parse_config(["--log-level=warn", *odoo_args, "-d", db], setup_logging=True)


def main_company(env):
    """The admin user's company, the one the confirmations run in."""
    return env.ref("base.user_admin").company_id


def bench_product(env, company):
    """A product without taxes for the invoices and quotations (created once)."""
    product = env["product.product"].search([("default_code", "=", PRODUCT_CODE)], limit=1)
    if not product:
        product = env["product.product"].create(
            {
                "name": "AR Benchmark Item",
                "default_code": PRODUCT_CODE,
                "type": "consu",
                "list_price": 100.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
    return product


def bench_journal(env, company):
    """A sales journal of its own, so the SQL copies never disturb real invoice numbering."""
    journal = env["account.journal"].search(
        [("code", "=", JOURNAL_CODE), ("company_id", "=", company.id)], limit=1
    )
    if not journal:
        sales = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        journal = env["account.journal"].create(
            {
                "name": "AR Benchmark Invoices",
                "code": JOURNAL_CODE,
                "type": "sale",
                "sequence": 999,  # never the default sales journal
                "company_id": company.id,
                "default_account_id": sales.default_account_id.id,
            }
        )
    return journal


# ----------------------------------------------------------------------
# Benchmark customers and their open items
# ----------------------------------------------------------------------
def open_items(env, partner, company):
    """Count and residual sum of the partner's open posted receivable items (SQL)."""
    env.cr.execute(
        SQL(
            """SELECT COUNT(*), COALESCE(SUM(aml.amount_residual), 0)
                 FROM account_move_line aml
                 JOIN account_account acc ON acc.id = aml.account_id
                                         AND acc.account_type = 'asset_receivable'
                WHERE aml.partner_id = %s AND aml.company_id = %s
                  AND aml.parent_state = 'posted' AND aml.amount_residual > 0""",
            partner.id,
            company.id,
        )
    )
    count, total = env.cr.fetchone()
    return count, float(total)


def stored_balance(env, partner, company):
    """The receivable kept in ar_credit_balance for the partner."""
    env.cr.execute(
        SQL(
            "SELECT receivable FROM ar_credit_balance WHERE partner_id = %s AND company_id = %s",
            partner.id,
            company.id,
        )
    )
    row = env.cr.fetchone()
    return float(row[0]) if row else 0.0


def template_invoice(env, partner, company, journal, product):
    """One posted customer invoice made through the ORM, no tax, 100.00."""
    move = (
        env["account.move"]
        .with_company(company)
        .create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "journal_id": journal.id,
                "invoice_date": fields.Date.context_today(partner) - timedelta(days=10),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Benchmark item",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
    )
    move.action_post()
    return move


def table_columns(env, table):
    """Column names of ``table`` in the current schema."""
    env.cr.execute(
        SQL(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = %s
             ORDER BY ordinal_position""",
            table,
        )
    )
    return [name for (name,) in env.cr.fetchall() if name != "id"]


def copy_select(columns, overrides, scaled, digits):
    """The SELECT list copying template row ``t`` with per-copy overrides and scaled amounts."""
    items = []
    for name in columns:
        if name in overrides:
            items.append(overrides[name])
        elif name in scaled:
            items.append(SQL("round(t.%s * %s, %s)", SQL.identifier(name), FACTOR, digits))
        else:
            items.append(SQL("t.%s", SQL.identifier(name)))
    return SQL(", ").join(items)


def insert_copies(env, move, count):
    """Insert ``count`` copies of the posted ``move`` with all its lines, with plain SQL.

    Copy g is named ARBN/B<partner>/<g>, dated and due 1 to 700 days ago, its
    amounts the template's times 1.0 to 1.6; every column not overridden is
    the template's, so every NOT NULL column is filled.
    """
    move_columns, line_columns = table_columns(env, "account_move"), table_columns(env, "account_move_line")
    due = SQL("(%s::date - (1 + mod(g, 700)))", fields.Date.context_today(move))
    move_overrides = {
        "name": SQL("%s || g", f"{JOURNAL_CODE}/B{move.partner_id.id}/"),
        "sequence_prefix": SQL("%s", f"{JOURNAL_CODE}/B{move.partner_id.id}/"),
        "sequence_number": SQL("g"),
        "date": due,
        "invoice_date": due,
        "invoice_date_due": due,
    }
    line_overrides = {
        "move_id": SQL("m.id"),
        "move_name": SQL("m.name"),
        "date": SQL("m.date"),
        "invoice_date": SQL("m.invoice_date"),
        "date_maturity": SQL("CASE WHEN t.date_maturity IS NULL THEN NULL ELSE m.invoice_date_due END"),
    }
    move_scaled = {name for name in move_columns if name.startswith(MOVE_AMOUNT_PREFIX)}
    digits = move.company_id.currency_id.decimal_places
    env.cr.execute(
        SQL(
            """
            WITH m AS (
                INSERT INTO account_move (%(move_cols)s)
                SELECT %(move_select)s FROM account_move t, generate_series(1, %(count)s) g
                 WHERE t.id = %(template)s
             RETURNING id, name, date, invoice_date, invoice_date_due, sequence_number AS g
            )
            INSERT INTO account_move_line (%(line_cols)s)
            SELECT %(line_select)s FROM account_move_line t, m WHERE t.move_id = %(template)s
            """,
            move_cols=SQL(", ").join(SQL.identifier(name) for name in move_columns),
            move_select=copy_select(move_columns, move_overrides, move_scaled, digits),
            line_cols=SQL(", ").join(SQL.identifier(name) for name in line_columns),
            line_select=copy_select(line_columns, line_overrides, LINE_AMOUNT_COLUMNS, digits),
            count=count,
            template=move.id,
        )
    )


def create_customer(env, company, count):
    """Create the benchmark customer with ``count`` open items; commit."""
    partner = (
        env["res.partner"]
        .with_company(company)
        .create(
            {
                "name": f"AR Benchmark Customer ({count} open items)",
                "ref": BENCH_REF % count,
                "is_company": True,
                "credit_limit": CREDIT_LIMIT,
            }
        )
    )
    journal, product = bench_journal(env, company), bench_product(env, company)
    move = template_invoice(env, partner, company, journal, product)
    env.flush_all()
    if count > 1:
        insert_copies(env, move, count - 1)
    via_trigger = stored_balance(env, partner, company)
    env["ar.credit.balance"]._rebuild([partner.id])
    env.cr.execute("ANALYZE account_move, account_move_line, ar_credit_balance")
    env.cr.commit()  # pylint: disable=invalid-commit
    env.invalidate_all()
    print(f"  created {count} open items (balance kept by the trigger: {via_trigger:.2f})")
    return partner


def ensure_customer(env, company, count):
    """Reuse the benchmark customer for ``count`` items, or (re)create it; verify its balance."""
    partner = env["res.partner"].search([("ref", "=", BENCH_REF % count)], limit=1)
    if partner and open_items(env, partner, company)[0] != count:
        print(f"  {partner.name}: wrong item count, recreating it")
        delete_customers(env, partner)
        partner = partner.browse()
    if not partner:
        partner = create_customer(env, company, count)
    items, total = open_items(env, partner, company)
    balance = stored_balance(env, partner, company)
    print(
        f"  {partner.name} (id {partner.id}): {items} open items; SQL sum of their residuals "
        f"{total:.2f}, ar_credit_balance.receivable {balance:.2f}"
    )
    if items != count or abs(balance - total) > 0.005:
        raise SystemExit(f"ar_credit_balance does not match the journal items of {partner.name}")
    return partner


def delete_customers(env, partners):
    """Delete benchmark customers with their moves (SQL), rebuild their balances; commit."""
    if not partners:
        return
    env.cr.execute(
        SQL(
            "SELECT DISTINCT move_id FROM account_move_line WHERE partner_id = ANY(%s)",
            partners.ids,
        )
    )
    move_ids = [move_id for (move_id,) in env.cr.fetchall()]
    env.cr.execute(SQL("DELETE FROM account_move_line WHERE move_id = ANY(%s)", move_ids))
    env.cr.execute(SQL("DELETE FROM account_move WHERE id = ANY(%s)", move_ids))
    orders = env["sale.order"].with_context(active_test=False).search([("partner_id", "in", partners.ids)])
    orders.filtered(lambda o: o.state not in ("draft", "cancel"))._action_cancel()
    orders.unlink()
    ids = partners.ids
    env.invalidate_all()
    partners.unlink()
    env["ar.credit.balance"]._rebuild(ids)
    env.cr.commit()  # pylint: disable=invalid-commit


def delete_leftovers(env, company):
    """Delete the benchmark journal and product once no benchmark customer uses them; commit."""
    if env["res.partner"].with_context(active_test=False).search_count([("ref", "=like", "ar-bench-%")]):
        return
    journal = env["account.journal"].search([("code", "=", JOURNAL_CODE), ("company_id", "=", company.id)])
    if journal and not env["account.move"].search_count([("journal_id", "=", journal.id)]):
        journal.unlink()
    product = (
        env["product.product"].with_context(active_test=False).search([("default_code", "=", PRODUCT_CODE)])
    )
    if product and not env["sale.order.line"].search_count([("product_id", "in", product.ids)]):
        product.product_tmpl_id.unlink()
    env.cr.commit()  # pylint: disable=invalid-commit


# ----------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------
def set_mode(env, company, mode):
    """Set the company's credit check mode (committed with the next quotation)."""
    env.cr.execute(SQL("UPDATE res_company SET ar_credit_check_mode = %s WHERE id = %s", mode, company.id))
    company.invalidate_recordset(["ar_credit_check_mode"])


def confirm_once(env, partner, product, mode):
    """Commit a fresh quotation, time its confirmation, roll back.

    Returns ``(order id, seconds, queries)`` of ``action_confirm(); flush_all()``.
    """
    set_mode(env, env.company, mode)
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": 1,
                        "price_unit": 100.0,
                        "tax_id": [Command.clear()],
                    }
                )
            ],
        }
    )
    env.cr.commit()  # pylint: disable=invalid-commit
    queries, start = odoo.sql_db.sql_counter, time.perf_counter()
    order.action_confirm()
    env.flush_all()
    elapsed, queries = time.perf_counter() - start, odoo.sql_db.sql_counter - queries
    state, check = order.state, order.credit_check_state
    env.cr.rollback()
    if state != "sale" or check != ("ok" if mode == "block" else False):
        raise SystemExit(f"confirmation in mode {mode} ended as {state}/{check}")
    return order.id, elapsed, queries


def percentile(values, fraction):
    """Nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def measure(env, partner, runs, warmup):
    """Interleaved confirmations (off, block, ...); ``{mode: (median ms, p90 ms, queries)}``."""
    product = bench_product(env, env.company)
    times, queries, order_ids = {m: [] for m in MODES}, {m: [] for m in MODES}, []
    for index in range(warmup + runs):
        for mode in MODES:
            order_id, elapsed, count = confirm_once(env, partner, product, mode)
            order_ids.append(order_id)
            if index >= warmup:
                times[mode].append(elapsed * 1000)
                queries[mode].append(count)
    env["sale.order"].browse(order_ids).unlink()  # the quotations left behind by the rollbacks
    env.cr.commit()  # pylint: disable=invalid-commit
    return {
        mode: (statistics.median(times[mode]), percentile(times[mode], 0.9), statistics.median(queries[mode]))
        for mode in MODES
    }


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
HEADER = (
    "| items | plain (check off) median ms | plain p90 ms | check (block) median ms | check p90 ms "
    "| overhead % | queries off | queries block |"
)


def table_row(count, result):
    """One markdown row of the report."""
    off_median, off_p90, off_queries = result["off"]
    on_median, on_p90, on_queries = result["block"]
    overhead = (on_median - off_median) / off_median * 100
    return (
        f"| {count} | {off_median:.2f} | {off_p90:.2f} | {on_median:.2f} | {on_p90:.2f} "
        f"| {overhead:+.1f} | {off_queries:g} | {on_queries:g} |"
    )


def report(env, args, rows):
    """The markdown report: context, table, method."""
    env.cr.execute("SHOW server_version")
    pg_version = env.cr.fetchone()[0]
    return "\n".join(
        [
            "# Credit check at sale order confirmation",
            "",
            f"Database `{args.db}`, Odoo {odoo.release.version}, PostgreSQL {pg_version}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs; {args.runs} measured runs per "
            f"mode after {args.warmup} warm-up runs, interleaved; {time.strftime('%Y-%m-%d %H:%M UTC')}.",
            "",
            HEADER,
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "Timed: `order.action_confirm(); env.flush_all()` of a committed one-line quotation "
            "(no tax) as admin, then rolled back. Plain: `ar_credit_check_mode = 'off'` (the check "
            "is skipped); check: `'block'`, within policy (credit limit 10^12, overdue tolerance "
            f"{TOLERANCE_DAYS} days during the run). Queries: SQL statements of one confirmation (median).",
            "",
        ]
    )


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
def company_settings(company):
    """The company settings the benchmark changes."""
    return {
        "ar_credit_check_mode": company.ar_credit_check_mode,
        "ar_credit_overdue_tolerance_days": company.ar_credit_overdue_tolerance_days,
    }


def run(env, args):
    """Prepare the customers (as the system) and measure each item count (as ``env``'s user)."""
    rows = []
    for count in args.items:
        print(f"{count} open items:")
        partner = ensure_customer(env(su=True), env.company, count).with_env(env)
        result = measure(env, partner, args.runs, args.warmup)
        rows.append(table_row(count, result))
        print(HEADER + "\n" + rows[-1], flush=True)
    return report(env, args, rows)


def main(argv=None):
    """Run the benchmark; print the report and write it to ``--out``."""
    args = parse_args(argv)
    configure(args.db)
    registry = Registry(args.db)
    with registry.cursor() as cr:
        admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin")
        env = api.Environment(cr, admin.id, {"allowed_company_ids": [main_company(admin.env).id]})
        company = env.company.sudo()
        saved = company_settings(company)
        try:
            company.write({"ar_credit_overdue_tolerance_days": TOLERANCE_DAYS})
            cr.commit()  # pylint: disable=invalid-commit
            text = run(env, args)
        finally:
            cr.rollback()
            company.write(saved)
            if args.cleanup:
                sudo_env = env(su=True)
                refs = [BENCH_REF % count for count in args.items]
                delete_customers(sudo_env, sudo_env["res.partner"].search([("ref", "in", refs)]))
                delete_leftovers(sudo_env, company)
            cr.commit()  # pylint: disable=invalid-commit
    print("\n" + text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
