from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.ar_credit_control.tools.input_rules import MAX_DAYS, PROMISE_MAX_DAYS


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_dunning_policy_id = fields.Many2one(
        "ar.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Policy of customers that have none of their own.",
    )
    ar_promise_max_days = fields.Integer(
        string="Promise Horizon (days)",
        default=PROMISE_MAX_DAYS,
        help="A promise to pay may be dated at most this many days after today; "
        "a later date only pauses the dunning without a commitment.",
    )

    @api.constrains("ar_promise_max_days")
    def _check_ar_promise_max_days(self):
        for company in self:
            if not 1 <= company.ar_promise_max_days <= MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "The promise horizon of %(company)s must be between 1 and %(max)s days.",
                        company=company.name,
                        max=MAX_DAYS,
                    )
                )
