from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import GROUP_CREDIT_MANAGER


class ArCreditRelease(models.Model):
    """A credit manager's documented decision on an order the credit check blocked.

    Written by the server only (``sale.order._ar_decide_release``, through
    ``ar.server.fields.mixin``): no client, credit managers included,
    creates, changes or deletes one, so who
    decided, when, for which amount and for which reasons is what the server
    recorded. A release covers the reasons it was given for, up to its
    amount, until it is revoked: putting the customer on credit hold or
    stopping deliveries revokes the releases given before.
    """

    _name = "ar.credit.release"
    _description = "Credit Release Decision"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "ar.input.bounds.mixin"]
    _ar_bounds_exempt = ("reason_blocked",)
    _order = "date desc, id desc"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, readonly=True, check_company=True
    )
    partner_id = fields.Many2one("res.partner", required=True, readonly=True, index=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    reason_blocked = fields.Text(readonly=True)
    reason_codes = fields.Char(
        string="Criteria Released",
        readonly=True,
        help="Technical: the credit-check criteria the release covers.",
    )
    order_amount = fields.Monetary(readonly=True, help="Order total (company currency) the decision covers.")
    exposure = fields.Monetary(readonly=True, help="Customer exposure when the decision was made.")
    credit_limit = fields.Monetary(readonly=True)
    amount_over_limit = fields.Monetary(readonly=True)
    decided_by_id = fields.Many2one("res.users", required=True, readonly=True)
    decision = fields.Selection(
        [("released", "Released"), ("rejected", "Rejected")], required=True, readonly=True
    )
    reason = fields.Text(required=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    revoked_date = fields.Datetime(readonly=True, help="When the release stopped covering the order.")
    revoked_reason = fields.Char(readonly=True)

    #: Every field: a decision is the server's record (see ``ar.server.fields.mixin``).
    _ar_server_fields = (
        "order_id",
        "partner_id",
        "company_id",
        "reason_blocked",
        "reason_codes",
        "order_amount",
        "exposure",
        "credit_limit",
        "amount_over_limit",
        "decided_by_id",
        "decision",
        "reason",
        "date",
        "revoked_date",
        "revoked_reason",
    )
    _ar_server_unlink = True

    @api.constrains("reason")
    def _check_reason(self):
        for release in self:
            if not (release.reason or "").strip():
                raise ValidationError(self.env._("A release decision needs a reason."))

    @api.model
    def _ar_record_decision(self, vals):
        """Create the decision of the current user now; decider and date are the server's."""
        self._ar_check_group(
            GROUP_CREDIT_MANAGER, self.env._("Only a Credit Manager can release or reject a blocked order.")
        )
        with self._ar_server_write():
            return self.sudo().create({**vals, "decided_by_id": self.env.uid, "date": fields.Datetime.now()})

    def _ar_covers(self, customer, codes, amount):
        """True when this decision releases ``customer``'s order for ``codes`` at ``amount``."""
        self.ensure_one()
        return (
            self.decision == "released"
            and not self.revoked_date
            and self.partner_id == customer
            and set(codes) <= set(filter(None, (self.reason_codes or "").split(",")))
            and self.company_id.currency_id.compare_amounts(amount, self.order_amount) <= 0
        )

    @api.model
    def _ar_revoke(self, partners, company, reason):
        """Revoke the standing releases of ``partners`` (commercial entities) in ``company``."""
        releases = self.sudo().search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("decision", "=", "released"),
                ("revoked_date", "=", False),
            ]
        )
        if releases:
            with self._ar_server_write():
                releases.write({"revoked_date": fields.Datetime.now(), "revoked_reason": reason})
            for order in releases.order_id:
                order.message_post(
                    body=self.env._(
                        "The credit release no longer covers this order: %(reason)s", reason=reason
                    )
                )
        return releases

    @api.depends("order_id", "decision")
    def _compute_display_name(self):
        labels = dict(self._fields["decision"]._description_selection(self.env))
        for release in self:
            release.display_name = f"{release.order_id.name} - {labels.get(release.decision, '')}"
