from odoo import api, models


class ArCreditAssessment(models.Model):
    """The buyer limit granted by the credit insurer feeds the recommended credit limit."""

    _inherit = "ar.credit.assessment"

    @api.depends("partner_id", "company_id")
    def _compute_recommendation(self):
        return super()._compute_recommendation()

    def _get_recommended_limit_inputs(self):
        """Add the insured limit (company currency) as ``insured_limit``, and as ``override_limit``
        when the insurer granted a limit valid on the assessment date: the insured amount then wins
        over the grade's suggestion. A discretionary, refused or expired cover changes nothing."""
        inputs = super()._get_recommended_limit_inputs()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        if partner:
            inputs["insured_limit"] = partner.insurance_limit
            if partner.insurance_limit_granted:
                inputs["override_limit"] = partner.insurance_limit
        return inputs
