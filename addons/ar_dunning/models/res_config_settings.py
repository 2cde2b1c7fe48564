from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_dunning_policy_id = fields.Many2one(
        related="company_id.ar_dunning_policy_id",
        readonly=False,
    )
