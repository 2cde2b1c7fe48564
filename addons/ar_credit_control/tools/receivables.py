"""The one definition of an open receivable item, of its days past due and of days late (no ORM).

Every receivables figure of the suite (credit check, aging, KPIs, provisions,
dunning, statements, portal, external API, insurance, data quality, payment
risk) reads its items through this module, so "open", "overdue" and "late"
mean the same thing on every screen:

* **open item**: a posted journal item on a receivable account with a
  residual, at instalment level: an invoice on a 30/60/90 term is three
  items, each with its own due date. The residual is, for today's figures,
  the ledger as it stands (``amount_residual``, which the credit balance
  trigger and the open-items index keep); as of a date, it is rebuilt from the
  reconciliations: the balance minus the partial reconciliations dated
  (``max_date``) on or before that date on its debit side, plus those on its
  credit side, counting only items dated on or before that date. Company
  currency.
* **due date**: the item's own ``date_maturity`` (its accounting date when it
  has none), never the invoice's ``invoice_date_due`` (in Odoo, the last
  instalment).
* **days past due**: the as-of date minus the due date, negative before it;
  for today's figures the as-of date is the company's date
  (``res.company._ar_today()``). An item is **overdue** when its residual is
  positive and it is at least one day past due.
* **days late** of a settled item: the date of the reconciliation that
  settled it (the latest ``max_date`` of its partial reconciliations) minus its
  own due date, never below zero. Clamped, because "days late" measures a
  delay: averaged with negative values, early payments would hide late ones (a
  customer paying half its invoices 30 days early and half 30 days late would
  show 0 days late). How early a customer pays is told by the days to pay.
  An invoice's days late are those of its latest instalment.
"""

from odoo.tools import SQL

#: The receivable accounts (the one test of "receivable" on a journal item's account).
RECEIVABLE_ACCOUNTS = SQL("SELECT id FROM account_account WHERE account_type = 'asset_receivable'")


# ----------------------------------------------------------------------
# Pure functions (the same rules, for values already read)
# ----------------------------------------------------------------------
def due_date(date_maturity, date):
    """An item's due date: its own maturity, its accounting date without one."""
    return date_maturity or date


def days_past_due(due, today):
    """Days an item due on ``due`` is past due on ``today`` (negative before its due date)."""
    return (today - due).days


def is_overdue(residual, due, today):
    """An open item is overdue when it is owed (positive residual) and at least one day past due."""
    return residual > 0 and days_past_due(due, today) > 0


def days_late(due, settled_on):
    """Days a settled item was paid after its due date; 0 when paid on time or early."""
    return max(0, (settled_on - due).days)


# ----------------------------------------------------------------------
# SQL fragments
# ----------------------------------------------------------------------
def due_date_sql(alias="aml"):
    """SQL of the due date of journal item ``alias`` (see :func:`due_date`)."""
    return SQL("COALESCE(%s.date_maturity, %s.date)", SQL.identifier(alias), SQL.identifier(alias))


def days_past_due_sql(date, alias="aml"):
    """SQL of the days journal item ``alias`` is past due on ``date`` (see :func:`days_past_due`)."""
    return SQL("(%s::date - %s)", date, due_date_sql(alias))


def open_item_sql(alias="aml", receivable_ids=None):
    """Condition on journal item ``alias``: an open receivable item now (residual not zero).

    For the fast paths that read one customer's items through the open-items
    index; :func:`open_items_sql` gives the items with their figures.
    ``receivable_ids``: SQL of an array of the receivable account ids, when
    the caller has it already (a join to the accounts inside an index scan
    makes PostgreSQL read every item).
    """
    accounts = (
        SQL("= ANY(%s)", receivable_ids)
        if receivable_ids is not None
        else SQL("IN (%s)", RECEIVABLE_ACCOUNTS)
    )
    return SQL(
        "(%(a)s.parent_state = 'posted' AND %(a)s.amount_residual <> 0 AND %(a)s.account_id %(accounts)s)",
        a=SQL.identifier(alias),
        accounts=accounts,
    )


def not_zero_sql(amount, company_id):
    """Condition: ``amount`` (company currency) is not zero at the company currency's rounding.

    An amount rebuilt by summing (a residual as of a date, a balance) carries float noise; it is
    zero when it rounds to zero in the currency, as ``currency.is_zero`` says (half a unit of
    1 in JPY, of 0.001 in KWD), never at a fixed number of decimals.
    """
    return SQL(
        """ABS(%(amount)s) >= (SELECT cur.rounding / 2 FROM res_company co
                                JOIN res_currency cur ON cur.id = co.currency_id
                               WHERE co.id = %(company)s)""",
        amount=amount,
        company=company_id,
    )


def open_items_sql(company_id, date, as_of=True, partner_ids=None, move_ids=None):
    """The open receivable items of ``company_id``, one row per item (instalment).

    ``date``: the day the days past due are counted from (the as-of date, or
    the company's date for today's figures). ``as_of``: rebuild the residual
    as of ``date`` from the partial reconciliations (aging, KPIs, provisions,
    statements); otherwise the ledger as it stands (credit check, dunning,
    API, insurance). ``partner_ids``: only these commercial partners;
    ``move_ids``: only the items of these entries.

    Columns: ``line_id, move_id, partner_id`` (commercial partner),
    ``currency_id`` (the item's currency), ``date_maturity`` (the due date),
    ``days`` (past due at ``date``), ``residual`` (company currency).
    Filter overdue rows with :func:`overdue_sql`.
    """
    filters = [SQL("aml.company_id = %s", company_id), SQL("aml.parent_state = 'posted'")]
    if partner_ids is not None:
        filters.append(SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids)))
    if move_ids is not None:
        filters.append(SQL("aml.move_id = ANY(%s)", list(move_ids)))
    if as_of:
        settled = SQL(
            """LEFT JOIN (
                    SELECT line_id, SUM(amount) AS amount
                      FROM (SELECT apr.debit_move_id AS line_id, apr.amount
                              FROM account_partial_reconcile apr
                             WHERE apr.max_date <= %(date)s AND apr.company_id = %(company)s
                            UNION ALL
                            SELECT apr.credit_move_id, -apr.amount
                              FROM account_partial_reconcile apr
                             WHERE apr.max_date <= %(date)s AND apr.company_id = %(company)s) parts
                  GROUP BY line_id
               ) settled ON settled.line_id = aml.id""",
            date=date,
            company=company_id,
        )
        residual = SQL("(aml.balance - COALESCE(settled.amount, 0))")
        filters += [SQL("aml.date <= %s", date), not_zero_sql(residual, company_id)]
    else:
        settled = SQL()
        residual = SQL("aml.amount_residual")
        filters.append(SQL("aml.amount_residual <> 0"))
    return SQL(
        """
        SELECT aml.id AS line_id, aml.move_id, COALESCE(p.commercial_partner_id, p.id) AS partner_id,
               aml.currency_id, %(due)s AS date_maturity, %(days)s AS days, %(residual)s AS residual
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
          JOIN res_partner p ON p.id = aml.partner_id
          %(settled)s
         WHERE %(filters)s
        """,
        due=due_date_sql(),
        days=days_past_due_sql(date),
        residual=residual,
        settled=settled,
        filters=SQL(" AND ").join(filters),
    )


def net_balance_sql(company_id, date, partner_ids=None):
    """Each commercial partner's net open balance on the ledger as it stands: all its open items
    summed, open credit notes and unapplied payments (negative residuals) included.

    Columns ``partner_id, balance`` (company currency). A customer whose balance is not
    positive owes nothing on balance: reminding it of an overdue invoice its own credit
    already covers chases money it does not owe.
    """
    return SQL(
        "SELECT net.partner_id, SUM(net.residual) AS balance FROM (%s) net GROUP BY net.partner_id",
        open_items_sql(company_id, date, as_of=False, partner_ids=partner_ids),
    )


def overdue_sql(alias="items"):
    """Condition on a row of :func:`open_items_sql`: overdue (see :func:`is_overdue`)."""
    return SQL("(%(a)s.residual > 0 AND %(a)s.days > 0)", a=SQL.identifier(alias))


def settled_items_sql(company_id=None, partner_ids=None, move_ref=None):
    """The settled receivable debit items and their days late, one row per item (instalment).

    ``company_id``: only that company's; ``partner_ids``: only these commercial
    partners; ``move_ref``: SQL of an entry id, only its items (e.g. ``m.id``
    in a lateral join). Columns: ``line_id, move_id, partner_id`` (commercial
    partner), ``date_maturity`` (due date), ``settled_on`` (the latest
    reconciliation), ``days_late`` (see :func:`days_late`). An invoice's days
    late and payment date: ``MAX(days_late)``, ``MAX(settled_on)`` of its items.
    """
    filters = [
        SQL("aml.parent_state = 'posted'"),
        SQL("aml.balance > 0"),
        SQL("aml.amount_residual = 0"),
        SQL("settled.settled_on IS NOT NULL"),
    ]
    if company_id is not None:
        filters.append(SQL("aml.company_id = %s", company_id))
    if partner_ids is not None:
        filters.append(SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids)))
    if move_ref is not None:
        filters.append(SQL("aml.move_id = %s", move_ref))
    return SQL(
        """
        SELECT aml.id AS line_id, aml.move_id, COALESCE(p.commercial_partner_id, p.id) AS partner_id,
               %(due)s AS date_maturity, settled.settled_on,
               GREATEST(0, settled.settled_on - %(due)s) AS days_late
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
          JOIN res_partner p ON p.id = aml.partner_id
         CROSS JOIN LATERAL (
                -- a debit item is always the debit side of its partial reconciliations
                SELECT MAX(apr.max_date) AS settled_on
                  FROM account_partial_reconcile apr
                 WHERE apr.debit_move_id = aml.id) settled
         WHERE %(filters)s
        """,
        due=due_date_sql(),
        filters=SQL(" AND ").join(filters),
    )
