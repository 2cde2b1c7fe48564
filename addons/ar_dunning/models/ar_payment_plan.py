from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, format_amount


class ArPaymentPlan(models.Model):
    """Invoices the customer pays in installments; dunning is paused on them while the plan is kept.

    Payments on the plan's invoices since it started are applied to the
    installments in date order; a due installment not covered breaks the plan,
    and its invoices return to the dunning.
    """

    _name = "ar.payment.plan"
    _description = "Payment Plan"
    _inherit = ["ar.server.fields.mixin", "ar.dunning.pause.mixin", "mail.thread", "ar.input.bounds.mixin"]
    _order = "start_date desc, id desc"
    _check_company_auto = True
    #: Decided by the plan's actions and the daily check (see ``ar.server.fields.mixin``).
    _ar_server_fields = ("state", "residual_at_start", "total_amount")
    #: What the customer agreed to: frozen once the plan is active.
    _ar_agreed_fields = frozenset({"partner_id", "company_id", "move_ids", "start_date", "installment_ids"})

    name = fields.Char(required=True, default=lambda self: self.env._("Payment plan"), tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        "ar_payment_plan_move_rel",
        "plan_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('amount_residual', '>', 0)]",
    )
    start_date = fields.Date(required=True, default=lambda self: self.env.company._ar_today())
    installment_count = fields.Integer(default=3)
    installment_ids = fields.One2many("ar.payment.plan.installment", "plan_id", string="Installments")
    total_amount = fields.Monetary(compute="_compute_amounts", store=True)
    residual_at_start = fields.Monetary(readonly=True)
    paid_amount = fields.Monetary(compute="_compute_paid_amount")
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("done", "Completed"), ("broken", "Broken")],
        default="draft",
        required=True,
        tracking=True,
        readonly=True,
    )

    @api.model
    def _ar_pause_holds_sql(self, alias, date):
        """An active plan holds its invoices while it is kept (a missed installment ends it)."""
        return SQL("%s.state = 'active'", alias)

    @api.depends("installment_ids.amount")
    def _compute_amounts(self):
        for plan in self:
            plan.total_amount = sum(plan.installment_ids.mapped("amount"))

    @api.depends("move_ids.amount_residual_signed", "residual_at_start", "state")
    def _compute_paid_amount(self):
        for plan in self:
            if plan.state == "draft":
                plan.paid_amount = 0.0
                continue
            plan.paid_amount = plan.residual_at_start - sum(plan.move_ids.mapped("amount_residual_signed"))

    def action_generate_installments(self):
        """Split the invoices' open amount into monthly installments from the start date."""
        for plan in self:
            count = max(plan.installment_count, 1)
            total = sum(plan.move_ids.mapped("amount_residual_signed"))
            share = plan.currency_id.round(total / count)
            commands = [Command.clear()]
            for index in range(count):
                amount = share if index < count - 1 else plan.currency_id.round(total - share * (count - 1))
                commands.append(
                    Command.create({"date": plan.start_date + relativedelta(months=index), "amount": amount})
                )
            plan.installment_ids = commands

    def write(self, vals):
        """What the customer agreed to (invoices, installments, dates) changes only while in draft."""
        if self._ar_agreed_fields.intersection(vals) and not self._ar_server_writing():
            self._check_draft()
        return super().write(vals)

    def _check_draft(self):
        """UserError unless every plan is still a draft (the agreed terms are frozen after that)."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "%(plan)s is no longer a draft: its invoices and installments cannot change.",
                        plan=plan.display_name,
                    )
                )

    def action_activate(self):
        """Start the plan: its invoices leave the dunning while the installments are paid.

        Only a draft plan whose installments add up to its invoices' open
        balance starts; the state and that balance are written by the server.
        """
        self._check_draft()
        for plan in self:
            if not plan.installment_ids:
                raise UserError(self.env._("Add the installments of the plan first."))
            balance = sum(plan.move_ids.mapped("amount_residual_signed"))
            plan._check_installments_match(balance)
            with self._ar_server_write():
                plan.write({"state": "active", "residual_at_start": balance})

    def _check_installments_match(self, balance):
        """Refuse a plan whose installments do not add up to its invoices' open ``balance``."""
        self.ensure_one()
        total = sum(self.installment_ids.mapped("amount"))  # never the stored total a client could forge
        if float_compare(total, balance, precision_rounding=self.currency_id.rounding):
            raise UserError(
                self.env._(
                    "The installments of %(plan)s add up to %(total)s, but its invoices' open balance "
                    "is %(balance)s: adjust the installments (or generate them again).",
                    plan=self.name,
                    total=format_amount(self.env, total, self.currency_id),
                    balance=format_amount(self.env, balance, self.currency_id),
                )
            )

    def action_cancel(self):
        """Give up a draft or active plan: its invoices return to the dunning."""
        for plan in self:
            if plan.state not in ("draft", "active"):
                raise UserError(
                    self.env._("%(plan)s is already completed or broken.", plan=plan.display_name)
                )
        with self._ar_server_write():
            self.write({"state": "broken"})

    @api.model
    def _cron_check(self, today=None):
        """Complete paid plans and break those with a missed installment."""
        self.search([("state", "=", "active")])._check(today)

    def _check(self, today=None):
        """Complete or break each active plan (the server's own decision)."""
        with self._ar_server_write():
            self._check_plans(today)

    def _check_plans(self, today):
        for plan in self:
            today_ = today or plan.company_id._ar_today()
            rounding = plan.currency_id.rounding
            if float_compare(plan.paid_amount, plan.total_amount, precision_rounding=rounding) >= 0:
                plan.state = "done"
                continue
            due = sum(plan.installment_ids.filtered(lambda i, d=today_: i.date < d).mapped("amount"))
            if float_compare(plan.paid_amount, due, precision_rounding=rounding) < 0:
                plan.state = "broken"
                plan.message_post(body=self.env._("An installment was missed: dunning resumes."))
