from odoo import fields, models, tools
from odoo.tools import SQL


class ArInsuranceExposure(models.Model):
    """Insured and uninsured exposure per buyer and policy (SQL view over the insured receivables)."""

    _name = "ar.insurance.exposure"
    _description = "Credit Insurance Exposure"
    _auto = False
    _order = "uninsured_amount desc"
    _rec_name = "partner_id"

    policy_id = fields.Many2one("ar.insurance.policy", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Buyer", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    invoice_count = fields.Integer(readonly=True)
    open_amount = fields.Monetary(string="Exposure", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    covered_amount = fields.Monetary(readonly=True)
    insured_amount = fields.Monetary(readonly=True)
    uninsured_amount = fields.Monetary(readonly=True)
    lost_amount = fields.Monetary(
        string="Cover Lost", readonly=True, help="Open amount of invoices whose cover was lost."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %s AS (
                    SELECT MIN(r.id) AS id, r.policy_id, r.company_id, r.currency_id, r.partner_id,
                           r.country_id,
                           COUNT(*) AS invoice_count,
                           SUM(r.open_amount) AS open_amount,
                           SUM(r.overdue_amount) AS overdue_amount,
                           SUM(r.covered_amount) AS covered_amount,
                           SUM(r.insured_amount) AS insured_amount,
                           SUM(r.uninsured_amount) AS uninsured_amount,
                           SUM(CASE WHEN r.cover_lost THEN r.open_amount ELSE 0 END) AS lost_amount
                      FROM ar_insurance_receivable r
                  GROUP BY r.policy_id, r.company_id, r.currency_id, r.partner_id, r.country_id
                )""",
                SQL.identifier(self._table),
            )
        )
