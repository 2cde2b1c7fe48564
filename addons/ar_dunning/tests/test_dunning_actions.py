import io
import re
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import convert_file
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import IrActionsReport

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestDunningActions(ArDunningCommon):
    """What executing a communication does: email, letter, activity, hold, fee, server action."""

    def _comm(self, level, partner=None, amount=1000, days_overdue=None):
        partner = partner or self._debtor()
        invoice = self._invoice(partner, amount, days_overdue=days_overdue or level.days + 1)
        Communication = self.env["ar.dunning.communication"]
        with Communication._ar_server_write():  # as the dunning run makes it
            return self._create_comm(Communication, level, partner, invoice, amount)

    def _create_comm(self, Communication, level, partner, invoice, amount):
        return Communication.create(
            {
                "partner_id": partner.id,
                "contact_id": partner._ar_dunning_contact().id,
                "company_id": self.company.id,
                "policy_id": level.policy_id.id,
                "level_id": level.id,
                "date": self.today,
                "move_ids": [(6, 0, invoice.ids)],
                "amount_due": amount,
                "state": "to_send",
            }
        )

    def test_email_queued_to_dunning_contact_in_its_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.reminder.with_context(lang="fr_FR").subject = "Rappel de paiement"
        self.level_7.attach_invoices = True
        debtor = self._debtor()
        debtor.child_ids.lang = "fr_FR"
        comm = self._comm(self.level_7, debtor)
        comm.action_execute()
        self.assertEqual(comm.state, "sent", comm.error)
        mail = comm.mail_id
        self.assertEqual(mail.state, "outgoing", "queued, not sent at once")
        self.assertEqual(mail.recipient_ids, debtor.child_ids)
        self.assertEqual(mail.subject, "Rappel de paiement")
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertIn(debtor.name, mail.attachment_ids.name)

    def test_no_attachment_unless_asked(self):
        comm = self._comm(self.level_7)
        comm.action_execute()
        self.assertFalse(comm.mail_id.attachment_ids)
        self.assertIn("payment reminder", comm.mail_id.subject)

    def test_dunning_contact_falls_back_to_invoice_address(self):
        partner = self._customer(name="Plain", email="plain@example.com")
        invoice_address = self.env["res.partner"].create(
            {"name": "Billing", "parent_id": partner.id, "type": "invoice", "email": "billing@example.com"}
        )
        self.assertEqual(partner._ar_dunning_contact(), invoice_address)
        dunning = self.env["res.partner"].create(
            {"name": "Dunning", "parent_id": partner.id, "type": "dunning"}
        )
        self.assertEqual(invoice_address._ar_dunning_contact(), dunning)

    def test_letter_renders_invoices(self):
        comm = self._comm(self.level_30)
        html = self.env["ir.actions.report"]._render_qweb_html("ar_dunning.report_dunning_letter", comm.ids)[
            0
        ]
        html = html.decode()
        self.assertIn(comm.move_ids.name, html)
        self.assertIn("Payment reminder", html)
        self.assertIn("AP", html, "addressed to the dunning contact")
        comm.action_execute()
        self.assertEqual(comm.state, "sent", comm.error)
        self.assertTrue(comm.letter_attachment_id.raw)

    def _letter_title(self, comm):
        html = self.env["ir.actions.report"]._render_qweb_html("ar_dunning.report_dunning_letter", comm.ids)[
            0
        ]
        return re.search(r'<h2[^>]*class="o_ar_letter_title"[^>]*>(.*?)</h2>', html.decode(), re.S).group(1)

    def test_letter_heading_is_its_title_not_the_level_name(self):
        """The customer reads the level's letter title; its name ("Formal letter and call") is internal."""
        level = self._level(45, "Formal letter and call", send_letter=True, letter_title="Second reminder")
        comm = self._comm(level)
        heading = self._letter_title(comm)
        self.assertIn("Second reminder", heading)
        self.assertNotIn("Formal letter and call", self._letter_title(comm))
        level.letter_title = False
        heading = self._letter_title(comm)
        self.assertIn("Payment reminder", heading, "a neutral heading without a title")
        self.assertNotIn("Formal letter and call", heading)

    def test_letter_title_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["ar_dunning"], ["zh_CN"], overwrite=True)
        level = self._level(45, "Formal letter and call", send_letter=True, letter_title="Second reminder")
        level.with_context(lang="zh_CN").letter_title = "第二次提醒"
        debtor = self._debtor()
        debtor.child_ids.lang = "zh_CN"
        comm = self._comm(level, debtor)
        self.assertIn("第二次提醒", self._letter_title(comm))
        level.letter_title = False
        self.assertIn("付款提醒", self._letter_title(comm), "the neutral heading, translated")

    def test_demo_levels_have_titles_in_english_and_chinese(self):
        formal = self.env.ref("ar_dunning.ar_dunning_level_formal", raise_if_not_found=False)
        if not formal:
            self.skipTest("no demo data")
        formal = formal.sudo()  # the demo company's, not the test company's
        # demo records are not updated with the module: load the demo file as a new database does
        convert_file(
            self.env(su=True), "ar_dunning", "demo/ar_dunning_policy_demo.xml", {}, mode="init", kind="demo"
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["ar_dunning"], ["zh_CN"], overwrite=True)
        self.assertEqual(formal.with_context(lang="en_US").letter_title, "Second reminder: overdue invoices")
        self.assertEqual(formal.with_context(lang="zh_CN").letter_title, "第二次提醒：逾期发票")
        self.assertNotEqual(formal.letter_title, formal.name)

    def test_letters_printed_in_one_batch(self):
        comms = self.env["ar.dunning.communication"]
        for i in range(3):
            comms |= self._comm(self.level_30, self._debtor(name=f"Letter {i}", email=f"ap{i}@l.example.com"))
        calls = []

        def fake_wkhtmltopdf(report, bodies, **kwargs):
            calls.append(len(bodies))
            writer = PdfFileWriter()
            for _body in bodies:
                writer.add_blank_page(200, 200)
            stream = io.BytesIO()
            writer.write(stream)
            return stream.getvalue()

        with patch.object(IrActionsReport, "_run_wkhtmltopdf", fake_wkhtmltopdf):
            comms.with_context(force_report_rendering=True).action_execute()
        self.assertEqual(comms.mapped("state"), ["sent"] * 3, comms.mapped("error"))
        self.assertEqual(calls, [3], "one wkhtmltopdf call for the three letters")
        for comm in comms:
            reader = PdfFileReader(io.BytesIO(comm.letter_attachment_id.raw))
            self.assertEqual(len(reader.pages), 1, "each communication keeps its own letter")

    def test_activity_for_the_right_user(self):
        debtor = self._debtor(user_id=self.rep.id)
        debtor.with_company(self.company).ar_collector_id = self.collector
        comm = self._comm(self.level_30, debtor)
        comm.action_execute()
        activity = debtor.activity_ids
        self.assertEqual((activity.user_id, comm.activity_user_id), (self.collector, self.collector))
        self.level_30.activity_responsible = "salesperson"
        self.assertEqual(
            self._comm(self.level_30, self._debtor(user_id=self.rep.id))._activity_user(), self.rep
        )
        self.level_30.write({"activity_responsible": "user", "activity_user_id": self.credit_manager.id})
        self.assertEqual(self._comm(self.level_30)._activity_user(), self.credit_manager)

    def test_credit_hold_and_fixed_fee(self):
        debtor = self._debtor()
        comm = self._comm(self.level_60, debtor, amount=1000)
        comm.action_execute()
        self.assertEqual(comm.state, "sent", comm.error)
        partner = debtor.with_company(self.company)
        self.assertTrue(partner.credit_hold)
        self.assertIn("Final", partner.credit_hold_reason)
        fee = comm.fee_move_id
        self.assertEqual((fee.state, fee.move_type, fee.partner_id), ("posted", "out_invoice", debtor))
        self.assertAlmostEqual(fee.amount_total, 40)
        self.assertEqual(comm.move_ids.dunning_level_id, self.level_60)

    def test_percent_fee_with_product(self):
        product = self.env["product.product"].create({"name": "Late fee", "taxes_id": [(5, 0, 0)]})
        self.level_60.write({"fee_type": "percent", "fee_percent": 2.5, "fee_product_id": product.id})
        comm = self._comm(self.level_60, amount=1234)
        comm.action_execute()
        self.assertEqual(comm.state, "sent", comm.error)
        self.assertAlmostEqual(comm.fee_move_id.amount_total, 30.85)
        self.assertEqual(comm.fee_move_id.invoice_line_ids.product_id, product)

    def test_server_action_runs_with_the_communication(self):
        action = self.env["ir.actions.server"].create(
            {
                "name": "Flag",
                "model_id": self.env["ir.model"]._get_id("ar.dunning.communication"),
                "state": "code",
                "code": "record.partner_id.write({'comment': 'flagged %s' % env.context['active_id']})",
            }
        )
        self.level_7.server_action_id = action
        comm = self._comm(self.level_7)
        comm.action_execute()
        self.assertEqual(comm.state, "sent", comm.error)
        self.assertIn(f"flagged {comm.id}", str(comm.partner_id.comment))

    def test_cancel(self):
        comm = self._comm(self.level_60)
        comm.action_cancel()
        self.assertEqual(comm.state, "cancelled")
        self.assertFalse(comm.move_ids.dunning_level_id)
