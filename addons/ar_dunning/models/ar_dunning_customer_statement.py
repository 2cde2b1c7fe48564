from odoo import models


class ArDunningCustomer(models.Model):
    """Statement of account from the dunning worklist."""

    _inherit = "ar.dunning.customer"

    def action_ar_send_statement(self):
        """Open the statement wizard for the customers of these worklist rows."""
        return self.env["ar.statement.wizard"]._open_for(self.partner_id)
