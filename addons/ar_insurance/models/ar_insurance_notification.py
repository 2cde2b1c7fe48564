from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..const import GROUP_INSURANCE_MANAGER
from ..tools.insurance_rules import claim_deadline, notification_deadline, reminder_date

ACTIVITY_TYPE = "ar_insurance.mail_activity_type_insurance_notification"


class ArInsuranceNotification(models.Model):
    """Declaration of a buyer's overdue receivables to the insurer, with its deadline.

    The daily run creates and updates one open notification per buyer and
    policy from the overdue insured receivables, reminds the responsible
    before the deadline, and marks the cover as lost once the deadline has
    passed without the notification being sent.
    """

    _name = "ar.insurance.notification"
    _description = "Credit Insurance Overdue Notification"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    #: Set by the actions and the daily run, or computed (see ``ar.server.fields.mixin``).
    _ar_server_fields = ("state", "deadline", "reminder_date", "claim_deadline", "insolvency_case_id")
    _order = "deadline, id"
    _check_company_auto = True

    policy_id = fields.Many2one("ar.insurance.policy", required=True, index=True, tracking=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="policy_id.currency_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Buyer", required=True, index=True, tracking=True, check_company=True
    )
    move_ids = fields.Many2many(
        "account.move",
        "ar_insurance_notification_move_rel",
        "notification_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id)]",
    )
    amount_overdue = fields.Monetary(
        tracking=True, help="Overdue open amount of the invoices, in policy currency."
    )
    oldest_due_date = fields.Date(tracking=True)
    deadline = fields.Date(
        compute="_compute_deadline",
        store=True,
        index=True,
        help="Last day to notify the insurer: oldest due date + notification days"
        " (+ maximum extension when the policy counts from the extension period).",
    )
    reminder_date = fields.Date(compute="_compute_deadline", store=True)
    state = fields.Selection(
        [
            ("to_notify", "To Notify"),
            ("notified", "Notified"),
            ("lost", "Cover Lost"),
            ("cancelled", "Settled"),
        ],
        default="to_notify",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    date_sent = fields.Date(tracking=True)
    insurer_reference = fields.Char(tracking=True)
    claim_deadline = fields.Date(
        compute="_compute_claim_deadline",
        store=True,
        help="Last day to file a claim: date sent + claim days.",
    )
    claim_ids = fields.One2many("ar.insurance.claim", "notification_id", string="Claims")
    insolvency_case_id = fields.Many2one(
        "ar.insolvency.case",
        check_company=True,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="Prepared when the buyer's insolvency case opened: lists all its insured receivables, "
        "due or not; the daily run leaves it as it is.",
    )
    note = fields.Text()

    @api.depends("partner_id.name", "policy_id.number", "oldest_due_date")
    def _compute_display_name(self):
        for notification in self:
            notification.display_name = self.env._(
                "Overdue %(buyer)s / %(policy)s",
                buyer=notification.partner_id.name or "",
                policy=notification.policy_id.number or "",
            )

    @api.depends(
        "oldest_due_date",
        "policy_id.notification_basis",
        "policy_id.notification_days",
        "policy_id.max_extension_days",
        "policy_id.reminder_days",
    )
    def _compute_deadline(self):
        for notification in self:
            policy = notification.policy_id
            notification.deadline = notification_deadline(
                notification.oldest_due_date,
                policy.notification_basis,
                policy.notification_days,
                policy.max_extension_days,
            )
            notification.reminder_date = reminder_date(notification.deadline, policy.reminder_days)

    @api.depends("date_sent", "policy_id.claim_days")
    def _compute_claim_deadline(self):
        for notification in self:
            notification.claim_deadline = claim_deadline(
                notification.date_sent, notification.policy_id.claim_days
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_notify(self):
        """Record that the overdue was declared to the insurer (today unless a date is set)."""
        today = self.env.company._ar_today()
        for notification in self:
            if notification.state not in ("to_notify", "notified"):
                raise UserError(
                    self.env._("%(name)s cannot be sent any more.", name=notification.display_name)
                )
            date_sent = notification.date_sent or today
            if notification.deadline and date_sent > notification.deadline:
                raise UserError(
                    self.env._(
                        "%(name)s: the deadline of %(deadline)s has passed;"
                        " the cover of these invoices is lost.",
                        name=notification.display_name,
                        deadline=format_date(self.env, notification.deadline),
                    )
                )
            with self._ar_server_write():
                notification.write({"state": "notified", "date_sent": date_sent})
            notification.activity_ids.action_feedback(feedback=self.env._("Notified to the insurer."))

    def action_reset(self):
        """Back to 'to notify' (e.g. a notification recorded by mistake)."""
        for notification in self:
            if notification.state != "notified":
                raise UserError(
                    self.env._("%(name)s was not notified: nothing to reset.", name=notification.display_name)
                )
        with self._ar_server_write():
            self.write({"state": "to_notify", "date_sent": False})

    # ------------------------------------------------------------------
    # Daily run
    # ------------------------------------------------------------------

    @api.model
    def _update_for_policy(self, policy):
        """Create or update the notifications of ``policy``, remind and mark lost covers."""
        today = self.env.company._ar_today()
        with self._ar_server_write():
            self.sudo()._update_notifications(policy, today)

    @api.model
    def _update_notifications(self, policy, today):
        overdue = (
            self.env["ar.insurance.receivable"]
            .sudo()
            .search(
                [
                    ("policy_id", "=", policy.id),
                    ("overdue_amount", ">", 0),
                    ("covered_amount", ">", 0),
                    ("cover_lost", "=", False),
                ]
            )
        )
        by_buyer = defaultdict(lambda: overdue.browse())
        for line in overdue:
            by_buyer[line.partner_id.id] |= line
        open_notifications = self.search(
            [("policy_id", "=", policy.id), ("state", "in", ("to_notify", "notified"))]
        )
        for notification in open_notifications.filtered(
            lambda n: n.state == "to_notify" and n.partner_id.id not in by_buyer and not n.insolvency_case_id
        ):
            notification.state = "cancelled"
        for partner_id, lines in by_buyer.items():
            notification = open_notifications.filtered(lambda n, pid=partner_id: n.partner_id.id == pid)[:1]
            notification._sync_lines(policy, partner_id, lines)
        pending = self.search([("policy_id", "=", policy.id), ("state", "=", "to_notify")])
        pending.filtered(lambda n: n.deadline and n.deadline < today)._mark_lost()
        pending.filtered(
            lambda n: n.state == "to_notify" and n.reminder_date and n.reminder_date <= today
        )._remind()

    def _sync_lines(self, policy, partner_id, lines, whole=False):
        """Create (or update this) notification for the buyer's overdue insured ``lines``.

        The amount is their overdue part (``overdue_amount``: their overdue
        instalments); ``whole`` (an insolvency: everything falls due) declares
        their whole open amount.
        """
        if self.insolvency_case_id:
            return self  # the insolvency notification already lists every insured receivable
        vals = {
            "move_ids": [fields.Command.set((lines.move_id | self.move_ids).ids)],
            "amount_overdue": sum(lines.mapped("open_amount" if whole else "overdue_amount")),
        }
        if not self:
            vals.update(policy_id=policy.id, partner_id=partner_id)
        if self.state != "notified":
            vals["oldest_due_date"] = min(lines.mapped("due_date"))
        if not self:
            return self.create(vals)
        self.write(vals)
        return self

    def _mark_lost(self):
        """Deadline missed: the cover of the invoices is lost (insured amount 0)."""
        for notification in self:
            notification.state = "lost"
            notification.message_post(
                body=self.env._(
                    "The notification deadline of %(deadline)s was missed:"
                    " the cover of these invoices is lost.",
                    deadline=format_date(self.env, notification.deadline),
                )
            )
            notification.activity_ids.unlink()
            self.env["ar.insurance.receivable"]._refresh(notification.policy_id, [notification.partner_id.id])

    def _remind(self):
        """Schedule a reminder activity (once) for the policy's responsible or the insurance managers."""
        activity_type = self.env.ref(ACTIVITY_TYPE)
        managers = self.env.ref(GROUP_INSURANCE_MANAGER).users
        for notification in self:
            if notification.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
                continue
            users = notification.policy_id.user_id or managers.filtered(
                lambda u, n=notification: n.company_id in u.company_ids and not u.share
            )
            for user in users:
                notification.activity_schedule(
                    ACTIVITY_TYPE,
                    date_deadline=notification.deadline,
                    summary=self.env._("Notify the insurer of %(buyer)s", buyer=notification.partner_id.name),
                    note=Markup("<p>%s</p>")
                    % self.env._(
                        "Overdue of %(amount)s to declare by %(deadline)s, or the cover is lost.",
                        amount=format_amount(self.env, notification.amount_overdue, notification.currency_id),
                        deadline=format_date(self.env, notification.deadline),
                    ),
                    user_id=user.id,
                )
