from datetime import date, timedelta

from odoo.tests import BaseCase, tagged

from ..tools import dunning_rules as rules
from ..tools.dunning_rules import Item, Level

TODAY = date(2026, 11, 24)
PRE = Level(1, -3)
L7 = Level(2, 7, min_days_since_previous=5)
L30 = Level(3, 30, min_amount=100, min_days_since_previous=10)
L60 = Level(4, 60)
LEVELS = [L30, PRE, L60, L7]


def item(key, days_overdue, amount=100.0, **kw):
    return Item(key, TODAY - timedelta(days=days_overdue), amount, **kw)


@tagged("post_install", "-at_install")
class TestDunningRules(BaseCase):
    """Which level a customer reaches, without the database."""

    def test_item_level(self):
        self.assertIsNone(rules.item_level(item(1, -10), LEVELS, TODAY))
        self.assertEqual(rules.item_level(item(1, -3), LEVELS, TODAY), PRE, "pre-due reminder")
        self.assertEqual(rules.item_level(item(1, 45), LEVELS, TODAY), L30)
        self.assertEqual(rules.item_level(item(1, 8, current_days=60), LEVELS, TODAY), L60, "never down")

    def test_highest_level_and_raised_items(self):
        decision = rules.decide([item(1, 65), item(2, 10), item(3, -20)], LEVELS, TODAY)
        self.assertEqual(decision.level, L60)
        self.assertEqual(decision.item_levels, {1: L60, 2: L7})
        self.assertEqual(decision.amount, 100)

    def test_decision_lists_the_items_reaching_a_level(self):
        """The reminder lists every item at a level (not only those at the level sent), per invoice."""
        items = [item(1, 65, 100, move_key=10), item(2, 10, 50, move_key=10), item(3, -20, 70, move_key=11)]
        decision = rules.decide(items, LEVELS, TODAY)
        self.assertEqual(
            (decision.level, decision.items, decision.amount_due, decision.moves, decision.amount),
            (L60, (1, 2), 150, (10,), 100),
        )

    def test_escalates_as_time_passes(self):
        items = [item(1, 7)]
        self.assertEqual(rules.decide(items, LEVELS, TODAY).level, L7)
        sent = [item(1, 7, current_days=7)]
        self.assertIsNone(rules.decide(sent, LEVELS, TODAY, TODAY), "same level not sent twice")
        later = TODAY + timedelta(days=23)
        self.assertEqual(rules.decide(sent, LEVELS, later, TODAY).level, L30)

    def test_minimum_amount(self):
        self.assertEqual(rules.decide([item(1, 40, 60)], LEVELS, TODAY).level, L7, "below 100: lower level")
        self.assertEqual(rules.decide([item(1, 40, 60), item(2, 31, 50)], LEVELS, TODAY).level, L30)
        self.assertIsNone(rules.decide([item(1, 40, 60, current_days=7)], LEVELS, TODAY))

    def test_minimum_interval(self):
        items = [item(1, 35, 500, current_days=7)]
        self.assertIsNone(rules.decide(items, LEVELS, TODAY, TODAY - timedelta(days=9)))
        self.assertEqual(rules.decide(items, LEVELS, TODAY, TODAY - timedelta(days=10)).level, L30)

    def test_excluded_and_disputed_items_ignored(self):
        items = [item(1, 70, excluded=True), item(2, 70, disputed=True), item(3, 8)]
        decision = rules.decide(items, LEVELS, TODAY)
        self.assertEqual(decision.level, L7)
        self.assertEqual(set(decision.item_levels), {3})
        self.assertIsNone(rules.decide(items[:2], LEVELS, TODAY))

    def test_fee_amount(self):
        self.assertEqual(rules.fee_amount("fixed", 40, 0, 1000, 0.01), 40)
        self.assertEqual(rules.fee_amount("percent", 0, 1.5, 1234.56, 0.01), 18.52)
        self.assertEqual(rules.fee_amount("none", 40, 5, 1000, 0.01), 0)

    def test_fee_amount_in_the_currency_precision(self):
        # JPY (no decimals): 2.5 % of 100 = 2.5 -> 3, half away from zero as Odoo rounds money
        self.assertEqual(rules.fee_amount("percent", 0, 2.5, 100, 1.0), 3)
        self.assertEqual(rules.fee_amount("percent", 0, 2.5, 300, 1.0), 8)  # 7.5 -> 8
        # KWD (three decimals): 1.5 % of 1.234 = 0.01851 -> 0.019, not 0.02
        self.assertEqual(rules.fee_amount("percent", 0, 1.5, 1.234, 0.001), 0.019)
        self.assertEqual(rules.fee_amount("fixed", 1.2345, 0, 10, 0.001), 1.235)
