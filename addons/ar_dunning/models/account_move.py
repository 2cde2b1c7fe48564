from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..const import GROUP_DUNNING_USER


class AccountMove(models.Model):
    """Dunning state of a customer invoice: level reached, last reminder, exclusion, disputes."""

    _inherit = "account.move"

    dunning_level_id = fields.Many2one("ar.dunning.level", copy=False, readonly=True, index="btree_not_null")
    dunning_last_date = fields.Date(string="Last Reminder", copy=False, readonly=True)
    dunning_excluded = fields.Boolean(
        string="Excluded from Dunning",
        copy=False,
        tracking=True,
        help="No reminder is sent for this invoice.",
    )
    dispute_ids = fields.One2many("ar.dispute", "move_id", string="Disputes")
    dispute_id = fields.Many2one(
        "ar.dispute",
        string="Open Dispute",
        compute="_compute_dispute_id",
        help="While a dispute is open its amount leaves the dunning; the rest of the invoice is dunned.",
    )
    collection_log_ids = fields.One2many("ar.collection.log", "move_id")
    collection_log_count = fields.Integer(compute="_compute_collection_log_count")

    @api.model
    def _ar_server_field_names(self):
        """The level reached and the last reminder are the dunning run's (written in SQL)."""
        return super()._ar_server_field_names() | {"dunning_level_id", "dunning_last_date"}

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("dunning_excluded") for vals in vals_list):
            self._ar_check_exclusion_right()
        return super().create(vals_list)

    def write(self, vals):
        if "dunning_excluded" in vals:
            self._ar_check_exclusion_right()
        return super().write(vals)

    @api.model
    def _ar_check_exclusion_right(self):
        """Taking an invoice out of the dunning is the collections team's decision, not any billing user's."""
        if not self.env.su and not self.env.user.has_group(GROUP_DUNNING_USER):
            message = self.env._(
                "Only the collections team can exclude an invoice from the dunning or bring it back."
            )
            raise AccessError(message)

    @api.depends("dispute_ids.state")
    def _compute_dispute_id(self):
        for move in self:
            move.dispute_id = move.dispute_ids.filtered(lambda d: d.state == "open")[:1]

    @api.depends("collection_log_ids")
    def _compute_collection_log_count(self):
        for move in self:
            move.collection_log_count = len(move.collection_log_ids)

    @api.model
    def _ar_disputed_amount_sql(self):
        """Add the open disputes (``ar.dispute``): their amounts, in invoice currency, at the invoice's rate.

        The invoice's own rate (company-currency total over total) converts
        them, as its journal items were converted, so that a dispute of the
        whole invoice covers its residual exactly. Resolved and rejected
        disputes no longer count: the invoice is dunned and insured again.
        """
        return SQL(
            """(%(super)s)
               UNION ALL
              (SELECT d.move_id,
                      ROUND(SUM(d.amount) * ABS(m.amount_total_signed) / m.amount_total / cur.rounding)
                      * cur.rounding
                 FROM ar_dispute d
                 JOIN account_move m ON m.id = d.move_id
                 JOIN res_company c ON c.id = m.company_id
                 JOIN res_currency cur ON cur.id = c.currency_id
                WHERE d.state = 'open' AND m.amount_total <> 0
             GROUP BY d.move_id, m.amount_total_signed, m.amount_total, cur.rounding)""",
            super=super()._ar_disputed_amount_sql(),
        )

    def action_ar_open_dispute(self):
        """Open the invoice's open dispute, or a new one."""
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute"),
            "res_model": "ar.dispute",
            "view_mode": "form",
            "context": {"default_move_id": self.id},
        }
        if self.dispute_id:
            action["res_id"] = self.dispute_id.id
        return action

    def action_ar_open_collection_log(self):
        """Collection log entries about this invoice."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Collection Log"),
            "res_model": "ar.collection.log",
            "view_mode": "list,form",
            "domain": [("move_id", "=", self.id)],
            "context": {"default_move_id": self.id, "default_partner_id": self.commercial_partner_id.id},
        }
