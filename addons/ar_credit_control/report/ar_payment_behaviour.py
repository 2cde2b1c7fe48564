from odoo import fields, models
from odoo.tools import SQL

DAYS_TO_PAY_BUCKETS = [
    ("0_15", "0-15 days"),
    ("16_30", "16-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("90_plus", "Over 90 days"),
]


class ArPaymentBehaviour(models.Model):
    """Days to pay of every paid customer invoice (a database view).

    The payment date is the date of the last reconciliation of the invoice's
    receivable items (``max_date`` of its partial reconciliations); days to
    pay count from the invoice date, days late from the due date (negative:
    paid early).
    """

    _name = "ar.payment.behaviour"
    _description = "Customer Payment Behaviour"
    _auto = False
    _order = "payment_date desc, id desc"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    invoice_date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    payment_date = fields.Date(readonly=True)
    days_to_pay = fields.Integer(readonly=True, aggregator="avg")
    days_late = fields.Integer(
        readonly=True, aggregator="avg", help="Payment date minus due date; negative: early."
    )
    pay_bucket = fields.Selection(DAYS_TO_PAY_BUCKETS, string="Days to Pay Range", readonly=True)
    amount = fields.Monetary(currency_field="currency_id", readonly=True)

    def init(self):  # pylint: disable=missing-return
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW ar_payment_behaviour AS (
                    SELECT m.id, m.id AS move_id, m.company_id, m.commercial_partner_id AS partner_id,
                           m.invoice_user_id AS user_id, m.invoice_date,
                           COALESCE(m.invoice_date_due, m.invoice_date) AS date_due, paid.payment_date,
                           paid.payment_date - m.invoice_date AS days_to_pay,
                           paid.payment_date - COALESCE(m.invoice_date_due, m.invoice_date) AS days_late,
                           CASE WHEN paid.payment_date - m.invoice_date <= 15 THEN '0_15'
                                WHEN paid.payment_date - m.invoice_date <= 30 THEN '16_30'
                                WHEN paid.payment_date - m.invoice_date <= 60 THEN '31_60'
                                WHEN paid.payment_date - m.invoice_date <= 90 THEN '61_90'
                                ELSE '90_plus' END AS pay_bucket,
                           m.amount_total_signed AS amount
                      FROM account_move m
                      CROSS JOIN LATERAL (
                            SELECT MAX(apr.max_date) AS payment_date
                              FROM account_move_line aml
                              JOIN account_account acc ON acc.id = aml.account_id
                                                      AND acc.account_type = 'asset_receivable'
                              JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                             WHERE aml.move_id = m.id) paid
                     WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                       AND m.payment_state IN ('paid', 'in_payment') AND paid.payment_date IS NOT NULL
                       AND m.invoice_date IS NOT NULL
                )
                """
            )
        )
