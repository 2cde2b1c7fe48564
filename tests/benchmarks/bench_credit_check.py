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
During the run the company's overdue tolerance is raised to 3,660 days (the largest day count
the input bounds accept; the invoices are at most 700 days overdue), so
the check passes (the measured path is the usual one of a customer within
policy); the company's settings are restored at the end.
"""

import argparse
import contextlib
import json
import math
import os
import platform
import statistics
import sys
import time
from datetime import timedelta

os.environ["TZ"] = "UTC"  # as setup/lib.sh runs Odoo
time.tzset()

from datagen import configure, table_columns  # noqa: E402

import odoo  # noqa: E402
import odoo.sql_db  # noqa: E402
from odoo import SUPERUSER_ID, Command, api, fields  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402
from odoo.tools import SQL  # noqa: E402

BENCH_REF = "ar-bench-%d"
JOURNAL_CODE = "ARBN"
PRODUCT_CODE = "AR-BENCH"
CREDIT_LIMIT = 10**12
TOLERANCE_DAYS = 3660
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
    parser.add_argument(
        "--db",
        required=True,
        action="append",
        help="database to measure (repeat it to compare databases side by side, interleaved)",
    )
    parser.add_argument("--items", default="100,10000,50000", help="open item counts, comma-separated")
    parser.add_argument("--runs", type=int, default=20, help="measured confirmations per mode")
    parser.add_argument("--warmup", type=int, default=2, help="confirmations per mode not counted")
    parser.add_argument("--out", help="write the markdown report to this file")
    parser.add_argument("--json", help="write the medians as JSON to this file")
    parser.add_argument("--cleanup", action="store_true", help="delete the benchmark customers at the end")
    args = parser.parse_args(argv)
    args.items = [int(item) for item in args.items.split(",") if item.strip()]
    if not args.items or min(args.items) < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--items must be positive counts, --runs at least 1, --warmup not negative")
    return args


def flavour(env):
    """What the database runs: 'ours' (ar_credit_control), 'oca' (sale_financial_risk) or 'plain'."""
    env.cr.execute(
        "SELECT name FROM ir_module_module WHERE state = 'installed' "
        "AND name IN ('ar_credit_control', 'sale_financial_risk')"
    )
    installed = {name for (name,) in env.cr.fetchall()}
    if "ar_credit_control" in installed:
        return "ours"
    return "oca" if "sale_financial_risk" in installed else "plain"


#: partner values that make each kind of database check the credit of the benchmark customers
FLAVOUR_PARTNER_VALS = {
    "ours": {},
    "plain": {},
    "oca": {
        "risk_sale_order_include": True,
        "risk_invoice_open_include": True,
        "risk_invoice_unpaid_include": True,
    },
}

#: the modes measured in each kind of database
FLAVOUR_MODES = {"ours": ("off", "block"), "oca": ("oca",), "plain": ("plain",)}


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

    Copy g is named ARBN/B<partner, six digits>/<g> (the zero padding keeps a
    partner id such as 7 or 2007 from reading as a year to Odoo's sequence
    parser, which would then refuse the next invoice's date), dated and due 1 to 700 days ago, its
    amounts the template's times 1.0 to 1.6; every column not overridden is
    the template's, so every NOT NULL column is filled.
    """
    move_columns, line_columns = table_columns(env, "account_move"), table_columns(env, "account_move_line")
    due = SQL("(%s::date - (1 + mod(g, 700)))", fields.Date.context_today(move))
    move_overrides = {
        "name": SQL("%s || g", f"{JOURNAL_CODE}/B{move.partner_id.id:06d}/"),
        "sequence_prefix": SQL("%s", f"{JOURNAL_CODE}/B{move.partner_id.id:06d}/"),
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
                **FLAVOUR_PARTNER_VALS[flavour(env)],
            }
        )
    )
    journal, product = bench_journal(env, company), bench_product(env, company)
    move = template_invoice(env, partner, company, journal, product)
    env.flush_all()
    if count > 1:
        insert_copies(env, move, count - 1)
    if flavour(env) == "ours":
        print(f"  balance kept by the trigger: {stored_balance(env, partner, company):.2f}")
        env["ar.credit.balance"]._rebuild([partner.id])
    env.cr.execute("ANALYZE account_move, account_move_line")
    env.cr.commit()  # pylint: disable=invalid-commit
    env.invalidate_all()
    print(f"  created {count} open items")
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
    print(f"  {env.cr.dbname}: {partner.name} (id {partner.id}): {items} open items, residuals {total:.2f}")
    if items != count:
        raise SystemExit(f"{partner.name} has {items} open items instead of {count}")
    if flavour(env) == "ours" and abs(stored_balance(env, partner, company) - total) > 0.005:
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
    if flavour(env) == "ours":
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
    """Set the company's credit check mode in our databases (committed with the next quotation)."""
    if mode in ("off", "block"):
        env.cr.execute(
            SQL("UPDATE res_company SET ar_credit_check_mode = %s WHERE id = %s", mode, company.id)
        )
        company.invalidate_recordset(["ar_credit_check_mode"])


def expected_check(mode):
    """The credit check state a confirmed order ends with in ``mode``."""
    return "ok" if mode == "block" else False


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
    state = order.state
    check = order.credit_check_state if mode in ("off", "block") else False
    env.cr.rollback()
    if state != "sale" or check != expected_check(mode):
        raise SystemExit(f"confirmation in mode {mode} ended as {state}/{check}")
    return order.id, elapsed, queries


def percentile(values, fraction):
    """Nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def measure(targets, runs, warmup):
    """Interleaved confirmations over ``targets`` [(env, partner, mode)].

    Returns ``{mode: (median, p90, queries)}``.
    """
    times, queries, orders = {}, {}, {}
    products = {env.cr.dbname: bench_product(env, env.company) for env, _partner, _mode in targets}
    for index in range(warmup + runs):
        for env, partner, mode in targets:
            order_id, elapsed, count = confirm_once(env, partner, products[env.cr.dbname], mode)
            orders.setdefault(env, []).append(order_id)
            if index >= warmup:
                times.setdefault(mode, []).append(elapsed * 1000)
                queries.setdefault(mode, []).append(count)
    for env, order_ids in orders.items():
        env["sale.order"].browse(order_ids).unlink()  # the quotations left behind by the rollbacks
        env.cr.commit()  # pylint: disable=invalid-commit
    return {
        mode: (statistics.median(times[mode]), percentile(times[mode], 0.9), statistics.median(queries[mode]))
        for mode in times
    }


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
MODE_LABELS = {
    "plain": "plain Odoo",
    "off": "ours, check off",
    "block": "ours, block",
    "oca": "OCA sale_financial_risk",
}


def baseline(result):
    """The mode the overheads are measured against: plain Odoo when measured, else ours with the check off."""
    return "plain" if "plain" in result else "off"


def table_rows(count, result):
    """Markdown rows of one item count: a row per mode, overhead against the baseline."""
    base = result[baseline(result)][0]
    rows = []
    for mode in MODE_LABELS:
        if mode in result:
            median, p90, queries = result[mode]
            overhead = (median - base) / base * 100
            rows.append(
                f"| {count} | {MODE_LABELS[mode]} | {median:.2f} | {p90:.2f} | {overhead:+.1f} "
                f"| {median / base:.2f} | {queries:g} |"
            )
    return rows


HEADER = "| items | confirmation | median ms | p90 ms | overhead % | ratio to baseline | queries |"


def report(args, versions, rows, base_label):
    """The markdown report: context, table, method."""
    return "\n".join(
        [
            "# Credit check at sale order confirmation",
            "",
            f"Databases {', '.join(f'`{db}`' for db in args.db)}, Odoo {odoo.release.version}, {versions}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs; {args.runs} measured runs per "
            f"mode after {args.warmup} warm-up runs, interleaved across the databases in one process; "
            f"{time.strftime('%Y-%m-%d %H:%M UTC')}.",
            "",
            HEADER,
            "|---:|---|---:|---:|---:|---:|---:|",
            *rows,
            "",
            "Timed: `order.action_confirm(); env.flush_all()` of a committed one-line quotation "
            "(no tax) as admin, then rolled back. Overhead and ratio against "
            f"{base_label}. Ours: `ar_credit_check_mode` 'off' (check skipped) or 'block', within policy "
            f"(credit limit 10^12, overdue tolerance {TOLERANCE_DAYS} days during the run). OCA: "
            "sale_financial_risk with orders, open and unpaid invoices counted and the same limit. "
            "Queries: SQL statements of one confirmation (median).",
            "",
        ]
    )


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
def company_settings(company):
    """The company settings the benchmark changes (our databases)."""
    if "ar_credit_check_mode" not in company:
        return {}
    return {
        "ar_credit_check_mode": company.ar_credit_check_mode,
        "ar_credit_overdue_tolerance_days": company.ar_credit_overdue_tolerance_days,
    }


def run(envs, args):
    """Prepare the customers (as the system) and measure each item count; (rows, {count: result})."""
    rows, results = [], {}
    for count in args.items:
        print(f"{count} open items:")
        targets = []
        for env in envs:
            partner = ensure_customer(env(su=True), env.company, count).with_env(env)
            targets += [(env, partner, mode) for mode in FLAVOUR_MODES[flavour(env)]]
        results[count] = measure(targets, args.runs, args.warmup)
        rows += table_rows(count, results[count])
        print("\n".join([HEADER, *rows[-len(results[count]) :]]), flush=True)
    return rows, results


def open_env(registry, stack):
    """An environment of the database's admin in its main company, on a cursor closed by ``stack``."""
    cr = stack.enter_context(registry.cursor())
    admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin")
    return api.Environment(cr, admin.id, {"allowed_company_ids": [main_company(admin.env).id]})


def main(argv=None):
    """Run the benchmark; print the report and write it to ``--out`` (and ``--json``)."""
    args = parse_args(argv)
    configure(args.db[0])
    with contextlib.ExitStack() as stack:
        envs = [open_env(Registry(db), stack) for db in args.db]
        saved = {env: company_settings(env.company.sudo()) for env in envs}
        try:
            for env in envs:
                if saved[env]:
                    env.company.sudo().write({"ar_credit_overdue_tolerance_days": TOLERANCE_DAYS})
                env.cr.commit()  # pylint: disable=invalid-commit
            rows, results = run(envs, args)
        finally:
            for env in envs:
                env.cr.rollback()
                env.company.sudo().write(saved[env])
                if args.cleanup:
                    sudo_env = env(su=True)
                    refs = [BENCH_REF % count for count in args.items]
                    delete_customers(sudo_env, sudo_env["res.partner"].search([("ref", "in", refs)]))
                    delete_leftovers(sudo_env, env.company.sudo())
                env.cr.commit()  # pylint: disable=invalid-commit
        envs[0].cr.execute("SHOW server_version")
        versions = f"PostgreSQL {envs[0].cr.fetchone()[0]}"
    any_result = next(iter(results.values()))
    text = report(args, versions, rows, MODE_LABELS[baseline(any_result)])
    print("\n" + text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)
        print(f"written to {args.out}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({str(count): result for count, result in results.items()}, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
