from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestInsuranceSecurity(ArInsuranceCommon):
    """Users read, managers decide; other companies see nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ins_user = new_test_user(
            cls.env,
            login="ins_sec_user",
            groups="ar_insurance.group_ar_insurance_user",
            company_id=cls.company.id,
        )
        cls.buyer = cls._buyer()
        cls.limit = cls._limit(cls.buyer, 10000, granted=0, state="requested")

    def test_user_cannot_decide(self):
        limits = self.env["ar.insurance.limit"].with_user(self.ins_user)
        self.assertEqual(limits.search([("id", "=", self.limit.id)]), self.limit)
        with self.assertRaises(AccessError):
            limits.create(
                {"policy_id": self.policy.id, "partner_id": self._buyer().id, "requested_amount": 1}
            )
        with self.assertRaises(AccessError):
            self.limit.with_user(self.ins_user).action_approve()
        with self.assertRaises(AccessError):
            self.env["ar.insurance.claim"].with_user(self.ins_user).create(
                {"policy_id": self.policy.id, "partner_id": self.buyer.id}
            )
        self.assertEqual(self.limit.state, "requested")

    def test_other_company_sees_nothing(self):
        other = self.setup_other_company()["company"]
        policy = self.policy.copy(
            {"number": "POL-OTHER", "company_id": other.id, "currency_id": other.currency_id.id}
        )
        limit = self._limit(self._buyer(name="Other Buyer"), 5000, policy=policy)
        claim = self.env["ar.insurance.claim"].create(
            {"policy_id": policy.id, "partner_id": limit.partner_id.id}
        )
        self.assertNotIn(other, self.ins_user.company_ids)
        for record in (policy, limit, claim):
            with self.subTest(model=record._name), self.assertRaises(AccessError):
                record.with_user(self.ins_user).read(["company_id"])
        self.assertFalse(
            self.env["ar.insurance.limit"].with_user(self.ins_user).search([("id", "=", limit.id)])
        )
