from odoo import fields, models


class ArCreditKpiGrade(models.TransientModel):
    """Customers with open receivables and their receivables for one credit grade (KPI distribution)."""

    _name = "ar.credit.kpi.grade"
    _inherit = ["ar.screen.mixin"]
    _description = "Receivables by Credit Grade"
    _order = "grade_id"

    kpi_id = fields.Many2one("ar.credit.kpi", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="kpi_id.currency_id")
    grade_id = fields.Many2one("ar.credit.grade", string="Credit Grade")
    customer_count = fields.Integer(string="Customers")
    receivables = fields.Monetary()
