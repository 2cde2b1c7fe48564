from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools.credit_scoring import behaviour_score
from .common import ArTransactionCase

VALID_USCC = "91110000600037341L"
USER_GROUPS = (
    "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman,account.group_account_invoice"
)


@tagged("post_install", "-at_install")
class TestCreditAssessment(ArTransactionCase):
    """5C scorecard, payment behaviour from real payments, approval applied to the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create(
            {"name": "Assessment Test Co", "country_id": cls.env.ref("base.us").id}
        )
        cls.env["account.chart.template"].try_loading("generic_coa", company=cls.company, install_demo=False)
        cls.env.user.company_ids |= cls.company
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.today = fields.Date.context_today(cls.env.user)
        cls.credit_user = cls._user("ar_assess_user", "ar_credit_control.group_ar_credit_user")
        cls.manager = cls._user("ar_assess_mgr", "ar_credit_control.group_ar_credit_manager")
        cls.net45 = cls.env["account.payment.term"].create(
            {
                "name": "Net 45 (assessment test)",
                "company_id": cls.company.id,
                "line_ids": [Command.create({"value": "percent", "value_amount": 100, "nb_days": 45})],
            }
        )
        Grade = cls.env["ar.credit.grade"]
        grade_vals = {"company_id": cls.company.id}
        cls.grade_a = Grade.create(
            dict(grade_vals, code="TA", name="Low risk", sequence=1, min_score=80, max_score=100)
            | {"default_limit": 50000, "payment_term_id": cls.net45.id}
        )
        cls.grade_b = Grade.create(
            dict(grade_vals, code="TB", name="Medium", sequence=2, min_score=50, max_score=80, limit_factor=2)
        )
        cls.grade_c = Grade.create(
            dict(grade_vals, code="TC", name="High risk", sequence=3, min_score=0, max_score=50)
        )
        cls.china = cls.env.ref("base.cn")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Assessed Customer", "is_company": True, "country_id": cls.china.id}
        )
        cls.contact = cls.env["res.partner"].create({"name": "Buyer", "parent_id": cls.customer.id})

    @classmethod
    def _user(cls, login, group):
        return new_test_user(
            cls.env,
            login=login,
            groups=f"{USER_GROUPS},{group}",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _assessment(self, score=90.0, **vals):
        values = {"partner_id": self.customer.id, "company_id": self.company.id}
        values.update({f"{factor}_score": score for factor in ("character", "capacity", "capital")})
        values.update({"collateral_score": score, "conditions_score": score})
        values.update(vals)
        return self.env["ar.credit.assessment"].create(values)

    def _invoice(self, partner, amount, invoice_days_ago, due_days_ago, move_type="out_invoice"):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "company_id": self.company.id,
                "invoice_date": self.today - timedelta(days=invoice_days_ago),
                "invoice_date_due": self.today - timedelta(days=due_days_ago),
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    def _pay(self, invoice, paid_days_ago, amount=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": self.today - timedelta(days=paid_days_ago)})
        )
        if amount:
            wizard.amount = amount
        return wizard._create_payments()

    # ------------------------------------------------------------------
    # Defaults and scoring
    # ------------------------------------------------------------------

    def test_defaults(self):
        assessment = self._assessment(partner_id=self.contact.id)
        self.assertEqual(assessment.partner_id, self.customer, "a contact is replaced by its company")
        self.assertEqual(assessment.date, self.today)
        self.assertEqual(
            [
                assessment[f"{f}_weight"]
                for f in ("character", "capacity", "capital", "collateral", "conditions")
            ],
            [20, 20, 20, 10, 10],
        )
        self.assertEqual(assessment.behaviour_weight, 20)
        self.assertEqual(assessment.valid_until, self.today + relativedelta(months=12))
        self.assertEqual(assessment.review_date, assessment.valid_until)
        self.assertEqual(assessment.state, "draft")
        self.assertIn("Assessment of Assessed Customer", assessment.display_name)
        self.assertIn("Assessed Customer", assessment.name)

    def test_company_weights_are_defaults(self):
        self.company.write({"ar_weight_character": 50, "ar_weight_behaviour": 0})
        assessment = self._assessment()
        self.assertEqual(assessment.character_weight, 50)
        self.assertEqual(assessment.behaviour_weight, 0)
        self.assertEqual(assessment.total_score, 90)

    def test_total_score_grade_and_recommendation(self):
        assessment = self._assessment(90)
        self.assertEqual(assessment.paid_invoice_count, 0)
        self.assertEqual(assessment.behaviour_score, 50)
        self.assertEqual(assessment.total_score, 82)  # (90 * 80 + 50 * 20) / 100
        self.assertEqual(assessment.grade_id, self.grade_a)
        self.assertEqual(assessment.recommended_limit, 50000)
        self.assertEqual(assessment.recommended_payment_term_id, self.net45)
        assessment.write({f"{f}_score": 60 for f in ("character", "capacity", "capital", "collateral")})
        self.assertEqual(assessment.total_score, 61.0)  # (60 * 70 + 90 * 10 + 50 * 20) / 100
        self.assertEqual(assessment.grade_id, self.grade_b)
        self.assertEqual(assessment.recommended_limit, 0, "factor x no sales")
        self.assertFalse(assessment.recommended_payment_term_id)
        self.assertEqual(self._assessment(10).grade_id, self.grade_c)

    def test_shared_scale_when_company_has_no_grade(self):
        other = self.env["res.company"].create({"name": "No Grades Co"})
        self.env.user.company_ids |= other
        shared = self.env["ar.credit.grade"].search([("company_id", "=", False)])
        assessment = self.env["ar.credit.assessment"].create(
            {"partner_id": self.customer.id, "company_id": other.id, "character_score": 70}
        )
        expected = shared.filtered(lambda g: g.min_score <= assessment.total_score < g.max_score)[:1]
        self.assertEqual(assessment.grade_id, expected)

    def test_invalid_values_refused(self):
        assessment = self._assessment()
        with self.assertRaisesRegex(ValidationError, "weights"):
            assessment.write(
                {
                    f"{f}_weight": 0
                    for f in ("character", "capacity", "capital", "collateral", "conditions", "behaviour")
                }
            )
        with self.assertRaisesRegex(ValidationError, "weights"):
            assessment.capital_weight = -5
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            assessment.character_score = 101
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            assessment.approved_limit = -1
        with self.assertRaisesRegex(ValidationError, "commercial entity"):
            assessment.partner_id = self.contact

    # ------------------------------------------------------------------
    # Identifiers
    # ------------------------------------------------------------------

    def test_registration_and_tax_ids(self):
        assessment = self._assessment(registration_id=VALID_USCC, tax_id=VALID_USCC)
        self.assertEqual(assessment.registration_id, VALID_USCC)
        invalid = VALID_USCC[:-1] + "X"
        with self.assertRaisesRegex(
            ValidationError, rf"{invalid} is not a valid unified social credit code for China: .*checksum"
        ):
            assessment.registration_id = invalid
        with self.assertRaisesRegex(ValidationError, r"FR40303265046 is not a valid VAT number for China"):
            assessment.tax_id = "FR40303265046"
        german = self.env["res.partner"].create(
            {"name": "German GmbH", "is_company": True, "country_id": self.env.ref("base.de").id}
        )
        other = self._assessment(partner_id=german.id, registration_id="HRB 12345")
        self.assertEqual(other.registration_id, "HRB 12345", "no validator: accepted as typed")

    # ------------------------------------------------------------------
    # Payment behaviour
    # ------------------------------------------------------------------

    def test_behaviour_from_payments(self):
        # 10 days late, 9 months ago
        self._pay(
            self._invoice(self.customer, 1000, invoice_days_ago=200, due_days_ago=170), paid_days_ago=160
        )
        # paid 5 days early, 5 months ago
        self._pay(
            self._invoice(self.customer, 2000, invoice_days_ago=150, due_days_ago=120), paid_days_ago=125
        )
        # 20 days late, last month, invoiced to a contact of the customer
        self._pay(self._invoice(self.contact, 3000, invoice_days_ago=40, due_days_ago=30), paid_days_ago=10)
        # not counted: unpaid, partly paid, older than 12 months, another customer
        self._invoice(self.customer, 200, invoice_days_ago=50, due_days_ago=20)
        self._pay(self._invoice(self.customer, 400, invoice_days_ago=60, due_days_ago=50), 1, amount=100)
        self._pay(
            self._invoice(self.customer, 5000, invoice_days_ago=400, due_days_ago=380), paid_days_ago=300
        )
        stranger = self.env["res.partner"].create({"name": "Stranger", "is_company": True})
        self._pay(self._invoice(stranger, 700, invoice_days_ago=100, due_days_ago=90), paid_days_ago=10)
        # a credit note reduces the invoiced amount
        self._invoice(self.customer, 600, invoice_days_ago=30, due_days_ago=30, move_type="out_refund")

        assessment = self._assessment()
        self.assertEqual(assessment.paid_invoice_count, 3)
        self.assertAlmostEqual(assessment.avg_days_late, 10.0)  # (10 + 0 + 20) / 3
        self.assertAlmostEqual(assessment.share_paid_late, 66.67)
        self.assertEqual(assessment.worst_days_late, 20)
        self.assertAlmostEqual(assessment.trend_days, 15.0)  # 20 recent - (10 + 0) / 2 before
        self.assertAlmostEqual(
            assessment.avg_monthly_invoiced, 500.0
        )  # (1000 + 2000 + 3000 + 200 + 400 - 600) / 12
        self.assertAlmostEqual(assessment.behaviour_score, behaviour_score(10, 66.67, 20, 15, 3))
        self.assertLess(assessment.behaviour_score, 100)

        # a grade with a limit factor suggests factor x average monthly invoicing
        assessment.write({f"{f}_score": 60 for f in ("character", "capacity", "capital", "collateral")})
        self.assertEqual(assessment.grade_id, self.grade_b)
        self.assertAlmostEqual(assessment.recommended_limit, 1000.0)

        # the button recomputes after a new payment
        self._pay(self._invoice(self.customer, 800, invoice_days_ago=20, due_days_ago=15), paid_days_ago=5)
        assessment.action_compute_behaviour()
        self.assertEqual(assessment.paid_invoice_count, 4)
        self.assertAlmostEqual(assessment.avg_days_late, 10.0)  # (10 + 0 + 20 + 10) / 4
        self.assertAlmostEqual(assessment.share_paid_late, 75.0)

    def test_behaviour_respects_assessment_date(self):
        self._pay(self._invoice(self.customer, 1000, invoice_days_ago=40, due_days_ago=30), paid_days_ago=10)
        older = self._assessment(date=self.today - timedelta(days=60))
        self.assertEqual(older.paid_invoice_count, 0)
        self.assertEqual(older.behaviour_score, 50)
        older.date = self.today
        self.assertEqual(older.paid_invoice_count, 1, "changing the date recomputes the figures")
        self.assertEqual(older.worst_days_late, 20)

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def test_submit_and_approve_applies_to_partner(self):
        partner = self.customer.with_company(self.company)
        partner.with_user(self.manager).credit_grade_id = self.grade_b
        assessment = self._assessment(90).with_user(self.credit_user)
        review = self.today + relativedelta(months=6)
        assessment.write({"review_date": review})
        assessment.action_submit()
        self.assertEqual(assessment.state, "submitted")
        self.assertEqual(assessment.approved_limit, 50000, "defaults to the recommended limit")
        self.assertEqual(assessment.approved_payment_term_id, self.net45)
        assessment.approved_limit = 40000

        assessment.with_user(self.manager).action_approve()
        self.assertEqual(assessment.state, "approved")
        self.assertEqual(assessment.approver_id, self.manager)
        self.assertEqual(assessment.approval_date, self.today)
        self.assertEqual(partner.credit_grade_id, self.grade_a)
        self.assertEqual(partner.credit_score, 82)
        self.assertEqual(partner.credit_limit, 40000)
        self.assertEqual(partner.property_payment_term_id, self.net45)
        self.assertEqual(partner.credit_review_date, review)
        note = partner.message_ids.filtered(lambda m: "approved the credit assessment" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.manager.partner_id)
        self.assertIn("40,000", note.body)
        self.assertFalse(partner.message_ids.filtered(lambda m: "Grade dropped" in (m.body or "")))

    def test_grade_drop_is_noted(self):
        partner = self.customer.with_company(self.company)
        partner.with_user(self.manager).credit_grade_id = self.grade_a
        assessment = self._assessment(20)
        assessment.action_submit()
        assessment.with_user(self.manager).action_approve()
        self.assertEqual(partner.credit_grade_id, self.grade_c)
        self.assertEqual(partner.credit_limit, 0)
        drop = partner.message_ids.filtered(lambda m: "Grade dropped" in (m.body or ""))
        self.assertEqual(len(drop), 1)
        self.assertIn("TA - Low risk", drop.body)
        self.assertIn("TC - High risk", drop.body)
        alert = partner.activity_ids.filtered(lambda a: a.user_id == self.manager)
        self.assertEqual(alert.summary, "Risk worsened: Grade dropped from TA - Low risk to TC - High risk.")

    def test_credit_user_cannot_decide(self):
        assessment = self._assessment(90)
        assessment.with_user(self.credit_user).action_submit()
        as_user = assessment.with_user(self.credit_user)
        with self.assertRaises(AccessError):
            as_user.action_approve()
        with self.assertRaises(AccessError):
            as_user.with_context(ar_credit_bypass=True, su=True).action_approve()
        with self.assertRaises(AccessError):
            as_user.write({"state": "approved"})
        with self.assertRaises(AccessError):
            as_user.write({"rejection_reason": "no", "state": "rejected"})
        with self.assertRaises(AccessError):
            as_user.unlink()
        self.assertEqual(assessment.state, "submitted")
        self.assertFalse(assessment.approver_id)
        partner = self.customer.with_company(self.company)
        self.assertFalse(partner.credit_grade_id)
        self.assertEqual(partner.credit_limit, 0)

    def test_reject_needs_reason_and_reset(self):
        assessment = self._assessment(30)
        with self.assertRaises(UserError):
            assessment.with_user(self.manager).action_approve()  # still a draft
        assessment.action_submit()
        as_manager = assessment.with_user(self.manager)
        with self.assertRaisesRegex(UserError, "reason"):
            as_manager.action_reject()
        as_manager.rejection_reason = "Accounts not filed for two years"
        as_manager.action_reject()
        self.assertEqual(assessment.state, "rejected")
        self.assertEqual(assessment.approver_id, self.manager)
        self.assertFalse(self.customer.with_company(self.company).credit_grade_id)
        assessment.with_user(self.credit_user).action_reset_to_draft()
        self.assertEqual(assessment.state, "draft")
        self.assertFalse(assessment.approver_id)

    def test_approved_assessment_is_locked(self):
        assessment = self._assessment(90)
        assessment.action_submit()
        assessment.with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            assessment.approved_limit = 1
        with self.assertRaises(UserError):
            assessment.action_reset_to_draft()
        with self.assertRaises(UserError):
            assessment.action_compute_behaviour()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            assessment.unlink()

    def test_company_rule_and_partner_action(self):
        assessment = self._assessment()
        other_user = new_test_user(
            self.env,
            login="ar_assess_other_co",
            groups=f"{USER_GROUPS},ar_credit_control.group_ar_credit_manager",
            company_id=self.env.ref("base.main_company").id,
            company_ids=[Command.set(self.env.ref("base.main_company").ids)],
        )
        main = self.env.ref("base.main_company")
        visible = (
            self.env["ar.credit.assessment"]
            .with_user(other_user)
            .with_context(allowed_company_ids=main.ids)
            .search([("id", "=", assessment.id)])
        )
        self.assertFalse(visible, "another company's assessments are hidden")
        action = self.contact.action_view_assessments()
        self.assertEqual(action["res_model"], "ar.credit.assessment")
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
        self.assertEqual(
            self.env["ar.credit.assessment"].search(action["domain"]),
            assessment,
        )

    def test_views_render(self):
        for user in (self.credit_user, self.manager):
            Assessment = self.env["ar.credit.assessment"].with_user(user)
            for view_type in ("form", "list", "search"):
                self.assertTrue(Assessment.get_view(view_type=view_type)["arch"])
        form = self.env["ar.credit.assessment"].with_user(self.credit_user).get_view(view_type="form")["arch"]
        self.assertNotIn('name="action_approve"', form, "only credit managers see the approval buttons")
