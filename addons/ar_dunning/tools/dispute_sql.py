"""The undisputed rest of open items: how a partial dispute is spread over an invoice's instalments (SQL).

A dispute is on an invoice, the dunning is per instalment (open receivable
item of ``ar_credit_control/tools/receivables.py``). The disputed amount of an
invoice is taken from its open instalments latest due date first: the
customer disputes what it has not paid yet, and the instalments due first are
the ones it has no reason to hold back. An instalment fully covered by the
dispute is not dunned; one partly covered is dunned for its rest.
"""

from odoo.tools import SQL


def dunned_items_sql(items, disputed):
    """The rows of ``items`` with the disputed part of each taken out.

    ``items``: SQL of :func:`receivables.open_items_sql` (every open item of
    the invoices concerned, so that an invoice's dispute is spread over all of
    them); ``disputed``: SQL of rows ``(move_id, amount)`` in company currency
    (``account.move._ar_disputed_amount_sql``). Adds the columns ``disputed``
    (the part of the item's residual under dispute) and ``dunned`` (residual
    minus disputed). Only items owed (positive residual) take a share.
    """
    return SQL(
        """
        SELECT spread.*, spread.residual - spread.disputed AS dunned
          FROM (
            SELECT it.*,
                   CASE WHEN it.residual > 0 THEN
                        LEAST(it.residual,
                              GREATEST(0, COALESCE(d.amount, 0)
                                          - COALESCE(SUM(GREATEST(it.residual, 0)) OVER later, 0)))
                   ELSE 0 END AS disputed
              FROM (%(items)s) it
         LEFT JOIN (SELECT move_id, SUM(amount) AS amount FROM (%(disputed)s) dd GROUP BY move_id) d
                ON d.move_id = it.move_id
            WINDOW later AS (PARTITION BY it.move_id ORDER BY it.date_maturity DESC, it.line_id DESC
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
          ) spread
        """,
        items=items,
        disputed=disputed,
    )
