from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import BaseCase, tagged

from ..tools.data_quality_rules import counts_per_check, id_problems, unreconciled_cutoff
from .common import ArCreditCommon

VALID_VAT = "BE0477123402"
OTHER_VALID_VAT = "BE0765432146"
SHARED_VAT = "BE0812345603"


@tagged("post_install", "-at_install")
class TestDataQualityRules(BaseCase):
    """The pure rules of the data-quality report."""

    def test_id_problems_use_the_stdnum_validators(self):
        self.assertEqual(id_problems("BE", VALID_VAT, ""), [])
        self.assertEqual(id_problems("CN", "", "91110000600037341L"), [])
        problems = id_problems("BE", "BE0477123403", "")
        self.assertEqual(len(problems), 1)
        self.assertIn("BE0477123403", problems[0])
        self.assertEqual(len(id_problems("CN", "BE0477123403", "91110000600037341X")), 2)
        self.assertEqual(id_problems("XX", "anything", "anything"), [])  # no validator: as typed

    def test_unreconciled_cutoff(self):
        self.assertEqual(unreconciled_cutoff(date(2026, 11, 24), 30), date(2026, 10, 25))
        self.assertEqual(unreconciled_cutoff(date(2026, 11, 24), 0), date(2026, 11, 24))
        with self.assertRaises(ValueError):
            unreconciled_cutoff(date(2026, 11, 24), -1)

    def test_counts_per_check_keeps_order_and_zeros(self):
        self.assertEqual(counts_per_check(["a", "b", "c"], {"c": 2, "a": 1}), [("a", 1), ("b", 0), ("c", 2)])


@tagged("post_install", "-at_install")
class TestDataQuality(ArCreditCommon):
    """Each check finds a seeded bad record, ignores a clean one, and stays in its company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.belgium = cls.env.ref("base.be")
        cls.term = cls.env.ref("account.account_payment_term_30days")
        cls.clean = cls._good_customer("Clean Customer", VALID_VAT)
        cls.clean_invoice = cls._invoice(cls.clean, 100)
        cls.no_term = cls._good_customer("No Term", OTHER_VALID_VAT, property_payment_term_id=False)
        cls._invoice(cls.no_term, 250)
        cls.no_email = cls._good_customer("No Email", False, email=False, company_registry="0477123402")
        cls._invoice(cls.no_email, 80)
        cls.mute_contact = cls.env["res.partner"].create(
            {
                "name": "Billing",
                "parent_id": cls.clean.id,
                "type": "invoice",
                "email": "bill@clean.example.com",
            }
        )
        cls.with_mute_contact = cls._good_customer("Mute Contact", False, company_registry="0812345603")
        cls.mute_address = cls.env["res.partner"].create(
            {"name": "Accounts", "parent_id": cls.with_mute_contact.id, "type": "invoice"}
        )
        cls._invoice(cls.with_mute_contact, 90)
        cls.no_vat = cls._good_customer("No VAT", False)
        cls._invoice(cls.no_vat, 60)
        cls.bad_vat = cls._good_customer("Bad VAT", "BE0477123403")
        cls._invoice(cls.bad_vat, 70)
        cls.twin_a = cls._good_customer("Twin A", SHARED_VAT)
        cls.twin_b = cls._good_customer("Twin B", "be 0812.345.603")
        cls._invoice(cls.twin_a, 10)
        bank = cls.company_data["default_journal_bank"]
        cls.old_payment = cls._payment(cls.clean, 40, cls.today - timedelta(days=40), bank)
        cls.recent_payment = cls._payment(cls.clean, 50, cls.today - timedelta(days=5), bank)
        paid = cls._invoice(cls.clean, 30)
        cls.reconciled_payment = cls._pay(paid, 30, cls.today - timedelta(days=60))
        cls.no_due = cls._invoice(cls.clean, 20)
        cls.env.cr.execute("UPDATE account_move SET invoice_date_due = NULL WHERE id = %s", [cls.no_due.id])
        cls.env.invalidate_all()

    @classmethod
    def _good_customer(cls, name, vat, **vals):
        """A Belgian company customer with email and payment term (overridable)."""
        values = {
            "name": name,
            "is_company": True,
            "country_id": cls.belgium.id,
            "vat": vat,
            "email": f"{name.lower().replace(' ', '.')}@example.com",
            "property_payment_term_id": cls.term.id,
            **vals,
        }
        return cls.env["res.partner"].create(values)

    @classmethod
    def _payment(cls, partner, amount, day, journal):
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": day,
                "journal_id": journal.id,
            }
        )
        payment.action_post()
        return payment

    def _report(self, company=None, user=None):
        company = company or self.company
        model = (
            self.env["ar.data.quality.report"].with_user(user or self.credit_manager).with_company(company)
        )
        return model.create({"company_id": company.id})

    def _found(self, report, check):
        issues = report.issue_ids.filtered(lambda issue: issue.check_code == check)
        return {(issue.res_model, issue.res_id) for issue in issues}

    def test_no_payment_term(self):
        found = self._found(self._report(), "no_payment_term")
        self.assertIn(("res.partner", self.no_term.id), found)
        self.assertNotIn(("res.partner", self.clean.id), found)
        issue = self._report().issue_ids.filtered(
            lambda i: i.res_id == self.no_term.id and i.check_code == "no_payment_term"
        )
        self.assertAlmostEqual(issue.amount, 250)
        self.assertEqual(issue.severity, "medium")

    def test_no_invoice_email(self):
        # called directly: with ar_dunning installed the report checks the dunning contact instead
        found = {("res.partner", row["res_id"]) for row in self._report()._dq_no_invoice_email()}
        self.assertIn(("res.partner", self.no_email.id), found)
        self.assertIn(("res.partner", self.mute_address.id), found)  # the invoice address is the contact
        self.assertNotIn(("res.partner", self.with_mute_contact.id), found)
        self.assertNotIn(("res.partner", self.clean.id), found)
        self.assertNotIn(("res.partner", self.mute_contact.id), found)

    def test_no_tax_id(self):
        found = self._found(self._report(), "no_tax_id")
        self.assertIn(("res.partner", self.no_vat.id), found)
        self.assertNotIn(("res.partner", self.no_email.id), found)  # has a registration ID
        self.assertNotIn(("res.partner", self.clean.id), found)

    def test_invalid_tax_id(self):
        report = self._report()
        found = self._found(report, "invalid_tax_id")
        self.assertIn(("res.partner", self.bad_vat.id), found)
        self.assertNotIn(("res.partner", self.clean.id), found)
        self.assertNotIn(("res.partner", self.no_email.id), found)
        issue = report.issue_ids.filtered(
            lambda i: i.res_id == self.bad_vat.id and i.check_code == "invalid_tax_id"
        )
        self.assertIn("BE0477123403", issue.detail)

    def test_duplicate_tax_id(self):
        report = self._report()
        found = self._found(report, "duplicate_tax_id")
        self.assertIn(("res.partner", self.twin_a.id), found)
        self.assertIn(("res.partner", self.twin_b.id), found)
        self.assertNotIn(("res.partner", self.clean.id), found)
        issue = report.issue_ids.filtered(
            lambda i: i.res_id == self.twin_b.id and i.check_code == "duplicate_tax_id"
        )
        self.assertEqual(issue.reference, SHARED_VAT)
        action = issue.action_fix()
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(set(action["domain"][0][2]), {self.twin_a.id, self.twin_b.id})

    def test_unreconciled_payment_after_company_days(self):
        found = self._found(self._report(), "unreconciled_payment")
        self.assertIn(("account.payment", self.old_payment.id), found)
        self.assertNotIn(("account.payment", self.recent_payment.id), found)
        self.assertNotIn(("account.payment", self.reconciled_payment.id), found)
        self.company.ar_dq_unreconciled_days = 3
        found = self._found(self._report(), "unreconciled_payment")
        self.assertIn(("account.payment", self.recent_payment.id), found)

    def test_negative_days_refused(self):
        with self.assertRaises(ValidationError):
            self.company.ar_dq_unreconciled_days = -1
        self.assertEqual(self.company.ar_dq_unreconciled_days, 30)

    def test_no_due_date(self):
        found = self._found(self._report(), "no_due_date")
        self.assertIn(("account.move", self.no_due.id), found)
        self.assertNotIn(("account.move", self.clean_invoice.id), found)

    def test_other_company_kept_apart(self):
        other = self.setup_other_company()["company"]
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "is_company": True, "company_id": other.id}
        )
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": stranger.id,
                    "invoice_date": self.today,
                    "invoice_line_ids": [
                        Command.create({"name": "x", "quantity": 1, "price_unit": 500, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        self.credit_manager.company_ids |= other
        mine = self._report()
        self.assertNotIn(stranger, mine.issue_ids.partner_id)
        self.assertEqual(mine.issue_ids.company_id, self.company)
        theirs = self._report(other)
        self.assertIn(("res.partner", stranger.id), self._found(theirs, "no_payment_term"))
        self.assertIn(("res.partner", stranger.id), self._found(theirs, "no_tax_id"))
        self.assertNotIn(self.no_term, theirs.issue_ids.partner_id)
        # the record rule hides the other company's issues from a user of this company only
        self.assertFalse(
            self.env["ar.data.quality.issue"]
            .with_user(self.credit_manager)
            .with_context(allowed_company_ids=self.company.ids)
            .search([("report_id", "=", theirs.id)])
        )

    def test_open_and_fix_actions(self):
        report = self._report()
        issue = report.issue_ids.filtered(
            lambda i: i.check_code == "no_payment_term" and i.res_id == self.no_term.id
        )
        action = issue.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.no_term.id))
        self.assertEqual(issue.record_name, "No Term")
        fix = issue.action_fix()
        self.assertEqual(fix["res_id"], self.no_term.id)
        self.assertEqual(fix["target"], "new")
        view = self.env.ref("ar_credit_control.res_partner_view_form_ar_dq_payment_term")
        self.assertEqual(fix["views"], [(view.id, "form")])
        payment_issue = report.issue_ids.filtered(lambda i: i.res_id == self.old_payment.id)
        self.assertFalse(payment_issue.can_fix)
        action = payment_issue.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.payment", self.old_payment.id))
        action = self.env["ar.data.quality.report"].with_user(self.credit_manager).action_open_report()
        self.assertEqual(action["res_model"], "ar.data.quality.issue")
        self.assertTrue(self.env["ar.data.quality.issue"].search(action["domain"]))

    def test_only_credit_users_run_it(self):
        with self.assertRaises(AccessError):
            self._report(user=self.rep)

    def test_dashboard_counts_equal_lines(self):
        dashboard = self.env["ar.credit.dashboard"].with_user(self.credit_manager).create({})
        report = dashboard.data_quality_report_id
        codes = [check.code for check in report._data_quality_checks()]
        self.assertEqual(dashboard.quality_line_ids.mapped("check_code"), codes)
        for line in dashboard.quality_line_ids:
            action = line.action_open_quality_issues()
            issues = self.env["ar.data.quality.issue"].search(action["domain"])
            self.assertEqual(line.count, len(issues), line.check_code)
            self.assertEqual(set(issues.mapped("check_code")) - {line.check_code}, set())
        counts = dict(
            zip(
                dashboard.quality_line_ids.mapped("check_code"),
                dashboard.quality_line_ids.mapped("count"),
                strict=True,
            )
        )
        self.assertGreaterEqual(counts["duplicate_tax_id"], 2)
        self.assertEqual(sum(counts.values()), len(report.issue_ids))
