import re
from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from odoo.addons.ar_credit_control.tests.common import ArCreditCommon
from odoo.addons.base.models.ir_actions_report import IrActionsReport

from ..report.ar_statement import ArStatement, statement_period


@tagged("post_install", "-at_install")
class TestStatement(ArCreditCommon):
    """Statement figures from SQL, the PDF and the monthly schedule."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("ar_dunning.group_ar_dunning_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.statement = cls.env["ar.statement"]
        cls.customer = cls._customer(name="Statement Customer Ltd", email="ap@statement.example.com")
        cls.date_from = cls.today - timedelta(days=20)
        # Before the period: 300 open.
        cls.old_invoice = cls._invoice(cls.customer, 300, days_overdue=40)
        # In the period: an invoice of 1,000, a partial payment of 400 and a credit note of 100.
        cls.invoice = cls._invoice(cls.customer, 1000, days_overdue=-10)
        cls._pay(cls.invoice, 400)
        cls.refund = cls._invoice(cls.customer, 100, days_overdue=0, move_type="out_refund")

    def test_opening_plus_movements_is_closing(self):
        data = self.statement._statement_data(self.customer, self.date_from, self.today)
        self.assertAlmostEqual(data["opening"], 300)
        amounts = sorted(line["amount"] for line in data["lines"])
        self.assertEqual(amounts, [-400, -100, 1000])
        self.assertEqual({line["kind"] for line in data["lines"]}, {"Invoice", "Payment", "Credit Note"})
        self.assertAlmostEqual(
            data["opening"] + sum(line["amount"] for line in data["lines"]), data["closing"]
        )
        self.assertAlmostEqual(data["closing"], 800)
        self.assertAlmostEqual(data["closing"], self.statement._balance(self.customer, self.today))
        self.assertAlmostEqual(data["lines"][-1]["balance"], data["closing"])
        self.assertAlmostEqual(sum(amount for _label, amount in data["aging"]), 800)

    def test_period_without_movement(self):
        data = self.statement._statement_data(
            self.customer, self.today + timedelta(days=1), self.today + timedelta(days=5)
        )
        self.assertFalse(data["lines"])
        self.assertAlmostEqual(data["opening"], data["closing"])
        self.assertAlmostEqual(data["closing"], 800)

    def test_pdf_renders(self):
        data = {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.today),
        }
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        html, _fmt = report._render_qweb_html(
            "ar_dunning.action_report_customer_statement", self.customer.ids, data
        )
        self.assertIn(self.invoice.name, html.decode())
        self.assertIn("Opening Balance", html.decode())
        # wkhtmltopdf itself is replaced: in a TransactionCase it would fetch the report's
        # assets from this test server, which waits for the test's own transaction
        bodies = []

        def fake_wkhtmltopdf(report, html_bodies, **kwargs):
            bodies.extend(html_bodies)
            return b"%PDF-1.4 fake"

        with patch.object(IrActionsReport, "_run_wkhtmltopdf", fake_wkhtmltopdf):
            pdf, fmt = report._render_qweb_pdf(
                "ar_dunning.action_report_customer_statement", self.customer.ids, data
            )
        self.assertEqual((fmt, pdf), ("pdf", b"%PDF-1.4 fake"))
        self.assertEqual(len(bodies), 1)
        self.assertIn(self.invoice.name, bodies[0])
        self.assertIn("Closing Balance", bodies[0])

    def test_chinese_customer_statement_printed_by_english_user(self):
        """The line types and aging labels are in the customer's language, not the printing user's."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["ar_dunning"], ["zh_CN"], overwrite=True)
        self.customer.lang = "zh_CN"
        self.env.user.lang = "en_US"
        data = {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.today),
        }
        report = self.env["ir.actions.report"].with_context(lang="en_US", force_report_rendering=True)
        html, _fmt = report._render_qweb_html(
            "ar_dunning.action_report_customer_statement", self.customer.ids, data
        )
        tables = "".join(re.findall(r"<table.*?</table>", html.decode(), re.S))
        self.assertIn(self.invoice.name, tables)
        for chinese in ("发票", "付款", "贷项通知单", "未到期"):
            self.assertIn(chinese, tables)
        for english in ("Invoice", "Payment", "Credit Note", "Current"):
            self.assertNotIn(english, tables)

    def test_statement_period(self):
        self.assertEqual(statement_period(date(2026, 3, 1), "monthly"), (date(2026, 2, 1), date(2026, 2, 28)))
        self.assertEqual(
            statement_period(date(2026, 1, 3), "quarterly"), (date(2025, 10, 1), date(2025, 12, 31))
        )
        self.assertIsNone(statement_period(date(2026, 2, 1), "quarterly"))
        self.assertIsNone(statement_period(date(2026, 2, 1), "none"))

    def _cron(self, day):
        with patch.object(ArStatement, "_commit", lambda self: None):
            self.statement._cron_send_statements(today=day)

    def _statement_mails(self):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", (self.customer | self.customer.child_ids).ids),
                ("subject", "ilike", "statement of account"),
            ]
        )

    def test_cron_queues_once_per_period(self):
        quarterly = self._customer(
            name="Quarterly Ltd", email="q@example.com", ar_statement_frequency="quarterly"
        )
        self.customer.ar_statement_frequency = "monthly"
        self._cron(date(2026, 2, 1))
        mails = self._statement_mails()
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, "outgoing")
        self.assertEqual(len(mails.attachment_ids), 1)
        self.assertEqual(self.customer.ar_statement_last_date, date(2026, 1, 31))
        self.assertFalse(quarterly.ar_statement_last_date, "not a quarter month")
        self._cron(date(2026, 2, 1))
        self.assertEqual(len(self._statement_mails()), 1, "a second run queues nothing")
        self._cron(date(2026, 4, 1))
        self.assertEqual(len(self._statement_mails()), 2)
        self.assertEqual(quarterly.ar_statement_last_date, date(2026, 3, 31))

    def test_wizard_sends_and_prints(self):
        wizard = self.env["ar.statement.wizard"].create(
            {"partner_ids": [(6, 0, self.customer.ids)], "date_from": self.date_from, "date_to": self.today}
        )
        self.assertEqual(wizard.action_print()["report_name"], "ar_dunning.report_customer_statement")
        wizard.action_send()
        self.assertEqual(len(self._statement_mails()), 1)
        self.assertFalse(self.customer.ar_statement_last_date, "a manual statement leaves the schedule alone")
