from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestDailyReview(ArCreditCommon):
    """The daily cron alerts credit managers of reviews due and of newly worsened risks, once."""

    def _run_cron(self):
        with patch.object(self.env.cr, "commit", lambda: None):
            self.env["ar.credit.balance"]._cron_daily_review()

    def _alerts(self, partner):
        activity_type = self.env.ref("ar_credit_control.mail_activity_credit_review")
        return partner.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type and a.user_id in self.company._ar_credit_managers()
        )

    def test_review_due_and_worsened_risks(self):
        due = self._customer(limit=0, credit_review_date=self.today - timedelta(days=1))
        later = self._customer(limit=0, credit_review_date=self.today + timedelta(days=10))
        late = self._customer(limit=10_000)
        self._invoice(late, 100, days_overdue=40)
        heavy = self._customer(limit=1000)
        self._invoice(heavy, 950)
        fine = self._customer(limit=1000)
        self._invoice(fine, 100, days_overdue=5)

        self._run_cron()

        self.assertEqual(self._alerts(due).mapped("summary"), ["Credit review due"])
        self.assertFalse(self._alerts(later))
        self.assertEqual(self._alerts(late).summary, "Risk worsened: newly overdue beyond tolerance")
        self.assertEqual(self._alerts(heavy).summary, "Risk worsened: credit usage above 90 %")
        self.assertFalse(self._alerts(fine))

        self._run_cron()
        self.assertEqual(len(self._alerts(late)), 1, "an unchanged risk is not raised again")
        self.assertEqual(len(self._alerts(due)), 1)

    def test_rebuild_repairs_drift(self):
        customer = self._customer(limit=1000)
        self._invoice(customer, 300)
        self.env.cr.execute(
            "UPDATE ar_credit_balance SET receivable = 999 WHERE partner_id = %s", [customer.id]
        )
        self._run_cron()
        self.assertAlmostEqual(customer._ar_credit_figures(self.company).receivable, 300)
