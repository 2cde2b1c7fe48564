from odoo import models

from ..const import COMMUNICATION_PENDING_STATES


class ArInsolvencyCase(models.Model):
    """Dunning stops for a customer under an open insolvency case.

    The dunning run leaves the customer's invoices out while the case is open
    or its claim filed (see ``INSOLVENT_SQL`` in ar_dunning_run.py); opening the
    case also cancels the reminders still waiting for review or sending.
    """

    _inherit = "ar.insolvency.case"

    def _after_open(self):
        result = super()._after_open()
        for case in self:
            case._cancel_pending_dunning()
        return result

    def _cancel_pending_dunning(self):
        """Cancel the customer's pending dunning communications in the case's company."""
        self.ensure_one()
        pending = (
            self.env["ar.dunning.communication"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "in", COMMUNICATION_PENDING_STATES),
                ]
            )
        )
        if pending:
            pending.action_cancel()
        self.message_post(
            body=self.env._(
                "Dunning stopped while the case is open; %(count)s pending reminder(s) cancelled.",
                count=len(pending),
            )
        )
