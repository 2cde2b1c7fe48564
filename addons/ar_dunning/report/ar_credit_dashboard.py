from odoo import fields, models


class ArCreditDashboard(models.TransientModel):
    """Dunning figures on the credit manager's dashboard."""

    _inherit = "ar.credit.dashboard"

    dunning_to_review_count = fields.Integer(
        string="Reminders To Review",
        readonly=True,
        help="Communications of manual levels waiting in the worklist.",
    )
    dunning_failed_count = fields.Integer(string="Reminders Failed", readonly=True)
    open_dispute_count = fields.Integer(string="Open Disputes", readonly=True)
    open_dispute_amount = fields.Monetary(string="Disputed Amount", readonly=True)
    open_promise_count = fields.Integer(string="Open Promises to Pay", readonly=True)

    def action_refresh(self):
        """Add the worklist, disputes and promises of the company."""
        result = super().action_refresh()
        for dashboard in self:
            dashboard.write(dashboard._dunning_figures())
        return result

    def _dunning_figures(self):
        """Counts of the company (read as the system: the dashboard shows totals, not records)."""
        company_domain = [("company_id", "=", self.company_id.id)]
        states = dict(
            self.env["ar.dunning.communication"]
            .sudo()
            ._read_group(company_domain + [("state", "in", ("to_send", "failed"))], ["state"], ["__count"])
        )
        company = self.company_id
        today = company._ar_today()
        disputes = self.env["ar.dispute"].sudo().search(company_domain + [("state", "=", "open")])
        dispute_amount = sum(
            dispute.currency_id._convert(dispute.amount, company.currency_id, company, today)
            for dispute in disputes
        )
        return {
            "dunning_to_review_count": states.get("to_send", 0),
            "dunning_failed_count": states.get("failed", 0),
            "open_dispute_count": len(disputes),
            "open_dispute_amount": dispute_amount,
            "open_promise_count": self.env["ar.payment.promise"]
            .sudo()
            .search_count(company_domain + [("state", "=", "open")]),
        }
