from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import GROUP_CREDIT_MANAGER


class ArCreditReleaseWizard(models.TransientModel):
    """A credit manager releases or rejects a blocked order, with a mandatory reason."""

    _name = "ar.credit.release.wizard"
    _description = "Release or Reject a Blocked Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    currency_id = fields.Many2one(related="order_id.company_id.currency_id")
    credit_block_reason = fields.Text(related="order_id.credit_block_reason")
    decision = fields.Selection(
        [("released", "Release"), ("rejected", "Reject")], required=True, default="released"
    )
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        if not self.env.user.has_group(GROUP_CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can release or reject a blocked order."))
        return super().default_get(fields_list)

    def action_decide(self):
        """Record the decision on the order and in its chatter."""
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of your decision."))
        self.order_id._ar_decide_release(self.decision, self.reason)
        return {"type": "ir.actions.act_window_close"}
