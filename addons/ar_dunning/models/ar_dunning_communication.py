import base64
import logging
import re
from contextlib import contextmanager

from markupsafe import Markup

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang, get_lang
from odoo.tools.pdf import merge_pdf

from odoo.addons.ar_credit_control.tools import receivables

from ..const import COMMUNICATION_PENDING_STATES
from ..tools.dispute_sql import dunned_items_sql
from ..tools.dunning_rules import fee_amount
from ..tools.formatting import Formatter

try:
    import phonenumbers
except ImportError:  # Odoo runs without it, and then checks no number at all
    phonenumbers = None

_logger = logging.getLogger(__name__)

#: Key of the figures read once for the reminders rendered together (``_ar_rendering``), in the
#: transaction's cache: only for the duration of the rendering, never set by a client.
RENDERING_KEY = "ar_dunning_rendering"


class ArDunningCommunication(models.Model):
    """One dunning reminder to one customer: the level reached and the invoices it covers.

    Exactly once: a customer gets at most one communication per level and date
    in a company, whoever runs the dunning and however often (the unique key
    ``ar_dunning_communication_once`` on ``partner_id, company_id, level_id,
    date``), and one per run (``run_partner_uniq``). The run's row locks keep
    two workers apart; the key is the last guard should they ever meet.
    """

    _name = "ar.dunning.communication"
    _description = "Dunning Communication"
    _inherit = ["ar.server.fields.mixin", "ar.input.bounds.mixin", "mail.thread", "mail.activity.mixin"]
    _ar_bounds_exempt = ("error",)
    _order = "date desc, id desc"
    _check_company_auto = True
    #: Every stored field: a communication is made and executed by the dunning only
    #: (see ``ar.server.fields.mixin``); a collector reviews it through its actions.
    _ar_server_fields = (
        "run_id",
        "partner_id",
        "contact_id",
        "company_id",
        "policy_id",
        "level_id",
        "date",
        "move_ids",
        "amount_due",
        "item_levels",
        "state",
        "auto",
        "error",
        "sent_date",
        "mail_id",
        "sms_id",
        "sms_number",
        "letter_attachment_id",
        "activity_user_id",
        "fee_move_id",
    )

    name = fields.Char(compute="_compute_name")
    run_id = fields.Many2one(
        "ar.dunning.run", index=True, ondelete="set null", readonly=True, check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True, check_company=True
    )
    contact_id = fields.Many2one("res.partner", string="Dunning Contact", readonly=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("ar.dunning.policy", readonly=True, check_company=True)
    level_id = fields.Many2one("ar.dunning.level", required=True, readonly=True, check_company=True)
    date = fields.Date(required=True, readonly=True, index=True)
    move_ids = fields.Many2many(
        "account.move",
        "ar_dunning_communication_move_rel",
        "communication_id",
        "move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    amount_due = fields.Monetary(readonly=True, help="Open amount of the instalments the reminder lists.")
    item_levels = fields.Json(
        readonly=True,
        copy=False,
        help="The open items (instalments) the reminder lists and the level each one reaches when it "
        "is sent: {journal item id: level id, or none when it keeps its level}, as the dunning rules "
        "decided it.",
    )
    send_email = fields.Boolean(related="level_id.send_email")
    send_sms = fields.Boolean(related="level_id.send_sms")
    send_letter = fields.Boolean(related="level_id.send_letter")
    create_activity = fields.Boolean(related="level_id.create_activity")
    set_credit_hold = fields.Boolean(related="level_id.set_credit_hold")
    fee_type = fields.Selection(related="level_id.fee_type")
    channels = fields.Char(compute="_compute_channels")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_send", "To Review"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        index=True,
        readonly=True,
    )
    auto = fields.Boolean(string="Automatic", readonly=True, help="Executed by the run without review.")
    error = fields.Text(readonly=True)
    sent_date = fields.Datetime(readonly=True)
    mail_id = fields.Many2one("mail.mail", string="Email", readonly=True, ondelete="set null")
    sms_id = fields.Many2one(
        "sms.sms",
        string="SMS",
        readonly=True,
        copy=False,
        ondelete="set null",
        groups="base.group_system",
        help="The SMS queued for the reminder (Odoo deletes it once the provider has it).",
    )
    sms_number = fields.Char(
        string="SMS Sent To",
        readonly=True,
        copy=False,
        help="The number the reminder's SMS was queued to: set once, never sent twice.",
    )
    letter_attachment_id = fields.Many2one("ir.attachment", string="Letter", readonly=True)
    activity_user_id = fields.Many2one("res.users", string="Activity For", readonly=True)
    fee_move_id = fields.Many2one("account.move", string="Fee Invoice", readonly=True, check_company=True)
    reminder_preview = fields.Html(
        string="Email Preview",
        compute="_compute_reminder_preview",
        sanitize=False,
        help="The email of the level as it is sent: same template, same language, same links.",
    )
    sms_preview = fields.Text(
        string="SMS Preview",
        compute="_compute_sms_preview",
        help="The SMS of the level as it is sent: same template, in the customer's language.",
    )

    _sql_constraints = [
        (
            "ar_dunning_communication_once",
            "unique(partner_id, company_id, level_id, date)",
            "A customer gets one reminder per level and day.",
        ),
        ("run_partner_uniq", "unique(run_id, partner_id)", "One communication per customer and run."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        """Communications are made by the thousand by the run: no creation message, no follower.

        The chatter is where the customer's replies land (see ``_message_post_after_hook``);
        logging "created" on each and subscribing whoever runs the dunning would only add
        rows and notify the wrong person.
        """
        quiet = self.with_context(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
        return super(ArDunningCommunication, quiet).create(vals_list).with_env(self.env)

    @api.depends("partner_id", "level_id")
    def _compute_name(self):
        for comm in self:
            comm.name = f"{comm.partner_id.display_name} - {comm.level_id.name}"

    @api.depends("level_id")
    def _compute_channels(self):
        labels = {
            "send_email": self.env._("Email"),
            "send_sms": self.env._("SMS"),
            "send_letter": self.env._("Letter"),
            "create_activity": self.env._("Activity"),
            "set_credit_hold": self.env._("Credit hold"),
        }
        for comm in self:
            names = [label for fname, label in labels.items() if comm.level_id[fname]]
            if comm.level_id.fee_type != "none":
                names.append(self.env._("Fee"))
            if comm.level_id.server_action_id:
                names.append(self.env._("Server action"))
            comm.channels = ", ".join(names)

    @api.depends("level_id", "partner_id", "contact_id", "move_ids")
    def _compute_reminder_preview(self):
        """The level's email rendered by the template that sends it, in the contact's language."""
        for comm in self:
            template = comm.level_id.mail_template_id
            if not comm.id or not template:
                comm.reminder_preview = False
                continue
            record = comm if template.model == self._name else comm._reminder_contact()
            comm.reminder_preview = template.sudo()._render_field("body_html", record.ids, compute_lang=True)[
                record.id
            ]

    @api.depends("level_id", "partner_id", "contact_id", "move_ids")
    def _compute_sms_preview(self):
        """The level's SMS rendered by the template that sends it, in the recipient's language."""
        for comm in self:
            comm.sms_preview = comm._ar_sms_body() if comm.id and comm.level_id.sms_template_id else False

    # ------------------------------------------------------------------
    # Content of the reminder
    # ------------------------------------------------------------------
    def _ar_reminder_items(self):
        """The instalments the reminder lists, as dicts: the letter's items still open, oldest due first.

        The same items as the letter (``_ar_letter_items``: the stored decision of
        the run, each instalment with its own due date and days past due from
        ``tools/receivables``), read as they stand now (one paid since the run
        is left out). Columns: ``move_id, name, invoice_date, due_date, days,
        currency_id, amount_total, amount_residual`` (the instalment in its
        currency) and ``amount_company`` (company currency): the amount dunned,
        the open amount less the part under an open dispute (in the
        instalment's currency, in proportion of its open amount).
        """
        self.ensure_one()
        rows = []
        for line, days, amount in self._ar_letter_items():
            if line.move_id.state != "posted" or line.company_currency_id.is_zero(amount):
                continue
            residual = line.amount_residual_currency
            partly = line.company_currency_id.compare_amounts(amount, line.amount_residual)
            if partly and line.amount_residual:
                residual = line.currency_id.round(residual * amount / line.amount_residual)
            rows.append(
                {
                    "move_id": line.move_id.id,
                    "name": line.move_id.name,
                    "invoice_date": line.move_id.invoice_date,
                    "due_date": receivables.due_date(line.date_maturity, line.date),
                    "days": days,
                    "currency_id": line.currency_id.id,
                    "amount_total": line.amount_currency,
                    "amount_residual": residual,
                    "amount_company": amount,
                }
            )
        return rows

    def _ar_ensure_invoice_tokens(self):
        """Give the invoices of the reminders a portal token, in one statement, before rendering.

        Each "Pay now" link carries its invoice's token; left to
        ``get_portal_url``, every invoice without one would be written
        through ``account.move.write`` while the emails render, one by one.
        """
        moves = self.move_ids
        if not moves:
            return
        moves.flush_recordset(["access_token"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET access_token = gen_random_uuid()::text"
                " WHERE id = ANY(%s) AND access_token IS NULL",
                moves.ids,
            )
        )
        moves.invalidate_recordset(["access_token"])

    def _reminder_contact(self):
        """The partner the reminder is addressed to: the dunning contact, else the customer."""
        return self.contact_id or self.partner_id._ar_dunning_contact()

    def _ar_reminder_collector(self):
        """The user who signs the reminder and answers the customer: the customer's collector here."""
        return self.partner_id.commercial_partner_id.with_company(self.company_id).ar_collector_id

    def _ar_open_credits(self):
        """The open credits of this reminder's customer in its company: credit notes and payments
        not yet applied (the negative open items, ``receivables``), company currency, <= 0.

        A reminder tells what the customer owes after them, so it never asks to pay what its own
        credits already settle. Read when it is rendered (a credit note posted after the preview
        counts when the reminder is sent): one indexed query for all the reminders rendered
        together (``_ar_rendering``), else one for this one.
        """
        self.ensure_one()
        key = (self.partner_id.commercial_partner_id.id, self.company_id.id)
        rendering = self.env.cr.cache.get(RENDERING_KEY)
        if rendering is not None and key in rendering["credits"]:
            return rendering["credits"][key]
        return self._ar_open_credits_of([key])[key]

    @api.model
    def _ar_open_credits_of(self, keys):
        """``{(commercial partner id, company id): open credits}`` (company currency, <= 0)."""
        self.env.flush_all()
        result = {}
        by_company = {}
        for partner_id, company_id in keys:
            by_company.setdefault(company_id, set()).add(partner_id)
        for company_id, partner_ids in by_company.items():
            company = self.env["res.company"].browse(company_id)
            self.env.cr.execute(
                SQL(
                    """SELECT items.partner_id, COALESCE(SUM(items.residual), 0)
                         FROM (%s) items WHERE items.residual < 0 GROUP BY items.partner_id""",
                    receivables.open_items_sql(
                        company_id, company._ar_today(), as_of=False, partner_ids=sorted(partner_ids)
                    ),
                )
            )
            credits = dict(self.env.cr.fetchall())
            for partner_id in partner_ids:
                result[partner_id, company_id] = company.currency_id.round(
                    float(credits.get(partner_id, 0.0))
                )
        return result

    @contextmanager
    def _ar_rendering(self):
        """While these reminders render, what each reads is read once for all of them.

        Their customers' open credits and the amounts dunned on their items,
        in a few queries instead of two per reminder; kept in the
        transaction's cache for the rendering only.
        """
        cache = self.env.cr.cache
        cache[RENDERING_KEY] = {
            "credits": self._ar_open_credits_of(
                {(comm.partner_id.commercial_partner_id.id, comm.company_id.id) for comm in self}
            ),
            "dunned": self._ar_dunned_of_items(),
        }
        try:
            yield
        finally:
            cache.pop(RENDERING_KEY, None)

    def _ar_dunned_of_items(self):
        """``{(company id, date): (invoice ids, {journal item id: amount dunned})}`` of these
        communications' items (``_open_items`` of all their invoices at once)."""
        result = {}
        for (company, date), comms in self.grouped(lambda c: (c.company_id, c.date)).items():
            line_ids = [int(line_id) for comm in comms for line_id in comm.item_levels or ()]
            moves = self.env["account.move.line"].sudo().browse(line_ids).move_id | comms.move_ids
            result[company.id, date] = (
                set(moves.ids),
                self._open_items(company, date, moves) if moves else {},
            )
        return result

    def _ar_reminder_values(self):
        """Everything the reminder shows, formatted in the rendering language (``self.env.lang``).

        ``items``: one dict per open invoice with its amounts and its "Pay now"
        link (the invoice's portal page, opened on Odoo's payment form);
        ``totals``: open amount per currency; ``company_total``: the total in
        company currency (the communication's ``amount_due`` when nothing was
        paid since) when an item is in another currency; ``pay_all_url``:
        Odoo's portal payment of the customer's overdue invoices (one currency
        only); ``statement_url``; ``signer``: name (empty without a
        collector), company, email, phone of the collector, else of the
        company; ``credits`` and ``net_due``: the customer's open credits and
        what it owes after them (company currency), when it has any.
        """
        self.ensure_one()
        env = self.env
        base = self.get_base_url()
        rows = self._ar_reminder_items()
        # the invoices of all the reminders rendered together are read together
        batch = self.browse(self._prefetch_ids).sudo().move_ids
        moves = env["account.move"].sudo().browse([row["move_id"] for row in rows]).with_prefetch(batch._ids)
        currencies = env["res.currency"].browse({row["currency_id"] for row in rows})
        fmt = Formatter(env["res.lang"].browse(get_lang(env).id))
        items, totals = [], {}
        for row, move in zip(rows, moves, strict=True):
            currency = currencies.browse(row["currency_id"])
            totals[currency] = totals.get(currency, 0.0) + row["amount_residual"]
            items.append(
                {
                    "name": row["name"],
                    "invoice_date": fmt.date(row["invoice_date"]),
                    "due_date": fmt.date(row["due_date"]),
                    "amount_total": fmt.money(row["amount_total"], currency),
                    "amount_residual": fmt.money(row["amount_residual"], currency),
                    "days": row["days"],
                    "pay_url": base + move.get_portal_url(anchor="portal_pay", query_string="&payment=True"),
                }
            )
        company_currency = self.company_id.currency_id
        foreign = any(currency != company_currency for currency in totals)
        credits = self._ar_open_credits()
        due_company = sum(row["amount_company"] for row in rows)
        return {
            "credits": fmt.money(credits, company_currency) if credits else False,
            "net_due": fmt.money(max(due_company + credits, 0.0), company_currency) if credits else False,
            "items": items,
            "totals": [fmt.money(amount, cur) for cur, amount in totals.items()],
            "company_total": fmt.money(due_company, company_currency) if foreign else False,
            "pay_all_url": f"{base}/my/invoices/overdue" if len(totals) == 1 else False,
            "invoices_url": f"{base}/my/invoices",
            "statement_url": f"{base}/my/statement",
            "signer": self._ar_reminder_signer(),
        }

    def _ar_sms_values(self):
        """What the reminder's SMS says, formatted in the rendering language (``self.env.lang``).

        ``total``: the open amount per currency of the items the reminder lists
        (``_ar_reminder_items``); ``count``: their number; ``url``: the
        customer's invoices in the portal, where each can be paid.
        """
        self.ensure_one()
        totals = {}
        rows = self._ar_reminder_items()
        for row in rows:
            totals[row["currency_id"]] = totals.get(row["currency_id"], 0.0) + row["amount_residual"]
        currencies = self.env["res.currency"].browse(list(totals))
        return {
            "total": "; ".join(
                formatLang(self.env, amount, currency_obj=currencies.browse(cur_id))
                for cur_id, amount in totals.items()
            )
            or formatLang(self.env, self.amount_due, currency_obj=self.currency_id),
            "count": len(rows),
            "url": f"{self.get_base_url()}/my/invoices",
        }

    def _ar_sms_recipient(self):
        """``(partner, number as entered)`` the SMS goes to: the dunning contact's mobile, else phone,
        else the customer's; the customer and no number when none has one."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        for partner in self._reminder_contact() | customer:
            number = partner.mobile or partner.phone
            if number:
                return partner, number
        return customer, False

    def _ar_sms_body(self):
        """The level's SMS rendered on this reminder, in the language of its recipient (the template's)."""
        self.ensure_one()
        template = self.level_id.sms_template_id.sudo()
        return template._render_field("body", self.ids, compute_lang=True)[self.id]

    def _ar_reminder_signer(self):
        """Name, company, email and phone the reminder is signed with: the collector's, else the company's.

        ``name`` is the collector's, empty without one: the reminder is then
        signed by the company alone (not with its name twice).
        """
        collector = self._ar_reminder_collector()
        company = self.company_id
        return {
            "name": collector.name or "",
            "company": company.name,
            "email": collector.email or company.email or "",
            "phone": collector.partner_id.phone or collector.partner_id.mobile or company.phone or "",
        }

    # ------------------------------------------------------------------
    # Replies of the customer
    # ------------------------------------------------------------------
    def _message_post_after_hook(self, message, msg_vals):
        """A customer's reply to the reminder: copy it on the customer, ask the collector to read it.

        The mail gateway threads a reply on the communication its reminder was
        sent from and posts it as an incoming ``email``; our own notes and
        outgoing emails are other message types and are left alone.
        """
        result = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and not message.author_id.user_ids.filtered(
            lambda user: not user.share
        ):
            self._ar_reply_received(message)
        return result

    def _ar_reply_received(self, message):
        """Show the reply on the customer and give the collector an activity to read it."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id.sudo()
        customer.message_post(
            body=Markup("%s<br/>%s")
            % (
                # the translation is a format of ours; the link and the customer's words are escaped
                Markup(self.env._("Reply to the reminder %(reminder)s:"))
                % {
                    "reminder": Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>')
                    % (self._name, self.id, self.display_name)
                },
                message.body,
            ),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
            author_id=message.author_id.id,
        )
        partner = self.partner_id.with_company(self.company_id)
        # the collector; without one, whoever follows the customer or this reminder up
        reader = self._ar_reminder_collector() or partner.user_id or self.activity_user_id or self.create_uid
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Read the customer's reply to the reminder"),
            note=message.subject or "",
            user_id=reader.id,
        )

    @api.model
    def _escalate(self, partner, company, moves, date):
        """Create (and execute if automatic) the next level's communication for ``moves``.

        Used when a promise to pay is broken: the customer goes one level up
        from the highest level of the invoices, whatever their age.
        """
        partner = partner.commercial_partner_id
        policy = partner._ar_dunning_policy(company)
        current = max(moves.dunning_level_id.mapped("days"), default=None)
        levels = policy.level_ids.sorted("days")
        following = levels.filtered(lambda lv: current is None or lv.days > current)[:1]
        if not following:
            return self
        key = [
            ("partner_id", "=", partner.id),
            ("company_id", "=", company.id),
            ("level_id", "=", following.id),
            ("date", "=", date),
        ]
        if self.search_count(key):
            return self
        with self._ar_server_write():
            return self._create_escalation(partner, company, policy, following, moves, date)

    def _create_escalation(self, partner, company, policy, following, moves, date):
        """The escalation's communication: every open item of ``moves`` goes to ``following``."""
        items = self._open_items(company, date, moves)
        comm = self.create(
            {
                "partner_id": partner.id,
                "contact_id": partner._ar_dunning_contact().id,
                "company_id": company.id,
                "policy_id": policy.id,
                "level_id": following.id,
                "date": date,
                "move_ids": [Command.set(moves.ids)],
                "amount_due": sum(items.values()),
                "item_levels": {str(line_id): following.id for line_id in items},
                "auto": following.auto_execute,
                "state": "draft" if following.auto_execute else "to_send",
            }
        )
        if comm.auto:
            comm._execute()
        return comm

    @api.model
    def _open_items(self, company, date, moves):
        """``{journal item id: amount dunned}`` of the items owed on ``moves`` (``receivables``).

        The amount dunned is the item's residual less its share of the invoice's open disputes
        (``tools/dispute_sql.py``); an item the disputes cover entirely is left out.
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT items.line_id, items.dunned FROM (%s) items WHERE items.dunned > 0",
                dunned_items_sql(
                    receivables.open_items_sql(company.id, date, as_of=False, move_ids=moves.ids),
                    self.env["account.move"]._ar_disputed_amount_sql(),
                ),
            )
        )
        return {line_id: float(dunned) for line_id, dunned in self.env.cr.fetchall()}

    # ------------------------------------------------------------------
    # Review actions
    # ------------------------------------------------------------------
    def action_execute(self):
        """Carry out the level's actions of each pending (or failed) communication."""
        todo = self.filtered(lambda c: c.state in (*COMMUNICATION_PENDING_STATES, "failed"))
        with self._ar_server_write():
            for comm in todo:
                comm.contact_id = comm.partner_id._ar_dunning_contact()
            todo._execute()
        return True

    def action_cancel(self):
        """Drop pending communications: nothing is sent, invoices keep their level."""
        with self._ar_server_write():
            self.filtered(lambda c: c.state in (*COMMUNICATION_PENDING_STATES, "failed")).write(
                {"state": "cancelled"}
            )
        return True

    def action_reset(self):
        """Put a cancelled or failed communication back for review."""
        with self._ar_server_write():
            self.filtered(lambda c: c.state in ("cancelled", "failed")).write(
                {"state": "to_send", "error": False}
            )
        return True

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------
    def _execute(self):
        """Execute the communications; a failure is recorded on its communication, others go on.

        The plain emails (no attachment) of all the communications are first
        rendered and queued together, one batch per template. The
        communications left with nothing but an activity to do (the usual
        reminder levels) are then finished together: their activities created
        in one go and their invoices and statuses marked in a few statements,
        in one savepoint. The others, and all of a batch that failed, are
        executed one by one, each in its own savepoint; a communication that
        fails drops its queued email.
        """
        queued, failed = self._queue_emails()
        todo = self - failed
        simple = todo.filtered(lambda c: c in queued and c._only_activity_left())
        if len(simple) > 1:
            try:
                with self.env.cr.savepoint():
                    simple._schedule_activities()
                    simple._mark_sent()
                todo -= simple
            except Exception as error:  # pylint: disable=broad-exception-caught
                _logger.info("Batch of dunning communications failed, executing one by one: %s", error)
        letters = todo._render_letters()
        for comm in todo:
            try:
                with self.env.cr.savepoint():
                    comm._execute_one(email_queued=comm in queued, letter=letters.get(comm.id))
            except Exception as error:  # pylint: disable=broad-exception-caught
                _logger.info("Dunning communication %s failed: %s", comm.id, error)
                comm.mail_id.sudo().unlink()
                comm.write({"state": "failed", "error": str(error), "mail_id": False})
                comm.invalidate_recordset(["sms_id", "sms_number"])  # its SMS is rolled back with it

    def _only_activity_left(self):
        """Once the email is queued, the level has at most an activity to schedule."""
        level = self.level_id
        return not (
            level.send_sms
            or level.send_letter
            or level.set_credit_hold
            or level.fee_type != "none"
            or level.server_action_id
        )

    def _queue_emails(self):
        """Queue the emails without attachments in batches per template.

        A communication whose dunning contact has no email is marked failed
        here. Returns ``(communications queued, communications failed)``.
        """
        done = failed = self.browse()
        emailing = self.filtered(lambda c: c.level_id.send_email and not c.level_id.attach_invoices)
        for comm in emailing:
            contact = comm._reminder_contact()
            if not contact.email:
                comm.write({"state": "failed", "error": comm._no_email_message(contact)})
                failed |= comm
        emailing -= failed
        emailing._ar_ensure_invoice_tokens()
        for template, comms in emailing.grouped(lambda c: c.level_id.mail_template_id).items():
            records = comms._email_records(template)
            try:
                with self.env.cr.savepoint(), comms._ar_rendering():
                    mails = template.sudo().send_mail_batch(records.ids, force_send=False)
            except Exception as error:  # pylint: disable=broad-exception-caught
                _logger.info("Batch of dunning emails failed, sending one by one: %s", error)
                continue
            for comm, mail in zip(comms, mails, strict=True):
                comm.mail_id = mail
            done |= comms
        return done, failed

    def _render_letters(self):
        """``{communication id: PDF}`` of the letters to print, one wkhtmltopdf call per language.

        Odoo splits the PDF of several records per record (one page each, or
        the ``<h2>`` outline of each letter); when it cannot, or when the
        rendering fails, the letters are left out and printed one by one.
        Only outside tests: tests render reports as HTML.
        """
        comms = self.filtered(lambda c: c.level_id.send_letter)
        config = tools.config
        if len(comms) < 2 or (
            (config["test_enable"] or config["test_file"])
            and not self.env.context.get("force_report_rendering")
        ):
            return {}
        letters = {}
        report = self.env["ir.actions.report"].sudo()
        for lang, group in comms.grouped(lambda c: c.partner_id.lang).items():
            try:
                with group._ar_rendering():
                    streams = report.with_context(lang=lang)._render_qweb_pdf_prepare_streams(
                        "ar_dunning.report_dunning_letter", None, group.ids
                    )
            except Exception as error:  # pylint: disable=broad-exception-caught
                _logger.info("Batch of dunning letters failed, printing them one by one: %s", error)
                continue
            for comm_id, stream in streams.items():
                if comm_id and stream.get("stream"):
                    letters[comm_id] = stream["stream"].getvalue()
        return letters

    def _execute_one(self, email_queued=False, letter=None):
        """Run every action of the level, then mark the communication and its invoices."""
        self.ensure_one()
        level = self.level_id
        if level.send_email and not email_queued:
            self._action_email()
        sms_failure = self._action_sms() if level.send_sms else None
        if level.send_letter:
            self._action_letter(letter)
        if level.create_activity:
            self._action_activity()
        if level.set_credit_hold:
            self._action_credit_hold()
        if level.fee_type != "none":
            self._action_fee()
        if level.server_action_id:
            self._action_server()
        self._mark_sent()
        if sms_failure:
            # sent all the same: the reminder shows what it could not do
            self.error = sms_failure

    def _email_records(self, template):
        """The records ``template`` renders: the communications (their items, links and thread).

        A template still made on the customer (``res.partner``, before reminders
        listed their items) renders each communication's dunning contact.
        """
        if template.model == self._name:
            return self
        return self.env["res.partner"].browse([comm._reminder_contact().id for comm in self])

    def _no_email_message(self, contact):
        return self.env._(
            "No email address on the dunning contact %(contact)s.", contact=contact.display_name
        )

    def _check_email_contact(self):
        contact = self._reminder_contact()
        if not contact.email:
            raise UserError(self._no_email_message(contact))
        return contact

    def _action_email(self):
        """Queue the level's email to the dunning contact, in the contact's language."""
        self._check_email_contact()
        self._ar_ensure_invoice_tokens()
        attachments = self._invoice_attachments() if self.level_id.attach_invoices else []
        template = self.level_id.mail_template_id
        mail_id = template.sudo().send_mail(
            self._email_records(template).id,
            force_send=False,
            email_values={"attachment_ids": [Command.link(att.id) for att in attachments]},
        )
        self.mail_id = mail_id

    def _action_sms(self):
        """Queue the level's SMS to the customer's mobile (else phone), once; ``None`` or why not.

        The number is checked and formatted as Odoo's SMS does (``_phone_format``,
        with the recipient's country, else the company's); the SMS is posted on
        the communication's chatter and queued (``sms.sms`` outgoing, sent by
        Odoo's SMS cron), never sent here. A communication that already queued
        its SMS (``sms_number``) queues none again. Without a valid number,
        returns the failure to show on the communication: the other actions of
        the level still happen.
        """
        self.ensure_one()
        if self.sms_number:
            return None
        partner, raw = self._ar_sms_recipient()
        customer = self.partner_id.commercial_partner_id.display_name
        if not raw:
            return self.env._("No mobile number for customer %(customer)s: SMS not sent.", customer=customer)
        number = self._ar_sms_number(partner, raw)
        if not number:
            return self.env._(
                "No valid mobile number for customer %(customer)s (%(number)s): SMS not sent.",
                customer=customer,
                number=raw,
            )
        message = self.sudo()._message_sms(
            self._ar_sms_body(),
            partner_ids=partner.ids,
            sms_pid_to_number={partner.id: number},
            put_in_queue=True,
        )
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)], limit=1)
        self.sudo().write({"sms_id": sms.id, "sms_number": number})
        return None

    def _ar_sms_number(self, partner, raw):
        """``raw`` as the E.164 number the SMS goes to, or ``False`` when it is no valid number.

        Odoo's own check and format (``_phone_format``, as the sms module does, with the
        partner's country, else the company's); without the ``phonenumbers`` library,
        which Odoo then skips, the number must at least look like one (7 to 15 digits)
        and gets the country's calling code.
        """
        if phonenumbers:
            return partner._phone_format(number=raw)
        digits = re.sub(r"[\s().\-/]", "", raw)
        if not re.fullmatch(r"\+?\d{7,15}", digits):
            return False
        if digits.startswith("+"):
            return digits
        if digits.startswith("00"):
            return f"+{digits[2:]}"
        country = partner.country_id or self.company_id.country_id or self.env.company.country_id
        return f"+{country.phone_code}{digits.lstrip('0')}" if country.phone_code else False

    def _invoice_attachments(self):
        """The invoices as one PDF attachment: each invoice printed on its own, then merged.

        One wkhtmltopdf call per invoice: a wkhtmltopdf built without Odoo's
        patched Qt (the Debian package) prints no PDF at all for several
        documents at once (it exits with "unknown error" and an empty file).
        """
        report = self.env["ir.actions.report"].sudo()
        pdfs = [report._render_qweb_pdf("account.account_invoices", move.ids)[0] for move in self.move_ids]
        content = pdfs[0] if len(pdfs) == 1 else merge_pdf(pdfs)
        name = self.env._("Overdue invoices %(customer)s.pdf", customer=self.partner_id.name)
        return self._attach(name, content)

    def _attach(self, name, content):
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/pdf",
                }
            )
        )

    def _action_letter(self, content=None):
        """Print the dunning letter (unless already rendered with others) and keep it on the communication."""
        if content is None:
            content, _ext = (
                self.env["ir.actions.report"]
                .sudo()
                .with_context(lang=self.partner_id.lang)
                ._render_qweb_pdf("ar_dunning.report_dunning_letter", self.ids)
            )
        name = self.env._(
            "Dunning letter %(customer)s %(date)s.pdf",
            customer=self.partner_id.name,
            date=fields.Date.to_string(self.date),
        )
        self.letter_attachment_id = self._attach(name, content)

    def _activity_user(self):
        """The user who gets the activity, per the level's responsible rule."""
        level = self.level_id
        partner = self.partner_id.with_company(self.company_id)
        if level.activity_responsible == "user":
            return level.activity_user_id
        if level.activity_responsible == "salesperson":
            return partner.user_id or partner.ar_collector_id or self.env.user
        return partner.ar_collector_id or partner.user_id or self.env.user

    def _action_activity(self):
        """Schedule the level's activity on the customer for the responsible user."""
        self._schedule_activities()

    def _schedule_activities(self):
        """Schedule the level's activity of each communication whose level has one, in one create."""
        comms = self.filtered(lambda c: c.level_id.create_activity)
        if not comms:
            return
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list, users = [], []
        for comm in comms:
            level = comm.level_id
            user = comm._activity_user()
            users.append(user.id)
            vals_list.append(
                {
                    "activity_type_id": (level.activity_type_id or todo_type).id,
                    "summary": level.activity_summary or level.name,
                    "automated": True,
                    "note": self.env._(
                        "Dunning level %(level)s reached: %(amount)s due.",
                        level=level.name,
                        amount=comm.currency_id.format(comm.amount_due),
                    ),
                    "date_deadline": comm.date,
                    "res_model_id": model_id,
                    "res_id": comm.partner_id.id,
                    "user_id": user.id,
                }
            )
        self.env["mail.activity"].sudo().create(vals_list)
        for comm, user_id in zip(comms, users, strict=True):
            comm.activity_user_id = user_id

    def _action_credit_hold(self):
        """Put the customer on credit hold in the communication's company."""
        partner = self.partner_id.with_company(self.company_id).sudo()
        if partner.credit_hold:
            return
        partner.write(
            {
                "credit_hold": True,
                "credit_hold_reason": self.env._(
                    "Dunning level %(level)s reached on %(date)s",
                    level=self.level_id.name,
                    date=format_date(self.env, self.date),
                ),
            }
        )

    def _fee_value(self):
        level = self.level_id
        return fee_amount(
            level.fee_type, level.fee_amount, level.fee_percent, self.amount_due, self.currency_id.rounding
        )

    def _action_fee(self):
        """Charge the late fee as a posted customer invoice of one line."""
        amount = self._fee_value()
        if not amount:
            return
        level = self.level_id
        line = {
            "name": self.env._("Late payment fee (%(level)s)", level=level.name),
            "quantity": 1,
            "price_unit": amount,
        }
        if level.fee_product_id:
            line["product_id"] = level.fee_product_id.id
            line["name"] = level.fee_product_id.display_name
        else:
            line["tax_ids"] = []
        fee = (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "currency_id": self.currency_id.id,
                    "invoice_date": self.date,
                    "invoice_origin": self.name,
                    "invoice_line_ids": [Command.create(line)],
                }
            )
        )
        if level.fee_product_id:
            fee.invoice_line_ids.price_unit = amount
        fee.action_post()
        self.fee_move_id = fee

    def _action_server(self):
        """Run the level's server action with the communication as active record."""
        self.level_id.server_action_id.with_context(
            active_model=self._name, active_id=self.id, active_ids=self.ids
        ).run()

    def _mark_sent(self):
        """The communications are sent; their items climb to the levels decided, never down.

        Each open item (instalment) takes the level the communication's decision
        gave it (``item_levels``), unless it already has a higher one; each
        invoice shows the highest level of its items. The dunning columns are
        written in SQL, one statement per level and date: they are the
        dunning's own bookkeeping, and going through ``account.move.write``
        (which re-checks and re-syncs the whole entry) would cost more than
        everything else the run does. The customers' status rows are written
        grouped by identical values.
        """
        by_level, by_date = {}, {}
        for comm in self:
            for line_id, level_id in comm._raised_levels().items():
                by_level.setdefault(level_id, []).append(line_id)
            by_date.setdefault(comm.date, []).extend(comm.move_ids.ids)
        moves = self.move_ids
        moves.flush_recordset(["dunning_level_id", "dunning_last_date"])
        self.env["account.move.line"].flush_model(["dunning_level_id"])
        for level_id, line_ids in by_level.items():
            self.env.cr.execute(
                SQL(
                    """UPDATE account_move_line aml SET dunning_level_id = new.id
                         FROM ar_dunning_level new
                        WHERE new.id = %s AND aml.id = ANY(%s)
                          AND NOT EXISTS (SELECT 1 FROM ar_dunning_level cur
                                           WHERE cur.id = aml.dunning_level_id AND cur.days >= new.days)""",
                    level_id,
                    line_ids,
                )
            )
        if by_level:
            self.env.cr.execute(
                SQL(
                    """UPDATE account_move m SET dunning_level_id = top.level_id
                         FROM (SELECT DISTINCT ON (aml.move_id) aml.move_id, lv.id AS level_id, lv.days
                                 FROM account_move_line aml
                                 JOIN ar_dunning_level lv ON lv.id = aml.dunning_level_id
                                WHERE aml.id = ANY(%s)
                             ORDER BY aml.move_id, lv.days DESC) top
                        WHERE m.id = top.move_id
                          AND NOT EXISTS (SELECT 1 FROM ar_dunning_level cur
                                           WHERE cur.id = m.dunning_level_id AND cur.days >= top.days)""",
                    [line_id for line_ids in by_level.values() for line_id in line_ids],
                )
            )
        for date, move_ids in by_date.items():
            self.env.cr.execute(
                SQL("UPDATE account_move SET dunning_last_date = %s WHERE id = ANY(%s)", date, move_ids)
            )
        moves.invalidate_recordset(["dunning_level_id", "dunning_last_date"])
        self.env["account.move.line"].invalidate_model(["dunning_level_id"])
        self.write({"state": "sent", "sent_date": fields.Datetime.now(), "error": False})
        statuses = (
            self.env["ar.dunning.customer"]
            .sudo()
            ._for_many((comm.partner_id.commercial_partner_id.id, comm.company_id.id) for comm in self)
        )
        groups = {}
        for comm in self:
            status = statuses[comm.partner_id.commercial_partner_id.id, comm.company_id.id]
            level = comm.level_id
            values = {"last_reminder_date": max(filter(None, [status.last_reminder_date, comm.date]))}
            if (
                not status.level_id
                or status.level_id.days <= level.days
                or status.policy_id != level.policy_id
            ):
                values["level_id"] = level.id
            groups.setdefault(tuple(sorted(values.items())), status.browse())
            groups[tuple(sorted(values.items()))] |= status
        for values, group in groups.items():
            group.write(dict(values))

    def _raised_levels(self):
        """``{journal item id: level id}`` of the items this communication raises: the decision it stores.

        A run's communication stores the dunning rules' decision (each item at
        the level its age reaches, up to the communication's level); an
        escalation (broken promise) stores every open item of its invoices at
        its level. Nothing is recomputed when it is sent; a communication made
        without a decision raises the open items of its invoices to its level.
        """
        if not self.item_levels:
            items = self._open_items(self.company_id, self.date, self.move_ids)
            return dict.fromkeys(items, self.level_id.id)
        return {int(line_id): level_id for line_id, level_id in self.item_levels.items() if level_id}

    def _ar_letter_items(self):
        """The items (instalments) the reminder lists, oldest first: ``[(journal item, days, amount)]``.

        ``days``: days past due on the communication's date.

        ``amount``: what is dunned on the item now, company currency: its residual less its
        share of the invoice's open disputes (0 once paid or disputed entirely): a letter
        never asks for the part the customer disputes.
        """
        self.ensure_one()
        if self.item_levels:
            line_ids = [int(line_id) for line_id in self.item_levels]
        else:
            line_ids = list(self._open_items(self.company_id, self.date, self.move_ids))
        lines = (
            self.env["account.move.line"]
            .sudo()
            .browse(line_ids)
            .sorted(lambda line: (line.date_maturity or line.date, line.id))
        )
        rendering = self.env.cr.cache.get(RENDERING_KEY)
        covered, dunned = (rendering or {}).get("dunned", {}).get((self.company_id.id, self.date), ((), None))
        if dunned is None or not set(lines.move_id.ids) <= covered:
            dunned = self._open_items(self.company_id, self.date, lines.move_id) if lines else {}
        return [
            (
                line,
                receivables.days_past_due(receivables.due_date(line.date_maturity, line.date), self.date),
                dunned.get(line.id, 0.0),
            )
            for line in lines
        ]
