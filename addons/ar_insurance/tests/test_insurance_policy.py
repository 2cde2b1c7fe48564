from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInsurancePolicy(TransactionCase):
    """Policies refuse impossible terms and are isolated per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurer = cls.env["res.partner"].create({"name": "Test Insurer", "is_company": True})
        cls.vals = {
            "number": "T-1",
            "insurer_id": cls.insurer.id,
            "date_start": "2026-01-01",
            "date_end": "2026-12-31",
        }

    def test_activate(self):
        policy = self.env["ar.insurance.policy"].create(self.vals)
        self.assertEqual((policy.state, policy.indemnity_percent), ("draft", 90.0))
        policy.action_activate()
        self.assertEqual(policy.state, "active")

    def test_bad_terms_refused(self):
        for bad in (
            {"date_end": "2025-12-31"},
            {"indemnity_percent": 120},
            {"indemnity_percent": 0},
            {"deductible": -1},
            {"notification_days": -5},
        ):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                self.env["ar.insurance.policy"].create({**self.vals, **bad})

    def test_other_company_cannot_read(self):
        other = self.env["res.company"].create({"name": "Insured Elsewhere"})
        policy = self.env["ar.insurance.policy"].create({**self.vals, "company_id": other.id})
        user = new_test_user(self.env, login="ins_user", groups="ar_insurance.group_ar_insurance_user")
        self.assertNotIn(other, user.company_ids)
        with self.assertRaises(AccessError):
            policy.with_user(user).read(["number"])
        with self.assertRaises(AccessError):
            self.env["ar.insurance.policy"].with_user(user).create(self.vals)
