from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.ar_credit_control.tools import receivables


class AccountMoveLine(models.Model):
    """The dunning level each open item (instalment) of an invoice has reached."""

    _inherit = "account.move.line"

    dunning_level_id = fields.Many2one(
        "ar.dunning.level",
        string="Dunning Level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Highest dunning level reached by this instalment; its invoice shows the highest of them.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["ar.server.fields.mixin"]._ar_guard_core_fields(self, vals_list, {"dunning_level_id"})
        return super().create(vals_list)

    def write(self, vals):
        """The level an instalment reached is the dunning run's (written in SQL), never a client's."""
        self.env["ar.server.fields.mixin"]._ar_guard_core_fields(self, [vals], {"dunning_level_id"})
        return super().write(vals)

    def _auto_init(self):
        """Add the column; when it is new, each item starts at the level its invoice had reached.

        Before the level was kept per instalment it was kept per invoice and counted from the
        invoice's last instalment, so every item of a dunned invoice had reached at least that level.
        """
        existed = column_exists(self.env.cr, self._table, "dunning_level_id")
        result = super()._auto_init()
        if not existed and column_exists(self.env.cr, "account_move", "dunning_level_id"):
            self.env.cr.execute(
                SQL(
                    """UPDATE account_move_line aml SET dunning_level_id = m.dunning_level_id
                         FROM account_move m
                        WHERE m.id = aml.move_id AND m.dunning_level_id IS NOT NULL
                          AND aml.account_id IN (%s)""",
                    receivables.RECEIVABLE_ACCOUNTS,
                )
            )
        return result
