from datetime import date, datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import input_rules as rules
from .common import ArTransactionCase

TODAY = date(2026, 3, 15)


@tagged("post_install", "-at_install")
class TestInputRules(ArTransactionCase):
    """The pure bounds on input (``input_rules``), value by value."""

    def test_number_problem(self):
        for ok in (None, False, 0, 0.0, -5, 1250.5, rules.MAX_AMOUNT, -rules.MAX_AMOUNT):
            self.assertIsNone(rules.number_problem(ok), ok)
        self.assertEqual(rules.number_problem(float("nan")), rules.NOT_FINITE)
        self.assertEqual(rules.number_problem(float("inf")), rules.NOT_FINITE)
        self.assertEqual(rules.number_problem(float("-inf")), rules.NOT_FINITE)
        self.assertEqual(rules.number_problem(1e308), rules.TOO_LARGE)
        self.assertEqual(rules.number_problem(rules.MAX_AMOUNT + 1), rules.TOO_LARGE)
        self.assertEqual(rules.number_problem(11, limit=10), rules.TOO_LARGE)
        self.assertEqual(rules.number_problem(-1, allow_negative=False), rules.NEGATIVE)
        self.assertEqual(rules.number_problem("12"), rules.NOT_A_NUMBER)
        self.assertEqual(rules.number_problem(True), rules.NOT_A_NUMBER)

    def test_percent_problem(self):
        for ok in (None, 0, 0.5, 100, 100.0):
            self.assertIsNone(rules.percent_problem(ok), ok)
        self.assertEqual(rules.percent_problem(100.01), rules.ABOVE_100)
        self.assertEqual(rules.percent_problem(1_000_000), rules.ABOVE_100)
        self.assertEqual(rules.percent_problem(-1), rules.NEGATIVE)
        self.assertEqual(rules.percent_problem(float("nan")), rules.NOT_FINITE)

    def test_date_window_and_problem(self):
        self.assertEqual(rules.date_window(TODAY), (date(1976, 3, 15), date(2046, 3, 15)))
        self.assertEqual(rules.date_window(date(2024, 2, 29)), (date(1974, 2, 28), date(2044, 2, 29)))
        for ok in (None, False, TODAY, date(1976, 3, 15), date(2046, 3, 15), datetime(2030, 1, 1, 12)):
            self.assertIsNone(rules.date_problem(ok, TODAY), ok)
        for bad in (date(1, 1, 1), date(1976, 3, 14), date(2046, 3, 16), date(9999, 12, 31)):
            self.assertEqual(rules.date_problem(bad, TODAY), rules.DATE_OUT_OF_WINDOW, bad)
        self.assertEqual(rules.date_problem("2026-01-01", TODAY), rules.NOT_A_DATE)
        # an explicit window replaces the default one
        self.assertEqual(rules.date_problem(date(2026, 3, 14), TODAY, first=TODAY), rules.DATE_OUT_OF_WINDOW)
        self.assertIsNone(rules.date_problem(date(2026, 3, 20), TODAY, first=TODAY, last=date(2026, 3, 20)))

    def test_text_problem(self):
        self.assertIsNone(rules.text_problem(None))
        self.assertIsNone(rules.text_problem("x" * rules.MAX_TEXT_LENGTH))
        self.assertEqual(rules.text_problem("x" * (rules.MAX_TEXT_LENGTH + 1)), rules.TOO_LONG)
        self.assertEqual(rules.text_problem("abc", limit=2), rules.TOO_LONG)

    def test_parse_amount(self):
        for text, amount in (
            ("", None),
            (None, None),
            ("  ", None),
            ("0", 0.0),
            ("12", 12.0),
            (" 1250.50 ", 1250.5),
        ):
            self.assertEqual(rules.parse_amount(text, 2), amount, text)
        self.assertEqual(rules.parse_amount("10000000000000", 2), rules.MAX_AMOUNT)
        # as many decimals as the currency has: none for JPY, three for KWD
        self.assertEqual(rules.parse_amount("1250", 0), 1250.0)
        self.assertEqual(rules.parse_amount("12.345", 3), 12.345)
        for text, decimals in (("1250.5", 0), ("12.3456", 3), ("12.", 0)):
            with self.assertRaises(ValueError, msg=text):
                rules.parse_amount(text, decimals)
        bad = {
            "-5": rules.NOT_A_NUMBER,
            "abc": rules.NOT_A_NUMBER,
            "nan": rules.NOT_A_NUMBER,
            "inf": rules.NOT_A_NUMBER,
            "Infinity": rules.NOT_A_NUMBER,
            "1e308": rules.NOT_A_NUMBER,
            "1e3": rules.NOT_A_NUMBER,
            "1,000": rules.NOT_A_NUMBER,
            "12.345": rules.NOT_A_NUMBER,
            "12.": rules.NOT_A_NUMBER,
            "+5": rules.NOT_A_NUMBER,
            "\u0661\u0662": rules.NOT_A_NUMBER,  # Arabic-Indic digits: float() would take them
            "999999999999999": rules.NOT_A_NUMBER,  # 15 digits: beyond any amount
            "10000000000001": rules.TOO_LARGE,
        }
        for text, problem in bad.items():
            with self.assertRaises(ValueError, msg=text) as caught:
                rules.parse_amount(text, 2)
            self.assertEqual(caught.exception.args[0], problem, text)

    def test_parse_date(self):
        self.assertIsNone(rules.parse_date("", TODAY))
        self.assertEqual(rules.parse_date("2026-04-01", TODAY), date(2026, 4, 1))
        bad = {
            "0001-01-01": rules.DATE_OUT_OF_WINDOW,
            "9999-12-31": rules.DATE_OUT_OF_WINDOW,
            "2026-02-30": rules.NOT_A_DATE,
            "20260401": rules.NOT_A_DATE,
            "tomorrow": rules.NOT_A_DATE,
        }
        for text, problem in bad.items():
            with self.assertRaises(ValueError, msg=text) as caught:
                rules.parse_date(text, TODAY)
            self.assertEqual(caught.exception.args[0], problem, text)


@tagged("post_install", "-at_install")
class TestInputBounds(ArTransactionCase):
    """The mixin applies the rules to every client-written field, new fields included."""

    def test_every_input_field_is_bounded(self):
        grade = self.env["ar.credit.grade"]
        names = grade._ar_bounded_field_names()
        self.assertTrue({"min_score", "default_limit", "overdue_tolerance_days", "name"} <= set(names))
        self.assertNotIn("id", names)
        partner = self.env["res.partner"]._ar_bounded_field_names()
        self.assertIn("credit_limit", partner)
        self.assertNotIn("email", partner, "fields of the core are left to the core")

    def test_refused_before_the_database(self):
        partner = self.env["res.partner"].create({"name": "Bounds"})
        cases = {
            "credit_limit": (float("nan"), "must be a finite number"),
            "credit_limit_temp": (1e308, "is beyond the limit of 10,000,000,000,000"),
            "credit_review_date": ("0001-01-01", "is outside the accepted dates"),
            "credit_hold_reason": ("x" * 100_000, "is 100,000 characters long"),
        }
        for field, (value, message) in cases.items():
            with self.assertRaisesRegex(ValidationError, f"Bounds: .*{message}"):
                partner.write({field: value})
        with self.assertRaisesRegex(ValidationError, "New Credit Grade: .*finite"):
            self.env["ar.credit.grade"].create({"code": "Z", "min_score": 0, "max_score": float("inf")})

    def test_stored_values_checked_by_constraint(self):
        """A value put there without ``write`` vals (e.g. by an onchange or computation) is still checked."""
        partner = self.env["res.partner"].create({"name": "Bounds"})
        with self.assertRaisesRegex(ValidationError, "Bounds: .*Credit Hold Reason is 2,000 characters"):
            partner._ar_check_bounds({"credit_hold_reason": "y" * 2000}, lambda: partner.display_name)
        partner.credit_limit = 5000
        partner._check_ar_input_bounds()


@tagged("post_install", "-at_install")
class TestCompanyValue(ArTransactionCase):
    """No client puts a suite record in a company it does not belong to."""

    def test_a_manager_cannot_move_a_record_into_another_company(self):
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Company B (company value)"})
        manager = new_test_user(
            self.env,
            login="ar_company_value_manager",
            groups="base.group_user,ar_credit_control.group_ar_credit_manager",
            company_id=company_a.id,
            company_ids=[company_a.id],
        )
        grade = self.env["ar.credit.grade"].create(
            {"code": "CV", "name": "Shared", "min_score": 0, "max_score": 0.5, "active": False}
        )
        self.assertFalse(grade.company_id)
        grades = self.env["ar.credit.grade"].with_user(manager)
        with self.assertRaisesRegex(AccessError, "company you do not belong to"):
            grade.with_user(manager).write({"company_id": company_b.id})
        with self.assertRaisesRegex(AccessError, "company you do not belong to"):
            grades.create({"code": "CV2", "name": "B's", "company_id": company_b.id, "active": False})
        self.assertFalse(grade.company_id)
        grade.with_user(manager).write({"company_id": company_a.id})  # its own company: allowed
        self.assertEqual(grade.company_id, company_a)
        grade.write({"company_id": company_b.id})  # the system may
        self.assertEqual(grade.company_id, company_b)
