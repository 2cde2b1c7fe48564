from odoo import fields, models
from odoo.tools import SQL

from ..tools import receivables

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
    pay count from the invoice date; days late are those of
    ``tools/receivables.py`` (each instalment from its own due date, never
    below zero; the invoice's: its latest instalment's), the same figure as
    the credit assessment's and the payment risk model's.
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
        readonly=True,
        aggregator="avg",
        help="Days the latest instalment was paid after its due date; 0 when paid on time or early.",
    )
    pay_bucket = fields.Selection(DAYS_TO_PAY_BUCKETS, string="Days to Pay Range", readonly=True)
    amount = fields.Monetary(currency_field="currency_id", readonly=True)

    def init(self):  # pylint: disable=missing-return
        # per invoice, from its instalments (``receivables.settled_items_sql``): paid on the date of
        # its last reconciliation, as late as its latest instalment
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW ar_payment_behaviour AS (
                    SELECT m.id, m.id AS move_id, m.company_id, m.commercial_partner_id AS partner_id,
                           m.invoice_user_id AS user_id, m.invoice_date,
                           paid.date_due, paid.payment_date,
                           paid.payment_date - m.invoice_date AS days_to_pay,
                           paid.days_late,
                           CASE WHEN paid.payment_date - m.invoice_date <= 15 THEN '0_15'
                                WHEN paid.payment_date - m.invoice_date <= 30 THEN '16_30'
                                WHEN paid.payment_date - m.invoice_date <= 60 THEN '31_60'
                                WHEN paid.payment_date - m.invoice_date <= 90 THEN '61_90'
                                ELSE '90_plus' END AS pay_bucket,
                           m.amount_total_signed AS amount
                      FROM account_move m
                      CROSS JOIN LATERAL (
                            SELECT MAX(items.date_maturity) AS date_due,
                                   MAX(items.settled_on) AS payment_date,
                                   MAX(items.days_late) AS days_late
                              FROM (%s) items) paid
                     WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                       AND m.payment_state IN ('paid', 'in_payment') AND paid.payment_date IS NOT NULL
                       AND m.invoice_date IS NOT NULL
                )
                """,
                receivables.settled_items_sql(move_ref=SQL("m.id")),
            )
        )
