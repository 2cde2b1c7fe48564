from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, format_amount, format_date


class ArPaymentPromise(models.Model):
    """A customer's promise to pay some invoices by a date.

    While open and not yet due, the promised invoices leave the dunning. The
    daily check marks the promise kept once the invoices received at least
    the promised amount since it was made, or broken when the date passed
    without it; a broken promise escalates the customer one dunning level.
    """

    _name = "ar.payment.promise"
    _description = "Promise to Pay"
    _inherit = ["ar.server.fields.mixin", "ar.dunning.pause.mixin", "mail.thread", "ar.input.bounds.mixin"]
    _order = "date desc, id desc"
    #: Decided by the server (see ``ar.server.fields.mixin``): the recorder is the user who recorded it.
    _ar_server_fields = ("state", "residual_at_promise", "user_id")
    _rec_name = "partner_id"
    _check_company_auto = True

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
        "ar_payment_promise_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('amount_residual', '>', 0)]",
        help="Empty: every open invoice of the customer.",
    )
    date = fields.Date(string="Promised Date", required=True, tracking=True)
    amount = fields.Monetary(string="Promised Amount", required=True, tracking=True)
    residual_at_promise = fields.Monetary(readonly=True, help="Open amount of the invoices when promised.")
    paid_amount = fields.Monetary(
        compute="_compute_paid_amount", help="Paid on the invoices since the promise."
    )
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        default="open",
        required=True,
        tracking=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user, readonly=True
    )
    note = fields.Text()

    @api.model
    def _ar_pause_holds_sql(self, alias, date):
        """An open promise holds its invoices until its date, included."""
        return SQL("(%(p)s.state = 'open' AND %(p)s.date >= %(date)s)", p=alias, date=date)

    @api.depends("move_ids.amount_residual_signed", "residual_at_promise")
    def _compute_paid_amount(self):
        for promise in self:
            promise.paid_amount = promise.residual_at_promise - sum(
                promise.move_ids.mapped("amount_residual_signed")
            )

    @api.constrains("amount")
    def _check_amount(self):
        for promise in self:
            if promise.amount <= 0:
                raise ValidationError(self.env._("The promised amount must be positive."))

    @api.constrains("date")
    def _check_date_not_past(self):
        today = self.env.company._ar_today()
        for promise in self:
            if promise.date < today:
                raise ValidationError(
                    self.env._(
                        "The promised date %(date)s is in the past: a promise to pay is for today or later.",
                        date=format_date(self.env, promise.date),
                    )
                )

    @api.constrains("date", "company_id")
    def _check_date_within_horizon(self):
        """A promise further out than the company's horizon is no commitment, only a pause of the dunning."""
        for promise in self:
            horizon = promise.company_id.ar_promise_max_days
            last = promise._ar_bounds_today() + timedelta(days=horizon)
            if promise.date > last:
                raise ValidationError(
                    self.env._(
                        "The promised date %(date)s is more than %(days)s days away: a promise to pay is "
                        "dated %(last)s at the latest (setting of %(company)s).",
                        date=format_date(self.env, promise.date),
                        days=horizon,
                        last=format_date(self.env, last),
                        company=promise.company_id.name,
                    )
                )

    @api.constrains("amount", "move_ids")
    def _check_amount_within_open(self):
        """The customer cannot promise more than it owes on the promised invoices.

        Skipped while the invoices are not chosen yet: ``create`` fills them in
        (all open invoices) and checks again.
        """
        for promise in self.filtered("move_ids"):
            promise._ar_check_amount_within_open()

    def _ar_check_amount_within_open(self):
        self.ensure_one()
        open_amount = sum(self.move_ids.mapped("amount_residual_signed"))
        if float_compare(self.amount, open_amount, precision_rounding=self.currency_id.rounding) > 0:
            raise ValidationError(
                self.env._(
                    "The promised amount %(amount)s is more than the open amount of the promised invoices "
                    "(%(open)s) of %(partner)s.",
                    amount=format_amount(self.env, self.amount, self.currency_id),
                    open=format_amount(self.env, open_amount, self.currency_id),
                    partner=self.partner_id.display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        with self._ar_server_write():
            promises._set_open_amount()
        return promises

    def write(self, vals):
        """The customer and invoices of a promise are fixed when it is made.

        Its open amount then is the base the payments are measured against;
        changing them afterwards would make a promise kept without a payment.
        """
        if {"partner_id", "company_id", "move_ids"}.intersection(vals) and not self._ar_server_writing():
            raise UserError(
                self.env._(
                    "The customer and invoices of a promise to pay are fixed when it is made: "
                    "record a new promise instead."
                )
            )
        return super().write(vals)

    def _set_open_amount(self):
        """Every open invoice of the customer when none is named; the open amount when promised."""
        for promise in self:
            if not promise.move_ids:
                promise.move_ids = self.env["account.move"].search(
                    [
                        ("commercial_partner_id", "=", promise.partner_id.commercial_partner_id.id),
                        ("company_id", "=", promise.company_id.id),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("amount_residual", ">", 0),
                    ]
                )
            promise._ar_check_amount_within_open()
            promise.residual_at_promise = sum(promise.move_ids.mapped("amount_residual_signed"))

    @api.model
    def _cron_check(self, today=None):
        """Mark open promises kept (paid) or broken (date passed); escalate the broken ones."""
        promises = self.search([("state", "=", "open")])
        promises._check(today)

    def _check(self, today=None):
        """Mark each open promise kept or broken (the server's own decision)."""
        with self._ar_server_write():
            self._check_promises(today)

    def _check_promises(self, today):
        for promise in self:
            today_ = today or promise.company_id._ar_today()
            paid = float_compare(
                promise.paid_amount, promise.amount, precision_rounding=promise.currency_id.rounding
            )
            if paid >= 0:
                promise.state = "kept"
            elif promise.date < today_:
                promise.state = "broken"
                promise._escalate(today_)

    def _escalate(self, today):
        """A broken promise: the customer gets the next dunning level for the promised invoices.

        Only for the invoices with an undisputed rest: one disputed entirely leaves the dunning.
        """
        self.ensure_one()
        disputed = self.env["account.move"]._ar_disputed_amounts(self.move_ids.ids)
        moves = self.move_ids.filtered(
            lambda m: m.company_currency_id.compare_amounts(m.amount_residual_signed, disputed.get(m.id, 0.0))
            > 0
        )
        if moves:
            self.env["ar.dunning.communication"]._escalate(self.partner_id, self.company_id, moves, today)
