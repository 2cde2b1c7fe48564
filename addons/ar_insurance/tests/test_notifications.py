from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestNotifications(ArInsuranceCommon):
    """Daily run: notification deadlines, reminders, lost cover, stop-delivery date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "notification_basis": "due_date",
                "notification_days": 30,
                "reminder_days": 7,
                "max_extension_days": 60,
                "user_id": cls.env.user.id,
            }
        )
        cls.buyer = cls._buyer()
        cls._limit(cls.buyer, 50000)
        cls.Notification = cls.env["ar.insurance.notification"]
        cls.activity_type = cls.env.ref("ar_insurance.mail_activity_type_insurance_notification")

    def _run(self, on_date):
        with freeze_time(on_date):
            self.env["ar.insurance.policy"]._cron_daily()
        return self.Notification.search([("partner_id", "=", self.buyer.id)])

    def test_deadline_reminder_and_lost_cover(self):
        invoice = self._invoice_on(self.buyer, 10000, date(2026, 2, 1), date(2026, 3, 1))
        later = self._invoice_on(self.buyer, 4000, date(2026, 2, 20), date(2026, 3, 20))
        self.assertFalse(self._run("2026-02-28"), "nothing overdue yet")

        notification = self._run("2026-03-10")
        # deadline = oldest due date 1 March + 30 days
        self.assertRecordValues(
            notification,
            [
                {
                    "state": "to_notify",
                    "oldest_due_date": date(2026, 3, 1),
                    "deadline": date(2026, 3, 31),
                    "reminder_date": date(2026, 3, 24),
                    "amount_overdue": 10000,
                }
            ],
        )
        self.assertEqual(notification.move_ids, invoice)
        self.assertFalse(notification.activity_ids, "no reminder 3 weeks before the deadline")

        notification = self._run("2026-03-25")
        self.assertEqual(notification.move_ids, invoice | later)
        self.assertEqual(notification.amount_overdue, 14000)
        self.assertEqual(notification.deadline, date(2026, 3, 31), "the oldest due date drives the deadline")
        activity = notification.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            (activity.activity_type_id, activity.user_id, activity.date_deadline),
            (self.activity_type, self.env.user, date(2026, 3, 31)),
        )
        self._run("2026-03-26")
        self.assertEqual(len(notification.activity_ids), 1, "reminded once")

        self._run("2026-04-01")
        self.assertEqual(notification.state, "lost")
        self.assertFalse(notification.activity_ids)
        self.assertRecordValues(
            self._line(invoice) | self._line(later),
            [
                {"cover_lost": True, "insured_amount": 0, "open_amount": 10000},
                {"cover_lost": True, "insured_amount": 0, "open_amount": 4000},
            ],
        )
        self.assertTrue(self.buyer.insurance_cover_lost)
        with freeze_time("2026-04-01"), self.assertRaises(UserError):
            notification.action_notify()

    def test_notified_in_time_and_extension_basis(self):
        self.policy.notification_basis = "extension"
        self._invoice_on(self.buyer, 10000, date(2026, 2, 1), date(2026, 3, 1))
        notification = self._run("2026-03-10")
        # deadline = due date + 60 days of extension + 30 days of notification
        self.assertEqual(notification.deadline, date(2026, 5, 30))
        with freeze_time("2026-05-02"):
            notification.insurer_reference = "INS-1"
            notification.action_notify()
        self.assertRecordValues(
            notification,
            [{"state": "notified", "date_sent": date(2026, 5, 2), "claim_deadline": date(2026, 9, 29)}],
        )
        self._run("2026-06-15")
        self.assertEqual(notification.state, "notified", "a notified overdue keeps its cover")
        self.assertFalse(self.buyer.insurance_cover_lost)

    def test_paid_before_deadline_is_settled(self):
        invoice = self._invoice_on(self.buyer, 10000, date(2026, 2, 1), date(2026, 3, 1))
        notification = self._run("2026-03-10")
        with freeze_time("2026-03-12"):
            self._pay(invoice, 10000, date=date(2026, 3, 12))
        self._run("2026-03-13")
        self.assertEqual(notification.state, "cancelled")

    def test_stop_delivery_date(self):
        self._invoice_on(self.buyer, 1000, date(2026, 2, 1), date(2026, 3, 1))
        self._invoice_on(self.buyer, 1000, date(2026, 1, 15), date(2026, 2, 14))
        # oldest unpaid due date 14 February + 60 days of maximum extension
        self.assertEqual(self.buyer.insurance_stop_delivery_date, date(2026, 4, 15))
        self.policy.max_extension_days = 0
        self.buyer.invalidate_recordset()
        self.assertFalse(self.buyer.insurance_stop_delivery_date)
