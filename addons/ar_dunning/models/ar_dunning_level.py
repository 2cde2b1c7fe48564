from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArDunningLevel(models.Model):
    """One step of a dunning policy and the actions it triggers.

    A customer reaches the level when one of its invoices is ``days`` past its
    due date (negative for a reminder before the due date), the overdue amount
    is at least ``min_amount`` and the previous reminder is at least
    ``min_days_since_previous`` days old.
    """

    _name = "ar.dunning.level"
    _inherit = ["ar.input.bounds.mixin"]
    _description = "Dunning Level"
    _order = "policy_id, days, id"
    _check_company_auto = True

    policy_id = fields.Many2one("ar.dunning.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    days = fields.Integer(
        string="Days from Due Date",
        required=True,
        help="Days after the due date at which the level is reached; " "negative for a reminder before it.",
    )
    min_amount = fields.Monetary(string="Minimum Overdue Amount")
    min_days_since_previous = fields.Integer(
        string="Minimum Days Since Previous Reminder",
        default=7,
    )
    auto_execute = fields.Boolean(
        string="Execute Automatically",
        default=True,
        help="Run the actions in the daily run; " "otherwise the communication waits in the review worklist.",
    )
    send_email = fields.Boolean()
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', 'in', ('ar.dunning.communication', 'res.partner'))]",
        help="Rendered on the reminder (its items, totals and payment links); "
        "a template on the customer (res.partner) still works, without them.",
    )
    attach_invoices = fields.Boolean(help="Attach the overdue invoices as PDF to the email.")
    send_sms = fields.Boolean(
        string="Send SMS",
        help="Queue a text message to the customer's mobile (else phone) through Odoo's SMS queue; "
        "without a valid number the reminder notes it and its other actions still happen.",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain="[('model', '=', 'ar.dunning.communication')]",
        help="Rendered on the reminder in the customer's language: keep it short (160 characters).",
    )
    send_letter = fields.Boolean(string="Print Letter")
    letter_title = fields.Char(
        translate=True,
        help="Heading of the dunning letter, which the customer reads (the level's name stays internal); "
        'empty: "Payment reminder", in the customer\'s language.',
    )
    create_activity = fields.Boolean()
    activity_type_id = fields.Many2one("mail.activity.type")
    activity_summary = fields.Char(translate=True)
    activity_responsible = fields.Selection(
        [
            ("collector", "Customer's collector"),
            ("salesperson", "Salesperson"),
            ("user", "Fixed user"),
        ],
        default="collector",
    )
    activity_user_id = fields.Many2one("res.users")
    set_credit_hold = fields.Boolean(string="Put Customer on Credit Hold")
    fee_type = fields.Selection(
        [("none", "No fee"), ("fixed", "Fixed amount"), ("percent", "Percentage of overdue")],
        default="none",
        required=True,
    )
    fee_amount = fields.Monetary(string="Fixed Fee")
    fee_percent = fields.Float(string="Fee (%)")
    fee_product_id = fields.Many2one(
        "product.product",
        check_company=True,
        help="Product of the fee invoice line (its income account and taxes); "
        "without one, the sales journal's default income account is used, without tax.",
    )
    letter_text = fields.Html(
        translate=True,
        help="Paragraph printed in the dunning letter above the table of overdue invoices.",
    )
    server_action_id = fields.Many2one(
        "ir.actions.server",
        help="Any server action to run for each customer reaching the level.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A level needs its number of days: left out, the ORM would silently start it on the due date."""
        for vals in vals_list:
            days = vals.get("days", self.env.context.get("default_days"))
            if days is None or days is False or isinstance(days, bool):
                raise ValidationError(
                    self.env._(
                        "Level %(level)s: give its number of days from the due date "
                        "(0 for the due date itself).",
                        level=vals.get("name") or "",
                    )
                )
        return super().create(vals_list)

    @api.constrains("days", "policy_id")
    def _check_days_unique(self):
        for level in self:
            if level.policy_id.level_ids.filtered(
                lambda other, lv=level: other != lv and other.days == lv.days
            ):
                raise ValidationError(
                    self.env._(
                        "Two levels of policy %(policy)s start on the same day: each level needs "
                        "its own number of days from the due date.",
                        policy=level.policy_id.name,
                    )
                )

    @api.constrains("min_amount", "min_days_since_previous", "fee_amount", "fee_percent")
    def _check_non_negative(self):
        for level in self:
            values = (
                level.min_amount,
                level.min_days_since_previous,
                level.fee_amount,
                level.fee_percent,
            )
            if min(values) < 0:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s: amounts, days and fees cannot be negative.",
                        level=level.name,
                    )
                )

    @api.constrains(
        "send_email",
        "mail_template_id",
        "send_sms",
        "sms_template_id",
        "create_activity",
        "activity_responsible",
        "activity_user_id",
    )
    def _check_action_settings(self):
        for level in self:
            if level.send_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s sends an email: choose its email template.",
                        level=level.name,
                    )
                )
            if level.send_sms and not level.sms_template_id:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s sends an SMS: choose its SMS template.",
                        level=level.name,
                    )
                )
            if level.sms_template_id and level.sms_template_id.model != "ar.dunning.communication":
                raise ValidationError(
                    self.env._(
                        "Level %(level)s: its SMS template must apply to dunning communications.",
                        level=level.name,
                    )
                )
            if level.create_activity and level.activity_responsible == "user" and not level.activity_user_id:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s assigns its activity to a fixed user: choose the user.",
                        level=level.name,
                    )
                )
