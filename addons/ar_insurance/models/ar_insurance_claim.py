from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, format_amount, format_date

from ..tools.insurance_rules import expected_indemnity, owed_to_insurer


class ArInsuranceClaim(models.Model):
    """A claim to the insurer for a buyer's unpaid insured invoices, and what follows it."""

    _name = "ar.insurance.claim"
    _description = "Credit Insurance Claim"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    _order = "id desc"
    _check_company_auto = True
    #: The insurer's steps recorded by the actions, and the figures computed by the server
    #: (see ``ar.server.fields.mixin``).
    _ar_server_fields = (
        "state",
        "expected_indemnity",
        "recovered_amount",
        "returned_amount",
        "owed_to_insurer",
        "insolvency_case_id",
    )

    name = fields.Char(required=True, default="/", copy=False, readonly=True, tracking=True)
    policy_id = fields.Many2one("ar.insurance.policy", required=True, index=True, tracking=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="policy_id.currency_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Buyer", required=True, index=True, tracking=True, check_company=True
    )
    notification_id = fields.Many2one(
        "ar.insurance.notification",
        tracking=True,
        check_company=True,
        domain="[('policy_id', '=', policy_id), ('partner_id', '=', partner_id)]",
        help="The notification of the overdue to the insurer; the claim deadline counts from it.",
    )
    move_ids = fields.Many2many(
        "account.move",
        "ar_insurance_claim_move_rel",
        "claim_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id)]",
    )
    claimed_amount = fields.Monetary(
        compute="_compute_amounts",
        store=True,
        readonly=False,
        tracking=True,
        help="Unpaid amount of the invoices claimed, in policy currency.",
    )
    covered_amount = fields.Monetary(
        compute="_compute_amounts",
        store=True,
        readonly=False,
        help="Part of the claimed invoices within the buyer's cover (before the indemnity percentage).",
    )
    deductible = fields.Monetary(related="policy_id.deductible")
    indemnity_percent = fields.Float(related="policy_id.indemnity_percent")
    expected_indemnity = fields.Monetary(
        compute="_compute_expected_indemnity",
        store=True,
        help="(Covered amount - deductible) x indemnity %.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("filed", "Filed"),
            ("accepted", "Accepted"),
            ("paid", "Paid"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    filing_date = fields.Date(tracking=True)
    claim_deadline = fields.Date(related="notification_id.claim_deadline")
    filing_late = fields.Boolean(
        compute="_compute_filing_late", help="Filed (or to be filed today) after the claim deadline."
    )
    amount_received = fields.Monetary(tracking=True, help="Indemnity paid by the insurer.")
    date_paid = fields.Date(tracking=True)
    recovery_ids = fields.One2many("ar.insurance.recovery", "claim_id", string="Recoveries")
    recovered_amount = fields.Monetary(compute="_compute_recoveries", store=True)
    returned_amount = fields.Monetary(
        compute="_compute_recoveries",
        store=True,
        help="Share of the recoveries already paid back to the insurer.",
    )
    owed_to_insurer = fields.Monetary(
        compute="_compute_recoveries",
        store=True,
        help="Recoveries x indemnity % - already returned: to pay back to the insurer.",
    )
    rejection_reason = fields.Text(tracking=True)
    insolvency_case_id = fields.Many2one(
        "ar.insolvency.case",
        check_company=True,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        help="Insolvency case of the buyer the claim was prepared for.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("ar.insurance.claim") or "/"
        return super().create(vals_list)

    @api.depends("move_ids")
    def _compute_amounts(self):
        for claim in self:
            lines = claim._receivable_lines()
            claim.claimed_amount = sum(lines.mapped("open_amount"))
            claim.covered_amount = sum(lines.mapped("covered_amount"))

    @api.depends("covered_amount", "policy_id.deductible", "policy_id.indemnity_percent", "currency_id")
    def _compute_expected_indemnity(self):
        for claim in self:
            if not claim.currency_id:  # a new claim without its policy yet
                claim.expected_indemnity = 0.0
                continue
            claim.expected_indemnity = expected_indemnity(
                claim.covered_amount,
                claim.policy_id.deductible,
                claim.policy_id.indemnity_percent,
                claim.currency_id.rounding,
            )

    @api.depends("filing_date", "claim_deadline", "state")
    @api.depends_context("date")
    def _compute_filing_late(self):
        today = self.env.company._ar_today()
        for claim in self:
            filed = claim.filing_date or (today if claim.state == "draft" else None)
            claim.filing_late = bool(claim.claim_deadline and filed and filed > claim.claim_deadline)

    @api.depends(
        "recovery_ids.amount", "recovery_ids.returned_amount", "policy_id.indemnity_percent", "currency_id"
    )
    def _compute_recoveries(self):
        for claim in self:
            claim.recovered_amount = sum(claim.recovery_ids.mapped("amount"))
            claim.returned_amount = sum(claim.recovery_ids.mapped("returned_amount"))
            claim.owed_to_insurer = (
                owed_to_insurer(
                    claim.recovered_amount,
                    claim.policy_id.indemnity_percent,
                    claim.returned_amount,
                    claim.currency_id.rounding,
                )
                if claim.currency_id
                else 0.0
            )

    @api.constrains("claimed_amount", "covered_amount", "amount_received")
    def _check_amounts(self):
        for claim in self:
            if min(claim.claimed_amount, claim.covered_amount, claim.amount_received) < 0:
                raise ValidationError(
                    self.env._("Claim %(name)s: amounts cannot be negative.", name=claim.name)
                )

    @api.constrains("covered_amount", "move_ids")
    def _check_within_cover(self):
        for claim in self:
            cover = sum(claim._receivable_lines().mapped("covered_amount"))
            if float_compare(claim.covered_amount, cover, precision_rounding=claim.currency_id.rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "Claim %(name)s: the covered amount %(covered)s is above the insured cover of its "
                        "invoices (%(cover)s); the insurer pays only what it insured.",
                        name=claim.name,
                        covered=format_amount(self.env, claim.covered_amount, claim.currency_id),
                        cover=format_amount(self.env, cover, claim.currency_id),
                    )
                )

    @api.constrains("claimed_amount", "amount_received", "covered_amount", "move_ids")
    def _check_claim_within_invoices(self):
        """A claim asks at most what its invoices still owe; the insurer pays at most what it covers."""
        for claim in self:
            rounding = claim.currency_id.rounding
            unpaid = sum(claim._receivable_lines().mapped("open_amount"))
            if float_compare(claim.claimed_amount, unpaid, precision_rounding=rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "Claim %(name)s: the claimed amount %(claimed)s is above the unpaid amount of its "
                        "insured invoices (%(unpaid)s).",
                        name=claim.name,
                        claimed=format_amount(self.env, claim.claimed_amount, claim.currency_id),
                        unpaid=format_amount(self.env, unpaid, claim.currency_id),
                    )
                )
            if float_compare(claim.amount_received, claim.covered_amount, precision_rounding=rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "Claim %(name)s: the indemnity received %(received)s is above the covered amount "
                        "%(covered)s.",
                        name=claim.name,
                        received=format_amount(self.env, claim.amount_received, claim.currency_id),
                        covered=format_amount(self.env, claim.covered_amount, claim.currency_id),
                    )
                )

    def _receivable_lines(self):
        """The insured receivable lines of the claimed invoices under the claim's policy."""
        self.ensure_one()
        return (
            self.env["ar.insurance.receivable"]
            .sudo()
            .search([("policy_id", "=", self.policy_id.id), ("move_id", "in", self.move_ids.ids)])
        )

    def _check_filing(self, filing_date):
        """Raise unless the claim may be filed on ``filing_date`` (notified overdue, within the deadline)."""
        self.ensure_one()
        if not self.notification_id or self.notification_id.state != "notified":
            raise UserError(
                self.env._(
                    "Claim %(name)s: notify the overdue to the insurer before filing a claim.", name=self.name
                )
            )
        if filing_date > self.claim_deadline:
            raise UserError(
                self.env._(
                    "Claim %(name)s: the claim deadline was %(deadline)s;"
                    " the insurer may refuse a late claim.",
                    name=self.name,
                    deadline=format_date(self.env, self.claim_deadline),
                )
            )

    def action_file(self):
        """File the claim with the insurer (today unless a filing date is set)."""
        self._ar_check_state("draft")
        today = self.env.company._ar_today()
        for claim in self:
            filing_date = claim.filing_date or today
            claim._check_filing(filing_date)
            with self._ar_server_write():
                claim.write({"state": "filed", "filing_date": filing_date})

    def action_accept(self):
        """The insurer accepts a filed claim."""
        self._ar_check_state("filed")
        with self._ar_server_write():
            self.write({"state": "accepted"})

    def action_paid(self):
        """The insurer paid the indemnity (the expected one unless an amount was entered)."""
        self._ar_check_state("filed", "accepted")
        today = self.env.company._ar_today()
        for claim in self:
            with self._ar_server_write():
                claim.write(
                    {
                        "state": "paid",
                        "amount_received": claim.amount_received or claim.expected_indemnity,
                        "date_paid": claim.date_paid or today,
                    }
                )

    def action_reject(self):
        """The insurer rejects a filed or accepted claim."""
        self._ar_check_state("filed", "accepted")
        with self._ar_server_write():
            self.write({"state": "rejected"})

    def action_draft(self):
        """Back to draft (a claim filed or rejected by mistake)."""
        self._ar_check_state("filed", "rejected")
        with self._ar_server_write():
            self.write({"state": "draft"})
