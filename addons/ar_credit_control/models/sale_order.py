import logging
import random
import time
from collections import defaultdict
from dataclasses import replace

from markupsafe import Markup, escape
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools.misc import format_amount, format_date

from ..const import GROUP_CREDIT_MANAGER
from ..tools import credit_rules
from ..tools.server_fields import refuse_server_values, server_computed_fields

_logger = logging.getLogger(__name__)

#: Fields of the order only the credit check writes.
CHECK_STATE_FIELDS = {
    "credit_check_state",
    "credit_block_reason",
    "credit_block_codes",
    "credit_block_amount",
}
#: Order fields whose change may raise a confirmed order's amount or move it to another customer
#: (changes of its lines are checked by the lines themselves, see sale_order_line.py).
AMOUNT_FIELDS = {"partner_id", "currency_id", "pricelist_id", "company_id", "date_order"}
#: What a passed check records on the order.
CHECK_OK_VALUES = {"credit_check_state": "ok", "credit_block_reason": False}
#: Attempts at recording a refused order as blocked, when concurrent transactions collide.
BLOCK_RECORD_ATTEMPTS = 8


class SaleOrder(models.Model):
    """The credit check at quotation confirmation."""

    _inherit = "sale.order"

    credit_check_state = fields.Selection(
        [("ok", "OK"), ("warning", "Warning"), ("blocked", "Blocked"), ("released", "Released")],
        string="Credit Check",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Outcome of the last credit check; blocks, warnings and releases are also in the chatter.",
    )
    credit_block_reason = fields.Text(copy=False, readonly=True)
    credit_block_codes = fields.Char(
        copy=False, readonly=True, help="Technical: the criteria the last refused check failed on."
    )
    credit_block_amount = fields.Monetary(
        copy=False,
        readonly=True,
        currency_field="credit_company_currency_id",
        help="Order total (company currency) the last refused check was asked to accept.",
    )
    credit_company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    credit_block_labels = fields.Char(
        string="Blocked For",
        compute="_compute_credit_block_view",
        help="The criteria the last refused check failed on.",
    )
    credit_over_limit_amount = fields.Monetary(
        string="Over Limit",
        compute="_compute_credit_block_view",
        currency_field="credit_company_currency_id",
        help="How far the customer's exposure with this order goes over its limit in force.",
    )
    credit_customer_grade_id = fields.Many2one(
        "ar.credit.grade",
        string="Grade",
        related="partner_id.commercial_partner_id.credit_grade_id",
        tracking=False,  # a related field inherits the grade's tracking: every order write would read it
    )
    credit_customer_usage = fields.Float(
        string="Credit Usage (%)", related="partner_id.commercial_partner_id.credit_usage"
    )
    credit_customer_overdue_days = fields.Integer(
        string="Days Overdue", related="partner_id.commercial_partner_id.credit_overdue_days"
    )
    credit_release_ids = fields.One2many(
        "ar.credit.release", "order_id", string="Credit Decisions", readonly=True
    )
    credit_check_preview = fields.Html(
        compute="_compute_credit_check_preview",
        sanitize=False,
        help="What confirming the order would do, with the customer's exposure and limit.",
    )
    credit_check_alert = fields.Selection(
        [("info", "Info"), ("warning", "Warning"), ("danger", "Danger")],
        compute="_compute_credit_check_preview",
    )
    credit_stop_delivery = fields.Boolean(
        string="Deliveries Stopped",
        compute="_compute_credit_stop_delivery",
        help="Deliveries to the customer are stopped in the order's company (e.g. insolvency): "
        "the order cannot be confirmed.",
    )
    credit_stop_delivery_reason = fields.Char(string="Stop Reason", compute="_compute_credit_stop_delivery")

    @api.depends("partner_id", "company_id")
    def _compute_credit_stop_delivery(self):
        """The reasons of ``res.partner._ar_delivery_stops``: what refuses the order, shown on it."""
        for order in self:
            stops = order._ar_customer()._ar_delivery_stops() if order.partner_id else []
            order.credit_stop_delivery = bool(stops)
            order.credit_stop_delivery_reason = "; ".join(stops) or False

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    def _ar_amount_company(self):
        """Order total in company currency, at the company's rate of the day for the order's currency.

        The total is Odoo's own ``amount_total``, computed by the ORM from
        the lines: no client can send it (nor any other computed total, tax,
        rate or invoiced quantity, see ``tools/server_fields.py``), so it is
        the server's figure, and reading it costs nothing on a confirmation
        (the tax engine run again on every line cost more than the rest of
        the check). The order's stored ``currency_rate`` is not used.
        """
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id or company.currency_id
        total = self.amount_total
        if currency != company.currency_id:
            date = (self.date_order or fields.Datetime.now()).date()
            total = currency._convert(total, company.currency_id, company, date, round=False)
        return company.currency_id.round(total)

    def _ar_customer(self):
        """The order's customer (commercial entity) in the order's company, as the system.

        As the system: a sales rep is checked against figures it may not see.
        Its credit settings are read in one narrow query
        (``res.partner._ar_fetch_credit_settings``; only the delivery stop
        when the company's check is off) rather than with the whole prefetch
        group of the partner's properties.
        """
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.with_company(company).sudo()
        stops_only = company.ar_credit_check_mode == "off"
        return partner._ar_fetch_credit_settings(stops_only=stops_only).commercial_partner_id

    def _ar_credit_evaluate(
        self,
        target=None,
        base=None,
        pending=0.0,
        overdue_amounts=True,
        lock=False,
        current=None,
        delivery_stops=None,
    ):
        """Return ``(reasons, figures, customer, amount)`` for accepting this order at ``target``.

        ``target``: the order total to accept (default: its total now).
        A confirmed order is already in its customer's exposure (with its
        total now); ``base`` is the part of it accepted before (default: all
        of it), so the check weighs only the rise: the figures shown are the
        exposure without the rise, and ``amount`` the rise. ``pending``: other
        orders of the customer confirmed in the same call. ``lock`` locks the
        customer's row in the statement that reads the exposure. ``current``:
        the order's total now, when the caller has just computed it.
        ``delivery_stops``: the customer's stops when the caller has just read them (the check,
        which refused the order if there were any), else read here.
        """
        self.ensure_one()
        company = self.company_id
        partner = self._ar_customer()
        figures = partner._ar_credit_figures(company, overdue_amounts=overdue_amounts, lock=lock)
        if current is None and (target is None or self.state == "sale"):
            current = self._ar_amount_company()
        target = current if target is None else target
        counted = current if self.state == "sale" and company.ar_exposure_include_orders else 0.0
        base = counted if base is None or not counted else base
        figures = replace(figures, orders=figures.orders - counted + base)
        if delivery_stops is None:
            delivery_stops = partner._ar_delivery_stops()
        customer = partner._ar_customer_credit(delivery_stops)
        amount = target - base + pending
        reasons = self.env["res.partner"]._ar_credit_reasons(
            company, customer, figures, amount, rounding=company.currency_id.rounding
        )
        return reasons, figures, customer, amount

    def _ar_latest_decision(self):
        self.ensure_one()
        return self.credit_release_ids.sorted(lambda r: (r.date, r.id), reverse=True)[:1]

    def _ar_release_covers(self, reasons, target):
        """True when a credit manager's release still covers accepting this order at ``target``.

        The latest decision must be a release, not revoked (the customer put
        on hold or stopped since), for this customer, given for every reason
        failing now and for at least ``target``.
        """
        self.ensure_one()
        decision = self._ar_latest_decision()
        return bool(decision) and decision._ar_covers(
            self.partner_id.commercial_partner_id, {code for code, _details in reasons}, target
        )

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """Refuse server values; an order created confirmed is checked as a confirmation."""
        refuse_server_values(self, vals_list, CHECK_STATE_FIELDS)
        orders = super().create(vals_list)
        confirmed = orders.filtered(lambda o: o.state == "sale")
        if confirmed:
            for order in confirmed.filtered(lambda o: o.company_id.ar_credit_check_mode == "off"):
                order._ar_refuse_delivery_stops()  # the other modes refuse them in the check
            confirmed._ar_recheck({})
        return orders

    def write(self, vals):
        """Check every order that reaches ``sale``, and confirmed orders whose amount or customer changes.

        The guarantee lives here, not in ``action_confirm``: whatever path
        sets the state (the button, a plain RPC write), the check runs. A
        quotation is checked before the write (its outcome then rides on
        the same UPDATE); a confirmed order changed by the write is checked
        again after it, on its recomputed amount.
        """
        refuse_server_values(self, [vals], CHECK_STATE_FIELDS)
        before = self._ar_amounts_before(vals)
        if vals.get("state") == "sale":
            accepted, passed = self.filtered(lambda o: o.state != "sale")._ar_check_confirmation()
            if (AMOUNT_FIELDS | {"order_line"}).intersection(vals) - {"date_order"}:
                before.update(accepted)  # lines sent with the confirmation: checked after it too
            if passed == self:  # the outcome rides on the confirmation's own write
                vals = {**vals, **CHECK_OK_VALUES}
            elif passed:
                passed.sudo().write(CHECK_OK_VALUES)
        result = super().write(vals)
        if before:
            self.browse(list(before))._ar_recheck(before)
        return result

    def _ar_amounts_before(self, vals):
        """``{order id: (customer id, amount)}`` of confirmed orders a write of ``vals`` may raise."""
        if not AMOUNT_FIELDS.intersection(vals):
            return {}
        return self._ar_checked_orders()._ar_snapshot()

    def _ar_checked_orders(self):
        """The confirmed orders among these whose company runs the credit check."""
        return self.filtered(lambda o: o.state == "sale" and o.company_id.ar_credit_check_mode != "off")

    def _ar_snapshot(self):
        return {o.id: (o._ar_customer().id, o._ar_amount_company()) for o in self}

    def _ar_check_confirmation(self):
        """Check each quotation about to be confirmed.

        Return ``({id: (customer id, amount)} accepted, the orders that passed
        and are not yet marked so)``: the caller records that outcome with the
        confirmation's own write rather than with one more write per order.
        """
        pending = defaultdict(float)
        accepted = {}
        passed = self.browse()
        for order in self:
            if not order.partner_id:
                continue
            if order.company_id.ar_credit_check_mode == "off":
                order._ar_refuse_delivery_stops()  # a stop refuses the order even with the check off
                continue  # nothing else read about the customer: little cost when the check is off
            key = (order._ar_customer().id, order.company_id.id)
            amount, ok = order._ar_credit_check(pending=pending[key], record_ok=False)
            pending[key] += amount
            accepted[order.id] = (key[0], amount)
            if ok and order.credit_check_state != "ok":
                passed |= order
        return accepted, passed

    def _ar_recheck(self, before):
        """Check again confirmed orders whose amount rose or whose customer changed since ``before``."""
        for order in self._ar_checked_orders():
            if not order.partner_id:
                continue
            customer_id, old = before.get(order.id, (None, 0.0))
            same_customer = customer_id == order._ar_customer().id
            amount = order._ar_amount_company()
            if same_customer and order.company_id.currency_id.compare_amounts(amount, old) <= 0:
                continue
            order._ar_credit_check(target=amount, base=old if same_customer else 0.0, current=amount)

    def _ar_credit_check(self, target=None, base=None, pending=0.0, current=None, record_ok=True):
        """Check one order; refuse (block mode) or record a warning (warn mode).

        Return ``(amount, ok)``: ``ok`` when it passed with no reason to
        record (then marked ``ok`` here unless ``record_ok`` is false, when
        the caller writes it). ``current``: the order's total now, when the
        caller has just computed it (a re-check).
        """
        self.ensure_one()
        mode = self.company_id.ar_credit_check_mode
        self.currency_id._ar_check_rate(self.company_id, (self.date_order or fields.Datetime.now()).date())
        if current is None:
            current = self._ar_amount_company()
        target = current if target is None else target
        stops = self._ar_refuse_delivery_stops(target)  # none: it refused the order otherwise
        # the customer's row is locked before its exposure is read, in the same statement
        reasons = self._ar_credit_evaluate(
            target, base, pending, overdue_amounts=False, lock=True, current=current, delivery_stops=stops
        )[0]
        if not reasons:
            if record_ok and self.credit_check_state != "ok":
                self.sudo().write(CHECK_OK_VALUES)
            return target, True
        if any(code == "overdue" for code, _details in reasons):
            full = self._ar_credit_evaluate(target, base, pending, current=current, delivery_stops=stops)
            reasons = full[0]
        message = self._ar_reasons_text(reasons)
        if mode == "warn":
            self.sudo().write({"credit_check_state": "warning", "credit_block_reason": message})
            self.message_post(
                body=self.env._("Confirmed despite the credit check:\n%(reasons)s", reasons=message)
            )
            return target, False
        if self._ar_release_covers(reasons, target):
            self.sudo().write({"credit_check_state": "released"})
            return target, False
        codes = ",".join(sorted({code for code, _details in reasons}))
        self._ar_record_block(message, codes, target)
        raise UserError(self._ar_block_message(message))

    def _ar_refuse_delivery_stops(self, amount=None):
        """Refuse the order when deliveries to its customer are stopped (``res.partner._ar_delivery_stops``).

        In every credit-check mode (block, warn, off) and whatever a credit
        manager released: a stop (insolvency, the insurer's stop-delivery
        date) is not a credit risk to accept but a decision that no goods
        leave. The refusal is recorded on the order like a credit block.
        Returns the (empty) list of stops when the order may go on.
        """
        self.ensure_one()
        stops = self._ar_customer()._ar_delivery_stops()
        if not stops:
            return stops
        reasons = [(credit_rules.DELIVERIES_STOPPED, {"reason": stop}) for stop in stops]
        message = self._ar_reasons_text(reasons)
        self._ar_record_block(
            message, credit_rules.DELIVERIES_STOPPED, self._ar_amount_company() if amount is None else amount
        )
        raise UserError(
            self.env._(
                "Order %(order)s cannot be confirmed: deliveries to the customer are stopped, "
                "whatever the credit check mode.\n%(reasons)s",
                order=self.name,
                reasons=message,
            )
        )

    def _ar_block_message(self, reasons_text):
        decision = self._ar_latest_decision()
        text = self.env._(
            "Order %(order)s cannot be confirmed: the customer's credit check failed.\n%(reasons)s",
            order=self.name,
            reasons=reasons_text,
        )
        if decision and decision.decision == "rejected":
            text += "\n" + self.env._(
                "%(user)s rejected its release: %(reason)s",
                user=decision.decided_by_id.name,
                reason=decision.reason,
            )
        else:
            text += "\n" + self.env._("A credit manager has been asked to review it.")
        return text

    def _ar_record_block(self, message, codes, amount):
        """Mark the order blocked and alert the credit managers once the refusal is rolled back.

        The refused transaction is rolled back (that is what refusing
        means), so the blocked state, the chatter note and the activity are
        written right after, in a transaction of their own. That transaction
        touches the customer's row too (Odoo prepares the customer's portal
        link for the managers' notification), the row every concurrent
        confirmation locks and touches: in Odoo's repeatable read it would
        fail to serialize, so it runs in read committed (it only appends a
        note and an activity and marks the order: it waits for the row
        instead) and is still retried on a deadlock, never dropped silently.
        """
        registry, uid, context = self.env.registry, self.env.uid, dict(self.env.context)
        order_id, name = self.id, self.name

        def record_block():
            for attempt in range(BLOCK_RECORD_ATTEMPTS):
                try:
                    with registry.cursor() as cr:
                        if cr.connection.get_transaction_status() == TRANSACTION_STATUS_IDLE:
                            # a transaction of its own, not one it joins (as a test cursor does)
                            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                        env = api.Environment(cr, uid, context)
                        order = env["sale.order"].browse(order_id).sudo().exists()
                        if order:
                            order._ar_mark_blocked(message, codes, amount)
                    return
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    time.sleep(random.uniform(0.02, 0.1) * 2**attempt)  # noqa: S311 - jitter, not security
                except Exception:
                    _logger.exception("Could not record the credit block of %s", name)
                    return
            _logger.error("Could not record the credit block of %s after %s attempts", name, attempt + 1)

        self.env.cr.postrollback.add(record_block)

    def _ar_mark_blocked(self, message, codes="", amount=0.0, requested=False):
        """Record a refusal (or a rep's request for review): blocked state, reasons, note, one activity.

        The activity goes to one credit manager, the least loaded (see
        ``res.company._ar_credit_review_assignee``): one decision, one task.
        Returns that manager (empty when the order already waits for one, or
        the company has none).
        """
        self.write(
            {
                "credit_check_state": "blocked",
                "credit_block_reason": message,
                "credit_block_codes": codes,
                "credit_block_amount": amount,
            }
        )
        if requested:
            body = self.env._(
                "Credit review requested by %(user)s:\n%(reasons)s", user=self.env.user.name, reasons=message
            )
        else:
            body = self.env._("Confirmation blocked by the credit check:\n%(reasons)s", reasons=message)
        self.message_post(body=body)
        activity_type = self.env.ref(
            "ar_credit_control.mail_activity_credit_review", raise_if_not_found=False
        )
        waiting = self._ar_review_activity()
        if not activity_type or waiting:
            return waiting.user_id
        manager = self.company_id._ar_credit_review_assignee()
        if manager:
            self.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=manager.id,
                summary=self.env._("Credit release requested"),
                note=escape(message),
            )
        return manager

    def _ar_review_activity(self):
        """The open credit-review activity of this order (a decision is awaited), if any."""
        activity_type = self.env.ref(
            "ar_credit_control.mail_activity_credit_review", raise_if_not_found=False
        )
        return self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)[:1]

    @api.model
    def _ar_block_code_labels(self):
        """Label of each reason code of a refused check (a hook: an addon adding a reason adds its label)."""
        return {
            "over_limit": self.env._("Over limit"),
            "overdue": self.env._("Overdue"),
            "on_hold": self.env._("On hold"),
            "prepayment": self.env._("Prepayment required"),
            "review_due": self.env._("Review due"),
            "deliveries_stopped": self.env._("Deliveries stopped"),
            "insolvency": self.env._("Insolvency"),
        }

    @api.depends_context("company")
    @api.depends("credit_block_codes", "credit_block_amount", "partner_id", "amount_total")
    def _compute_credit_block_view(self):
        """What the Blocked Orders list shows: the reasons in words and how far over the limit."""
        labels = self._ar_block_code_labels()
        for order in self:
            codes = filter(None, (order.credit_block_codes or "").split(","))
            order.credit_block_labels = ", ".join(labels.get(code, code) for code in codes)
            customer = order.partner_id.commercial_partner_id.with_company(order.company_id).sudo()
            limit = customer.credit_limit_effective
            counted = order.state == "sale" and order.company_id.ar_exposure_include_orders
            amount = order.credit_block_amount or order.amount_total
            over = customer.credit_exposure + (0.0 if counted else amount) - limit if limit else 0.0
            order.credit_over_limit_amount = max(over, 0.0)

    # ------------------------------------------------------------------
    # Messages and preview
    # ------------------------------------------------------------------
    def _ar_reasons_text(self, reasons):
        return "\n".join(
            "- " + line
            for line in self.env["res.partner"]._ar_reason_lines(reasons, self.company_id.currency_id)
        )

    @api.depends_context("uid")
    @api.depends("partner_id", "amount_total", "company_id", "state", "currency_rate", "credit_check_state")
    def _compute_credit_check_preview(self):
        for order in self:
            order.credit_check_preview = False
            order.credit_check_alert = False
            mode = order.company_id.ar_credit_check_mode
            if order.state not in ("draft", "sent") or mode == "off" or not order.partner_id:
                continue
            order.credit_check_preview, order.credit_check_alert = order.sudo()._ar_preview_html(mode)

    def _ar_preview_html(self, mode):
        # the preview shows on every quotation: skip the overdue amount, the one figure
        # that reads every overdue item
        reasons, figures, customer, amount = self._ar_credit_evaluate(overdue_amounts=False)
        currency = self.company_id.currency_id
        partner = self.env["res.partner"]
        summary = partner._ar_exposure_summary(figures, customer, currency, amount)
        if not reasons:
            verdict, alert = self.env._("Within the credit policy: confirming is allowed."), "info"
        elif any(code == credit_rules.DELIVERIES_STOPPED for code, _details in reasons):
            verdict, alert = (
                self.env._("Confirming will be refused, whatever the credit check mode:"),
                "danger",
            )
        elif mode == "warn":
            verdict, alert = self.env._("Confirming will record a credit warning:"), "warning"
        elif self._ar_release_covers(reasons, amount):
            verdict, alert = self._ar_released_text(), "info"
        elif self.credit_check_state == "blocked" and self._ar_review_activity():
            waiting = self._ar_review_activity()
            verdict, alert = (
                self.env._(
                    "Waiting for the credit decision of %(manager)s (requested on %(date)s):",
                    manager=waiting.user_id.name,
                    date=format_date(self.env, waiting.create_date),
                ),
                "warning",
            )
        else:
            verdict, alert = (
                self.env._("Confirming will be blocked until a credit manager releases it:"),
                "danger",
            )
        lines = partner._ar_reason_lines(reasons, currency) if alert != "info" else []
        items = Markup("").join(Markup("<li>%s</li>") % line for line in lines)
        html = Markup("<div>%s</div><div><strong>%s</strong></div>") % (summary, verdict)
        if items:
            html += Markup("<ul class='mb-0'>%s</ul>") % items
        return html, alert

    def _ar_released_text(self):
        """Who released the order, when, up to what amount and why: what the rep needs to go on."""
        decision = self._ar_latest_decision()
        return self.env._(
            "Released by %(user)s on %(date)s up to %(amount)s: %(reason)s. Confirming is allowed.",
            user=decision.decided_by_id.name,
            date=format_date(self.env, decision.date),
            amount=format_amount(self.env, decision.order_amount, self.company_id.currency_id),
            reason=decision.reason,
        )

    # ------------------------------------------------------------------
    # Protection and actions
    # ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        """No default from the client's context for what only the server computes."""
        values = super().default_get(fields_list)
        if not self.env.su:
            for name in server_computed_fields(self) | CHECK_STATE_FIELDS:
                values.pop(name, None)
        return values

    def action_request_credit_review(self):
        """Let the rep ask for a credit decision before confirming.

        Within the policy, the rep is told so; otherwise the quotation is marked
        blocked and the credit managers get an activity, as a refused
        confirmation would do.
        """
        self.ensure_one()
        mode = self.company_id.ar_credit_check_mode
        reasons, amount = [], 0.0
        if mode != "off" and self.state in ("draft", "sent"):
            reasons, _figures, _customer, amount = self._ar_credit_evaluate()
        if not reasons:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._("Within the credit policy: no review needed."),
                },
            }
        codes = ",".join(sorted({code for code, _details in reasons}))
        manager = self.sudo()._ar_mark_blocked(self._ar_reasons_text(reasons), codes, amount, requested=True)
        if manager:
            message = self.env._("%(manager)s has been asked for a credit decision.", manager=manager.name)
        else:
            message = self.env._("The company has no credit manager to decide: ask your administrator.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if manager else "danger",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_credit_release(self):
        """Open the release wizard for these orders (credit managers only; several from the list)."""
        if not self:
            raise UserError(self.env._("Choose the orders to decide on."))
        if not self.env.user.has_group(GROUP_CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can release or reject a blocked order."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Decision"),
            "res_model": "ar.credit.release.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self[0].id, "default_order_ids": [fields.Command.set(self.ids)]},
        }

    def _ar_decide_release(self, decision, reason):
        """Store a credit manager's release or rejection of this order (managers only).

        The server writes the decision: who decides, when, the amount it
        covers (the order's total, or the total a refused change asked for)
        and the reasons it covers (those failing now and those the refusal
        recorded). A release covers nothing more, and stops covering once
        the customer is put on hold or stopped (see ar.credit.release).
        """
        self.ensure_one()
        if not self.env.user.has_group(GROUP_CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can release or reject a blocked order."))
        self.check_access("read")  # the order's company among the manager's companies (record rules)
        blocked_change = self.state == "sale" and self.credit_check_state == "blocked"
        if self.state not in ("draft", "sent") and not blocked_change:
            raise UserError(self.env._("Only quotations and refused changes can be released or rejected."))
        current = self._ar_amount_company()
        target = current
        if self.credit_check_state == "blocked":
            target = max(current, self.credit_block_amount or 0.0)
        reasons, figures, customer, amount = self._ar_credit_evaluate(target, current=current)
        codes = {code for code, _details in reasons} | set(
            filter(None, (self.credit_block_codes or "").split(","))
        )
        over = figures.exposure + amount - customer.limit if customer.limit else 0.0
        release = (
            self.env["ar.credit.release"]
            .sudo()
            ._ar_record_decision(
                {
                    "order_id": self.id,
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "company_id": self.company_id.id,
                    "reason_blocked": self.credit_block_reason or self._ar_reasons_text(reasons),
                    "reason_codes": ",".join(sorted(codes)),
                    "order_amount": target,
                    "exposure": figures.exposure,
                    "credit_limit": customer.limit,
                    "amount_over_limit": max(over, 0.0),
                    "decision": decision,
                    "reason": reason,
                }
            )
        )
        self.sudo().write({"credit_check_state": "released" if decision == "released" else "blocked"})
        labels = {"released": self.env._("released"), "rejected": self.env._("rejected")}
        self.message_post(
            body=self.env._(
                "Credit check %(decision)s by %(user)s: %(reason)s",
                decision=labels[decision],
                user=self.env.user.name,
                reason=reason,
            )
        )
        activity_type = self.env.ref("ar_credit_control.mail_activity_credit_review")
        self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).sudo().action_feedback(
            feedback=reason
        )
        self._ar_tell_rep(decision, reason)
        return release

    def _ar_tell_rep(self, decision, reason):
        """The order's salesperson learns the decision: a notification and a to-do to act on it."""
        rep = self.user_id
        if not rep or rep == self.env.user:
            return
        if decision == "released":
            summary = self.env._("Credit released: confirm the order")
        else:
            summary = self.env._("Credit release rejected")
        self.sudo().message_notify(
            partner_ids=rep.partner_id.ids,
            subject=summary,
            body=self.env._(
                "%(summary)s (%(user)s): %(reason)s", summary=summary, user=self.env.user.name, reason=reason
            ),
        )
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo", user_id=rep.id, summary=summary, note=escape(reason)
        )
