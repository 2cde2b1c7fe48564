from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..const import GROUP_DUNNING_USER

#: The customer's dunning set-up: the collections team's (collectors and their managers) to change.
DUNNING_SETTINGS = frozenset({"ar_dunning_policy_id", "ar_collector_id", "ar_statement_frequency"})
#: Written by the statement schedule only.
DUNNING_SERVER_FIELDS = frozenset({"ar_statement_last_date"})


class ResPartner(models.Model):
    """Dunning policy, collector, dunning contact and dunning history of a customer."""

    _inherit = "res.partner"

    type = fields.Selection(
        selection_add=[("dunning", "Dunning Address")],
        ondelete={"dunning": "set default"},
    )
    ar_dunning_policy_id = fields.Many2one(
        "ar.dunning.policy",
        string="Dunning Policy",
        company_dependent=True,
        check_company=True,
        tracking=True,
        help="Empty: the company's default dunning policy.",
    )
    ar_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        tracking=True,
        help="Follows up this customer's overdue invoices.",
    )
    ar_dunning_status_id = fields.Many2one(
        "ar.dunning.customer",
        string="Dunning Status",
        compute="_compute_ar_dunning_status",
    )
    ar_dunning_level_id = fields.Many2one(
        "ar.dunning.level", string="Current Dunning Level", compute="_compute_ar_dunning_status"
    )
    ar_dunning_last_date = fields.Date(string="Last Reminder", compute="_compute_ar_dunning_status")
    ar_dunning_communication_ids = fields.One2many(
        "ar.dunning.communication", "partner_id", string="Dunning Communications"
    )
    ar_dunning_communication_count = fields.Integer(compute="_compute_ar_dunning_counts")
    ar_dispute_count = fields.Integer(compute="_compute_ar_dunning_counts")
    ar_collection_log_count = fields.Integer(compute="_compute_ar_dunning_counts")
    ar_statement_frequency = fields.Selection(
        [("none", "None"), ("monthly", "Monthly"), ("quarterly", "Quarterly")],
        string="Statement of Account",
        default="none",
        tracking=True,
        help="Statements are queued by email on the 1st of the month for the month (or quarter) just ended.",
    )
    ar_statement_last_date = fields.Date(
        string="Last Statement",
        readonly=True,
        copy=False,
        help="End of the period of the last statement sent.",
    )
    ar_balance_confirmation_ids = fields.One2many(
        "ar.balance.confirmation", "partner_id", string="Balance Confirmations"
    )

    def _ar_check_dunning_write(self, vals, creating=False):
        """Refuse a change of the dunning set-up by anyone outside the collections team.

        On creation, empty values and the defaults (what a form sends) pass;
        the date of the last statement is the schedule's only.
        """
        if self.env.su:
            return
        if any(vals.get(name) for name in DUNNING_SERVER_FIELDS):
            raise AccessError(
                self.env._("The date of the last statement is set by the statement schedule only.")
            )
        defaults = {"ar_statement_frequency": "none"} if creating else {}
        changed = [
            name
            for name in DUNNING_SETTINGS.intersection(vals)
            if not creating or (vals[name] and vals[name] != defaults.get(name))
        ]
        if changed and not self.env.user.has_group(GROUP_DUNNING_USER):
            raise AccessError(
                self.env._(
                    "Only the collections team can change a customer's dunning policy, "
                    "collector or statements."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ar_check_dunning_write(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._ar_check_dunning_write(vals)
        return super().write(vals)

    @api.depends_context("company")
    def _compute_ar_dunning_status(self):
        statuses = self.env["ar.dunning.customer"].search(
            [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id)]
        )
        by_partner = {status.partner_id.id: status for status in statuses}
        empty = self.env["ar.dunning.customer"]
        for partner in self:
            status = by_partner.get(partner.commercial_partner_id.id, empty)
            partner.ar_dunning_status_id = status
            partner.ar_dunning_level_id = status.level_id
            partner.ar_dunning_last_date = status.last_reminder_date

    def _compute_ar_dunning_counts(self):
        counts = {}
        for model in ("ar.dunning.communication", "ar.dispute", "ar.collection.log"):
            groups = self.env[model]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
            counts[model] = {partner.id: count for partner, count in groups}
        for partner in self:
            pid = partner.commercial_partner_id.id
            partner.ar_dunning_communication_count = counts["ar.dunning.communication"].get(pid, 0)
            partner.ar_dispute_count = counts["ar.dispute"].get(pid, 0)
            partner.ar_collection_log_count = counts["ar.collection.log"].get(pid, 0)

    def _ar_dunning_policy(self, company=None):
        """The policy applied to this customer in ``company``: its own, else the company's default."""
        self.ensure_one()
        company = company or self.env.company
        partner = self.commercial_partner_id.with_company(company)
        return partner.ar_dunning_policy_id or company.ar_dunning_policy_id

    def _ar_dunning_contact(self):
        """The dunning address of the customer if it has one, else its invoice address."""
        self.ensure_one()
        partner = self.commercial_partner_id
        addresses = partner.address_get(["dunning", "invoice"])
        dunning = self.browse(addresses["dunning"])
        if dunning.type == "dunning":
            return dunning
        return self.browse(addresses["invoice"])

    def _ar_open_related(self, model, name):
        """Window action listing this customer's records of ``model``."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_ar_open_communications(self):
        """Dunning communications of this customer."""
        return self._ar_open_related("ar.dunning.communication", self.env._("Dunning Communications"))

    def action_ar_open_disputes(self):
        """Disputes of this customer."""
        return self._ar_open_related("ar.dispute", self.env._("Disputes"))

    def action_ar_open_collection_log(self):
        """Collection log of this customer."""
        return self._ar_open_related("ar.collection.log", self.env._("Collection Log"))

    def action_ar_send_statement(self):
        """Open the statement of account wizard for these customers."""
        return self.env["ar.statement.wizard"]._open_for(self.commercial_partner_id)
