from odoo import fields, models


class ArCreditDashboardLine(models.TransientModel):
    """A figure of the dashboard: the open amount of an aging bucket, a top overdue customer,
    or the number of data-quality issues of a check."""

    _name = "ar.credit.dashboard.line"
    _inherit = ["ar.screen.mixin"]
    _description = "Credit Control Dashboard Line"
    _order = "kind, sequence"

    dashboard_id = fields.Many2one("ar.credit.dashboard", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="dashboard_id.currency_id")
    kind = fields.Selection(
        [("bucket", "Aging Bucket"), ("customer", "Overdue Customer"), ("quality", "Data Quality")],
        required=True,
    )
    sequence = fields.Integer()
    name = fields.Char(string="Bucket")
    partner_id = fields.Many2one("res.partner", string="Customer")
    amount = fields.Monetary()
    check_code = fields.Char()
    count = fields.Integer(string="Issues")

    def action_open_partner(self):
        """Open the customer's form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def action_open_quality_issues(self):
        """The data-quality issues of the line's check."""
        self.ensure_one()
        return self.dashboard_id.data_quality_report_id.action_open_issues(self.check_code)
