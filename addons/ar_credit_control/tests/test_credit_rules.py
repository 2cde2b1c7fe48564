from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools import credit_rules as rules
from ..tools.credit_rules import CreditFigures, CreditPolicy, CustomerCredit

TODAY = date(2026, 11, 24)


@tagged("post_install", "-at_install")
class TestCreditRules(BaseCase):
    """The pure money and date rules behind the credit check."""

    def test_exposure_and_overdue_days(self):
        figures = CreditFigures(
            receivable=100, orders=50, draft_invoices=25, oldest_due_date=date(2026, 11, 4)
        )
        self.assertEqual(figures.exposure, 175)
        self.assertEqual(figures.overdue_days(TODAY), 20)
        self.assertEqual(CreditFigures(oldest_due_date=TODAY).overdue_days(TODAY), 0)
        self.assertEqual(CreditFigures().overdue_days(TODAY), 0)

    def test_effective_limit_uses_temporary_limit_until_expiry(self):
        self.assertEqual(rules.effective_limit(1000, 5000, date(2026, 11, 24), TODAY), 5000)
        self.assertEqual(rules.effective_limit(1000, 5000, date(2026, 11, 23), TODAY), 1000)
        self.assertEqual(rules.effective_limit(1000, 0, date(2026, 12, 31), TODAY), 1000)

    def test_limit_with_grace(self):
        policy = CreditPolicy(grace_percent=10)
        customer = CustomerCredit(limit=1000)
        within = rules.credit_reasons(
            policy, customer, CreditFigures(receivable=600), 500, TODAY, rounding=0.01
        )
        self.assertEqual(within, [], "1,100 is within 1,000 + 10 %")
        [(code, info)] = rules.credit_reasons(
            policy, customer, CreditFigures(receivable=600), 500.01, TODAY, rounding=0.01
        )
        self.assertEqual(code, rules.OVER_LIMIT)
        self.assertAlmostEqual(info["over"], 100.01)
        self.assertAlmostEqual(info["allowed"], 1100)

    def test_zero_limit_rule(self):
        customer = CustomerCredit(limit=0)
        figures = CreditFigures(receivable=10_000)
        self.assertEqual(rules.credit_reasons(CreditPolicy(), customer, figures, 1, TODAY, rounding=0.01), [])
        reasons = rules.credit_reasons(
            CreditPolicy(zero_limit_blocks=True), customer, figures, 1, TODAY, rounding=0.01
        )
        self.assertEqual([code for code, _info in reasons], [rules.OVER_LIMIT])

    def test_overdue_tolerance_of_grade_or_company(self):
        figures = CreditFigures(oldest_due_date=date(2026, 11, 9), overdue_amount=70)
        graded = CustomerCredit(limit=0, tolerance_days=15)
        self.assertEqual(rules.credit_reasons(CreditPolicy(), graded, figures, 1, TODAY, rounding=0.01), [])
        strict = CustomerCredit(limit=0, tolerance_days=14)
        [(code, info)] = rules.credit_reasons(CreditPolicy(), strict, figures, 1, TODAY, rounding=0.01)
        self.assertEqual((code, info["days"], info["tolerance"]), (rules.OVERDUE, 15, 14))
        ungraded = CustomerCredit(limit=0)
        self.assertEqual(
            rules.credit_reasons(
                CreditPolicy(default_tolerance_days=30), ungraded, figures, 1, TODAY, rounding=0.01
            ),
            [],
        )

    def test_hold_prepayment_review_and_switches(self):
        customer = CustomerCredit(on_hold=True, requires_prepayment=True, review_date=date(2026, 11, 1))
        codes = [
            c
            for c, _i in rules.credit_reasons(
                CreditPolicy(check_review=True), customer, CreditFigures(), 1, TODAY, rounding=0.01
            )
        ]
        self.assertEqual(codes, [rules.ON_HOLD, rules.PREPAYMENT, rules.REVIEW_DUE])
        off = CreditPolicy(check_hold=False, check_prepayment=False, check_review=False)
        self.assertEqual(rules.credit_reasons(off, customer, CreditFigures(), 1, TODAY, rounding=0.01), [])

    def test_usage(self):
        self.assertEqual(rules.usage_percent(50, 200), 25)
        self.assertEqual(rules.usage_percent(50, 0), 0)
