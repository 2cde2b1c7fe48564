from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import LIMIT_GRANTED_STATES
from ..tools.insurance_rules import limit_is_valid

#: States of a limit still in force or awaiting the insurer's answer: one per buyer and policy.
OPEN_STATES = ("requested", *sorted(LIMIT_GRANTED_STATES))


class ArInsuranceLimit(models.Model):
    """A buyer limit: the amount up to which the insurer covers one buyer's receivables."""

    _name = "ar.insurance.limit"
    _description = "Credit Insurance Buyer Limit"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    #: The insurer's decision, recorded by the actions (see ``ar.server.fields.mixin``); the granted
    #: amount is typed from the insurer's letter and applied by approving or reducing.
    _ar_server_fields = ("state", "decision_date")
    _order = "request_date desc, id desc"
    _check_company_auto = True

    policy_id = fields.Many2one("ar.insurance.policy", required=True, index=True, tracking=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="policy_id.currency_id", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Buyer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The buyer's commercial entity.",
    )
    country_id = fields.Many2one(related="partner_id.country_id", string="Country")
    requested_amount = fields.Monetary(tracking=True)
    request_date = fields.Date(
        required=True, default=lambda self: self.env.company._ar_today(), tracking=True
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("partly_approved", "Partly Approved"),
            ("refused", "Refused"),
            ("reduced", "Reduced"),
            ("cancelled", "Cancelled"),
        ],
        default="requested",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    granted_amount = fields.Monetary(tracking=True)
    decision_date = fields.Date(tracking=True, readonly=True)
    valid_until = fields.Date(
        tracking=True, help="Last day of validity of the decision; open-ended when empty."
    )
    insurer_reference = fields.Char(tracking=True)
    note = fields.Text()
    is_valid = fields.Boolean(
        string="Valid Today",
        compute="_compute_is_valid",
        help="Grants cover today (granted and not expired).",
    )

    @api.depends("partner_id.name", "policy_id.number")
    def _compute_display_name(self):
        for limit in self:
            limit.display_name = self.env._(
                "%(buyer)s / %(policy)s",
                buyer=limit.partner_id.name or "",
                policy=limit.policy_id.number or "",
            )

    @api.depends("state", "valid_until")
    @api.depends_context("date")
    def _compute_is_valid(self):
        today = self.env.company._ar_today()
        for limit in self:
            limit.is_valid = limit_is_valid(limit.state, limit.valid_until, today)

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """Ask for the commercial entity, never one of its contacts."""
        if self.partner_id and self.partner_id != self.partner_id.commercial_partner_id:
            self.partner_id = self.partner_id.commercial_partner_id

    @api.constrains("requested_amount", "granted_amount", "state")
    def _check_amounts(self):
        for limit in self:
            if limit.requested_amount < 0 or limit.granted_amount < 0:
                raise ValidationError(
                    self.env._("Limit of %(buyer)s: amounts cannot be negative.", buyer=limit.partner_id.name)
                )
            if limit.state in ("approved", "partly_approved") and (
                limit.granted_amount > limit.requested_amount or not limit.granted_amount
            ):
                raise ValidationError(
                    self.env._(
                        "Limit of %(buyer)s: an approved limit grants more than 0 and at most the requested"
                        " amount.",
                        buyer=limit.partner_id.name,
                    )
                )

    @api.constrains("policy_id", "partner_id", "state")
    def _check_one_open_limit(self):
        for limit in self.filtered(lambda lim: lim.state in OPEN_STATES):
            others = self.search_count(
                [
                    ("id", "!=", limit.id),
                    ("policy_id", "=", limit.policy_id.id),
                    ("partner_id", "=", limit.partner_id.id),
                    ("state", "in", OPEN_STATES),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(buyer)s already has a requested or granted limit on policy %(policy)s: update it"
                        " or cancel it first.",
                        buyer=limit.partner_id.name,
                        policy=limit.policy_id.number,
                    )
                )

    @api.model
    def _current_limit(self, limits, on_date):
        """The limit deciding a buyer's cover among ``limits`` (latest request first).

        A granted limit valid on ``on_date`` wins; otherwise the latest request
        decides (requested: no decision yet; refused, cancelled or expired: no cover).
        """
        limits = limits or self.browse()
        valid = limits.filtered(lambda limit: limit_is_valid(limit.state, limit.valid_until, on_date))
        return valid[:1] or limits[:1]

    def _decide(self, state, granted=None):
        """Record the insurer's decision ``state`` (granted amount ``granted`` when given)."""
        today = self.env.company._ar_today()
        for limit in self:
            vals = {"state": state, "decision_date": today}
            if granted is not None:
                vals["granted_amount"] = granted(limit)
            with self._ar_server_write():
                limit.write(vals)

    def action_approve(self):
        """The insurer grants the requested amount, or the part of it entered as granted."""
        for limit in self:
            granted = limit.granted_amount or limit.requested_amount
            state = "approved" if granted >= limit.requested_amount else "partly_approved"
            limit._decide(state, granted=lambda lim, amount=granted: amount)

    def action_reduce(self):
        """The insurer reduces a granted limit to the amount entered as granted."""
        self._decide("reduced")

    def action_refuse(self):
        """The insurer refuses the request: no cover for the buyer."""
        self._decide("refused", granted=lambda limit: 0.0)

    def action_cancel(self):
        """The limit is cancelled (by the insurer or the insured): no cover for the buyer."""
        self._decide("cancelled", granted=lambda limit: 0.0)

    def action_reset(self):
        """Back to requested, e.g. to ask for a new amount."""
        with self._ar_server_write():
            self.write({"state": "requested", "decision_date": False})
