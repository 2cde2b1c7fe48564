# pylint: disable=consider-merging-classes-inherited
from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: Assessment factor -> default weight in the company's scorecard.
DEFAULT_WEIGHTS = {
    "character": 20.0,
    "capacity": 20.0,
    "capital": 20.0,
    "collateral": 10.0,
    "conditions": 10.0,
    "behaviour": 20.0,
}


class ResCompany(models.Model):
    """Default weights of the credit scorecard, per company.

    Kept apart from ``res_company.py`` (credit check settings) on purpose:
    the scorecard belongs to the assessment feature.
    """

    _inherit = "res.company"

    ar_weight_character = fields.Float(
        string="Character Weight",
        default=DEFAULT_WEIGHTS["character"],
        help="Default weight of the character score (integrity, track record) in new credit assessments.",
    )
    ar_weight_capacity = fields.Float(
        string="Capacity Weight",
        default=DEFAULT_WEIGHTS["capacity"],
        help="Default weight of the capacity score (cash flow available to pay) in new credit assessments.",
    )
    ar_weight_capital = fields.Float(
        string="Capital Weight",
        default=DEFAULT_WEIGHTS["capital"],
        help="Default weight of the capital score (equity, financial strength) in new credit assessments.",
    )
    ar_weight_collateral = fields.Float(
        string="Collateral Weight",
        default=DEFAULT_WEIGHTS["collateral"],
        help="Default weight of the collateral score (guarantees, securities) in new credit assessments.",
    )
    ar_weight_conditions = fields.Float(
        string="Conditions Weight",
        default=DEFAULT_WEIGHTS["conditions"],
        help="Default weight of the conditions score (industry, economy) in new credit assessments.",
    )
    ar_weight_behaviour = fields.Float(
        string="Payment Behaviour Weight",
        default=DEFAULT_WEIGHTS["behaviour"],
        help="Default weight of the behavioural score computed from the customer's payment history.",
    )

    def _ar_scoring_weights(self):
        """Return the company's default weights as {factor: weight}."""
        self.ensure_one()
        return {factor: self[f"ar_weight_{factor}"] for factor in DEFAULT_WEIGHTS}

    @api.constrains(*(f"ar_weight_{factor}" for factor in DEFAULT_WEIGHTS))
    def _check_ar_scoring_weights(self):
        for company in self:
            weights = company._ar_scoring_weights().values()
            if min(weights) < 0 or sum(weights) <= 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: scorecard weights cannot be negative "
                        "and must add up to more than zero.",
                        company=company.name,
                    )
                )
