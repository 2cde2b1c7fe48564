"""Parameterised SQL gathering the inputs of the receivables KPIs (no ORM)."""

from odoo.tools import SQL

from . import receivables
from .aging_sql import open_items_sql


def _partner_filter(column, partner_ids):
    """``AND <commercial partner column> = ANY(ids)`` or nothing."""
    return SQL("AND %s = ANY(%s)", SQL(column), list(partner_ids)) if partner_ids else SQL()


def monthly_sales_sql(company_id, date_from, date_to, partner_ids=None):
    """Credit sales per calendar month: posted customer invoices minus refunds, company currency.

    Columns: ``month`` (first day), ``sales``; from ``date_from`` to
    ``date_to`` included, by accounting date.
    """
    return SQL(
        """
        SELECT date_trunc('month', m.date)::date AS month, SUM(m.amount_total_signed) AS sales
          FROM account_move m
         WHERE m.company_id = %s AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
           AND m.date BETWEEN %s AND %s %s
      GROUP BY 1
        """,
        company_id,
        date_from,
        date_to,
        _partner_filter("m.commercial_partner_id", partner_ids),
    )


def collections_sql(company_id, date_from, date_to, partner_ids=None):
    """Receivables collected in the period: credit receivable items of payments and bank statement lines.

    One column: the amount collected (positive, company currency).
    """
    return SQL(
        """
        SELECT COALESCE(-SUM(aml.balance), 0)
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
          JOIN account_move m ON m.id = aml.move_id
          JOIN res_partner p ON p.id = aml.partner_id
         WHERE aml.company_id = %s AND aml.parent_state = 'posted' AND aml.balance < 0
           AND (m.origin_payment_id IS NOT NULL OR m.statement_line_id IS NOT NULL)
           AND aml.date BETWEEN %s AND %s %s
        """,
        company_id,
        date_from,
        date_to,
        _partner_filter("COALESCE(p.commercial_partner_id, p.id)", partner_ids),
    )


def receivables_sql(company_id, date, buckets, partner_ids=None):
    """Receivables as of ``date``: total, current (not overdue) and overdue, company currency.

    Overdue as ``receivables.overdue_sql`` says; current is the rest, so the two add up to the total.
    """
    return SQL(
        """
        SELECT COALESCE(SUM(residual), 0),
               COALESCE(SUM(residual) FILTER (WHERE NOT %(overdue)s), 0),
               COALESCE(SUM(residual) FILTER (WHERE %(overdue)s), 0)
          FROM (%(items)s) items
        """,
        overdue=receivables.overdue_sql("items"),
        items=open_items_sql(company_id, date, buckets, partner_ids),
    )


def grade_distribution_sql(company_id, date, buckets, partner_ids=None):
    """Customers with open receivables and their receivables per credit grade as of ``date``.

    Columns: ``grade_id`` (NULL: no grade), ``customers``, ``receivables``.
    """
    return SQL(
        """
        SELECT (p.credit_grade_id ->> %s)::int AS grade_id, COUNT(DISTINCT items.partner_id),
               SUM(items.residual)
          FROM (%s) items
          JOIN res_partner p ON p.id = items.partner_id
      GROUP BY 1
      ORDER BY 1
        """,
        str(company_id),
        open_items_sql(company_id, date, buckets, partner_ids),
    )
