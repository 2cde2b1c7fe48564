from odoo import models

from odoo.addons.ar_credit_control.tools.data_quality_rules import DataQualityCheck


class ArDataQualityReport(models.TransientModel):
    """The AR data-quality report checks the dunning contact's email instead of the invoice address's."""

    _inherit = "ar.data.quality.report"

    def _data_quality_checks(self):
        """Replace the invoice-address email check by the dunning-contact one."""
        dunning = DataQualityCheck(
            "no_dunning_email",
            self.env._("No email on the dunning contact"),
            "high",
            "res.partner",
            "_dq_no_dunning_email",
            "ar_credit_control.res_partner_view_form_ar_dq_email",
        )
        return [
            dunning if check.code == "no_invoice_email" else check for check in super()._data_quality_checks()
        ]

    def _dq_no_dunning_email(self):
        """Debtors whose dunning address (else invoice address, else themselves) has no email."""
        return self._dq_contact_email(["dunning", "invoice"])
