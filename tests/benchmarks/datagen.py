"""Benchmark data generator shared by the side-by-side benchmarks.

Works on any database with ``account`` and ``sale`` (plain Odoo, ours, the OCA
peers), so the compared databases get the same data: ``generate`` creates
``customers`` customers with ``invoices`` posted customer invoices, made fast
(four template invoices through the ORM, then copied with SQL):

- every overdue aging bucket: due 1 to 480 days ago, plus one invoice in
  twenty not yet due;
- two currencies: half the invoices in the company currency, half in EUR
  (rate 0.9 per company currency unit, dated before every invoice);
- partial payments: half the invoices of each currency are partly paid by a
  journal entry reconciled with them (a real ``account.partial.reconcile``);
- sale orders: ``orders`` confirmed one-line orders of the first customers.

Copies are deterministic (index ``i`` decides customer, template kind and due
date), so two databases generated with the same arguments hold the same
figures.  Templates and copies belong to journals of their own (codes given by
``journal_code``), never disturbing real numbering.
"""

import os
from dataclasses import dataclass
from datetime import timedelta

import odoo
from odoo import Command, fields
from odoo.tools import SQL

#: the template invoices: (currency, amount, amount paid); index i uses KINDS[i % 4]
KINDS = (("company", 100.0, 0.0), ("EUR", 250.0, 0.0), ("company", 400.0, 150.0), ("EUR", 80.0, 30.0))
EUR_RATE = 0.9
OVERDUE_SPREAD_DAYS = 480
NOT_DUE_EVERY = 20


def configure(db, log_level="warn"):
    """Configure Odoo as a library from AR_ODOO_ARGS (addons path, database access)."""
    odoo_args = [arg for arg in os.environ.get("AR_ODOO_ARGS", "").splitlines() if arg.strip()]
    odoo.tools.config.parse_config([f"--log-level={log_level}", *odoo_args, "-d", db], setup_logging=True)


def table_columns(env, table):
    """Column names of ``table`` in the current schema, ``id`` left out."""
    env.cr.execute(
        SQL(
            """SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = %s
             ORDER BY ordinal_position""",
            table,
        )
    )
    return [name for (name,) in env.cr.fetchall() if name != "id"]


def copy_select(columns, overrides):
    """The SELECT list copying template row ``t`` with per-copy overrides."""
    return SQL(", ").join(
        overrides[name] if name in overrides else SQL("t.%s", SQL.identifier(name)) for name in columns
    )


def insert_copies(env, table, template_sql, overrides, returning):
    """``INSERT INTO table SELECT <copy of t> FROM <template_sql> RETURNING <returning>``; rows."""
    columns = table_columns(env, table)
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s RETURNING %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in columns),
            copy_select(columns, overrides),
            template_sql,
            returning,
        )
    )
    return env.cr.fetchall()


@dataclass
class Ledger:
    """What ``generate`` made: the customers (ids, template first) and counts."""

    partner_ids: list
    invoices: int
    orders: int


def euro(env, company):
    """EUR, active, with a rate of ``EUR_RATE`` for ``company`` dated long before the invoices."""
    eur = env.ref("base.EUR").sudo()
    if eur == company.currency_id:
        eur = env.ref("base.USD").sudo()
    eur.active = True
    rate_date = fields.Date.today() - timedelta(days=OVERDUE_SPREAD_DAYS + 400)
    if not env["res.currency.rate"].search_count(
        [("currency_id", "=", eur.id), ("company_id", "=", company.id), ("name", "=", rate_date)]
    ):
        env["res.currency.rate"].create(
            {"currency_id": eur.id, "company_id": company.id, "name": rate_date, "rate": EUR_RATE}
        )
    return eur


def journal(env, company, code, kind, name):
    """A journal of its own (``kind`` sale or general), created once."""
    found = env["account.journal"].search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
    if found:
        return found
    sales = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    vals = {"name": name, "code": code, "type": kind, "sequence": 999, "company_id": company.id}
    if kind == "sale":
        vals["default_account_id"] = sales.default_account_id.id
    return env["account.journal"].create(vals)


def template_customer(env, company, ref, name, partner_vals):
    """The first customer, made through the ORM (the copies' template)."""
    return (
        env["res.partner"]
        .with_company(company)
        .create(
            {
                "name": f"{name} 0",
                "ref": ref,
                "is_company": True,
                "email": "ap0@bench.example.com",
                **(partner_vals or {}),
            }
        )
    )


def copy_customers(env, template, count, name):
    """``count`` copies of ``template`` (SQL), each its own commercial partner; all ids, template first."""
    if count:
        label = SQL("%s || ' ' || g", name)
        email = SQL("'ap' || g || '@bench.example.com'")
        insert_copies(
            env,
            "res_partner",
            SQL("res_partner t, generate_series(1, %s) g WHERE t.id = %s", count, template.id),
            {"name": label, "complete_name": label, "email": email, "email_normalized": email},
            SQL("id"),
        )
        env.cr.execute(
            SQL(
                "UPDATE res_partner SET commercial_partner_id = id WHERE ref = %s AND id != %s",
                template.ref,
                template.id,
            )
        )
    env.cr.execute(SQL("SELECT id FROM res_partner WHERE ref = %s ORDER BY id", template.ref))
    return [pid for (pid,) in env.cr.fetchall()]


def template_invoice(env, partner, sale_journal, currency, amount):
    """One posted customer invoice (no tax) made through the ORM."""
    today = fields.Date.context_today(partner)
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "journal_id": sale_journal.id,
            "currency_id": currency.id,
            "invoice_date": today - timedelta(days=30),
            "invoice_date_due": today - timedelta(days=30),
            "invoice_line_ids": [
                Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
            ],
        }
    )
    move.action_post()
    return move


def template_payment(env, invoice, pay_journal, amount):
    """A journal entry paying ``amount`` of ``invoice`` (its currency), reconciled with it: a partial."""
    receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", invoice.company_id.id)], limit=1
    )
    balance = invoice.currency_id._convert(
        amount, invoice.company_id.currency_id, invoice.company_id, invoice.invoice_date
    )
    common = {"partner_id": invoice.partner_id.id, "currency_id": invoice.currency_id.id}
    payment = env["account.move"].create(
        {
            "move_type": "entry",
            "journal_id": pay_journal.id,
            "date": invoice.invoice_date,
            "line_ids": [
                Command.create(
                    {
                        **common,
                        "account_id": bank.default_account_id.id,
                        "debit": balance,
                        "amount_currency": amount,
                    }
                ),
                Command.create(
                    {
                        **common,
                        "account_id": receivable.account_id.id,
                        "credit": balance,
                        "amount_currency": -amount,
                    }
                ),
            ],
        }
    )
    payment.action_post()
    paying = payment.line_ids.filtered(lambda line: line.account_id == receivable.account_id)
    (receivable + paying).reconcile()
    return payment


def copy_invoices(env, kind, template, payment, partner_ids, invoices, count, prefix):
    """Copies of template kind ``kind`` for indexes i = kind + 4 * g (g = 1..count), with their payments.

    Invoice i (of ``invoices``, 0-based) goes to customer ``i * len(partner_ids) // invoices``:
    every customer gets the same number of invoices, give or take one.
    """
    today = fields.Date.context_today(env.user)
    index = SQL("(%s + 4 * g)", kind)
    partner = SQL("(%s::int[])[1 + %s::bigint * %s / %s]", partner_ids, index, len(partner_ids), invoices)
    due = SQL(
        "CASE WHEN mod(g, %(every)s) = %(last)s THEN %(today)s::date + 15 "
        "ELSE %(today)s::date - (1 + mod(g * 37 + %(kind)s * 11, %(spread)s)) END",
        kind=kind,
        every=NOT_DUE_EVERY,
        last=NOT_DUE_EVERY - 1,
        today=today,
        spread=OVERDUE_SPREAD_DAYS,
    )
    env.cr.execute(
        SQL(
            """CREATE TEMP TABLE ar_gen_move ON COMMIT DROP AS
               SELECT g, %s AS i, %s AS partner_id, %s AS due FROM generate_series(1, %s) g""",
            index,
            partner,
            due,
            count,
        )
    )
    moves = dict(
        insert_copies(
            env,
            "account_move",
            SQL("account_move t, ar_gen_move c WHERE t.id = %s", template.id),
            {
                "name": SQL("%s || c.i", prefix),
                "sequence_prefix": SQL("%s", prefix),
                "sequence_number": SQL("c.i"),
                "partner_id": SQL("c.partner_id"),
                "commercial_partner_id": SQL("c.partner_id"),
                "partner_shipping_id": SQL("c.partner_id"),
                "date": SQL("c.due - 30"),
                "invoice_date": SQL("c.due - 30"),
                "invoice_date_due": SQL("c.due"),
            },
            SQL("sequence_number, id"),
        )
    )
    copy_lines(
        env,
        template,
        moves,
        {"date_maturity": SQL("CASE WHEN t.date_maturity IS NULL THEN NULL ELSE c.due END")},
    )
    if payment:
        copy_payments(env, template, payment, moves, prefix)
    env.cr.execute("DROP TABLE ar_gen_move")


def copy_lines(env, template, moves, extra):
    """Copy the lines of ``template`` onto each new move of ``moves`` ({i: move id})."""
    env.cr.execute("CREATE TEMP TABLE ar_gen_map (i int, move_id int) ON COMMIT DROP")
    env.cr.execute(
        SQL(
            "INSERT INTO ar_gen_map SELECT * FROM unnest(%s::int[], %s::int[])",
            list(moves),
            list(moves.values()),
        )
    )
    insert_copies(
        env,
        "account_move_line",
        SQL(
            """account_move_line t, ar_gen_map n JOIN ar_gen_move c ON c.i = n.i
                 JOIN account_move m ON m.id = n.move_id WHERE t.move_id = %s""",
            template.id,
        ),
        {
            "move_id": SQL("m.id"),
            "move_name": SQL("m.name"),
            "partner_id": SQL("m.partner_id"),
            "date": SQL("m.date"),
            "invoice_date": SQL("m.invoice_date"),
            **extra,
        },
        SQL("id"),
    )
    env.cr.execute("DROP TABLE ar_gen_map")


def copy_payments(env, template, payment, moves, prefix):
    """Copy ``payment`` and its partial reconciliation for each invoice copy of ``moves``."""
    pay_prefix = prefix.replace("/", "P/", 1)
    pay_moves = dict(
        insert_copies(
            env,
            "account_move",
            SQL("account_move t, ar_gen_move c WHERE t.id = %s", payment.id),
            {
                "name": SQL("%s || c.i", pay_prefix),
                "sequence_prefix": SQL("%s", pay_prefix),
                "sequence_number": SQL("c.i"),
                "partner_id": SQL("c.partner_id"),
                "commercial_partner_id": SQL("c.partner_id"),
                "date": SQL("c.due - 30"),
            },
            SQL("sequence_number, id"),
        )
    )
    copy_lines(env, payment, pay_moves, {})
    env.cr.execute(
        SQL(
            """CREATE TEMP TABLE ar_gen_pair ON COMMIT DROP AS
               SELECT dl.id AS debit_id, cl.id AS credit_id
                 FROM unnest(%s::int[], %s::int[], %s::int[]) AS p(i, inv, pay)
                 JOIN account_move_line dl ON dl.move_id = p.inv AND dl.account_id = %s
                 JOIN account_move_line cl ON cl.move_id = p.pay AND cl.account_id = %s""",
            list(moves),
            [moves[i] for i in moves],
            [pay_moves[i] for i in moves],
            payment.line_ids.filtered("credit").account_id.id,
            payment.line_ids.filtered("credit").account_id.id,
        )
    )
    partial = env["account.partial.reconcile"].search(
        [("credit_move_id", "in", payment.line_ids.ids)], limit=1
    )
    insert_copies(
        env,
        "account_partial_reconcile",
        SQL("account_partial_reconcile t, ar_gen_pair p WHERE t.id = %s", partial.id),
        {"debit_move_id": SQL("p.debit_id"), "credit_move_id": SQL("p.credit_id")},
        SQL("id"),
    )
    env.cr.execute("DROP TABLE ar_gen_pair")


def confirmed_orders(env, partner_ids, count):
    """``count`` confirmed one-line orders (no tax), one per customer from the first (ORM)."""
    product = env["product.product"].create({"name": "Bench goods", "type": "consu", "list_price": 50.0})
    orders = env["sale.order"]
    for partner_id in partner_ids[:count]:
        orders |= env["sale.order"].create(
            {
                "partner_id": partner_id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": 2, "price_unit": 50.0, "tax_id": []}
                    )
                ],
            }
        )
    orders.with_context(bypass_risk=True).action_confirm()
    return orders


def generate(env, company, *, customers, invoices, ref, name, code, partner_vals=None, orders=0):
    """Create the customers, invoices, payments and orders described in the module docstring; commit."""
    env = env(context={**env.context, "allowed_company_ids": [company.id], "tracking_disable": True})
    eur = euro(env, company)
    sale_journal = journal(env, company, code, "sale", f"Benchmark invoices {code}")
    pay_journal = journal(env, company, f"{code[:3]}P", "general", f"Benchmark payments {code}")
    template = template_customer(env, company, ref, name, partner_vals)
    partner_ids = copy_customers(env, template, customers - 1, name)
    prefix = f"{code}/G/"
    templates = []  # every ORM invoice first: the SQL copies' names would confuse the sequence
    for currency, amount, paid in KINDS:
        move = template_invoice(
            env, template, sale_journal, eur if currency == "EUR" else company.currency_id, amount
        )
        templates.append((move, template_payment(env, move, pay_journal, paid) if paid else None))
    env.flush_all()
    for kind, (move, payment) in enumerate(templates):
        count = (invoices - 1 - kind) // len(KINDS)
        if count > 0:
            copy_invoices(env, kind, move, payment, partner_ids, invoices, count, prefix)
    made = confirmed_orders(env, partner_ids, orders)
    env.cr.execute("ANALYZE res_partner, account_move, account_move_line, account_partial_reconcile")
    env.cr.commit()  # pylint: disable=invalid-commit
    env.invalidate_all()
    return Ledger(partner_ids, max(invoices, len(KINDS)), len(made))
