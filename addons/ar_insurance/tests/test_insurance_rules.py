from datetime import date

from odoo.tests import BaseCase, tagged

from odoo.addons.ar_insurance.tools import insurance_rules as rules


@tagged("post_install", "-at_install")
class TestInsuranceRules(BaseCase):
    """The pure rules, without database."""

    def test_buyer_cover(self):
        today = date(2026, 6, 1)
        self.assertEqual(rules.buyer_cover("approved", 50000, None, 25000, today), 50000)
        self.assertEqual(rules.buyer_cover("partly_approved", 30000, date(2026, 6, 1), 25000, today), 30000)
        self.assertEqual(rules.buyer_cover("reduced", 10000, date(2026, 12, 31), 25000, today), 10000)
        # no limit, or a request without an answer: the discretionary limit
        self.assertEqual(rules.buyer_cover(None, 0, None, 25000, today), 25000)
        self.assertEqual(rules.buyer_cover("requested", 0, None, 25000, today), 25000)
        # refused, cancelled, expired: nothing
        self.assertEqual(rules.buyer_cover("refused", 0, None, 25000, today), 0)
        self.assertEqual(rules.buyer_cover("cancelled", 0, None, 25000, today), 0)
        self.assertEqual(rules.buyer_cover("approved", 50000, date(2026, 5, 31), 25000, today), 0)

    def test_net_and_allocate(self):
        # a credit of 1,200 pays the oldest invoice (1,000) and 200 of the next one
        self.assertEqual(rules.net_open_amounts([1000.0, 500.0, -1200.0]), [0.0, 300.0, 0.0])
        self.assertEqual(rules.net_open_amounts([-100.0, 50.0]), [0.0, 0.0])
        # 10,000 of cover: 6,000 + 3,000 fully, the newest gets the 1,000 left
        self.assertEqual(rules.allocate_cover(10000.0, [6000.0, 3000.0, 4000.0]), [6000.0, 3000.0, 1000.0])
        self.assertEqual(rules.allocate_cover(0.0, [100.0]), [0.0])
        self.assertEqual(rules.insured_amount(9000.0, 90.0), 8100.0)

    def test_deadlines(self):
        due = date(2026, 3, 1)
        self.assertEqual(rules.notification_deadline(due, "due_date", 30, 60), date(2026, 3, 31))
        self.assertEqual(rules.notification_deadline(due, "extension", 30, 60), date(2026, 5, 30))
        self.assertIsNone(rules.notification_deadline(None, "due_date", 30))
        self.assertEqual(rules.reminder_date(date(2026, 3, 31), 7), date(2026, 3, 24))
        self.assertEqual(rules.stop_delivery_date(due, 60), date(2026, 4, 30))
        self.assertIsNone(rules.stop_delivery_date(due, 0))
        self.assertEqual(rules.claim_deadline(date(2026, 4, 1), 150), date(2026, 8, 29))

    def test_indemnity_worked_example(self):
        # covered 50,000, deductible 1,000, indemnity 90 %: (50,000 - 1,000) x 0.9 = 44,100
        self.assertEqual(rules.expected_indemnity(50000.0, 1000.0, 90.0, 0.01), 44100.0)
        # a loss below the deductible pays nothing
        self.assertEqual(rules.expected_indemnity(800.0, 1000.0, 90.0, 0.01), 0.0)
        # recovered 10,000 after the indemnity: insurer's share 9,000, 4,000 already returned -> 5,000
        self.assertEqual(rules.owed_to_insurer(10000.0, 90.0, 4000.0, 0.01), 5000.0)
        self.assertEqual(rules.owed_to_insurer(1000.0, 90.0, 4000.0, 0.01), 0.0)

    def test_amounts_in_the_currency_precision(self):
        # KWD (three decimals): (50 - 1.234) x 90 % = 43.8894 -> 43.889, not 43.89
        self.assertEqual(rules.expected_indemnity(50.0, 1.234, 90.0, 0.001), 43.889)
        self.assertEqual(rules.owed_to_insurer(1.111, 90.0, 0.0, 0.001), 1.0)  # 0.9999 -> 1.000
        self.assertEqual(rules.premium(11.001, 0.5, 0.001), 0.055)  # 0.055005 -> 0.055, not 0.06
        # JPY (no decimals): 1,001 x 50 % = 500.5 -> 501
        self.assertEqual(rules.expected_indemnity(1001.0, 0.0, 50.0, 1.0), 501.0)
        self.assertEqual(rules.premium(100001.0, 0.5, 1.0), 500.0)  # 500.005 -> 500

    def test_periods_and_premium(self):
        self.assertEqual(
            rules.declaration_period(date(2026, 5, 17), "monthly"), (date(2026, 5, 1), date(2026, 5, 31))
        )
        self.assertEqual(
            rules.declaration_period(date(2026, 5, 17), "quarterly"), (date(2026, 4, 1), date(2026, 6, 30))
        )
        self.assertEqual(
            rules.declaration_period(date(2026, 5, 17), "yearly"), (date(2026, 1, 1), date(2026, 12, 31))
        )
        self.assertEqual(
            rules.previous_declaration_period(date(2026, 1, 10), "quarterly"),
            (date(2025, 10, 1), date(2025, 12, 31)),
        )
        self.assertEqual(rules.premium(200000.0, 0.18, 0.01), 360.0)
