from odoo.tests import tagged

from ..tools.credit_scoring import (
    NEUTRAL_BEHAVIOUR_SCORE,
    behaviour_score,
    recommended_limit,
    trend,
    weighted_score,
)
from ..tools.registration_id import validate_registration_id, validate_tax_id
from .common import ArTransactionCase

#: A valid Chinese unified social credit code (checked with stdnum.cn.uscc).
VALID_USCC = "91110000600037341L"


@tagged("post_install", "-at_install")
class TestCreditScoring(ArTransactionCase):
    """Pure scoring rules: weighted total, behavioural score, limit suggestion."""

    def test_weighted_score(self):
        self.assertEqual(weighted_score([(80, 1), (40, 1)]), 60)
        self.assertEqual(weighted_score([(90, 20), (90, 20), (90, 20), (90, 10), (90, 10), (50, 20)]), 82)
        self.assertEqual(weighted_score([(100, 0), (30, 5)]), 30)
        self.assertEqual(weighted_score([(1, 1), (2, 2)]), 1.67)

    def test_weighted_score_refuses_bad_weights(self):
        with self.assertRaises(ValueError):
            weighted_score([(50, 0), (60, 0)])
        with self.assertRaises(ValueError):
            weighted_score([(50, -1), (60, 5)])
        with self.assertRaises(ValueError):
            weighted_score([])

    def test_behaviour_without_history_is_neutral(self):
        self.assertEqual(behaviour_score(0, 0, 0, 0, 0), NEUTRAL_BEHAVIOUR_SCORE)
        self.assertEqual(behaviour_score(30, 100, 90, 10, 0), 50)

    def test_behaviour_perfect_and_bounds(self):
        self.assertEqual(behaviour_score(0, 0, 0, 0, 5), 100)
        self.assertEqual(behaviour_score(1000, 100, 10000, 1000, 5), 0)
        for inputs in ((5, 20, 30, -10), (50, 50, 50, 50), (0, 100, 0, 0)):
            self.assertTrue(0 <= behaviour_score(*inputs, 3) <= 100)

    def test_behaviour_formula(self):
        # 100 - 10 (avg) - 0.3 * 50 (share) - 0.1 * 40 (worst) - 0.5 * 6 (trend)
        self.assertEqual(behaviour_score(10, 50, 40, 6, 4), 68)
        # an improving trend earns nothing
        self.assertEqual(behaviour_score(10, 50, 40, -20, 4), 71)

    def test_behaviour_penalties_monotonic(self):
        base = [10, 40, 30, 5]
        for index in range(4):
            previous = None
            for value in (0, 5, 10, 20, 40, 80, 160, 320):
                inputs = list(base)
                inputs[index] = value
                score = behaviour_score(*inputs, 10)
                if previous is not None:
                    self.assertLessEqual(score, previous, f"input {index} = {value}")
                previous = score

    def test_trend(self):
        self.assertEqual(trend(20, 5), 15)
        self.assertEqual(trend(2, 10), -8)
        self.assertEqual(trend(None, 10), 0)
        self.assertEqual(trend(10, None), 0)

    def test_recommended_limit(self):
        self.assertEqual(
            recommended_limit(default_limit=5000, limit_factor=2, avg_monthly_invoiced=100), 5000
        )
        self.assertEqual(recommended_limit(default_limit=0, limit_factor=2, avg_monthly_invoiced=1500), 3000)
        self.assertEqual(recommended_limit(), 0)
        self.assertEqual(recommended_limit(default_limit=5000, override_limit=1200), 1200)
        self.assertEqual(recommended_limit(default_limit=5000, insurer="ignored"), 5000)

    def test_registration_ids(self):
        self.assertEqual(validate_registration_id("CN", VALID_USCC), VALID_USCC)
        self.assertEqual(validate_registration_id("cn", f" {VALID_USCC} "), VALID_USCC)
        with self.assertRaisesRegex(ValueError, "checksum"):
            validate_registration_id("CN", VALID_USCC[:-1] + "X")
        self.assertEqual(validate_registration_id("FR", "303 265 045"), "303265045")
        self.assertEqual(validate_registration_id("FR", "732 829 320 00074"), "73282932000074")
        with self.assertRaisesRegex(ValueError, "9 or 14 digits"):
            validate_registration_id("FR", "12345")
        # no validator: accepted as typed
        self.assertEqual(validate_registration_id("DE", "HRB 12345"), "HRB 12345")
        self.assertEqual(validate_registration_id(False, "anything"), "anything")
        self.assertEqual(validate_registration_id("CN", ""), "")

    def test_tax_ids(self):
        self.assertEqual(validate_tax_id("FR", "FR 40 303 265 045"), "FR40303265045")
        self.assertEqual(validate_tax_id(False, "BE0403019261"), "BE0403019261")
        self.assertEqual(validate_tax_id("CN", VALID_USCC), VALID_USCC)
        with self.assertRaisesRegex(ValueError, "checksum"):
            validate_tax_id("DE", "FR40303265046")  # the EU prefix decides the country
        with self.assertRaises(ValueError):
            validate_tax_id("BE", "0403019262")
        self.assertEqual(validate_tax_id("US", "12-3456789"), "12-3456789")
