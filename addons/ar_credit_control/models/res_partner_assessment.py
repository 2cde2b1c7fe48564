# pylint: disable=consider-merging-classes-inherited
from odoo import models


class ResPartner(models.Model):
    """Access to a customer's credit assessments (kept apart from ``res_partner.py`` on purpose)."""

    _inherit = "res.partner"

    def action_view_assessments(self):
        """Open the credit assessments of the customer's commercial entity."""
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_credit_control.ar_credit_assessment_action"
        )
        action.update(
            {
                "name": self.env._("Credit Assessments of %(partner)s", partner=partner.display_name),
                "domain": [("partner_id", "=", partner.id)],
                "context": {"default_partner_id": partner.id},
            }
        )
        return action
