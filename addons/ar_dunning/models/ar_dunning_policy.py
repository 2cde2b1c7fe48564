from odoo import api, fields, models


class ArDunningPolicy(models.Model):
    """A ladder of dunning levels applied to a customer's overdue invoices."""

    _name = "ar.dunning.policy"
    _description = "Dunning Policy"
    _inherit = ["mail.thread", "ar.input.bounds.mixin"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    description = fields.Text(translate=True)
    level_ids = fields.One2many("ar.dunning.level", "policy_id", string="Levels", copy=True)
    level_count = fields.Integer(compute="_compute_level_count")

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)
