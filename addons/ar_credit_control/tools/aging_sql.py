"""Parameterised SQL of the aging as of a date (no ORM; shared by the aging report and the KPIs)."""

from odoo.tools import SQL


def bucket_case(buckets, days):
    """SQL ``CASE`` giving the bucket index (0, 1, ...) of ``days`` past due."""
    if not buckets.bounds:  # a single bucket (e.g. one flat provision rate)
        return SQL("0")
    whens = [SQL("WHEN %s <= %s THEN %s", days, bound, index) for index, bound in enumerate(buckets.bounds)]
    return SQL("CASE %s ELSE %s END", SQL(" ").join(whens), len(buckets.bounds))


def open_items_sql(company_id, date, buckets, partner_ids=None):
    """Open posted receivable items of ``company_id`` as of ``date``, one row per item.

    The residual at ``date`` is rebuilt from the reconciliations: the item's
    balance minus the partial reconciliations dated (``max_date``) on or
    before ``date`` on its debit side, plus those on its credit side, in
    company currency. Only items dated on or before ``date`` count; items
    fully settled at that date are left out. Columns: ``line_id, move_id,
    partner_id`` (commercial partner), ``currency_id`` (original currency),
    ``date_maturity, days`` (past due at ``date``), ``bucket, residual``.
    ``partner_ids``: only the items of these commercial partners.
    """
    days = SQL("(%s::date - COALESCE(aml.date_maturity, aml.date))", date)
    return SQL(
        """
        WITH settled AS (
            SELECT line_id, SUM(amount) AS amount
              FROM (SELECT apr.debit_move_id AS line_id, apr.amount
                      FROM account_partial_reconcile apr
                     WHERE apr.max_date <= %(date)s AND apr.company_id = %(company)s
                    UNION ALL
                    SELECT apr.credit_move_id, -apr.amount
                      FROM account_partial_reconcile apr
                     WHERE apr.max_date <= %(date)s AND apr.company_id = %(company)s) parts
          GROUP BY line_id
        )
        SELECT aml.id AS line_id, aml.move_id, COALESCE(p.commercial_partner_id, p.id) AS partner_id,
               aml.currency_id, aml.date_maturity, %(days)s AS days, %(bucket)s AS bucket,
               aml.balance - COALESCE(settled.amount, 0) AS residual
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
          JOIN res_partner p ON p.id = aml.partner_id
          LEFT JOIN settled ON settled.line_id = aml.id
         WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted' AND aml.date <= %(date)s
           AND round(aml.balance - COALESCE(settled.amount, 0), 6) <> 0 %(partner_filter)s
        """,
        date=date,
        company=company_id,
        days=days,
        bucket=bucket_case(buckets, days),
        partner_filter=SQL("AND COALESCE(p.commercial_partner_id, p.id) = ANY(%s)", list(partner_ids))
        if partner_ids
        else SQL(),
    )


def customer_buckets_sql(company_id, date, buckets):
    """Residual per commercial customer and bucket as of ``date`` (aggregated in SQL).

    Columns: ``partner_id, name, bucket, residual``, ordered by customer name.
    """
    return SQL(
        """
        SELECT items.partner_id, p.name, items.bucket, SUM(items.residual)
          FROM (%s) items
          JOIN res_partner p ON p.id = items.partner_id
      GROUP BY items.partner_id, p.name, items.bucket
      ORDER BY p.name, items.partner_id, items.bucket
        """,
        open_items_sql(company_id, date, buckets),
    )


def bucket_totals_sql(company_id, date, buckets):
    """Open amount per bucket as of ``date``. Columns: ``bucket, residual``."""
    return SQL(
        "SELECT bucket, SUM(residual) FROM (%s) items GROUP BY bucket ORDER BY bucket",
        open_items_sql(company_id, date, buckets),
    )


def top_overdue_sql(company_id, date, buckets, limit):
    """The ``limit`` customers owing the most past due at ``date``. Columns: ``partner_id, overdue``."""
    return SQL(
        """
        SELECT partner_id, SUM(residual) AS overdue
          FROM (%s) items
         WHERE days > 0
      GROUP BY partner_id
        HAVING SUM(residual) > 0
      ORDER BY overdue DESC, partner_id
         LIMIT %s
        """,
        open_items_sql(company_id, date, buckets),
        limit,
    )
