from odoo import fields, models


class ArCreditDashboard(models.TransientModel):
    """Insurance figures on the credit manager's dashboard."""

    _inherit = "ar.credit.dashboard"

    insured_amount = fields.Monetary(
        readonly=True, help="Insured part of the open receivables (company currency)."
    )
    uninsured_amount = fields.Monetary(readonly=True, help="Uninsured part of the open receivables.")
    notification_due_count = fields.Integer(
        string="Notifications To Send", readonly=True, help="Overdues still to declare to the insurer."
    )
    cover_lost_count = fields.Integer(string="Covers Lost", readonly=True)

    def action_refresh(self):
        """Add the insured and uninsured amounts and the open notifications."""
        result = super().action_refresh()
        for dashboard in self:
            dashboard.write(dashboard._insurance_figures())
        return result

    def _insurance_figures(self):
        """Totals of the company (read as the system: the dashboard shows totals, not records)."""
        company = self.company_id
        today = company._ar_today()
        groups = (
            self.env["ar.insurance.receivable"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id)],
                ["currency_id"],
                ["insured_amount:sum", "uninsured_amount:sum"],
            )
        )
        insured = uninsured = 0.0
        for currency, insured_sum, uninsured_sum in groups:
            insured += currency._convert(insured_sum, company.currency_id, company, today)
            uninsured += currency._convert(uninsured_sum, company.currency_id, company, today)
        notifications = dict(
            self.env["ar.insurance.notification"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("state", "in", ("to_notify", "lost"))],
                ["state"],
                ["__count"],
            )
        )
        return {
            "insured_amount": insured,
            "uninsured_amount": uninsured,
            "notification_due_count": notifications.get("to_notify", 0),
            "cover_lost_count": notifications.get("lost", 0),
        }
