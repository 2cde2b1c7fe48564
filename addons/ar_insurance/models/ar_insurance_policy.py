from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArInsurancePolicy(models.Model):
    """A trade-credit insurance policy covering the company's receivables."""

    _name = "ar.insurance.policy"
    _description = "Credit Insurance Policy"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
    country_ids = fields.Many2many("res.country", string="Covered Countries")
    note = fields.Html()

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
