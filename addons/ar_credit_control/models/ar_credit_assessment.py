from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..const import GROUP_CREDIT_MANAGER
from ..tools.credit_scoring import (
    DEFAULT_WEIGHTS,
    as_float,
    behaviour_score,
    recommended_limit,
    trend,
    weighted_score,
)
from ..tools.grade_rules import score_in_range
from ..tools.precision import DAYS_DIGITS, PERCENT_DIGITS
from ..tools.registration_id import validate_registration_id, validate_tax_id

#: The five Cs of credit, in the order of the scorecard.
FACTORS = ("character", "capacity", "capital", "collateral", "conditions")
SCORE_FIELDS = tuple(f"{factor}_score" for factor in FACTORS)
WEIGHT_FIELDS = tuple(f"{factor}_weight" for factor in (*FACTORS, "behaviour"))
BEHAVIOUR_FIELDS = (
    "avg_days_late",
    "share_paid_late",
    "worst_days_late",
    "trend_days",
    "paid_invoice_count",
    "avg_monthly_invoiced",
)
#: Fields that change the customer's payment-history figures when they change.
HISTORY_SCOPE_FIELDS = frozenset({"partner_id", "company_id", "date"})
#: Fields only a credit manager may set (to a non-empty value).
DECISION_FIELDS = ("approver_id", "approval_date")
#: Fields frozen once the assessment is approved.
LOCKED_FIELDS = frozenset(
    {
        *SCORE_FIELDS,
        *WEIGHT_FIELDS,
        *BEHAVIOUR_FIELDS,
        *HISTORY_SCOPE_FIELDS,
        *DECISION_FIELDS,
        "state",
        "rejection_reason",
        "approved_limit",
        "approved_payment_term_id",
        "valid_until",
        "review_date",
        "registration_id",
        "tax_id",
        "rating_agency",
        "rating_reference",
        "rating_value",
        "rating_date",
    }
)

#: Set by the assessment's actions or computed by the server (see ``ar.server.fields.mixin``): the
#: decision, the payment history read from the books, and the score, grade and recommendation
#: computed from them.
SERVER_FIELDS = (
    "state",
    *DECISION_FIELDS,
    *BEHAVIOUR_FIELDS,
    "name",
    "behaviour_score",
    "total_score",
    "grade_id",
    "recommended_limit",
    "recommended_payment_term_id",
)


class ArCreditAssessment(models.Model):
    """A customer's credit assessment: 5C scorecard plus payment behaviour.

    The weighted total score gives a grade, which suggests a credit limit and
    payment terms. A credit manager approves (or rejects) the assessment;
    approving applies grade, score, limit, terms and next review date to the
    customer in the assessment's company.
    """

    _name = "ar.credit.assessment"
    _description = "Credit Assessment"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _ar_server_fields = SERVER_FIELDS

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer's commercial entity (the company, not one of its contacts).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=lambda self: self.env.company._ar_today(), tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )

    # 5C scorecard
    character_score = fields.Float(help="Integrity and track record of the customer (0-100).")
    capacity_score = fields.Float(help="Ability to pay from operating cash flow (0-100).")
    capital_score = fields.Float(help="Equity and financial strength (0-100).")
    collateral_score = fields.Float(help="Guarantees, securities and other collateral (0-100).")
    conditions_score = fields.Float(help="Industry, economic and country conditions (0-100).")
    character_weight = fields.Float(default=lambda self: self.env.company.ar_weight_character)
    capacity_weight = fields.Float(default=lambda self: self.env.company.ar_weight_capacity)
    capital_weight = fields.Float(default=lambda self: self.env.company.ar_weight_capital)
    collateral_weight = fields.Float(default=lambda self: self.env.company.ar_weight_collateral)
    conditions_weight = fields.Float(default=lambda self: self.env.company.ar_weight_conditions)
    behaviour_weight = fields.Float(default=lambda self: self.env.company.ar_weight_behaviour)

    # Payment behaviour over the 12 months before the assessment date
    avg_days_late = fields.Float(
        string="Average Days Late",
        readonly=True,
        help="Average delay, in days after the due date, of the invoices paid in the last 12 months.",
    )
    share_paid_late = fields.Float(
        string="Paid Late (%)",
        readonly=True,
        help="Share of the invoices of the last 12 months paid after their due date.",
    )
    worst_days_late = fields.Integer(string="Worst Delay (days)", readonly=True)
    trend_days = fields.Float(
        string="Delay Trend (days)",
        readonly=True,
        help="Average delay of the last 3 months minus that of the 9 months before: positive = worsening.",
    )
    paid_invoice_count = fields.Integer(string="Paid Invoices", readonly=True)
    avg_monthly_invoiced = fields.Monetary(
        string="Average Monthly Invoiced",
        readonly=True,
        help="Invoiced amount (net of credit notes) of the last 12 months divided by 12.",
    )
    behaviour_score = fields.Float(
        compute="_compute_behaviour_score",
        store=True,
        help="Score (0-100) of the payment history; 50 without any paid invoice.",
    )
    total_score = fields.Float(compute="_compute_total_score", store=True, tracking=True)

    # External rating and identifiers
    rating_agency = fields.Char(help="e.g. Dun & Bradstreet, Creditreform, Coface")
    rating_reference = fields.Char(help="The agency's report or customer number.")
    rating_value = fields.Char(string="External Rating")
    rating_date = fields.Date()
    registration_id = fields.Char(
        string="Company Registration",
        help="Company registration number, e.g. the Chinese unified social credit code or the French SIREN.",
    )
    tax_id = fields.Char(string="Tax ID", help="VAT or tax number, checked for the customer's country.")

    # Decision
    grade_id = fields.Many2one(
        "ar.credit.grade",
        compute="_compute_grade_id",
        store=True,
        check_company=True,
        tracking=True,
        help="Grade of the company's own scale (or of the shared scale) covering the total score.",
    )
    recommended_limit = fields.Monetary(compute="_compute_recommendation", store=True)
    recommended_payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Recommended Payment Terms",
        check_company=True,
        compute="_compute_recommendation",
        store=True,
    )
    approved_limit = fields.Monetary(
        tracking=True, help="Credit limit to apply; the recommended limit when left empty at submission."
    )
    limit_warning = fields.Char(
        compute="_compute_limit_warning",
        help="Shown when the approved limit is above the recommended one: say why in the chatter.",
    )
    approved_payment_term_id = fields.Many2one(
        "account.payment.term", string="Approved Payment Terms", tracking=True, check_company=True
    )
    valid_until = fields.Date(compute="_compute_valid_until", store=True, readonly=False)
    review_date = fields.Date(
        string="Next Review",
        compute="_compute_review_date",
        store=True,
        readonly=False,
        help="Next credit review of the customer, applied to the customer on approval.",
    )
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True, copy=False)
    approval_date = fields.Date(string="Decision Date", readonly=True, copy=False)
    rejection_reason = fields.Text(copy=False, tracking=True)

    # ------------------------------------------------------------------
    # Computes and onchanges
    # ------------------------------------------------------------------

    @api.depends("partner_id.name", "date")
    def _compute_name(self):
        for assessment in self:
            assessment.name = self.env._(
                "Assessment of %(partner)s (%(date)s)",
                partner=assessment.partner_id.name or "",
                date=assessment.date or "",
            )

    @api.depends("partner_id.name", "date")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for assessment in self:
            assessment.display_name = self.env._(
                "Assessment of %(partner)s (%(date)s)",
                partner=assessment.partner_id.name or "",
                date=format_date(self.env, assessment.date) if assessment.date else "",
            )

    @api.depends(*BEHAVIOUR_FIELDS)
    def _compute_behaviour_score(self):
        for assessment in self:
            assessment.behaviour_score = behaviour_score(
                assessment.avg_days_late,
                assessment.share_paid_late,
                assessment.worst_days_late,
                assessment.trend_days,
                assessment.paid_invoice_count,
            )

    @api.depends(*SCORE_FIELDS, *WEIGHT_FIELDS, "behaviour_score")
    def _compute_total_score(self):
        for assessment in self:
            try:
                assessment.total_score = weighted_score(assessment._score_weight_pairs())
            except ValueError:  # invalid weights: refused by _check_weights
                assessment.total_score = 0.0

    @api.depends("total_score", "company_id")
    def _compute_grade_id(self):
        for assessment in self:
            assessment.grade_id = assessment._find_grade(assessment.total_score)

    @api.depends("grade_id", "avg_monthly_invoiced")
    def _compute_recommendation(self):
        for assessment in self:
            assessment.recommended_limit = recommended_limit(**assessment._get_recommended_limit_inputs())
            assessment.recommended_payment_term_id = assessment.grade_id.payment_term_id

    @api.depends("date")
    def _compute_valid_until(self):
        for assessment in self:
            assessment.valid_until = assessment.date and assessment.date + relativedelta(months=12)

    @api.depends("valid_until")
    def _compute_review_date(self):
        for assessment in self:
            assessment.review_date = assessment.valid_until

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """Rate the commercial entity and take its VAT and registration numbers when empty."""
        partner = self.partner_id.commercial_partner_id
        if partner and partner != self.partner_id:
            self.partner_id = partner
        self.tax_id = self.tax_id or partner.vat
        self.registration_id = self.registration_id or partner.company_registry

    @api.onchange("company_id")
    def _onchange_company_id(self):
        """Take the scorecard weights of the newly chosen company."""
        if self.company_id and self.state == "draft":
            self.update(self._weights_of(self.company_id))

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _score_weight_pairs(self):
        """(score, weight) pairs of the five Cs and of the behaviour score."""
        self.ensure_one()
        pairs = [(self[f"{factor}_score"], self[f"{factor}_weight"]) for factor in FACTORS]
        return [*pairs, (self.behaviour_score, self.behaviour_weight)]

    @api.model
    def _weights_of(self, company):
        """Default weights of ``company`` as assessment field values."""
        return {f"{factor}_weight": company[f"ar_weight_{factor}"] for factor in DEFAULT_WEIGHTS}

    def _find_grade(self, score):
        """Grade covering ``score`` in the company's own scale, else in the shared scale."""
        self.ensure_one()
        Grade = self.env["ar.credit.grade"].sudo()
        scale = Grade.search([("company_id", "=", self.company_id.id)]) or Grade.search(
            [("company_id", "=", False)]
        )
        grade = scale.filtered(lambda g: score_in_range(score, g.min_score, g.max_score))[:1]
        return grade.sudo(False)

    @api.depends("approved_limit", "recommended_limit")
    def _compute_limit_warning(self):
        for assessment in self:
            approved, recommended = assessment.approved_limit, assessment.recommended_limit
            assessment.limit_warning = False
            if assessment.currency_id.compare_amounts(approved, recommended) > 0:
                times = approved / recommended if recommended else 0
                assessment.limit_warning = self.env._(
                    "The approved limit %(approved)s is above the recommended %(recommended)s%(times)s: "
                    "give the reason in the chatter.",
                    approved=format_amount(self.env, approved, assessment.currency_id),
                    recommended=format_amount(self.env, recommended, assessment.currency_id),
                    times=self.env._(" (%(times)s times)", times=round(times, 1)) if times else "",
                )

    def _get_recommended_limit_inputs(self):
        """Keyword arguments of ``credit_scoring.recommended_limit`` for this assessment.

        Extension hook: e.g. the credit insurance addon adds ``override_limit``
        (the buyer limit granted by the insurer), which then wins.
        """
        self.ensure_one()
        grade = self.grade_id.with_company(self.company_id)
        return {
            "default_limit": grade.default_limit,
            "limit_factor": grade.limit_factor,
            "avg_monthly_invoiced": self.avg_monthly_invoiced,
        }

    def _check_credit_manager(self):
        """Raise AccessError unless the current user is a Credit Manager."""
        self._ar_check_group(
            GROUP_CREDIT_MANAGER,
            self.env._("Only a Credit Manager can approve or reject credit assessments."),
        )

    def _behaviour_query(self):
        """One query computing the payment-history figures of the assessment's customer."""
        self.ensure_one()
        date_to = self.date
        date_from = date_to - relativedelta(months=12)
        recent_from = date_to - relativedelta(months=3)
        return SQL(
            """
            WITH delays AS (
                -- days late of the paid invoices as ``tools/receivables.py`` counts them (the view
                -- ar_payment_behaviour: the latest instalment's, never below zero)
                SELECT invoice_date, days_late
                  FROM ar_payment_behaviour
                 WHERE company_id = %(company)s
                   AND partner_id = %(partner)s
                   AND invoice_date > %(date_from)s
                   AND invoice_date <= %(date_to)s
            )
            SELECT COUNT(*) AS paid_invoice_count,
                   COALESCE(AVG(days_late), 0) AS avg_days_late,
                   COALESCE(100.0 * COUNT(*) FILTER (WHERE days_late > 0) / NULLIF(COUNT(*), 0), 0)
                       AS share_paid_late,
                   COALESCE(MAX(days_late), 0) AS worst_days_late,
                   AVG(days_late) FILTER (WHERE invoice_date > %(recent_from)s) AS recent_avg,
                   AVG(days_late) FILTER (WHERE invoice_date <= %(recent_from)s) AS earlier_avg,
                   (SELECT COALESCE(SUM(inv.amount_total_signed), 0)
                      FROM account_move inv
                     WHERE inv.move_type IN ('out_invoice', 'out_refund')
                       AND inv.state = 'posted'
                       AND inv.company_id = %(company)s
                       AND inv.commercial_partner_id = %(partner)s
                       AND inv.invoice_date > %(date_from)s
                       AND inv.invoice_date <= %(date_to)s) AS invoiced_total
              FROM delays
            """,
            company=self.company_id.id,
            partner=self.partner_id.commercial_partner_id.id,
            date_from=date_from,
            date_to=date_to,
            recent_from=recent_from,
        )

    def _flush_payment_history(self):
        """Write pending ORM changes: the behaviour query reads invoices, items and reconciliations."""
        self.env.flush_all()

    def _read_behaviour(self):
        """Payment-history figures of the assessment's customer, as field values."""
        self.ensure_one()
        self.env.cr.execute(self._behaviour_query())
        row = self.env.cr.dictfetchone()
        return {
            "paid_invoice_count": row["paid_invoice_count"],
            "avg_days_late": round(float(row["avg_days_late"]), DAYS_DIGITS),
            "share_paid_late": round(float(row["share_paid_late"]), PERCENT_DIGITS),
            "worst_days_late": row["worst_days_late"],
            "trend_days": round(
                trend(as_float(row["recent_avg"]), as_float(row["earlier_avg"])), DAYS_DIGITS
            ),
            "avg_monthly_invoiced": self.currency_id.round(float(row["invoiced_total"]) / 12),
        }

    def action_compute_behaviour(self):
        """Recompute the payment-behaviour figures from the customer's paid invoices."""
        self._flush_payment_history()
        for assessment in self:
            if assessment.partner_id and assessment.date:
                with self._ar_server_write():
                    assessment.write(assessment._read_behaviour())
        return True

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("partner_id")
    def _check_partner_commercial(self):
        for assessment in self:
            partner = assessment.partner_id
            if partner and partner.commercial_partner_id != partner:
                raise ValidationError(
                    self.env._(
                        "Assess the commercial entity %(company)s rather than its contact %(contact)s.",
                        company=partner.commercial_partner_id.display_name,
                        contact=partner.display_name,
                    )
                )

    @api.constrains(*SCORE_FIELDS)
    def _check_scores(self):
        for assessment in self:
            if any(not 0 <= assessment[fname] <= 100 for fname in SCORE_FIELDS):
                raise ValidationError(
                    self.env._(
                        "%(assessment)s: every factor score must lie between 0 and 100.",
                        assessment=assessment.display_name,
                    )
                )

    @api.constrains(*WEIGHT_FIELDS)
    def _check_weights(self):
        for assessment in self:
            weights = [assessment[fname] for fname in WEIGHT_FIELDS]
            if min(weights) < 0 or sum(weights) <= 0:
                raise ValidationError(
                    self.env._(
                        "%(assessment)s: weights cannot be negative and must add up to more than zero.",
                        assessment=assessment.display_name,
                    )
                )

    @api.constrains("approved_limit")
    def _check_approved_limit(self):
        for assessment in self:
            if assessment.approved_limit < 0:
                raise ValidationError(
                    self.env._(
                        "%(assessment)s: the approved credit limit cannot be negative.",
                        assessment=assessment.display_name,
                    )
                )

    @api.constrains("registration_id", "tax_id", "partner_id")
    def _check_identifiers(self):
        for assessment in self:
            country = assessment.partner_id.country_id
            checks = (
                ("registration_id", validate_registration_id, assessment._registration_kind(country.code)),
                ("tax_id", validate_tax_id, self.env._("VAT number")),
            )
            for fname, validate, kind in checks:
                number = assessment[fname]
                try:
                    validate(country.code, number)
                except ValueError as error:
                    raise ValidationError(
                        self.env._(
                            "%(number)s is not a valid %(kind)s for %(country)s: %(reason)s",
                            number=number,
                            kind=kind,
                            country=country.name or self.env._("an unknown country"),
                            reason=error,
                        )
                    ) from error

    def _registration_kind(self, country_code):
        """Name of the company registration number in the given country."""
        kinds = {
            "CN": self.env._("unified social credit code"),
            "FR": self.env._("SIREN or SIRET number"),
            "AU": self.env._("ACN or ABN"),
        }
        return kinds.get(country_code or "", self.env._("company registration number"))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _prepare_create_vals(self, vals):
        """Rate the commercial entity and take the weights of the assessment's company."""
        vals = dict(vals)
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        for fname, weight in self._weights_of(company).items():
            vals.setdefault(fname, weight)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        assessments = super().create([self._prepare_create_vals(vals) for vals in vals_list])
        assessments.filtered(lambda a: a.state != "approved").action_compute_behaviour()
        return assessments

    def write(self, vals):
        if LOCKED_FIELDS.intersection(vals) and "approved" in self.mapped("state"):
            raise UserError(
                self.env._("An approved assessment cannot be changed: create a new assessment instead.")
            )
        result = super().write(vals)
        if HISTORY_SCOPE_FIELDS.intersection(vals):
            self.action_compute_behaviour()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if "approved" in self.mapped("state"):
            raise UserError(self.env._("An approved assessment cannot be deleted: it documents a decision."))

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def action_submit(self):
        """Send the assessment for approval; the approved limit and terms default to the recommended ones."""
        self._ar_check_state("draft")
        for assessment in self:
            with self._ar_server_write():
                assessment._write_submitted()
        return True

    def _write_submitted(self):
        """Submitted, with the recommended limit and terms unless others were entered."""
        for assessment in self:
            assessment.write(
                {
                    "state": "submitted",
                    "approved_limit": assessment.approved_limit or assessment.recommended_limit,
                    "approved_payment_term_id": (
                        assessment.approved_payment_term_id or assessment.recommended_payment_term_id
                    ).id,
                }
            )

    def action_approve(self):
        """Approve the assessment and apply its outcome to the customer (Credit Manager only)."""
        self._check_credit_manager()
        self._ar_check_state("submitted")
        with self._ar_server_write():
            self.write(
                {
                    "state": "approved",
                    "approver_id": self.env.user.id,
                    "approval_date": self.env.company._ar_today(),
                }
            )
        for assessment in self.sorted(lambda a: (a.date, a.id)):
            assessment._apply_to_partner()
        return True

    def action_reject(self):
        """Reject the assessment (Credit Manager only); the rejection reason is mandatory."""
        self._check_credit_manager()
        self._ar_check_state("submitted")
        for assessment in self:
            if not (assessment.rejection_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Give the reason for rejecting %(assessment)s.", assessment=assessment.display_name
                    )
                )
        with self._ar_server_write():
            self.write(
                {
                    "state": "rejected",
                    "approver_id": self.env.user.id,
                    "approval_date": self.env.company._ar_today(),
                }
            )
        return True

    def action_reset_to_draft(self):
        """Bring a submitted or rejected assessment back to draft to rework it."""
        self._ar_check_state("submitted", "rejected")
        with self._ar_server_write():
            self.write({"state": "draft", "approver_id": False, "approval_date": False})
        return True

    def _apply_to_partner(self):
        """Write grade, score, limit, terms and review date on the customer, as the approver."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        previous_grade = partner.credit_grade_id
        vals = {
            "credit_grade_id": self.grade_id.id,
            "credit_score": self.total_score,
            "credit_limit": self.approved_limit,
            "credit_review_date": self.review_date,
        }
        if self.approved_payment_term_id:
            vals["property_payment_term_id"] = self.approved_payment_term_id.id
        partner.write(vals)
        partner.message_post(body=self._approval_message(), subtype_xmlid="mail.mt_note")
        if previous_grade and self.grade_id and self.grade_id.sequence > previous_grade.sequence:
            drop = self.env._(
                "Grade dropped from %(old)s to %(new)s.",
                old=previous_grade.display_name,
                new=self.grade_id.display_name,
            )
            partner.message_post(body=drop, subtype_xmlid="mail.mt_note")
            summary = self.env._("Risk worsened: %(signals)s", signals=drop)
            partner.sudo()._ar_alert_managers(self.company_id, summary)

    def _approval_message(self):
        """Chatter note posted on the customer when the assessment is approved."""
        self.ensure_one()
        none = self.env._("none")
        lines = [
            self.env._(
                "%(approver)s approved the credit assessment %(assessment)s (%(company)s).",
                approver=self.env.user.name,
                assessment=self.display_name,
                company=self.company_id.name,
            ),
            self.env._(
                "Total score %(score)s, grade %(grade)s.",
                score=self.total_score,
                grade=self.grade_id.display_name or none,
            ),
            self.env._(
                "Credit limit %(limit)s (recommended %(recommended)s), payment terms %(terms)s.",
                limit=format_amount(self.env, self.approved_limit, self.currency_id),
                recommended=format_amount(self.env, self.recommended_limit, self.currency_id),
                terms=self.approved_payment_term_id.display_name or none,
            ),
            self.env._(
                "Next review on %(review)s.",
                review=format_date(self.env, self.review_date) if self.review_date else none,
            ),
        ]
        return Markup("<br/>").join(lines)
