from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount

from ..const import GROUP_CREDIT_MANAGER
from ..tools.write_off_rules import needs_second_approval

APPROVAL_ACTIVITY = "ar_credit_control.mail_activity_write_off_approval"

#: Fields only the workflow changes (in ``_ar_server_write``, after its own checks; see
#: ``ar.server.fields.mixin``): a write-off is made by the wizard and moved by its buttons.
WORKFLOW_FIELDS = frozenset(
    {
        "name",
        "company_id",
        "partner_id",
        "date",
        "reason",
        "state",
        "line_ids",
        "approval_required",
        "threshold",
        "requested_by_id",
        "request_date",
        "decided_by_id",
        "decision_date",
        "move_id",
        "recovery_ids",
        "amount_total",
        "recovered_amount",
    }
)


class ArWriteOff(models.Model):
    """Write-off of uncollectable customer invoices against the allowance for doubtful receivables."""

    _name = "ar.write.off"
    _description = "Bad-Debt Write-off"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _ar_server_fields = tuple(sorted(WORKFLOW_FIELDS))

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, check_company=True
    )
    date = fields.Date(
        string="Accounting Date",
        required=True,
        readonly=True,
        default=lambda self: self.env.company._ar_today(),
    )
    reason = fields.Text(required=True, readonly=True, help="Why the receivable cannot be collected.")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("posted", "Posted"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    line_ids = fields.One2many("ar.write.off.line", "write_off_id", string="Invoices", readonly=True)
    amount_total = fields.Monetary(
        string="Total Written Off",
        compute="_compute_amount_total",
        store=True,
        help="Open amount of the invoices, company currency.",
    )
    threshold = fields.Monetary(
        string="Approval Threshold",
        readonly=True,
        help="The company's threshold when the write-off was requested.",
    )
    approval_required = fields.Boolean(string="Second Approval Required", readonly=True, copy=False)
    requested_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    request_date = fields.Datetime(readonly=True, copy=False)
    decided_by_id = fields.Many2one(
        "res.users",
        string="Approved/Rejected By",
        readonly=True,
        copy=False,
        tracking=True,
        help="The second credit manager who approved or rejected the write-off.",
    )
    decision_date = fields.Datetime(readonly=True, copy=False)
    reject_reason = fields.Text(string="Rejection Reason", copy=False, tracking=True)
    move_id = fields.Many2one(
        "account.move", string="Write-off Entry", readonly=True, copy=False, check_company=True
    )
    recovery_ids = fields.One2many(
        "ar.write.off.recovery", "write_off_id", string="Recoveries", readonly=True
    )
    recovered_amount = fields.Monetary(
        compute="_compute_recovered_amount",
        store=True,
        help="Amount recovered after the write-off, company currency.",
    )

    @api.depends("line_ids.amount_company")
    def _compute_amount_total(self):
        totals = self._sum_by_write_off("ar.write.off.line", "amount_company")
        for write_off in self:
            write_off.amount_total = totals.get(write_off.id, 0.0)

    @api.depends("recovery_ids.amount_company")
    def _compute_recovered_amount(self):
        totals = self._sum_by_write_off("ar.write.off.recovery", "amount_company")
        for write_off in self:
            write_off.recovered_amount = totals.get(write_off.id, 0.0)

    def _sum_by_write_off(self, model, field):
        """{write-off id: sum of ``field`` of its ``model`` records}, aggregated in SQL."""
        ids = [write_off_id for write_off_id in self.ids if isinstance(write_off_id, int)]
        if not ids:
            return {}
        self.env[model].flush_model(["write_off_id", field])
        groups = (
            self.env[model]
            .sudo()
            ._read_group([("write_off_id", "in", ids)], ["write_off_id"], [f"{field}:sum"])
        )
        return {write_off.id: total for write_off, total in groups}

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def _check_manager(self):
        """Raise AccessError unless the current user is a Credit Manager (sudo does not change the user)."""
        self._ar_check_group(
            GROUP_CREDIT_MANAGER, self.env._("Only a Credit Manager can write off receivables.")
        )

    def _lock(self):
        """Lock the write-offs' rows: two managers deciding at once are serialised.

        The second one then sees the first one's decision.
        """
        if self.ids:
            self.env.cr.execute(SQL("SELECT id FROM ar_write_off WHERE id IN %s FOR UPDATE", tuple(self.ids)))
            self.invalidate_recordset()

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager()
        if not self.env.su:
            raise AccessError(self.env._("Write-offs are created with the Write Off Receivables wizard."))
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("ar.write.off") or "/"
        return super().create(vals_list)

    def write(self, vals):
        """The workflow fields are guarded by ``ar.server.fields.mixin``; the rejection reason
        is written by a credit manager while the write-off waits for a decision."""
        if not self.env.su:
            self._check_manager()
            if "reject_reason" in vals:
                self._ar_check_state("to_approve")
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if any(write_off.move_id for write_off in self):
            raise UserError(self.env._("A posted write-off cannot be deleted."))

    # ------------------------------------------------------------------
    # Checks shared with the wizard
    # ------------------------------------------------------------------
    @api.model
    def _ar_write_off_settings(self, company):
        """(allowance account, provision journal) of ``company``; UserError naming what is missing."""
        missing = []
        if not company.ar_allowance_account_id:
            missing.append(self.env._("Allowance Account"))
        if not company.ar_provision_journal_id:
            missing.append(self.env._("Provision Journal"))
        if missing:
            raise UserError(
                self.env._(
                    "Set %(settings)s of %(company)s in Settings > Provisions and Write-offs "
                    "before writing off receivables.",
                    settings=", ".join(missing),
                    company=company.name,
                )
            )
        return company.ar_allowance_account_id, company.ar_provision_journal_id

    @api.model
    def _ar_check_invoices(self, invoices, partner, company):
        """Raise UserError unless ``invoices`` are open posted invoices of ``partner`` in ``company``."""
        if not invoices:
            raise UserError(self.env._("Select the invoices to write off."))
        wrong = invoices.filtered(
            lambda inv: inv.move_type != "out_invoice"
            or inv.state != "posted"
            or inv.company_id != company
            or inv.commercial_partner_id != partner
            or inv.currency_id.is_zero(inv.amount_residual)
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Only open posted customer invoices of one customer and company can be written off: "
                    "%(invoices)s",
                    invoices=", ".join(wrong.mapped("display_name")),
                )
            )
        pending = (
            self.env["ar.write.off.line"]
            .sudo()
            .search([("move_id", "in", invoices.ids), ("write_off_id.state", "in", ("draft", "to_approve"))])
        )
        if pending - self.line_ids:
            raise UserError(
                self.env._(
                    "Already in a write-off waiting for a decision: %(invoices)s",
                    invoices=", ".join(pending.move_id.mapped("display_name")),
                )
            )

    def _check_ready(self):
        """Everything a write-off needs before it is requested or posted; UserError otherwise."""
        self.ensure_one()
        self._ar_write_off_settings(self.company_id)
        self._ar_check_invoices(self.line_ids.move_id, self.partner_id, self.company_id)
        changed = self.line_ids.filtered(lambda line: not line._matches_invoice())
        if changed:
            raise UserError(
                self.env._(
                    "The open amount of %(invoices)s changed since the write-off was requested; "
                    "cancel it and write off again.",
                    invoices=", ".join(changed.move_id.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_submit(self):
        """Request the write-off: post it at or below the threshold, else ask a second credit manager."""
        self._check_manager()
        self._lock()
        self._ar_check_state("draft")
        # checked above; the accounting reads and writes below need no accounting rights
        with self._ar_server_write():
            self.sudo()._submit()
        return True

    def _submit(self):
        for write_off in self:
            write_off._check_ready()
            threshold = write_off.company_id.ar_write_off_threshold
            required = needs_second_approval(
                write_off.amount_total, threshold, write_off.currency_id.rounding
            )
            write_off.write(
                {
                    "state": "to_approve",
                    "threshold": threshold,
                    "approval_required": required,
                    "requested_by_id": self.env.user.id,
                    "request_date": fields.Datetime.now(),
                }
            )
            write_off._post_summary(self.env._("Write-off requested"), write_off.reason)
            if required:
                write_off._request_approval()
            else:
                write_off._post_write_off()

    def action_approve(self):
        """Approve and post a write-off above the threshold (a credit manager other than the requester)."""
        self._check_manager()
        self._lock()
        self._ar_check_state("to_approve")
        with self._ar_server_write():
            self.sudo()._approve()
        return True

    def _approve(self):
        for write_off in self:
            if write_off.requested_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "%(write_off)s was requested by you: another credit manager must approve it.",
                        write_off=write_off.display_name,
                    )
                )
            write_off._check_ready()
            write_off.write({"decided_by_id": self.env.user.id, "decision_date": fields.Datetime.now()})
            write_off._post_write_off()
            write_off.activity_feedback([APPROVAL_ACTIVITY], feedback=self.env._("Approved"))

    def action_reject(self):
        """Reject a write-off waiting for approval; the rejection reason is mandatory."""
        self._check_manager()
        self._lock()
        self._ar_check_state("to_approve")
        for write_off in self:
            if not (write_off.reject_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Give the reason for rejecting %(write_off)s.", write_off=write_off.display_name
                    )
                )
        for write_off in self.sudo():
            with self._ar_server_write():
                write_off.write(
                    {
                        "state": "rejected",
                        "decided_by_id": self.env.user.id,
                        "decision_date": fields.Datetime.now(),
                    }
                )
            write_off._post_summary(self.env._("Write-off rejected"), write_off.reject_reason)
            write_off.activity_feedback([APPROVAL_ACTIVITY], feedback=write_off.reject_reason)
        return True

    def action_cancel(self):
        """Withdraw a write-off that is not posted yet."""
        self._check_manager()
        self._lock()
        self._ar_check_state("draft", "to_approve")
        with self._ar_server_write():
            self.sudo().write({"state": "cancelled"})
        self.sudo().activity_unlink([APPROVAL_ACTIVITY])
        return True

    def action_open_recovery(self):
        """Open the wizard that records money received for a written-off invoice."""
        self._check_manager()
        self.ensure_one()
        self._ar_check_state("posted")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Recovery"),
            "res_model": "ar.write.off.recovery.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_write_off_id": self.id},
        }

    def action_view_entries(self):
        """The write-off entry and the recovery entries."""
        self._check_manager()
        self.ensure_one()
        moves = self.move_id | self.recovery_ids.move_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Journal Entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
        }

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    def _request_approval(self):
        managers = self.company_id._ar_credit_review_assignee(
            exclude=self.env.user, activity_xmlid=APPROVAL_ACTIVITY
        )
        note = self.env._(
            "%(amount)s of %(customer)s to write off, above the threshold of %(threshold)s. "
            "Reason: %(reason)s",
            amount=self._format_amount(self.amount_total),
            customer=self.partner_id.display_name,
            threshold=self._format_amount(self.threshold),
            reason=self.reason,
        )
        for manager in managers:  # one: the least loaded other manager
            self.activity_schedule(
                APPROVAL_ACTIVITY,
                user_id=manager.id,
                summary=self.env._("Write-off to approve"),
                note=note,
            )
        if not managers:
            self.message_post(body=self.env._("No other credit manager can approve this write-off yet."))

    def _post_write_off(self):
        """Post the entry (debit allowance, credit receivable) and reconcile it with each invoice."""
        allowance, journal = self._ar_write_off_settings(self.company_id)
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": self.date,
                    "ref": self.env._("Write-off %(name)s", name=self.name),
                    "line_ids": self.line_ids._write_off_move_lines(allowance),
                }
            )
        )
        move.action_post()
        self.line_ids._reconcile_with(move)
        self.write({"state": "posted", "move_id": move.id})
        self._post_summary(self.env._("Write-off posted"), self.reason)

    def _format_amount(self, amount, currency=None):
        return format_amount(self.env, amount, currency or self.currency_id)

    def _post_summary(self, title, why):
        """Chatter note: who, why and the amounts of every invoice."""
        rows = Markup().join(
            Markup("<li>%s: %s (%s)</li>")
            % (
                line.move_id.display_name,
                self._format_amount(line.amount_residual, line.currency_id),
                self._format_amount(line.amount_company),
            )
            for line in self.line_ids
        )
        body = Markup("<p><b>%s</b> (%s)</p><p>%s</p><ul>%s</ul><p>%s</p>") % (
            title,
            self.env.user.name,
            why or "",
            rows,
            self.env._("Total: %(amount)s", amount=self._format_amount(self.amount_total)),
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _post_summary_recovery(self, recovery):
        self.message_post(
            body=self.env._(
                "Recovery of %(amount)s (%(amount_company)s) on %(invoice)s dated %(date)s, "
                "recorded by %(user)s: the receivable is reinstated against the allowance.",
                amount=self._format_amount(recovery.amount, recovery.currency_id),
                amount_company=self._format_amount(recovery.amount_company),
                invoice=recovery.line_id.move_id.display_name,
                date=recovery.date,
                user=self.env.user.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _recovery_move_lines(self, line, amount, amount_company):
        """Reinstate the receivable (debit) against the allowance (credit)."""
        allowance, _journal = self._ar_write_off_settings(self.company_id)
        label = self.env._(
            "Recovery of %(invoice)s (%(write_off)s)", invoice=line.move_id.name, write_off=self.name
        )
        common = {"partner_id": self.partner_id.id, "currency_id": line.currency_id.id, "name": label}
        return [
            Command.create(
                {
                    **common,
                    "account_id": line.account_id.id,
                    "amount_currency": amount,
                    "balance": amount_company,
                }
            ),
            Command.create(
                {**common, "account_id": allowance.id, "amount_currency": -amount, "balance": -amount_company}
            ),
        ]

    @api.model
    def _ar_new_write_off(self, partner, invoices, reason, date):
        """Create a draft write-off of ``invoices`` (checks done by the caller)."""
        self._check_manager()
        with self._ar_server_write():
            return self._create_write_off(partner, invoices, reason, date)

    def _create_write_off(self, partner, invoices, reason, date):
        return (
            self.sudo()
            .create(
                {
                    "company_id": invoices.company_id.id,
                    "partner_id": partner.id,
                    "reason": reason,
                    "date": date,
                    "line_ids": [
                        Command.create(self.env["ar.write.off.line"]._prepare_from_invoice(invoice))
                        for invoice in invoices
                    ],
                }
            )
            .sudo(False)
        )
