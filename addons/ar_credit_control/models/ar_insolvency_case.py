from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount, format_date

from ..const import GROUP_CREDIT_MANAGER, INSOLVENCY_ACTIVE_STATES
from ..tools.insolvency_rules import check_amounts, expected_dividend, expected_loss

#: Fields set by the case's actions only (opening, filing, closing), and the figures computed from
#: them; guarded by ``ar.server.fields.mixin``.
ACTION_FIELDS = frozenset(
    {
        "state",
        "amount_receivable",
        "hold_set_by_case",
        "stop_set_by_case",
        "date_closed",
        "closed_by_id",
        "amount_expected",
        "amount_expected_loss",
    }
)


class ArInsolvencyCase(models.Model):
    """An insolvency proceeding (administration, liquidation, bankruptcy...) of a customer.

    Opening the case puts the customer on credit hold and stops its
    deliveries in the case's company (unless already so), records the open
    receivables at that date and writes it all in both chatters; closing or
    cancelling it lifts what the case itself set. Only credit managers create,
    open and close cases.
    """

    _name = "ar.insolvency.case"
    _description = "Customer Insolvency Case"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    _order = "date_opening desc, id desc"
    _check_company_auto = True
    _ar_server_fields = tuple(sorted(ACTION_FIELDS))

    name = fields.Char(string="Reference", required=True, default="/", copy=False, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    case_type = fields.Selection(
        [
            ("reorganization", "Reorganization / Administration"),
            ("liquidation", "Liquidation"),
            ("bankruptcy", "Bankruptcy"),
            ("composition", "Composition with Creditors"),
            ("receivership", "Receivership"),
        ],
        string="Type",
        required=True,
        default="liquidation",
        tracking=True,
    )
    date_opening = fields.Date(
        string="Opening Date",
        required=True,
        default=lambda self: self.env.company._ar_today(),
        tracking=True,
        help="Date the court opened the proceeding.",
    )
    court = fields.Char(tracking=True)
    court_reference = fields.Char(string="Case Number", tracking=True, help="The court's reference.")
    administrator_id = fields.Many2one(
        "res.partner",
        tracking=True,
        check_company=True,
        help="Insolvency administrator, liquidator or trustee the claim is filed with.",
    )
    claim_deadline = fields.Date(string="Claim Filing Deadline", tracking=True)
    date_claim_filed = fields.Date(string="Claim Filed On", tracking=True, copy=False)
    amount_receivable = fields.Monetary(
        string="Receivable at Opening",
        readonly=True,
        copy=False,
        help="The customer's open posted receivables in this company when the case was opened, "
        "company currency.",
    )
    amount_claim = fields.Monetary(
        string="Claim Filed",
        tracking=True,
        copy=False,
        help="Amount of the claim filed with the administrator.",
    )
    dividend_percent = fields.Float(
        string="Expected Dividend (%)",
        tracking=True,
        help="Share of the claim the administrator expects to pay.",
    )
    amount_expected = fields.Monetary(
        string="Expected Dividend",
        compute="_compute_expected",
        store=True,
        help="Claim filed x expected dividend %.",
    )
    amount_recovered = fields.Monetary(string="Recovered", tracking=True, copy=False)
    amount_expected_loss = fields.Monetary(
        string="Expected Loss",
        compute="_compute_expected",
        store=True,
        help="Receivable at opening not expected back (the larger of expected dividend and recovered).",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Open"),
            ("claim_filed", "Claim Filed"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    hold_set_by_case = fields.Boolean(
        readonly=True, copy=False, help="The case put the customer on credit hold (and lifts it when closed)."
    )
    stop_set_by_case = fields.Boolean(
        readonly=True, copy=False, help="The case stopped the deliveries (and resumes them when closed)."
    )
    close_reason = fields.Text(
        string="Closing Reason", copy=False, tracking=True, help="Mandatory to close or cancel the case."
    )
    date_closed = fields.Date(string="Closed On", readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    notes = fields.Html()

    @api.depends("amount_claim", "dividend_percent", "amount_receivable", "amount_recovered", "currency_id")
    def _compute_expected(self):
        for case in self:
            rounding = case.currency_id.rounding
            if not rounding:  # a new case without its company yet
                case.amount_expected = case.amount_expected_loss = 0.0
                continue
            case.amount_expected = expected_dividend(case.amount_claim, case.dividend_percent, rounding)
            case.amount_expected_loss = expected_loss(
                case.amount_receivable, case.amount_expected, case.amount_recovered, rounding
            )

    @api.constrains("amount_claim", "dividend_percent", "amount_recovered")
    def _check_amounts(self):
        for case in self:
            error = check_amounts(case.amount_claim, case.dividend_percent, case.amount_recovered)
            if error == "negative":
                raise ValidationError(
                    self.env._("%(case)s: amounts cannot be negative.", case=case.display_name)
                )
            if error == "percent":
                raise ValidationError(
                    self.env._(
                        "%(case)s: the expected dividend is a percentage from 0 to 100.", case=case.name
                    )
                )

    @api.constrains("partner_id", "company_id", "state")
    def _check_one_active_case(self):
        for case in self.filtered(lambda c: c.state in INSOLVENCY_ACTIVE_STATES):
            others = self.search_count(
                [
                    ("id", "!=", case.id),
                    ("partner_id", "=", case.partner_id.id),
                    ("company_id", "=", case.company_id.id),
                    ("state", "in", INSOLVENCY_ACTIVE_STATES),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(partner)s already has an open insolvency case in %(company)s.",
                        partner=case.partner_id.display_name,
                        company=case.company_id.name,
                    )
                )

    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for case in self:
            if case.partner_id != case.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Open the insolvency case on the company %(company)s, not on its contact.",
                        company=case.partner_id.commercial_partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    @api.model
    def _check_credit_manager(self):
        """Raise AccessError unless the current user is a Credit Manager."""
        if not self.env.su and not self.env.user.has_group(GROUP_CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can create, open or close insolvency cases."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_credit_manager()
        for vals in vals_list:
            if vals.get("name", "/") != "/" and not self._ar_server_writing():
                self._ar_refuse_server_field("name")  # the reference is the sequence's
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("ar.insolvency.case") or "/"
        return super().create(vals_list)

    def write(self, vals):
        self._check_credit_manager()
        if "name" in vals and not self._ar_server_writing():
            self._ar_refuse_server_field("name")  # the reference is the sequence's
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._check_credit_manager()
        if any(case.state != "draft" for case in self):
            raise UserError(self.env._("Only draft insolvency cases can be deleted; cancel the others."))

    def _reason_text(self):
        self.ensure_one()
        case_type = dict(self._fields["case_type"]._description_selection(self.env))[self.case_type]
        return self.env._(
            "Insolvency case %(case)s (%(type)s) opened on %(date)s",
            case=self.name,
            type=case_type,
            date=format_date(self.env, self.date_opening),
        )

    def action_open(self):
        """Open the case: record the receivable, put the customer on hold, stop its deliveries.

        Hold and stop are set in the case's company, only when not already
        set (the case then remembers it set them, to lift them at closing).
        """
        self._check_credit_manager()
        self._ar_check_state("draft")
        for case in self:
            case._open_one()
        self._after_open()
        return True

    def _open_one(self):
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.with_company(company)
        reason = self._reason_text()
        figures = partner.sudo()._ar_credit_figures(company, overdue_amounts=False)
        partner_vals, case_vals = {}, {"state": "open", "amount_receivable": figures.receivable}
        if not partner.credit_hold:
            partner_vals.update(credit_hold=True, credit_hold_reason=reason)
            case_vals["hold_set_by_case"] = True
        if not partner.credit_stop_delivery:
            partner_vals.update(credit_stop_delivery=True, credit_stop_delivery_reason=reason)
            case_vals["stop_set_by_case"] = True
        if partner_vals:
            partner.write(partner_vals)
        with self._ar_server_write():
            self.sudo().write(case_vals)
        self._post_both(self._opening_message(case_vals))

    def _opening_message(self, case_vals):
        env = self.env
        lines = [
            env._(
                "%(reason)s by %(user)s. Receivable at opening: %(amount)s.",
                reason=self._reason_text(),
                user=env.user.name,
                amount=format_amount(env, self.amount_receivable, self.currency_id),
            ),
            env._("Customer put on credit hold.")
            if case_vals.get("hold_set_by_case")
            else env._("The customer was already on credit hold."),
            env._("Deliveries stopped.")
            if case_vals.get("stop_set_by_case")
            else env._("Deliveries were already stopped."),
        ]
        if self.claim_deadline:
            lines.append(env._("Claims to file by %(date)s.", date=format_date(env, self.claim_deadline)))
        return lines

    def _post_both(self, lines):
        """Post ``lines`` on the case and on the customer's chatter."""
        self.ensure_one()
        body = Markup("<br/>").join(lines)
        self.message_post(body=body)
        self.partner_id.message_post(body=Markup("%s<br/>%s") % (self._get_html_link(), body))

    def _after_open(self):
        """Extension point run once the cases are open (dunning, credit insurance)."""
        return True

    # ------------------------------------------------------------------
    # Claim and closing
    # ------------------------------------------------------------------
    def action_file_claim(self):
        """Record that the claim was filed with the administrator (today unless a date is set)."""
        self._check_credit_manager()
        self._ar_check_state("open")
        today = self.env.company._ar_today()
        for case in self:
            vals = {"date_claim_filed": case.date_claim_filed or today}
            if not case.amount_claim:
                vals["amount_claim"] = case.amount_receivable
            case.write(vals)
            with self._ar_server_write():
                case.sudo().write({"state": "claim_filed"})
        return True

    def action_close(self):
        """Close the case (proceeding ended) and lift the hold and stop it set."""
        return self._end("closed")

    def action_cancel(self):
        """Cancel the case (opened by mistake, proceeding refused) and lift the hold and stop it set."""
        return self._end("cancelled")

    def _end(self, state):
        self._check_credit_manager()
        allowed = ("draft", *INSOLVENCY_ACTIVE_STATES) if state == "cancelled" else INSOLVENCY_ACTIVE_STATES
        self._ar_check_state(*allowed)
        for case in self:
            reason = (case.close_reason or "").strip()
            if not reason:
                raise UserError(self.env._("%(case)s: give the closing reason first.", case=case.name))
            was_active = case.state in INSOLVENCY_ACTIVE_STATES
            lifted = case._lift() if was_active else []
            with self._ar_server_write():
                case.sudo().write(
                    {
                        "state": state,
                        "date_closed": self.env.company._ar_today(),
                        "closed_by_id": self.env.uid,
                    }
                )
            label = self.env._("closed") if state == "closed" else self.env._("cancelled")
            lines = [
                self.env._(
                    "Insolvency case %(case)s %(state)s by %(user)s: %(reason)s",
                    case=case.name,
                    state=label,
                    user=self.env.user.name,
                    reason=reason,
                ),
                *lifted,
            ]
            if was_active:
                case._post_both(lines)
            else:
                case.message_post(body=Markup("<br/>").join(lines))
        return True

    def _lift(self):
        """Lift the hold and the stop of deliveries the case set; return what was done, as lines."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        vals, lines = {}, []
        if self.hold_set_by_case and partner.credit_hold:
            vals.update(credit_hold=False, credit_hold_reason=False)
            lines.append(self.env._("Credit hold lifted."))
        if self.stop_set_by_case and partner.credit_stop_delivery:
            vals.update(credit_stop_delivery=False, credit_stop_delivery_reason=False)
            lines.append(self.env._("Deliveries resumed."))
        if not lines:
            lines.append(self.env._("Nothing to lift: the case did not set the hold or the stop."))
        if vals:
            partner.write(vals)
        return lines

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_invoices(self):
        """The customer's open posted invoices and credit notes in the case's company."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action.update(
            {
                "domain": [
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                "context": {"create": False},
            }
        )
        return action

    def action_view_partner(self):
        """Open the customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
