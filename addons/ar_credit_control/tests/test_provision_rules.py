from datetime import date

from odoo.tests import tagged

from ..tools.provision_rules import (
    ProvisionError,
    adjusted_rate,
    arithmetic_text,
    bucket_bounds,
    entry_sides,
    line_provision,
    loss_rates,
    month_ends,
    provision_difference,
    roll_rates,
)
from .common import ArTransactionCase

USD = 0.01  # a currency's rounding (res.currency.rounding)
JPY = 1.0
KWD = 0.001


@tagged("post_install", "-at_install")
class TestProvisionRules(ArTransactionCase):
    def test_bucket_bounds(self):
        self.assertEqual(bucket_bounds([0, 366, 731, 1096]), (365, 730, 1095))
        self.assertEqual(bucket_bounds([91, 0, 31, 61]), (30, 60, 90))
        self.assertEqual(bucket_bounds([0]), ())
        for bad in ([], [0, 30, 30]):
            with self.assertRaises(ProvisionError, msg=bad):
                bucket_bounds(bad)

    def test_month_ends(self):
        self.assertEqual(
            month_ends(date(2025, 4, 30), 3),
            [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)],
        )
        # mid-month reference: the history stops at the previous month end, across the year
        self.assertEqual(
            month_ends(date(2025, 2, 10), 2), [date(2024, 11, 30), date(2024, 12, 31), date(2025, 1, 31)]
        )
        with self.assertRaises(ProvisionError):
            month_ends(date(2025, 1, 31), 0)

    def test_roll_rates_balance_weighted(self):
        balances = [
            [1000.0, 0.0, 0.0],
            [4000.0, 500.0, 0.0],
            [0.0, 1000.0, 250.0],
        ]
        rolls = roll_rates(balances)
        # bucket 0 -> 1: (500 + 1000) / (1000 + 4000); bucket 1 -> 2: (0 + 250) / (0 + 500)
        self.assertAlmostEqual(rolls[0], 100.0 * 1500.0 / 5000.0)
        self.assertAlmostEqual(rolls[1], 100.0 * 250.0 / 500.0)
        # not the simple mean of the monthly ratios (50 % and 25 % -> 37.5 %)
        self.assertNotAlmostEqual(rolls[0], 37.5)

    def test_roll_rates_cap_and_empty(self):
        self.assertEqual(roll_rates([[100.0, 0.0], [0.0, 300.0]]), [100.0])  # capped
        self.assertEqual(roll_rates([[0.0, 50.0], [10.0, 60.0]]), [0.0])  # nothing to roll from
        with self.assertRaises(ProvisionError):
            roll_rates([[1.0, 2.0]])

    def test_loss_rates_chain(self):
        losses = loss_rates([40.0, 50.0, 80.0], last_rate=100.0)
        self.assertEqual(len(losses), 4)
        self.assertAlmostEqual(losses[3], 100.0)
        self.assertAlmostEqual(losses[2], 80.0)
        self.assertAlmostEqual(losses[1], 50.0 * 80.0 / 100.0)
        self.assertAlmostEqual(losses[0], 40.0 * 50.0 * 80.0 / 10000.0)
        self.assertAlmostEqual(loss_rates([50.0], last_rate=60.0)[0], 30.0)

    def test_adjusted_rate(self):
        self.assertAlmostEqual(adjusted_rate(10.0, "none", 5.0), 10.0)
        self.assertAlmostEqual(adjusted_rate(10.0, "points", 2.5), 12.5)
        self.assertAlmostEqual(adjusted_rate(10.0, "factor", 1.1), 11.0)
        self.assertEqual(adjusted_rate(24.9351, "factor", 1.1), 27.4286)  # 27.42861 kept with 4 decimals
        self.assertAlmostEqual(adjusted_rate(95.0, "points", 10.0), 100.0)
        self.assertAlmostEqual(adjusted_rate(5.0, "points", -10.0), 0.0)
        with self.assertRaises(ProvisionError):
            adjusted_rate(5.0, "other", 1.0)

    def test_provision_and_text(self):
        provision = line_provision(12000.0, 10.0, USD)
        self.assertEqual(provision, 1200.0)
        self.assertEqual(arithmetic_text(12000.0, 10.0, provision, 2), "12,000.00 × 10 % = 1,200.00")
        self.assertEqual(line_provision(333.33, 24.9351, USD), round(333.33 * 0.249351, 2))
        self.assertEqual(arithmetic_text(333.33, 24.9351, 83.12, 2), "333.33 × 24.9351 % = 83.12")
        self.assertEqual(line_provision(-500.0, 50.0, USD), 0.0)  # credit balances carry nothing

    def test_provision_in_the_currency_precision(self):
        # 1,001 JPY at 50 %: 500.5 -> 501 (no decimals, half away from zero)
        self.assertEqual(line_provision(1001.0, 50.0, JPY), 501.0)
        # 1.001 KWD at 50 %: 0.5005 -> 0.501 (three decimals)
        self.assertEqual(line_provision(1.001, 50.0, KWD), 0.501)
        self.assertEqual(provision_difference(1234.5, 1000.0, JPY), 235.0)
        self.assertEqual(provision_difference(1.2345, 1.0, KWD), 0.235)

    def test_difference_and_sides(self):
        self.assertEqual(provision_difference(1500.0, 1000.0, USD), 500.0)
        self.assertEqual(entry_sides(500.0), ("expense", "allowance"))
        self.assertEqual(entry_sides(-600.0), ("allowance", "expense"))
        self.assertIsNone(entry_sides(provision_difference(1000.0, 1000.0, USD)))
