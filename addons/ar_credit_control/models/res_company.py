from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..const import GROUP_CREDIT_MANAGER
from ..tools.aging_rules import DEFAULT_BUCKETS, AgingBucketError, parse_buckets
from ..tools.credit_rules import CreditPolicy, local_today
from ..tools.credit_scoring import DEFAULT_WEIGHTS
from ..tools.payment_risk_rules import DEFAULT_LATE_DAYS


class ResCompany(models.Model):
    """Company-wide credit check settings and scorecard weights."""

    _name = "res.company"
    _inherit = ["res.company", "ar.input.bounds.mixin"]

    ar_credit_check_mode = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Credit Check",
        default="warn",
        required=True,
        help="Off: no check. Warn: the order is confirmed and the warning recorded. "
        "Block: the order waits for a credit manager's release.",
    )
    ar_credit_check_limit = fields.Boolean(string="Check Credit Limit", default=True)
    ar_credit_grace_percent = fields.Float(
        string="Grace (%)",
        help="Exposure may exceed the limit by this percentage before orders are stopped.",
    )
    ar_credit_zero_limit = fields.Selection(
        [("unlimited", "No limit"), ("no_credit", "No credit (cash only)")],
        string="A Limit of Zero Means",
        default="unlimited",
        required=True,
    )
    ar_credit_check_overdue = fields.Boolean(string="Check Overdue Invoices", default=True)
    ar_credit_overdue_tolerance_days = fields.Integer(
        string="Overdue Tolerance Without Grade (days)",
        default=30,
        help="Days past due accepted for customers without a credit grade; "
        "graded customers use their grade's tolerance.",
    )
    ar_credit_check_hold = fields.Boolean(string="Check Credit Hold", default=True)
    ar_credit_check_prepayment = fields.Boolean(string="Check Prepayment Grades", default=True)
    ar_credit_check_review = fields.Boolean(string="Check Review Date")
    ar_exposure_include_orders = fields.Boolean(
        string="Count Confirmed Orders",
        default=True,
        help="Count the not yet invoiced part of confirmed sale orders in the exposure.",
    )
    ar_exposure_include_drafts = fields.Boolean(
        string="Count Draft Invoices",
        help="Count draft customer invoices (not created from orders) in the exposure.",
    )
    ar_credit_check_on_post = fields.Boolean(
        string="Re-check When Posting Invoices",
        help="Run the credit check again when a customer invoice not coming from a released order is posted.",
    )

    @api.constrains("ar_credit_grace_percent", "ar_credit_overdue_tolerance_days")
    def _check_ar_credit_settings(self):
        for company in self:
            if company.ar_credit_grace_percent < 0 or company.ar_credit_overdue_tolerance_days < 0:
                raise ValidationError(self.env._("Grace percentage and tolerance days cannot be negative."))

    # Provisions for doubtful receivables and write-offs (issue 10)
    ar_allowance_account_id = fields.Many2one(
        "account.account",
        string="Allowance Account",
        check_company=True,
        help="Allowance for doubtful receivables (contra-asset): credited by provisions, "
        "debited by write-offs.",
    )
    ar_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad-Debt Expense Account",
        check_company=True,
        help="Expense account debited when the provision grows (credited when it is released).",
    )
    ar_provision_journal_id = fields.Many2one(
        "account.journal",
        string="Provision Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal of the provision and write-off entries.",
    )
    ar_write_off_threshold = fields.Monetary(
        string="Write-off Second Approval Above",
        currency_field="currency_id",
        help="Write-offs above this amount (company currency) need the approval of a second credit manager. "
        "Zero: every write-off needs it.",
    )

    @api.constrains("ar_write_off_threshold")
    def _check_ar_write_off_threshold(self):
        for company in self:
            if company.ar_write_off_threshold < 0:
                raise ValidationError(self.env._("The write-off approval threshold cannot be negative."))

    def _ar_today(self):
        """The company's date: today in the time zone of the company's address (UTC without one).

        The one "today" of every credit rule (limits, reviews, days past due),
        whatever time zone the caller's context or user has.
        """
        self.ensure_one()
        return local_today(fields.Datetime.now(), self._ar_time_zone(self.id))

    @api.model
    @tools.ormcache("company_id")
    def _ar_time_zone(self, company_id):
        """Time zone of the company's address, read once per process (cleared when a tz changes).

        Read as the system: the address may be out of the caller's reach (a
        portal user), and its time zone is no secret. Cached because every
        credit check asks for it.
        """
        self.env.cr.execute(
            SQL(
                "SELECT p.tz FROM res_company c JOIN res_partner p ON p.id = c.partner_id WHERE c.id = %s",
                company_id,
            )
        )
        row = self.env.cr.fetchone()
        return row[0] if row else None

    def _ar_credit_policy(self):
        """The company's settings as a :class:`CreditPolicy`."""
        self.ensure_one()
        return CreditPolicy(
            check_limit=self.ar_credit_check_limit,
            grace_percent=self.ar_credit_grace_percent,
            zero_limit_blocks=self.ar_credit_zero_limit == "no_credit",
            check_overdue=self.ar_credit_check_overdue,
            default_tolerance_days=self.ar_credit_overdue_tolerance_days,
            check_hold=self.ar_credit_check_hold,
            check_prepayment=self.ar_credit_check_prepayment,
            check_review=self.ar_credit_check_review,
        )

    def _ar_credit_managers(self):
        """Active internal users of this company who are credit managers."""
        self.ensure_one()
        group = self.env.ref(GROUP_CREDIT_MANAGER)
        return group.users.filtered(
            lambda user: user.active
            and not user.share
            and self in user.company_ids
            and user.id != SUPERUSER_ID
        )

    def _ar_credit_review_assignee(
        self, exclude=None, activity_xmlid="ar_credit_control.mail_activity_credit_review"
    ):
        """The one credit manager who gets a credit review: the least loaded, then the longest in the role.

        One decision is one activity: sent to every manager it made as many
        near-identical chatter entries and left the others' lists stale once
        one decided. The load is the number of open credit-review activities
        of each manager (of ``activity_xmlid``'s type); ``exclude`` (e.g. the requester of a second approval)
        never gets it. Empty when the company has no other credit manager.
        """
        self.ensure_one()
        managers = self._ar_credit_managers() - (exclude or self.env["res.users"])
        if not managers:
            return managers
        activity_type = self.env.ref(activity_xmlid, raise_if_not_found=False)
        load = dict(
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", managers.ids),
                    ("activity_type_id", "=", activity_type.id if activity_type else 0),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        return managers.sorted(lambda user: (load.get(user, 0), user.id))[:1]

    # Scorecard weights of credit assessments
    ar_weight_character = fields.Float(
        string="Character Weight",
        default=DEFAULT_WEIGHTS["character"],
        help="Default weight of the character score (integrity, track record) in new credit assessments.",
    )
    ar_weight_capacity = fields.Float(
        string="Capacity Weight",
        default=DEFAULT_WEIGHTS["capacity"],
        help="Default weight of the capacity score (cash flow available to pay) in new credit assessments.",
    )
    ar_weight_capital = fields.Float(
        string="Capital Weight",
        default=DEFAULT_WEIGHTS["capital"],
        help="Default weight of the capital score (equity, financial strength) in new credit assessments.",
    )
    ar_weight_collateral = fields.Float(
        string="Collateral Weight",
        default=DEFAULT_WEIGHTS["collateral"],
        help="Default weight of the collateral score (guarantees, securities) in new credit assessments.",
    )
    ar_weight_conditions = fields.Float(
        string="Conditions Weight",
        default=DEFAULT_WEIGHTS["conditions"],
        help="Default weight of the conditions score (industry, economy) in new credit assessments.",
    )
    ar_weight_behaviour = fields.Float(
        string="Payment Behaviour Weight",
        default=DEFAULT_WEIGHTS["behaviour"],
        help="Default weight of the behavioural score computed from the customer's payment history.",
    )

    def _ar_scoring_weights(self):
        """Return the company's default weights as {factor: weight}."""
        self.ensure_one()
        return {factor: self[f"ar_weight_{factor}"] for factor in DEFAULT_WEIGHTS}

    @api.constrains(*(f"ar_weight_{factor}" for factor in DEFAULT_WEIGHTS))
    def _check_ar_scoring_weights(self):
        for company in self:
            weights = company._ar_scoring_weights().values()
            if min(weights) < 0 or sum(weights) <= 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: scorecard weights cannot be negative "
                        "and must add up to more than zero.",
                        company=company.name,
                    )
                )

    # Receivables aging
    ar_aging_buckets = fields.Char(
        string="Aging Buckets",
        default=DEFAULT_BUCKETS,
        required=True,
        help="Upper bounds in days past due, comma-separated: 0,30,60,90,120 gives current (not due), "
        "1-30, 31-60, 61-90, 91-120 and over 120 days.",
    )

    @api.constrains("ar_aging_buckets")
    def _check_ar_aging_buckets(self):
        for company in self:
            company._ar_aging_buckets()

    def _ar_aging_buckets(self):
        """The company's aging buckets (:class:`AgingBuckets`); ValidationError when invalid."""
        self.ensure_one()
        try:
            return parse_buckets(self.ar_aging_buckets)
        except AgingBucketError as error:
            raise ValidationError(
                self.env._(
                    "Invalid aging buckets %(buckets)r: %(reason)s",
                    buckets=self.ar_aging_buckets,
                    reason=error.args[0],
                )
            ) from error

    def _ar_aging_labels(self):
        """Translated labels of the company's aging buckets."""
        return self._ar_aging_buckets().labels(current=self.env._("Current"))

    # AR data-quality report
    ar_dq_unreconciled_days = fields.Integer(
        string="Unreconciled Payments After (days)",
        default=30,
        help="The AR data-quality report lists customer payments left unreconciled for more than these days.",
    )

    @api.constrains("ar_dq_unreconciled_days")
    def _check_ar_dq_unreconciled_days(self):
        for company in self:
            if company.ar_dq_unreconciled_days < 0:
                raise ValidationError(self.env._("The days of unreconciled payments cannot be negative."))

    # Predicted payment risk (issue 10)
    ar_risk_late_days = fields.Integer(
        string="Late Payment After (days)",
        default=DEFAULT_LATE_DAYS,
        required=True,
        help="An invoice paid more than this many days after its due date counts as paid late "
        "for the payment risk prediction.",
    )

    @api.constrains("ar_risk_late_days")
    def _check_ar_risk_late_days(self):
        for company in self:
            if company.ar_risk_late_days < 0:
                raise ValidationError(self.env._("The late payment threshold cannot be negative."))
