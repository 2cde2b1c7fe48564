from odoo import api, fields, models
from odoo.tools import float_compare


class ArPaymentPlanInstallment(models.Model):
    """One installment of a payment plan."""

    _name = "ar.payment.plan.installment"
    _inherit = ["ar.server.fields.mixin", "ar.input.bounds.mixin"]
    #: the company follows the plan (a related field: a client's write would move the plan)
    _ar_server_fields = ("company_id",)
    _description = "Payment Plan Installment"
    _order = "plan_id, date, id"
    _rec_name = "plan_id"

    plan_id = fields.Many2one("ar.payment.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    paid = fields.Boolean(compute="_compute_paid", help="Covered by the payments received on the plan.")

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["ar.payment.plan"].browse(
            {vals.get("plan_id") for vals in vals_list} - {None, False}
        )
        plans._check_draft()
        return super().create(vals_list)

    def write(self, vals):
        """An active plan's installments are what the customer agreed to: frozen (see the plan)."""
        plans = self.plan_id
        if vals.get("plan_id"):
            plans |= plans.browse(vals["plan_id"])
        plans._check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_plan(self):
        """Deleting an installment changes the plan's total: only while the plan is a draft."""
        self.plan_id.exists()._check_draft()

    @api.depends("plan_id.paid_amount", "amount", "date")
    def _compute_paid(self):
        for installment in self:
            plan = installment.plan_id
            ordered = plan.installment_ids.sorted(lambda i: (not i.date, i.date or 0, i.id or 0))
            cumulative = 0.0
            for other in ordered:
                cumulative += other.amount
                if other == installment:
                    break
            installment.paid = (
                plan.state != "draft"
                and float_compare(plan.paid_amount, cumulative, precision_rounding=plan.currency_id.rounding)
                >= 0
            )
