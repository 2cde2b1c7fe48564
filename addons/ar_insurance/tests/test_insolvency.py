from datetime import timedelta

from odoo.tests import tagged

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestInsuranceInsolvency(ArInsuranceCommon):
    """Opening an insured buyer's insolvency case prepares the insurer notification and a draft claim."""

    def _open_case(self, partner, company=None):
        case = self.env["ar.insolvency.case"].create(
            {"partner_id": partner.id, "company_id": (company or self.company).id, "case_type": "bankruptcy"}
        )
        case.action_open()
        return case

    def _claims(self, partner):
        return self.env["ar.insurance.claim"].search([("partner_id", "=", partner.id)])

    def test_notification_and_draft_claim_prepared(self):
        # Open 15,000 (due 20 days ago) + 10,000 (due in 20 days); buyer limit 20,000:
        # covered 20,000, expected indemnity (20,000 - 1,000 deductible) x 90 % = 17,100.
        buyer = self._buyer()
        self._limit(buyer, 20000)
        overdue = self._invoice_on(
            buyer, 15000, self.today - timedelta(days=50), self.today - timedelta(days=20)
        )
        not_due = self._invoice_on(
            buyer, 10000, self.today - timedelta(days=10), self.today + timedelta(days=20)
        )
        case = self._open_case(buyer)
        notification = case.insurance_notification_ids
        self.assertRecordValues(
            notification,
            [
                {
                    "policy_id": self.policy.id,
                    "partner_id": buyer.id,
                    "state": "to_notify",
                    "amount_overdue": 25000,
                    "oldest_due_date": overdue.invoice_date_due,
                    "insolvency_case_id": case.id,
                }
            ],
        )
        self.assertEqual(notification.move_ids, overdue | not_due)
        claim = case.insurance_claim_ids
        self.assertRecordValues(
            claim,
            [
                {
                    "state": "draft",
                    "notification_id": notification.id,
                    "claimed_amount": 25000,
                    "covered_amount": 20000,
                    "expected_indemnity": 17100,
                    "insolvency_case_id": case.id,
                }
            ],
        )
        self.assertEqual(claim.move_ids, overdue | not_due)
        self.assertEqual((case.insurance_notification_count, case.insurance_claim_count), (1, 1))
        self.assertTrue(any("17,100.00" in (m.body or "") for m in case.message_ids))
        self.assertEqual(
            case.action_view_insurance_claims()["domain"], [("insolvency_case_id", "=", case.id)]
        )

    def test_daily_run_keeps_the_insolvency_notification(self):
        buyer = self._buyer()
        self._limit(buyer, 20000)
        self._invoice_on(buyer, 8000, self.today - timedelta(days=5), self.today + timedelta(days=25))
        case = self._open_case(buyer)
        notification = case.insurance_notification_ids
        self.assertAlmostEqual(notification.amount_overdue, 8000)
        # nothing is overdue: without the case the daily run would settle (cancel) the notification
        self.env["ar.insurance.notification"]._update_for_policy(self.policy)
        self.assertEqual(notification.state, "to_notify")
        self.assertAlmostEqual(notification.amount_overdue, 8000)

    def test_existing_open_notification_is_reused(self):
        buyer = self._buyer()
        self._limit(buyer, 50000)
        self._invoice_on(buyer, 6000, self.today - timedelta(days=60), self.today - timedelta(days=30))
        self._refresh()
        self.env["ar.insurance.notification"]._update_for_policy(self.policy)
        existing = self.env["ar.insurance.notification"].search([("partner_id", "=", buyer.id)])
        self.assertEqual(len(existing), 1)
        not_due = self._invoice_on(buyer, 4000, self.today, self.today + timedelta(days=30))
        case = self._open_case(buyer)
        self.assertEqual(case.insurance_notification_ids, existing)
        self.assertIn(not_due, existing.move_ids)
        self.assertAlmostEqual(existing.amount_overdue, 10000)
        self.assertAlmostEqual(case.insurance_claim_ids.claimed_amount, 10000)

    def test_uninsured_buyer_gets_nothing(self):
        buyer = self._buyer()
        self._limit(buyer, 20000, state="refused", granted=0)
        self._invoice_on(buyer, 5000, self.today - timedelta(days=40), self.today - timedelta(days=10))
        case = self._open_case(buyer)
        self.assertEqual(case.state, "open")
        self.assertFalse(case.insurance_notification_ids)
        self.assertFalse(self._claims(buyer))

    def test_case_in_a_company_without_policy(self):
        other = self.setup_other_company()["company"]
        buyer = self._buyer()
        self._limit(buyer, 20000)
        self._invoice_on(buyer, 5000, self.today - timedelta(days=40), self.today - timedelta(days=10))
        case = self._open_case(buyer, company=other)
        self.assertFalse(case.insurance_claim_ids)
        self.assertFalse(self._claims(buyer), "the policy of another company is not claimed")
        self.assertFalse(self.env["ar.insurance.notification"].search([("partner_id", "=", buyer.id)]))
