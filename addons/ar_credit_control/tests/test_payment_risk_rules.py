from odoo.tests import BaseCase, tagged

from ..tools import payment_risk_rules as rules


@tagged("post_install", "-at_install")
class TestPaymentRiskRules(BaseCase):
    """The pure rules of the predicted payment risk: rule score, stored model, reasons, AUC."""

    def test_rule_score_worked_example(self):
        # the example of readme/USAGE.md
        values = {
            "avg_delay": 12.0,
            "share_late": 0.4,
            "amount_ratio": 2.0,
            "term_days": 60.0,
            "days_overdue": 5.0,
            "grade_score": 50.0,
            "month_sin": 0.5,
            "month_cos": 0.87,
        }
        score = rules.rule_score(values, late_days=15)
        points = dict(score.contributions)
        self.assertEqual(points["avg_delay"], 12.0)
        self.assertAlmostEqual(points["share_late"], 12.0)
        self.assertEqual(points["amount_ratio"], 10.0)
        self.assertEqual(points["term_days"], 7.5)
        self.assertEqual(points["days_overdue"], 10.0)
        self.assertEqual(points["grade_score"], 8.0)
        self.assertEqual(points["month_sin"], 0.0)
        self.assertAlmostEqual(score.probability, 0.645)
        self.assertEqual(score.expected_days_late, 12.0)
        self.assertEqual(
            [name for name, _points in rules.top_reasons(score.contributions)],
            ["avg_delay", "share_late", "amount_ratio"],
        )

    def test_rule_score_caps_and_certainty(self):
        worst = {"avg_delay": 300, "share_late": 1.0, "amount_ratio": 10, "term_days": 365, "grade_score": 0}
        self.assertEqual(rules.rule_score(worst, 15).probability, rules.RULE_MAX_PROBABILITY)
        overdue = rules.rule_score({"days_overdue": 16.0}, 15)
        self.assertEqual(overdue.probability, 1.0)
        self.assertEqual(overdue.expected_days_late, 16.0)
        best = rules.rule_score({"avg_delay": 0, "share_late": 0, "amount_ratio": 0.5, "grade_score": 95}, 15)
        self.assertEqual(best.probability, rules.RULE_BASE_POINTS / 100)
        self.assertEqual(rules.top_reasons(best.contributions), [])
        # an unknown feature (added by an extension without a rule) earns no points
        self.assertEqual(dict(rules.rule_score({"custom": 99.0}, 15).contributions)["custom"], 0.0)

    def test_rule_score_grows_with_risk(self):
        base = {"avg_delay": 5.0, "share_late": 0.2, "amount_ratio": 1.0, "term_days": 30, "days_overdue": 0}
        for name, worse in (
            ("avg_delay", 10.0),
            ("share_late", 0.5),
            ("amount_ratio", 1.5),
            ("term_days", 45),
        ):
            self.assertGreater(
                rules.rule_score(dict(base, **{name: worse}), 15).probability,
                rules.rule_score(base, 15).probability,
                name,
            )

    def test_model_score_and_contributions(self):
        model = {
            "features": ["a", "b"],
            "means": [10.0, 1.0],
            "scales": [5.0, 0.0],
            "coef": [2.0, -1.0],
            "intercept": -1.0,
            "days_coef": [4.0, 1.0],
            "days_intercept": 3.0,
        }
        score = rules.model_score(model, [20.0, 3.0])
        # a: (20 - 10) / 5 = 2 -> +4; b: scale 0 counts as 1 -> (3 - 1) = 2 -> -2
        self.assertEqual(dict(score.contributions), {"a": 4.0, "b": -2.0})
        self.assertAlmostEqual(score.probability, rules.sigmoid(1.0))
        self.assertEqual(score.expected_days_late, 13.0)
        self.assertEqual(rules.top_reasons(score.contributions), [("a", 4.0)])
        self.assertEqual(rules.model_score(model, [-50.0, 1.0]).expected_days_late, 0.0)

    def test_roc_auc(self):
        self.assertEqual(rules.roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), 1.0)
        self.assertEqual(rules.roc_auc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]), 0.0)
        self.assertEqual(rules.roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]), 0.5)
        self.assertAlmostEqual(rules.roc_auc([0, 1, 0, 1], [0.1, 0.3, 0.35, 0.8]), 0.75)
        self.assertIsNone(rules.roc_auc([1, 1], [0.1, 0.2]))

    def test_trainable_and_holdout(self):
        self.assertFalse(rules.trainable([True, False] * 10))
        self.assertFalse(rules.trainable([False] * 100))
        self.assertTrue(rules.trainable([True, False] * 40))
        share = sum(rules.is_holdout(i) for i in range(1, 1001)) / 1000
        self.assertTrue(0.2 < share < 0.3, share)
        # scattered, not every fourth id: ids created in a pattern (4 invoices a customer) split too
        for residue in range(4):
            ids = range(4 + residue, 4001, 4)
            share = sum(rules.is_holdout(i) for i in ids) / len(ids)
            self.assertTrue(0.2 < share < 0.3, (residue, share))
        self.assertEqual(rules.sigmoid(-1000), 0.0)
        self.assertEqual(rules.sigmoid(1000), 1.0)
