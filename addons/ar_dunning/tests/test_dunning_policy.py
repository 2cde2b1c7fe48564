from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.ar_credit_control.tests.common import ArTransactionCase


@tagged("post_install", "-at_install")
class TestDunningPolicy(ArTransactionCase):
    """Levels refuse settings that could not be carried out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["ar.dunning.policy"].create({"name": "Test policy"})
        cls.template = cls.env.ref("ar_dunning.mail_template_dunning_reminder")

    def _level(self, **vals):
        return self.env["ar.dunning.level"].create(
            {"policy_id": self.policy.id, "name": "L", "days": 10, **vals}
        )

    def test_pre_due_and_overdue_levels(self):
        before = self._level(days=-3, name="Before due")
        after = self._level(days=15, name="After due", send_email=True, mail_template_id=self.template.id)
        self.assertEqual(self.policy.level_ids, before | after)
        self.assertEqual(self.policy.level_count, 2)
        self.assertEqual(self.policy.level_ids[0], before, "levels are ordered by days from due date")

    def test_email_level_needs_template(self):
        with self.assertRaisesRegex(ValidationError, "email template"):
            self._level(send_email=True)
        self.assertFalse(self.env["ar.dunning.level"].search_count([("policy_id", "=", self.policy.id)]))

    def test_two_levels_same_day_refused(self):
        self._level(days=30)
        with self.assertRaisesRegex(ValidationError, "same day"):
            self._level(days=30, name="Duplicate")

    def test_negative_amounts_refused(self):
        with self.assertRaisesRegex(ValidationError, "negative"):
            self._level(min_amount=-5)
        with self.assertRaisesRegex(ValidationError, "negative"):
            self._level(fee_type="fixed", fee_amount=-1)

    def test_fixed_user_activity_needs_user(self):
        with self.assertRaisesRegex(ValidationError, "fixed user"):
            self._level(create_activity=True, activity_responsible="user")
