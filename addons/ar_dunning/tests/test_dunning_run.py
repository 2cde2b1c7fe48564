from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.ar_dunning_run import ArDunningRun
from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestDunningRun(ArDunningCommon):
    """The daily run: levels reached, exactly once, resumable, failures recorded."""

    def test_levels_escalate_as_time_passes(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 500, days_overdue=8)
        run = self._run()
        comm = self._comms(debtor)
        self.assertEqual((comm.level_id, comm.state, comm.move_ids), (self.level_7, "sent", invoice))
        self.assertEqual((invoice.dunning_level_id, invoice.dunning_last_date), (self.level_7, self.today))
        self.assertEqual((run.state, run.customer_count, run.sent_count), ("done", 1, 1))
        self.assertEqual(debtor.ar_dunning_level_id, self.level_7)

        later = self.today + timedelta(days=22)
        with freeze_time(later), self._no_commit():
            self.env["ar.dunning.run"]._cron_dunning()
        comms = self._comms(debtor)
        self.assertEqual(comms.level_id, self.level_7 | self.level_30)
        self.assertEqual(invoice.dunning_level_id, self.level_30)
        self.assertEqual(comms[-1].date, later)

    def test_pre_due_reminder(self):
        pre = self._level(-3, "Before due", send_email=True, mail_template_id=self.reminder.id)
        debtor = self._debtor()
        self._invoice(debtor, 300, days_overdue=-3)
        later = self._invoice(self._debtor(name="Later"), 300, days_overdue=-4)
        self._run()
        self.assertEqual(self._comms(debtor).level_id, pre)
        self.assertFalse(self._comms(later.partner_id))

    def test_minimum_amount_and_interval(self):
        self.level_7.min_days_since_previous = 5
        small = self._debtor(name="Small")
        self._invoice(small, 60, days_overdue=35)
        self._run()
        self.assertEqual(self._comms(small).level_id, self.level_7, "below the letter's minimum amount")
        self._invoice(small, 60, days_overdue=31)
        self._run(date=self.today + timedelta(days=3))
        self.assertEqual(len(self._comms(small)), 1, "letter waits for the minimum interval")
        self._run(date=self.today + timedelta(days=5))
        self.assertEqual(self._comms(small).level_id, self.level_7 | self.level_30)

    def test_run_twice_sends_once(self):
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        self._run()
        second = self._run()
        self.assertEqual(len(self._comms(debtor)), 1)
        self.assertEqual(len(self._mails(debtor)), 1)
        self.assertEqual((second.processed_count, second.communication_count), (0, 0))

    def test_cron_started_again_same_day_keeps_one_run(self):
        """A second cron job (or worker) starting after today's run is done creates no empty run."""
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        runs = self.env["ar.dunning.run"]
        with self._no_commit():
            first = runs._todays_run(self.company)
            first.with_company(self.company)._execute()
            again = runs._todays_run(self.company)
            again.with_company(self.company)._execute()
        self.assertEqual(first.state, "done")
        self.assertEqual(again, first)
        self.assertEqual(
            runs.search_count([("company_id", "=", self.company.id), ("date", "=", self.today)]), 1
        )
        self.assertEqual(len(self._comms(debtor)), 1)

    def test_crash_between_batches_then_resume(self):
        debtors = [self._debtor(name=f"Debtor {i}", email=f"ap{i}@debtor.example.com") for i in range(3)]
        for debtor in debtors:
            self._invoice(debtor, 500, days_overdue=10)
        run = self.env["ar.dunning.run"].create(
            {"company_id": self.company.id, "date": self.today, "batch_size": 1}
        )
        calls = []
        original = ArDunningRun._process_batch

        def crash_second(run_self, partner_ids):
            calls.append(partner_ids)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return original(run_self, partner_ids)

        # Not assertRaises: it would roll back to a savepoint, and batch 1 stands for committed work.
        crashed = False
        with self._no_commit(), patch.object(ArDunningRun, "_process_batch", crash_second):
            try:
                run._execute()
            except RuntimeError:
                crashed = True
        self.assertTrue(crashed)
        self.assertEqual([len(self._comms(d)) for d in debtors], [1, 0, 0])
        self.assertEqual(run.state, "running")
        with self._no_commit():
            run._execute()
        self._run()
        self.assertEqual([len(self._comms(d)) for d in debtors], [1, 1, 1])
        self.assertEqual([len(self._mails(d)) for d in debtors], [1, 1, 1])
        self.assertEqual((run.state, run.processed_count, run.sent_count), ("done", 3, 3))

    def test_unique_key_prevents_duplicates(self):
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        comm = self._comms(debtor) or self._run() and self._comms(debtor)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), comm._ar_server_write():
            comm.copy({"run_id": False})
            self.env.flush_all()

    def test_disputed_and_excluded_invoices_skipped(self):
        debtor = self._debtor()
        disputed = self._invoice(debtor, 500, days_overdue=65)
        excluded = self._invoice(debtor, 700, days_overdue=40)
        open_invoice = self._invoice(debtor, 200, days_overdue=9)
        self.env["ar.dispute"].create({"move_id": disputed.id, "reason": "Damaged goods"})
        excluded.dunning_excluded = True
        self._run()
        comm = self._comms(debtor)
        self.assertEqual((comm.level_id, comm.move_ids, comm.amount_due), (self.level_7, open_invoice, 200))
        only_disputed = self._debtor(name="Only disputed")
        invoice = self._invoice(only_disputed, 500, days_overdue=20)
        self.env["ar.dispute"].create({"move_id": invoice.id, "reason": "Wrong price"})
        self._run(date=self.today + timedelta(days=1))
        self.assertFalse(self._comms(only_disputed))

    def test_customer_owing_nothing_on_balance_is_not_chased(self):
        """Open credit notes and unapplied payments are netted: a customer whose credits cover its
        overdue invoices owes nothing on balance and gets no reminder; one that still owes does."""
        covered = self._debtor(name="Covered by a credit note")
        self._invoice(covered, 500, days_overdue=20)
        self._invoice(covered, 500, days_overdue=-5, move_type="out_refund")
        paid_ahead = self._debtor(name="Unapplied payment")
        self._invoice(paid_ahead, 300, days_overdue=20)
        payment = self.env["account.payment"].create(
            {
                "partner_id": paid_ahead.id,
                "amount": 400,
                "payment_type": "inbound",
                "partner_type": "customer",
            },
        )
        payment.action_post()
        still_owes = self._debtor(name="Still owes")
        owed = self._invoice(still_owes, 500, days_overdue=20)
        self._invoice(still_owes, 200, days_overdue=-5, move_type="out_refund")
        self._run()
        self.assertFalse(self._comms(covered))
        self.assertFalse(self._comms(paid_ahead))
        self.assertEqual(self._comms(still_owes).move_ids, owed)

    def test_manual_level_waits_for_review(self):
        debtor = self._debtor()
        self._invoice(debtor, 1000, days_overdue=61)
        self._run()
        comm = self._comms(debtor)
        self.assertEqual((comm.level_id, comm.state, comm.auto), (self.level_60, "to_send", False))
        self.assertFalse(debtor.with_company(self.company).credit_hold)
        self._run(date=self.today + timedelta(days=1))
        self.assertEqual(len(self._comms(debtor)), 1, "no second reminder while one waits for review")
        comm.action_execute()
        self.assertEqual(comm.state, "sent")
        self.assertTrue(debtor.with_company(self.company).credit_hold)

    def test_failure_recorded_others_proceed(self):
        mute = self._customer(name="No email")
        self._invoice(mute, 500, days_overdue=10)
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        run = self._run()
        failed = self._comms(mute)
        self.assertEqual(failed.state, "failed")
        self.assertIn("No email address", failed.error)
        self.assertFalse(failed.move_ids.dunning_level_id, "a failed reminder does not raise the level")
        self.assertEqual(self._comms(debtor).state, "sent")
        self.assertEqual((run.sent_count, run.failed_count), (1, 1))
        self.assertIn("No email", run.log)
        mute.email = "ap@mute.example.com"
        failed.action_execute()
        self.assertEqual(failed.state, "sent")

    def test_dry_run_creates_nothing(self):
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        run = self._run(dry_run=True)
        self.assertFalse(self._comms(debtor))
        self.assertIn("would reach Reminder", run.log)
        self.assertEqual(run.communication_count, 1)

    def test_partner_filter_and_wizard(self):
        first, second = self._debtor(name="First"), self._debtor(name="Second")
        self._invoice(first, 500, days_overdue=10)
        self._invoice(second, 500, days_overdue=10)
        wizard = self.env["ar.dunning.run.wizard"].create({"partner_ids": [(6, 0, first.ids)]})
        with self._no_commit():
            action = wizard.action_run()
        run = self.env["ar.dunning.run"].browse(action["res_id"])
        self.assertEqual(run.communication_ids.partner_id, first)
        self.assertFalse(self._comms(second))

    def test_worklist_status(self):
        debtor = self._debtor(ar_collector_id=self.collector.id)
        self._invoice(debtor, 500, days_overdue=10)
        self._invoice(debtor, 250, days_overdue=3)
        self._run()
        status = self.env["ar.dunning.customer"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(
            (status.level_id, status.overdue_amount, status.last_reminder_date, status.collector_id),
            (self.level_7, 750, self.today, self.collector),
        )

    def test_failed_action_drops_its_queued_email(self):
        action = self.env["ir.actions.server"].create(
            {
                "name": "Refuse",
                "model_id": self.env["ir.model"]._get_id("ar.dunning.communication"),
                "state": "code",
                "code": "raise UserError('refused by the server action')",
            }
        )
        self.level_7.server_action_id = action
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        self._run()
        comm = self._comms(debtor)
        self.assertEqual(comm.state, "failed")
        self.assertIn("refused by the server action", comm.error)
        self.assertFalse(self._mails(debtor), "the email of a failed reminder is not sent")
