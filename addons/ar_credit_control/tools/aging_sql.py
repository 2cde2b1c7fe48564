"""Parameterised SQL of the aging as of a date (no ORM; shared by the aging report and the KPIs).

The items are the open receivable items of ``receivables``; this module adds their buckets.
"""

from odoo.tools import SQL

from . import receivables


def bucket_case(buckets, days):
    """SQL ``CASE`` giving the bucket index (0, 1, ...) of ``days`` past due."""
    if not buckets.bounds:  # a single bucket (e.g. one flat provision rate)
        return SQL("0")
    whens = [SQL("WHEN %s <= %s THEN %s", days, bound, index) for index, bound in enumerate(buckets.bounds)]
    return SQL("CASE %s ELSE %s END", SQL(" ").join(whens), len(buckets.bounds))


def open_items_sql(company_id, date, buckets, partner_ids=None):
    """The open receivable items as of ``date`` (see ``receivables.open_items_sql``) with their bucket.

    Columns: those of ``receivables.open_items_sql`` and ``bucket`` (index of
    the aging bucket of the item's days past due).
    """
    return SQL(
        "SELECT items.*, %s AS bucket FROM (%s) items",
        bucket_case(buckets, SQL("items.days")),
        receivables.open_items_sql(company_id, date, partner_ids=partner_ids),
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
         WHERE %s
      GROUP BY partner_id
        HAVING SUM(residual) > 0
      ORDER BY overdue DESC, partner_id
         LIMIT %s
        """,
        open_items_sql(company_id, date, buckets),
        receivables.overdue_sql("items"),
        limit,
    )
