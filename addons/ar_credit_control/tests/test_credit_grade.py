from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools.grade_rules import find_overlap, score_in_range
from .common import ArTransactionCase


@tagged("post_install", "-at_install")
class TestCreditGrade(ArTransactionCase):
    """The rating scale refuses overlapping or impossible score ranges."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Grade Test Co"})
        cls.Grade = cls.env["ar.credit.grade"].with_company(cls.company)
        cls.low = cls.Grade.create(
            {
                "code": "TL",
                "name": "Low",
                "min_score": 0,
                "max_score": 50,
                "company_id": cls.company.id,
            }
        )

    def test_pure_overlap_rule(self):
        self.assertIsNone(find_overlap([("a", 0, 40), ("b", 40, 70), ("c", 70, 100)]))
        clash = find_overlap([("a", 0, 50), ("b", 45, 70)])
        self.assertEqual((clash[0][0], clash[1][0]), ("a", "b"))
        self.assertTrue(score_in_range(100, 85, 100))
        self.assertFalse(score_in_range(85, 70, 85))
        self.assertTrue(score_in_range(70, 70, 85))

    def test_adjacent_ranges_accepted(self):
        high = self.Grade.create(
            {
                "code": "TH",
                "name": "High",
                "min_score": 50,
                "max_score": 100,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(high.display_name, "TH - High")

    def test_overlap_refused(self):
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self.Grade.create(
                {
                    "code": "TX",
                    "name": "Clash",
                    "min_score": 40,
                    "max_score": 60,
                    "company_id": self.company.id,
                }
            )

    def test_other_company_may_use_same_range(self):
        other = self.env["res.company"].create({"name": "Other Grade Co"})
        grade = self.env["ar.credit.grade"].create(
            {"code": "TL", "name": "Low", "min_score": 0, "max_score": 50, "company_id": other.id}
        )
        self.assertTrue(grade.exists())

    def test_inverted_or_negative_values_refused(self):
        with self.assertRaisesRegex(ValidationError, "score range"):
            self.Grade.create(
                {
                    "code": "TI",
                    "name": "Inverted",
                    "min_score": 90,
                    "max_score": 60,
                    "company_id": self.company.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.low.default_limit = -1
