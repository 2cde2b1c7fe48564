from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_dunning_policy_id = fields.Many2one(
        "ar.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Policy of customers that have none of their own.",
    )
