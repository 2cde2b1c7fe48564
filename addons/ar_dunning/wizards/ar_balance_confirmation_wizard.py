from odoo import fields, models


class ArBalanceConfirmationWizard(models.TransientModel):
    """Ask the chosen customers to confirm their balance at a date (定期对账)."""

    _name = "ar.balance.confirmation.wizard"
    _inherit = ["ar.screen.mixin"]
    _description = "Ask to Confirm Balances"

    date = fields.Date(
        string="Balance Date", required=True, default=lambda self: self.env.company._ar_today()
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        domain="[('parent_id', '=', False)]",
        default=lambda self: self._default_partners(),
    )

    def _default_partners(self):
        if self.env.context.get("active_model") == "res.partner":
            return (
                self.env["res.partner"].browse(self.env.context.get("active_ids", [])).commercial_partner_id
            )
        return self.env["res.partner"]

    def action_send(self):
        """Send the requests; open them."""
        self.ensure_one()
        requests = self.env["ar.balance.confirmation"]._ar_request(self.partner_ids, self.date)
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_dunning.ar_balance_confirmation_action")
        action["domain"] = [("id", "in", requests.ids)]
        action["context"] = {}
        return action
