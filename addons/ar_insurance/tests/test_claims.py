from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestClaims(ArInsuranceCommon):
    """Claim figures: expected indemnity, deadline, recoveries owed back to the insurer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls._buyer()
        cls._limit(cls.buyer, 50000)
        start = cls.today - timedelta(days=120)
        cls.invoices = cls._invoice_on(cls.buyer, 30000, start, start + timedelta(days=30)) | cls._invoice_on(
            cls.buyer, 25000, start + timedelta(days=10), start + timedelta(days=40)
        )
        cls.env["ar.insurance.receivable"]._refresh(cls.policy)
        Notification = cls.env["ar.insurance.notification"]
        with Notification._ar_server_write():  # notified earlier (the state is the server's)
            cls.notification = Notification.create(
                {
                    "policy_id": cls.policy.id,
                    "partner_id": cls.buyer.id,
                    "move_ids": [Command.set(cls.invoices.ids)],
                    "oldest_due_date": start + timedelta(days=30),
                    "amount_overdue": 55000,
                    "date_sent": cls.today - timedelta(days=60),
                    "state": "notified",
                }
            )

    def _claim(self, **vals):
        return self.env["ar.insurance.claim"].create(
            {
                "policy_id": self.policy.id,
                "partner_id": self.buyer.id,
                "notification_id": self.notification.id,
                "move_ids": [Command.set(self.invoices.ids)],
                **vals,
            }
        )

    def test_worked_example(self):
        # Invoices 30,000 + 25,000 = 55,000 unpaid; buyer limit 50,000 -> covered 50,000.
        # Deductible 1,000, indemnity 90 %: expected indemnity = (50,000 - 1,000) x 0.90 = 44,100.
        claim = self._claim()
        self.assertTrue(claim.name.startswith("CLM/"))
        self.assertRecordValues(
            claim,
            [
                {
                    "claimed_amount": 55000,
                    "covered_amount": 50000,
                    "expected_indemnity": 44100,
                    "state": "draft",
                }
            ],
        )
        claim.action_file()
        self.assertEqual((claim.state, claim.filing_date), ("filed", self.today))
        self.assertFalse(claim.filing_late)
        claim.action_accept()
        claim.action_paid()
        self.assertRecordValues(claim, [{"state": "paid", "amount_received": 44100, "date_paid": self.today}])
        # Later the buyer's estate pays 10,000: the insurer's 90 % share is 9,000;
        # 4,000 already returned -> 9,000 - 4,000 = 5,000 still owed to the insurer.
        claim.recovery_ids = [
            Command.create({"amount": 6000, "returned_amount": 4000}),
            Command.create({"amount": 4000}),
        ]
        self.assertRecordValues(
            claim, [{"recovered_amount": 10000, "returned_amount": 4000, "owed_to_insurer": 5000}]
        )

    def test_filing_deadline(self):
        # notified 60 days ago, claim deadline = notification + 150 days
        self.assertEqual(self.notification.claim_deadline, self.today + timedelta(days=90))
        late = self._claim(filing_date=self.today + timedelta(days=91))
        self.assertTrue(late.filing_late)
        with self.assertRaisesRegex(UserError, "claim deadline"):
            late.action_file()
        self.assertEqual(late.state, "draft")
        unnotified = self._claim(notification_id=False)
        with self.assertRaisesRegex(UserError, "notify the overdue"):
            unnotified.action_file()

    def test_claim_above_the_insured_cover_is_refused(self):
        # the invoices' cover is the buyer's limit of 50,000: a claim cannot be covered beyond it
        Claim = self.env["ar.insurance.claim"]
        with self.assertRaisesRegex(ValidationError, r"50,001\.00.* above the insured cover .*50,000\.00"):
            self._claim(covered_amount=50001)
        self.assertFalse(Claim.search([("partner_id", "=", self.buyer.id)]))
        claim = self._claim(covered_amount=40000)
        with self.assertRaisesRegex(ValidationError, "above the insured cover"):
            claim.covered_amount = 60000
        self.assertEqual(claim.covered_amount, 40000)

    def test_steps_follow_each_other(self):
        """The insurer's steps are recorded in order; the state is never written directly."""
        claim = self._claim()
        for step in ("action_accept", "action_paid", "action_reject", "action_draft"):
            with self.assertRaisesRegex(UserError, "this step is not possible now"):
                getattr(claim, step)()
        with self.assertRaisesRegex(UserError, r"\(state\)"):
            claim.write({"state": "paid"})
        self.assertEqual(claim.state, "draft")
        claim.action_file()
        with self.assertRaisesRegex(UserError, "this step is not possible now"):
            claim.action_file()
        claim.action_accept()
        claim.action_paid()
        self.assertEqual(claim.state, "paid")

    def test_claim_within_its_invoices_and_cover(self):
        claim = self._claim()
        with self.assertRaisesRegex(ValidationError, "above the unpaid amount of its insured invoices"):
            claim.claimed_amount = 1e9
        with self.assertRaisesRegex(ValidationError, "above the covered amount"):
            claim.amount_received = 50000.01
        with self.assertRaisesRegex(ValidationError, "must be a finite number"):
            claim.amount_received = float("inf")
        self.assertRecordValues(claim, [{"claimed_amount": 55000, "amount_received": 0}])
