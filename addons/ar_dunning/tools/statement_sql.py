"""Parameterised SQL of the statement of account (no ORM): balances and movements of a customer."""

from odoo.tools import SQL

from odoo.addons.ar_credit_control.tools import receivables

#: Receivable items of a company's commercial customer, posted, in company currency.
_RECEIVABLE_FROM = """
          FROM account_move_line aml
          JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
          JOIN res_partner p ON p.id = aml.partner_id
         WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
           AND COALESCE(p.commercial_partner_id, p.id) = %(partner)s
"""


def balance_sql(company_id, partner_id, date):
    """Receivable balance of the commercial customer ``partner_id`` at the end of ``date``.

    One row, one column ``balance`` (company currency).
    """
    return SQL(
        "SELECT COALESCE(SUM(aml.balance), 0) AS balance " + _RECEIVABLE_FROM + " AND aml.date <= %(date)s",
        company=company_id,
        partner=partner_id,
        date=date,
    )


def movements_sql(company_id, partner_id, date_from, date_to):
    """Journal entries moving the customer's receivable between ``date_from`` and ``date_to``.

    One row per entry, in date order: ``move_id, name, ref, move_type, is_payment, date,
    date_maturity, amount`` (signed, company currency) and ``cumulated`` (running sum of
    ``amount`` since ``date_from``).
    """
    return SQL(
        """
        SELECT moves.*, SUM(moves.amount) OVER (ORDER BY moves.date, moves.move_id) AS cumulated
          FROM (
            SELECT m.id AS move_id, m.name, m.ref, m.move_type, m.origin_payment_id IS NOT NULL AS is_payment,
                   m.date, MAX(aml.date_maturity) AS date_maturity, SUM(aml.balance) AS amount
              FROM account_move_line aml
              JOIN account_account acc ON acc.id = aml.account_id AND acc.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = aml.partner_id
              JOIN account_move m ON m.id = aml.move_id
             WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
               AND COALESCE(p.commercial_partner_id, p.id) = %(partner)s
               AND aml.date BETWEEN %(date_from)s AND %(date_to)s
          GROUP BY m.id
            HAVING %(not_zero)s
          ) moves
      ORDER BY moves.date, moves.move_id
        """,
        not_zero=receivables.not_zero_sql(SQL("SUM(aml.balance)"), company_id),
        company=company_id,
        partner=partner_id,
        date_from=date_from,
        date_to=date_to,
    )
