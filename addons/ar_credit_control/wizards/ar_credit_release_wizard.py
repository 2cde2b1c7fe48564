from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_amount, format_date

from ..const import GROUP_CREDIT_MANAGER

#: Past decisions on a customer shown to the manager deciding.
RECENT_DECISIONS = 5


class ArCreditReleaseWizard(models.TransientModel):
    """A credit manager releases or rejects blocked orders, with a mandatory reason.

    The manager decides with the customer in view: exposure and limit, grade,
    overdue days, how the customer paid over the last year and the recent
    decisions on it, for each customer of the orders chosen (one or several,
    from the order or from the Blocked Orders list).
    """

    _name = "ar.credit.release.wizard"
    _inherit = ["ar.screen.mixin"]
    _description = "Release or Reject a Blocked Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    order_ids = fields.Many2many("sale.order", string="Orders", readonly=True)
    currency_id = fields.Many2one(related="order_id.company_id.currency_id")
    credit_block_reason = fields.Text(related="order_id.credit_block_reason")
    customer_context = fields.Html(string="Customer", compute="_compute_customer_context", sanitize=False)
    decision = fields.Selection(
        [("released", "Release"), ("rejected", "Reject")], required=True, default="released"
    )
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        if not self.env.user.has_group(GROUP_CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can release or reject a blocked order."))
        return super().default_get(fields_list)

    def _orders(self):
        return self.order_ids or self.order_id

    @api.depends("order_id", "order_ids")
    def _compute_customer_context(self):
        for wizard in self:
            orders = wizard._orders()
            wizard.customer_context = Markup("").join(
                wizard._customer_card(
                    customer, orders.filtered(lambda o, c=customer: o.partner_id.commercial_partner_id == c)
                )
                for customer in orders.partner_id.commercial_partner_id
            )

    def _customer_card(self, customer, orders):
        """The figures a manager weighs for one customer, as a short HTML card."""
        env = self.env
        company = orders[:1].company_id
        currency = company.currency_id
        partner = customer.with_company(company).sudo()
        money = lambda amount: format_amount(env, amount, currency)  # noqa: E731
        lines = [
            env._(
                "Exposure %(exposure)s, limit %(limit)s (%(usage)s %% used), overdue %(overdue)s, "
                "oldest %(days)s days past due.",
                exposure=money(partner.credit_exposure),
                limit=money(partner.credit_limit_effective)
                if partner.credit_limit_effective
                else env._("none"),
                usage=round(partner.credit_usage),
                overdue=money(partner.credit_overdue_amount),
                days=partner.credit_overdue_days,
            ),
            env._(
                "Grade: %(grade)s. Orders to decide: %(orders)s for %(amount)s.",
                grade=partner.credit_grade_id.display_name or env._("none"),
                orders=", ".join(orders.mapped("name")),
                amount=money(sum(orders.mapped("credit_block_amount")) or sum(orders.mapped("amount_total"))),
            ),
            self._payment_line(partner, company),
        ]
        items = Markup("").join(Markup("<li>%s</li>") % line for line in lines)
        decisions = self._recent_decisions(partner, company)
        return Markup("<div class='mb-2'><strong>%s</strong><ul class='mb-1'>%s</ul>%s</div>") % (
            partner.display_name,
            items,
            decisions,
        )

    def _payment_line(self, partner, company):
        """How the customer paid its invoices over the last year (from the payment behaviour)."""
        since = fields.Date.subtract(company._ar_today(), years=1)
        groups = (
            self.env["ar.payment.behaviour"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("payment_date", ">=", since),
                ],
                [],
                ["__count", "days_late:avg"],
            )
        )
        count, days_late = groups[0] if groups else (0, 0)
        if not count:
            return self.env._("No invoice paid in the last 12 months.")
        return self.env._(
            "Paid %(count)s invoices in the last 12 months, %(days)s days late on average.",
            count=count,
            days=round(days_late or 0, 1),
        )

    def _recent_decisions(self, partner, company):
        releases = (
            self.env["ar.credit.release"]
            .sudo()
            .search(
                [("partner_id", "=", partner.id), ("company_id", "=", company.id)],
                limit=RECENT_DECISIONS,
                order="date desc, id desc",
            )
        )
        if not releases:
            return Markup("<div class='text-muted'>%s</div>") % self.env._("No earlier credit decision.")
        labels = dict(releases._fields["decision"]._description_selection(self.env))
        rows = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(date)s %(decision)s by %(user)s (%(order)s): %(reason)s",
                date=format_date(self.env, release.date),
                decision=labels.get(release.decision, release.decision),
                user=release.decided_by_id.name,
                order=release.order_id.name,
                reason=release.reason,
            )
            for release in releases
        )
        return Markup("<div>%s</div><ul class='mb-0'>%s</ul>") % (self.env._("Recent decisions:"), rows)

    def action_open_customer(self):
        """The customer's form (or the customers' list), to look further before deciding."""
        self.ensure_one()
        return self._orders().partner_id.commercial_partner_id._get_records_action(
            name=self.env._("Customers to decide on"), context={}
        )

    def action_decide(self):
        """Record the decision on each order and in its chatter."""
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of your decision."))
        for order in self._orders():
            order._ar_decide_release(self.decision, self.reason)
        return {"type": "ir.actions.act_window_close"}
