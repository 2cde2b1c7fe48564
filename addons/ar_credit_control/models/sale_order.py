import logging
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .ar_credit_release import MANAGER_GROUP

_logger = logging.getLogger(__name__)

CHECK_STATE_FIELDS = {"credit_check_state", "credit_block_reason"}


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
        for order in self:
            partner = order.partner_id.commercial_partner_id.with_company(order.company_id).sudo()
            order.credit_stop_delivery = partner.credit_stop_delivery
            order.credit_stop_delivery_reason = partner.credit_stop_delivery_reason

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    def _ar_amount_company(self):
        """Order total in company currency, rounded by the company currency."""
        self.ensure_one()
        amount = self.amount_total / self.currency_rate if self.currency_rate else self.amount_total
        return self.company_id.currency_id.round(amount)

    def _ar_credit_evaluate(self, pending=0.0, overdue_amounts=True, lock=False):
        """Return ``(reasons, figures, customer)`` for confirming this order now.

        ``pending`` is the amount of other orders of the same customer being
        confirmed in the same call; ``lock`` locks the customer's row in the
        statement that reads the exposure (see res.partner._ar_credit_figures).
        """
        self.ensure_one()
        company = self.company_id
        # read as the system: a sales rep is checked against figures it may not see
        partner = self.partner_id.commercial_partner_id.with_company(company).sudo()
        figures = partner._ar_credit_figures(company, overdue_amounts=overdue_amounts, lock=lock)
        customer = partner._ar_customer_credit()
        currency = company.currency_id
        order_amount = self._ar_amount_company() + pending
        reasons = self.env["res.partner"]._ar_credit_reasons(
            company, customer, figures, order_amount, rounding=currency.rounding
        )
        return reasons, figures, customer

    def _ar_latest_decision(self):
        self.ensure_one()
        return self.credit_release_ids.sorted(lambda r: (r.date, r.id), reverse=True)[:1]

    def _ar_release_covers(self):
        """True when a credit manager released this order for at least its current amount."""
        decision = self._ar_latest_decision()
        currency = self.company_id.currency_id
        return bool(
            decision
            and decision.decision == "released"
            and decision.partner_id == self.partner_id.commercial_partner_id
            and currency.compare_amounts(self._ar_amount_company(), decision.order_amount) <= 0
        )

    # ------------------------------------------------------------------
    # Confirmation
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Run the credit check of each order before confirming.

        The statement that reads the exposure first locks the commercial
        partner's row and touches it, so a concurrent transaction that read
        the old state fails to serialize and is retried: two confirmations
        for one customer cannot both pass on the same headroom.
        """
        pending = defaultdict(float)
        for order in self.filtered(lambda o: o.state in ("draft", "sent")):
            if order.company_id.ar_credit_check_mode == "off":
                continue  # nothing read about the customer: no cost when the check is off
            partner = order.partner_id.commercial_partner_id
            order._ar_credit_check(pending[(partner.id, order.company_id.id)])
            pending[(partner.id, order.company_id.id)] += order._ar_amount_company()
        return super().action_confirm()

    def _ar_credit_check(self, pending=0.0):
        """Check one order; refuse (block mode) or record a warning (warn mode)."""
        self.ensure_one()
        mode = self.company_id.ar_credit_check_mode
        if mode == "off" or not self.partner_id:
            return
        self.currency_id._ar_check_rate(self.company_id, self.date_order.date())
        # the customer's row is locked before its exposure is read, in the same statement
        reasons, figures, customer = self._ar_credit_evaluate(pending, overdue_amounts=False, lock=True)
        if not reasons:
            if self.credit_check_state != "ok":
                self.sudo().write({"credit_check_state": "ok", "credit_block_reason": False})
            return
        if any(code == "overdue" for code, _details in reasons):
            reasons, figures, customer = self._ar_credit_evaluate(pending)
        message = self._ar_reasons_text(reasons)
        if mode == "warn":
            self.sudo().write({"credit_check_state": "warning", "credit_block_reason": message})
            self.message_post(
                body=self.env._("Confirmed despite the credit check:\n%(reasons)s", reasons=message)
            )
            return
        if self._ar_release_covers():
            self.sudo().write({"credit_check_state": "released"})
            return
        self._ar_record_block(message)
        raise UserError(self._ar_block_message(message))

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

    def _ar_record_block(self, message):
        """Mark the order blocked and alert the credit managers once the refusal is rolled back.

        The refused confirmation's transaction is rolled back (that is what
        refusing means), so the blocked state, the chatter note and the activity
        are written right after, in a transaction of their own that holds no
        lock of the refused one.
        """
        registry, uid, context = self.env.registry, self.env.uid, dict(self.env.context)
        order_id, name = self.id, self.name

        def record_block():
            try:
                with registry.cursor() as cr:
                    order = api.Environment(cr, uid, context)["sale.order"].browse(order_id).sudo().exists()
                    if order:
                        order._ar_mark_blocked(message)
            except Exception:
                _logger.exception("Could not record the credit block of %s", name)

        self.env.cr.postrollback.add(record_block)

    def _ar_mark_blocked(self, message):
        self.write({"credit_check_state": "blocked", "credit_block_reason": message})
        self.message_post(
            body=self.env._("Confirmation blocked by the credit check:\n%(reasons)s", reasons=message)
        )
        activity_type = self.env.ref(
            "ar_credit_control.mail_activity_credit_review", raise_if_not_found=False
        )
        if not activity_type or self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return
        for manager in self.company_id._ar_credit_managers():
            self.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=manager.id,
                summary=self.env._("Credit release requested"),
                note=escape(message),
            )

    # ------------------------------------------------------------------
    # Messages and preview
    # ------------------------------------------------------------------
    def _ar_reasons_text(self, reasons):
        return "\n".join(
            "- " + line
            for line in self.env["res.partner"]._ar_reason_lines(reasons, self.company_id.currency_id)
        )

    @api.depends_context("uid")
    @api.depends("partner_id", "amount_total", "company_id", "state", "currency_rate")
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
        reasons, figures, customer = self._ar_credit_evaluate(overdue_amounts=False)
        currency = self.company_id.currency_id
        partner = self.env["res.partner"]
        summary = partner._ar_exposure_summary(figures, customer, currency, self._ar_amount_company())
        if not reasons:
            verdict, alert = self.env._("Within the credit policy: confirming is allowed."), "info"
        elif mode == "warn":
            verdict, alert = self.env._("Confirming will record a credit warning:"), "warning"
        elif self._ar_release_covers():
            verdict, alert = self.env._("Released by a credit manager: confirming is allowed."), "info"
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

    # ------------------------------------------------------------------
    # Protection and actions
    # ------------------------------------------------------------------
    def write(self, vals):
        if CHECK_STATE_FIELDS.intersection(vals) and not self.env.su:
            raise AccessError(self.env._("The credit check state is set by the credit check only."))
        return super().write(vals)

    def action_request_credit_review(self):
        """Let the rep ask for a credit decision before confirming.

        Within the policy, the rep is told so; otherwise the quotation is marked
        blocked and the credit managers get an activity, as a refused
        confirmation would do.
        """
        self.ensure_one()
        mode = self.company_id.ar_credit_check_mode
        reasons = self._ar_credit_evaluate()[0] if mode != "off" and self.state in ("draft", "sent") else []
        if not reasons:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._("Within the credit policy: no review needed."),
                },
            }
        self.sudo()._ar_mark_blocked(self._ar_reasons_text(reasons))
        return True

    def action_open_credit_release(self):
        """Open the release wizard (credit managers only)."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can release or reject a blocked order."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Decision"),
            "res_model": "ar.credit.release.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _ar_decide_release(self, decision, reason):
        """Store a credit manager's release or rejection of this order (managers only)."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager can release or reject a blocked order."))
        if self.state not in ("draft", "sent"):
            raise UserError(self.env._("Only quotations can be released or rejected."))
        reasons, figures, customer = self._ar_credit_evaluate()
        over = figures.exposure + self._ar_amount_company() - customer.limit if customer.limit else 0.0
        release = self.env["ar.credit.release"].create(
            {
                "order_id": self.id,
                "partner_id": self.partner_id.commercial_partner_id.id,
                "company_id": self.company_id.id,
                "reason_blocked": self.credit_block_reason or self._ar_reasons_text(reasons),
                "order_amount": self._ar_amount_company(),
                "exposure": figures.exposure,
                "credit_limit": customer.limit,
                "amount_over_limit": max(over, 0.0),
                "decided_by_id": self.env.user.id,
                "decision": decision,
                "reason": reason,
            }
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
        return release
