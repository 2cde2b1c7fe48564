from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.ar_credit_control.tools.access import check_rights

from ..const import GROUP_INSURANCE_MANAGER
from ..tools.insurance_rules import buyer_cover


class ArInsurancePolicy(models.Model):
    """A trade-credit insurance policy covering the company's receivables."""

    _name = "ar.insurance.policy"
    _description = "Credit Insurance Policy"
    _inherit = ["mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    _order = "date_start desc, id desc"
    _rec_name = "number"

    number = fields.Char(string="Policy Number", required=True, tracking=True)
    insurer_id = fields.Many2one("res.partner", required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        tracking=True,
    )
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    indemnity_percent = fields.Float(string="Indemnity (%)", default=90.0, tracking=True)
    deductible = fields.Monetary(help="Amount per claim the insured bears before the insurer pays.")
    max_credit_period_days = fields.Integer(
        string="Maximum Credit Period (days)",
        help="Longest payment term the policy covers.",
    )
    max_extension_days = fields.Integer(
        string="Maximum Extension Period (days)",
        help="Days after the due date during which deliveries may continue; 0 when not used.",
    )
    discretionary_limit = fields.Monetary(
        help="Amount per buyer the insured may cover on its own assessment, " "without asking the insurer.",
    )
    notification_basis = fields.Selection(
        [
            ("due_date", "Days after the due date"),
            ("extension", "Days after the maximum extension period"),
        ],
        default="due_date",
        required=True,
    )
    notification_days = fields.Integer(
        string="Notification Deadline (days)",
        default=60,
        help="Days by which an overdue must be declared to the insurer, " "counted from the basis above.",
    )
    claim_days = fields.Integer(
        string="Claim Deadline (days)",
        default=150,
        help="Days after the notification by which the claim must be filed.",
    )
    premium_rate = fields.Float(
        string="Premium Rate (%)", digits=(16, 4), help="Premium on insured turnover."
    )
    declaration_frequency = fields.Selection(
        [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("yearly", "Yearly")],
        default="monthly",
        required=True,
    )
    country_ids = fields.Many2many(
        "res.country", string="Covered Countries", help="Buyers' countries covered; all when empty."
    )
    reminder_days = fields.Integer(
        string="Reminder (days before deadline)",
        default=7,
        help="The responsible gets an activity this many days before a notification deadline.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        help="Receives the deadline reminders; the insurance managers when empty.",
    )
    note = fields.Html()
    limit_ids = fields.One2many("ar.insurance.limit", "policy_id", string="Buyer Limits")
    limit_count = fields.Integer(compute="_compute_counts")
    notification_count = fields.Integer(compute="_compute_counts")
    claim_count = fields.Integer(compute="_compute_counts")

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for policy in self:
            if policy.date_end < policy.date_start:
                raise ValidationError(
                    self.env._("Policy %(number)s ends before it starts.", number=policy.number)
                )

    @api.constrains(
        "indemnity_percent",
        "deductible",
        "discretionary_limit",
        "premium_rate",
        "notification_days",
        "claim_days",
        "max_credit_period_days",
        "max_extension_days",
        "reminder_days",
    )
    def _check_values(self):
        for policy in self:
            if not 0 < policy.indemnity_percent <= 100:
                raise ValidationError(
                    self.env._(
                        "Policy %(number)s: the indemnity must be above 0 %% and at most 100 %%.",
                        number=policy.number,
                    )
                )
            amounts = (
                policy.deductible,
                policy.discretionary_limit,
                policy.premium_rate,
                policy.notification_days,
                policy.claim_days,
                policy.max_credit_period_days,
                policy.max_extension_days,
                policy.reminder_days,
            )
            if min(amounts) < 0:
                raise ValidationError(
                    self.env._(
                        "Policy %(number)s: amounts, rates and days cannot be negative.",
                        number=policy.number,
                    )
                )

    def action_activate(self):
        """Put draft policies in force."""
        self.write({"state": "active"})

    def action_cancel(self):
        """Cancel the policies (kept for history)."""
        self.write({"state": "cancelled"})

    def _compute_counts(self):
        for policy in self:
            domain = [("policy_id", "=", policy.id)]
            policy.limit_count = self.env["ar.insurance.limit"].search_count(domain)
            policy.notification_count = self.env["ar.insurance.notification"].search_count(domain)
            policy.claim_count = self.env["ar.insurance.claim"].search_count(domain)

    def _action_open(self, model, name):
        """Window action on the records of ``model`` of this policy."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("policy_id", "=", self.id)],
            "context": {"default_policy_id": self.id},
        }

    def action_view_limits(self):
        """Buyer limits of the policy."""
        return self._action_open("ar.insurance.limit", self.env._("Buyer Limits"))

    def action_view_notifications(self):
        """Overdue notifications of the policy."""
        return self._action_open("ar.insurance.notification", self.env._("Notifications"))

    def action_view_claims(self):
        """Claims of the policy."""
        return self._action_open("ar.insurance.claim", self.env._("Claims"))

    def action_refresh_receivables(self):
        """Recompute the insured receivables of the policies now (an insurance manager's, own companies).

        The refresh deletes and recreates the lines in sudo: the caller's group and
        its right to write these policies (company rules) are checked first.
        """
        check_rights(self, GROUP_INSURANCE_MANAGER)
        self.env["ar.insurance.receivable"]._refresh(self)
        return True

    # ------------------------------------------------------------------
    # Cover of buyers
    # ------------------------------------------------------------------

    def _covers_partner(self, partner):
        """True when the policy covers the buyer's country (all countries when none is set)."""
        self.ensure_one()
        country = partner.commercial_partner_id.country_id
        return not self.country_ids or country in self.country_ids

    def _buyer_limits(self, partner_ids):
        """Buyer id -> its limits on this policy, latest request first."""
        self.ensure_one()
        limits = (
            self.env["ar.insurance.limit"]
            .sudo()
            .search(
                [("policy_id", "=", self.id), ("partner_id", "in", list(partner_ids))],
                order="request_date desc, id desc",
            )
        )
        result = {}
        for limit in limits:
            result.setdefault(limit.partner_id.id, limit.browse())
            result[limit.partner_id.id] |= limit
        return result

    def _buyer_covers(self, partner_ids, on_date):
        """Buyer id -> (cover in policy currency, the limit deciding it or an empty recordset)."""
        self.ensure_one()
        limits_by_buyer = self._buyer_limits(partner_ids)
        covers = {}
        for partner_id in partner_ids:
            limit = self.env["ar.insurance.limit"]._current_limit(limits_by_buyer.get(partner_id), on_date)
            covers[partner_id] = (
                buyer_cover(
                    limit.state or None,
                    limit.granted_amount,
                    limit.valid_until,
                    self.discretionary_limit,
                    on_date,
                ),
                limit,
            )
        return covers

    @api.model
    def _policy_for(self, partner, company, on_date):
        """The active policy of ``company`` covering ``partner`` on ``on_date`` (or an empty recordset)."""
        policies = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "active"),
                ("date_start", "<=", on_date),
                ("date_end", ">=", on_date),
            ]
        )
        return policies.filtered(lambda policy: policy._covers_partner(partner))[:1]

    # ------------------------------------------------------------------
    # Daily run
    # ------------------------------------------------------------------

    @api.model
    def _cron_daily(self):
        """Refresh insured receivables, then notifications, deadlines and lost covers of active policies."""
        policies = self.search([("state", "=", "active")])
        receivables = self.env["ar.insurance.receivable"]
        notifications = self.env["ar.insurance.notification"]
        for policy in policies:
            receivables._refresh(policy)
            notifications._update_for_policy(policy)
