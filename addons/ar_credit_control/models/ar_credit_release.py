from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

MANAGER_GROUP = "ar_credit_control.group_ar_credit_manager"


class ArCreditRelease(models.Model):
    """A credit manager's documented decision on an order the credit check blocked."""

    _name = "ar.credit.release"
    _description = "Credit Release Decision"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    reason_blocked = fields.Text(readonly=True)
    order_amount = fields.Monetary(readonly=True, help="Order total (company currency) the decision covers.")
    exposure = fields.Monetary(readonly=True, help="Customer exposure when the decision was made.")
    credit_limit = fields.Monetary(readonly=True)
    amount_over_limit = fields.Monetary(readonly=True)
    decided_by_id = fields.Many2one("res.users", required=True, readonly=True)
    decision = fields.Selection(
        [("released", "Released"), ("rejected", "Rejected")], required=True, readonly=True
    )
    reason = fields.Text(required=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)

    @api.constrains("reason")
    def _check_reason(self):
        for release in self:
            if not (release.reason or "").strip():
                raise ValidationError(self.env._("A release decision needs a reason."))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can release or reject a blocked order."))
        return super().create(vals_list)

    @api.depends("order_id", "decision")
    def _compute_display_name(self):
        labels = dict(self._fields["decision"]._description_selection(self.env))
        for release in self:
            release.display_name = f"{release.order_id.name} - {labels.get(release.decision, '')}"
