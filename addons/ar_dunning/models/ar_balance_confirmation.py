from datetime import timedelta

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, format_date

from odoo.addons.ar_credit_control.const import GROUP_INVOICE

from ..const import GROUP_DUNNING_USER

#: Days after which an unanswered request counts as a non-response.
NO_RESPONSE_DAYS = 14
#: The statement sent with a request covers this many days up to the balance date.
STATEMENT_DAYS = 90


class ArBalanceConfirmation(models.Model):
    """A customer's confirmation of its balance (定期对账): asked by the accountant, answered on the portal.

    The accountant sends requests for a date to the chosen customers (an email
    with the statement and a link to the portal); the customer confirms the
    balance, or disagrees with the difference it sees and a comment; the
    accountant follows the answers, the differences and the customers who have
    not answered, and reminds them. A customer may also confirm its balance on
    the portal unasked. The balance, the dates and who answered are the
    server's (``ar.server.fields.mixin``): only the customer's difference and
    comment come from the customer.
    """

    _name = "ar.balance.confirmation"
    _inherit = ["ar.server.fields.mixin", "mail.thread", "mail.activity.mixin", "ar.input.bounds.mixin"]
    _description = "Balance Confirmation"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True
    _ar_server_fields = (
        "state",
        "partner_id",
        "company_id",
        "date",
        "balance",
        "user_id",
        "requested_date",
        "requested_by_id",
        "answered_date",
        "reminder_count",
        "last_reminder_date",
        "difference",
        "note",
    )

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("requested", "Requested"), ("confirmed", "Confirmed"), ("disagreed", "Disagreed")],
        default="confirmed",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    date = fields.Date(
        string="Balance Date", required=True, default=lambda self: self.env.company._ar_today(), readonly=True
    )
    balance = fields.Monetary(
        required=True, readonly=True, help="Our receivable balance at the balance date."
    )
    difference = fields.Monetary(
        readonly=True, help="What the customer's books show minus our balance, as the customer gave it."
    )
    customer_balance = fields.Monetary(
        compute="_compute_customer_balance", help="Our balance plus the difference."
    )
    user_id = fields.Many2one("res.users", string="Answered By", readonly=True)
    note = fields.Text(string="Customer's Comment", readonly=True)
    requested_date = fields.Date(readonly=True)
    requested_by_id = fields.Many2one("res.users", string="Requested By", readonly=True)
    answered_date = fields.Date(readonly=True)
    reminder_count = fields.Integer(readonly=True)
    last_reminder_date = fields.Date(readonly=True)
    waiting_days = fields.Integer(
        compute="_compute_waiting_days", help="Days since the request, while unanswered."
    )

    @api.depends("balance", "difference")
    def _compute_customer_balance(self):
        for record in self:
            record.customer_balance = record.balance + record.difference

    @api.depends("state", "requested_date", "last_reminder_date")
    def _compute_waiting_days(self):
        for record in self:
            record.waiting_days = 0
            if record.state == "requested" and record.requested_date:
                record.waiting_days = (record.company_id._ar_today() - record.requested_date).days

    # ------------------------------------------------------------------
    # The accountant's side
    # ------------------------------------------------------------------
    def _check_team(self):
        """Accountants and the collections team ask for confirmations (checked on the server)."""
        user = self.env.user
        if not (user.has_group(GROUP_INVOICE) or user.has_group(GROUP_DUNNING_USER)):
            self._ar_check_group(
                GROUP_DUNNING_USER,
                self.env._(
                    "Only accountants and the collections team can ask customers to confirm their balance."
                ),
            )

    @api.model
    def _ar_request(self, partners, date, company=None):
        """Ask each commercial customer of ``partners`` to confirm its balance at ``date``; return them.

        A customer already asked for that date (and not answered) is not asked twice.
        """
        self._check_team()
        company = company or self.env.company
        customers = partners.commercial_partner_id
        customers.check_access("read")
        asked = (
            self.sudo()
            .search([("company_id", "=", company.id), ("date", "=", date), ("state", "=", "requested")])
            .partner_id
        )
        statement = self.env["ar.statement"].with_company(company)
        today = company._ar_today()
        vals_list = [
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "date": date,
                "balance": statement._balance(customer, date, company),
                "state": "requested",
                "requested_date": today,
                "requested_by_id": self.env.uid,
            }
            for customer in customers - asked
        ]
        with self._ar_server_write():
            requests = self.sudo().create(vals_list)
        requests._ar_send_request()
        return requests

    def _ar_send_request(self):
        """Email each request with the statement of the last months to the customer's dunning contact."""
        template = self.env.ref("ar_dunning.mail_template_balance_confirmation").sudo()
        statement = self.env["ar.statement"]
        for record in self.sudo():
            contact = record.partner_id._ar_dunning_contact()
            if not contact.email:
                record.message_post(
                    body=self.env._(
                        "No email address on %(contact)s: send the request another way.",
                        contact=contact.display_name,
                    )
                )
                continue
            date_from = record.date - timedelta(days=STATEMENT_DAYS - 1)
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": self.env._(
                            "Statement %(partner)s %(date)s.pdf",
                            partner=record.partner_id.name,
                            date=record.date,
                        ),
                        "raw": statement.with_company(record.company_id)._render_pdf(
                            record.partner_id, date_from, record.date
                        ),
                        "res_model": self._name,
                        "res_id": record.id,
                        "mimetype": "application/pdf",
                    }
                )
            )
            rendered = {
                name: template._render_field(name, record.ids, compute_lang=True)[record.id]
                for name in ("subject", "body_html")
            }
            record.message_post(
                subject=rendered["subject"],
                body=rendered["body_html"],
                partner_ids=contact.ids,
                attachment_ids=attachment.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                email_from=(record.requested_by_id or self.env.user).email_formatted
                or record.company_id.email_formatted,
            )

    def action_send_reminder(self):
        """Remind the customers who have not answered yet (the same email again)."""
        self._check_team()
        self.check_access("read")
        waiting = self.filtered(lambda r: r.state == "requested")
        if not waiting:
            raise UserError(self.env._("Only requests not answered yet can be reminded."))
        waiting._ar_send_request()
        today = self.env.company._ar_today()
        with self._ar_server_write():
            for record in waiting:
                record.write({"reminder_count": record.reminder_count + 1, "last_reminder_date": today})
        return True

    # ------------------------------------------------------------------
    # The customer's side (called by the portal once it has identified the customer)
    # ------------------------------------------------------------------
    @api.model
    def _ar_answer(self, customer, company, agreed, difference=0.0, note=False):
        """Record the customer's answer to its open request, or a confirmation it gives unasked.

        ``customer``: the portal user's commercial entity (the portal checked it);
        a disagreement needs a difference or a comment. The answer is posted on the
        request and the customer, and the requester gets an activity for a disagreement.
        """
        if not agreed and not difference and not (note or "").strip():
            raise UserError(self.env._("Tell us the difference you see, or what is wrong, in a comment."))
        record = self.sudo().search(
            [("partner_id", "=", customer.id), ("company_id", "=", company.id), ("state", "=", "requested")],
            order="date desc, id desc",
            limit=1,
        )
        today = company._ar_today()
        values = {
            "state": "confirmed" if agreed else "disagreed",
            "difference": 0.0 if agreed else difference,
            "note": note or False,
            "user_id": self.env.uid,
            "answered_date": today,
        }
        with self._ar_server_write():
            if record:
                record.write(values)
            else:
                statement = self.env["ar.statement"].with_company(company)
                record = self.sudo().create(
                    {
                        **values,
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "date": today,
                        "balance": statement._balance(customer, today, company),
                    }
                )
        record._ar_post_answer()
        return record

    def _ar_post_answer(self):
        self.ensure_one()
        amount = format_amount(self.env, self.balance, self.currency_id)
        if self.state == "confirmed":
            body = self.env._(
                "Balance of %(balance)s at %(date)s confirmed by %(user)s.",
                balance=amount,
                date=format_date(self.env, self.date),
                user=self.user_id.name,
            )
        else:
            body = self.env._(
                "%(user)s disagrees with the balance of %(balance)s at %(date)s: "
                "difference %(difference)s. %(note)s",
                user=self.user_id.name,
                balance=amount,
                date=format_date(self.env, self.date),
                difference=format_amount(self.env, self.difference, self.currency_id),
                note=self.note or "",
            )
        self.partner_id.message_post(body=body)
        self.message_post(body=body)
        if self.state == "disagreed" and self.requested_by_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.requested_by_id.id,
                summary=self.env._("Balance disagreed: reconcile the difference"),
                note=escape(body),
            )
