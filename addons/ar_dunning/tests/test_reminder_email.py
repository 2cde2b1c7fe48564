import re
from html import unescape
from urllib.parse import urlsplit

from odoo.tests import tagged
from odoo.tools.misc import formatLang

from odoo.addons.ar_credit_control.tests.common import ArCreditHttpCommon

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestReminderEmail(ArDunningCommon, ArCreditHttpCommon):
    """The reminder email says what is owed: items, totals, pay and statement links, collector."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector.write({"name": "Carla Collector", "email": "carla@ar.example.com"})
        cls.collector.partner_id.phone = "+86 21 5555 0101"
        cls.debtor = cls._debtor("Reminded Ltd")
        cls.debtor.with_company(cls.company).ar_collector_id = cls.collector
        cls.inv_a = cls._invoice(cls.debtor, 1000, days_overdue=12)
        cls.inv_b = cls._invoice(cls.debtor, 400, days_overdue=9)
        cls._pay(cls.inv_b, 150)

    def _comm(self, level, moves, partner=None):
        partner = partner or self.debtor
        Communication = self.env["ar.dunning.communication"]
        with Communication._ar_server_write():  # as the dunning run makes it
            return Communication.create(
                {
                    "partner_id": partner.id,
                    "contact_id": partner._ar_dunning_contact().id,
                    "company_id": self.company.id,
                    "policy_id": level.policy_id.id,
                    "level_id": level.id,
                    "date": self.today,
                    "move_ids": [(6, 0, moves.ids)],
                    "amount_due": sum(moves.mapped("amount_residual_signed")),
                    "state": "to_send",
                }
            )

    def _sent(self, level=None, moves=None, partner=None):
        comm = self._comm(level or self.level_7, moves or (self.inv_a | self.inv_b), partner)
        comm.action_execute()
        self.assertEqual(comm.state, "sent", comm.error)
        return comm, comm.mail_id

    @staticmethod
    def _links(body, css_class):
        """The targets of the links of ``css_class`` in ``body``, in order."""
        tags = [tag for tag in re.findall(r"<a\b[^>]*>", body) if f'class="{css_class}"' in tag]
        return [re.search(r'href="([^"]+)"', tag).group(1).replace("&amp;", "&") for tag in tags]

    def _money(self, amount, currency=None):
        return formatLang(self.env, amount, currency_obj=currency or self.currency)

    def test_email_lists_the_items_and_totals(self):
        comm, mail = self._sent()
        self.assertEqual((mail.model, mail.res_id), (comm._name, comm.id), "sent from the communication")
        self.assertEqual(mail.recipient_ids, self.debtor.child_ids, "to the dunning contact")
        body = mail.body_html
        for invoice, days in ((self.inv_a, 12), (self.inv_b, 9)):
            row = re.search(rf"<tr[^>]*>\s*<td[^>]*>{re.escape(invoice.name)}</td>(.*?)</tr>", body, re.S)
            self.assertTrue(row, f"{invoice.name} listed")
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
            self.assertEqual(cells[2], self._money(invoice.amount_total))
            self.assertEqual(cells[3], self._money(invoice.amount_residual))
            self.assertEqual(cells[4], str(days))
        self.assertEqual(comm.amount_due, 1250)
        totals = re.search(r'class="o_ar_reminder_totals">(.*?)</p>', body, re.S).group(1)
        self.assertIn(self._money(comm.amount_due), totals, "the total is the communication's amount due")

    def test_open_credits_are_netted(self):
        """A customer with an open credit note reads what it owes after it; one without, no such line."""
        comm, mail = self._sent()
        self.assertNotIn("o_ar_reminder_credits", mail.body_html)
        self._invoice(self.debtor, 200, days_overdue=-10, move_type="out_refund")
        self.assertEqual(comm._ar_open_credits(), -200, "read when rendered: a later credit note counts")
        second = self._level(8, "Second reminder", send_email=True, mail_template_id=self.reminder.id)
        comm, mail = self._sent(level=second)
        credits = re.search(r'class="o_ar_reminder_credits">(.*?)</p>', mail.body_html, re.S).group(1)
        self.assertIn(self._money(-200), credits)
        self.assertIn(self._money(1050), credits, "1,250 overdue less the 200 credit note")

    @staticmethod
    def _text(html):
        """The words of ``html`` as the customer reads them: tags dropped, entities decoded."""
        return unescape(re.sub(r"<[^>]+>", "", html))

    def test_amounts_are_spaced_from_their_labels(self):
        """'Total due: $ 1,250.00', not 'Total due:$ 1,250.00' (the same for the net to pay)."""
        self._invoice(self.debtor, 200, days_overdue=-10, move_type="out_refund")
        comm, mail = self._sent()
        totals = re.search(r'class="o_ar_reminder_totals">(.*?)</p>', mail.body_html, re.S).group(1)
        self.assertRegex(self._text(totals), rf"Total due:[ \xa0]+{re.escape(self._money(comm.amount_due))}")
        credits = re.search(r'class="o_ar_reminder_credits">(.*?)</p>', mail.body_html, re.S).group(1)
        self.assertRegex(self._text(credits), rf"Net to pay:[ \xa0]+{re.escape(self._money(1050))}")

    def test_totals_per_currency(self):
        other = self.setup_other_currency("CHF")
        inv_chf = self._invoice(self.debtor, 300, days_overdue=10, currency=other)
        comm, mail = self._sent(moves=self.inv_a | inv_chf)
        totals = re.search(r'class="o_ar_reminder_totals">(.*?)</p>', mail.body_html, re.S).group(1)
        self.assertIn(self._money(1000), totals)
        self.assertIn(self._money(300, other), totals)
        self.assertIn(self._money(comm.amount_due), totals, "and the total in company currency")
        self.assertRegex(
            self._text(totals),
            rf"Total due:[ \xa0]+{re.escape(self._money(1000))}; {re.escape(self._money(300, other))}",
        )
        self.assertRegex(
            self._text(totals), rf"Total in our currency:[ \xa0]+{re.escape(self._money(comm.amount_due))}"
        )
        self.assertNotIn("o_ar_pay_all", mail.body_html, "Odoo pays overdue invoices of one currency only")

    def test_pay_links_open_the_portal_payment_page(self):
        _comm, mail = self._sent()
        links = self._links(mail.body_html, "o_ar_pay_invoice")
        self.assertEqual(len(links), 2)
        for invoice, link in zip(self.inv_a | self.inv_b, links, strict=True):
            url = urlsplit(link)
            self.assertEqual(url.path, f"/my/invoices/{invoice.id}")
            self.assertIn(f"access_token={invoice.access_token}", url.query)
            self.assertIn("payment=True", url.query)
            response = self.url_open(f"{url.path}?{url.query}")  # a visitor with the customer's token
            self.assertEqual(response.status_code, 200)
            self.assertIn(invoice.name, response.text)
            self.assertIn(
                'id="portal_pay" data-payment="True"', response.text, "opened on the payment dialog"
            )
            self.assertIn('id="pay_with"', response.text)
        [pay_all] = self._links(mail.body_html, "o_ar_pay_all")
        self.assertEqual(urlsplit(pay_all).path, "/my/invoices/overdue")
        [statement] = self._links(mail.body_html, "o_ar_statement")
        self.assertEqual(urlsplit(statement).path, "/my/statement")

    def test_signed_by_the_collector_not_the_sender(self):
        comm, mail = self._sent()
        signer = re.search(r'class="o_ar_reminder_signer">(.*?)</p>', mail.body_html, re.S).group(1)
        for value in ("Carla Collector", "carla@ar.example.com", "+86 21 5555 0101"):
            self.assertIn(value, signer)
        self.assertIn("Carla Collector", mail.email_from)
        self.assertNotIn(self.env.user.name, mail.body_html.split("Best regards")[1])

    def _signature(self, mail):
        """The closing lines of ``mail``: (signature as read, one item a line; contact paragraph)."""
        signature = re.search(r'class="o_ar_reminder_signature">(.*?)</p>', mail.body_html, re.S).group(1)
        lines = [self._text(line).strip() for line in re.split(r"<br\s*/?>", signature)]
        contact = re.search(r'class="o_ar_reminder_signer">(.*?)</p>', mail.body_html, re.S).group(1)
        return lines, " ".join(self._text(contact).split())

    def test_signature_names_the_collector_then_the_company(self):
        _comm, mail = self._sent()
        lines, contact = self._signature(mail)
        self.assertEqual(lines, ["Best regards,", "Carla Collector", self.company.name])
        self.assertIn("contact Carla Collector, carla@ar.example.com, +86 21 5555 0101.", contact)

    def test_signature_without_collector_names_the_company_once(self):
        """No 'YourCompany / YourCompany': the company signs once, with its own email and phone."""
        self.company.write({"email": "ar@company.example.com", "phone": "+86 21 5555 0100"})
        debtor = self._debtor("Uncollected Ltd")
        self.assertFalse(debtor.with_company(self.company).ar_collector_id)
        invoice = self._invoice(debtor, 500, days_overdue=10)
        _comm, mail = self._sent(moves=invoice, partner=debtor)
        lines, contact = self._signature(mail)
        self.assertEqual(lines, ["Best regards,", self.company.name])
        self.assertIn(f"contact {self.company.name}, ar@company.example.com, +86 21 5555 0100.", contact)
        self.assertEqual(contact.count(self.company.name), 1)

    def test_template_on_the_customer_still_sends(self):
        """A level keeping a template made on the customer (before reminders listed items) still sends it."""
        template = self.env["mail.template"].create(
            {
                "name": "Old reminder",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Reminder",
                "email_to": "{{ object.email_formatted }}",
                "body_html": "<p>Dear <t t-out='object.name'/></p>",
            }
        )
        level = self._level(20, "Old style", send_email=True, mail_template_id=template.id)
        _comm, mail = self._sent(level=level)
        contact = self.debtor.child_ids
        self.assertEqual((mail.model, mail.res_id), ("res.partner", contact.id))
        self.assertIn(contact.name, mail.body_html)

    def test_preview_is_what_is_sent(self):
        comm = self._comm(self.level_7, self.inv_a | self.inv_b)
        preview = comm.reminder_preview
        self.assertIn(self.inv_a.name, preview)
        comm.action_execute()
        self.assertEqual(str(preview), comm.mail_id.body_html)

    def test_chinese_customer_gets_chinese_email(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["ar_dunning"], ["zh_CN"], overwrite=True)
        self.debtor.child_ids.lang = "zh_CN"
        _comm, mail = self._sent()
        self.assertIn("逾期", mail.body_html)
        self.assertIn("立即付款", mail.body_html)
        self.assertNotIn("Pay now", mail.body_html)
        self.assertIn(self.inv_a.name, mail.body_html)
        self.assertIn("催收", self.final.with_context(lang="zh_CN").subject)


@tagged("post_install", "-at_install")
class TestReminderReply(ArDunningCommon):
    """A reply to a reminder lands on its communication and the customer; the collector reads it."""

    def _sent(self):
        debtor = self._debtor("Replying Ltd", email="ap@replying.example.com")
        debtor.with_company(self.company).ar_collector_id = self.collector
        invoice = self._invoice(debtor, 700, days_overdue=10)
        Communication = self.env["ar.dunning.communication"]
        with Communication._ar_server_write():
            comm = Communication.create(
                {
                    "partner_id": debtor.id,
                    "contact_id": debtor._ar_dunning_contact().id,
                    "company_id": self.company.id,
                    "policy_id": self.policy.id,
                    "level_id": self.level_7.id,
                    "date": self.today,
                    "move_ids": [(6, 0, invoice.ids)],
                    "amount_due": 700,
                    "state": "to_send",
                }
            )
        comm.action_execute()
        return debtor, comm

    def _reply(self, comm, sender, body):
        sent_id = comm.mail_id.message_id
        raw = "\r\n".join(
            [
                f"From: {sender}",
                "To: catchall@test.example.com",
                f"Subject: Re: {comm.mail_id.subject}",
                f"Message-ID: <reply-{comm.id}@customer.example.com>",
                f"In-Reply-To: {sent_id}",
                f"References: {sent_id}",
                "Content-Type: text/plain; charset=utf-8",
                "",
                body,
            ]
        )
        return self.env["mail.thread"].sudo().message_process(False, raw)

    def test_reply_threads_on_the_communication_and_the_customer(self):
        debtor, comm = self._sent()
        self.assertFalse(comm.activity_ids)
        thread_id = self._reply(comm, "ap@replying.example.com", "We paid INV last week, see remittance.")
        self.assertEqual(thread_id, comm.id)
        reply = comm.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertIn("We paid INV last week", reply.body)
        note = debtor.message_ids.filtered(lambda m: "We paid INV last week" in m.body)
        self.assertTrue(note, "the reply shows on the customer")
        self.assertIn(f'data-oe-model="{comm._name}" data-oe-id="{comm.id}"', note.body, "a link to it")
        self.assertEqual(comm.activity_ids.user_id, self.collector, "the collector is asked to read it")

    def test_own_notes_make_no_activity(self):
        _debtor, comm = self._sent()
        comm.with_user(self.collector).sudo(False).message_post(body="Called them", message_type="comment")
        comm.message_post(body="Logged", subtype_xmlid="mail.mt_note")
        self.assertFalse(comm.activity_ids)
