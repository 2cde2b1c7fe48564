from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.ar_credit_control.tools.access import check_receivable_access


class ArStatementWizard(models.TransientModel):
    """Print or email the statement of account of customers for a period."""

    _name = "ar.statement.wizard"
    _inherit = ["ar.screen.mixin"]
    _description = "Statement of Account Wizard"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    date_from = fields.Date(required=True, default=lambda self: self.env.company._ar_today().replace(day=1))
    date_to = fields.Date(required=True, default=lambda self: self.env.company._ar_today())

    @api.model
    def _open_for(self, partners):
        """Window action of the wizard for ``partners``."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Statement of Account"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": partners.ids},
        }

    def _check_period(self):
        """A valid period, and customers whose receivables the user may read (the PDF is rendered in sudo).

        Every customer stored on the wizard is checked: reading ``partner_ids``
        as the user would silently leave out those it may not see.
        """
        check_receivable_access(self.sudo().partner_ids.sudo(False))
        if self.date_from > self.date_to:
            raise UserError(self.env._("The start of the period must be before its end."))

    def action_print(self):
        """Download the statements as one PDF."""
        self._check_period()
        data = {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
        }
        report = self.env.ref("ar_dunning.action_report_customer_statement")
        return report.with_context(discard_logo_check=True).report_action(self.partner_ids, data=data)

    def action_send(self):
        """Queue the statement emails (sent by the mail queue)."""
        self._check_period()
        for partner in self.partner_ids.commercial_partner_id:
            self.env["ar.statement"]._queue_statement(partner, self.date_from, self.date_to)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s statements of account queued.",
                    count=len(self.partner_ids.commercial_partner_id),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
