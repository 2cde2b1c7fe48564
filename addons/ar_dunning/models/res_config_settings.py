from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_dunning_policy_id = fields.Many2one(
        related="company_id.ar_dunning_policy_id",
        readonly=False,
    )
    ar_promise_max_days = fields.Integer(
        related="company_id.ar_promise_max_days",
        readonly=False,
    )
