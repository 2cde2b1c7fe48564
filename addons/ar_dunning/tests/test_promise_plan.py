from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestPromisePlan(ArDunningCommon):
    """Promises to pay and payment plans pause the dunning; broken ones resume or escalate it."""

    def test_promise_pauses_then_breaks_and_escalates(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 500, days_overdue=10)
        promise = self.env["ar.payment.promise"].create(
            {"partner_id": debtor.id, "date": self.today + timedelta(days=5), "amount": 500}
        )
        self.assertEqual((promise.move_ids, promise.residual_at_promise), (invoice, 500))
        self._run()
        self.assertFalse(self._comms(debtor), "paused until the promised date")
        promise._check(self.today + timedelta(days=5))
        self.assertEqual(promise.state, "open")
        promise._check(self.today + timedelta(days=6))
        self.assertEqual(promise.state, "broken")
        comm = self._comms(debtor)
        self.assertEqual((comm.level_id, comm.state), (self.level_7, "sent"), "one level up from none")
        promise2 = self.env["ar.payment.promise"].create(
            {"partner_id": debtor.id, "date": self.today, "amount": 100}
        )
        promise2._check(self.today + timedelta(days=7))
        self.assertEqual(self._comms(debtor)[-1].level_id, self.level_30, "broken again: next level")

    def test_promise_kept(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 500, days_overdue=10)
        promise = self.env["ar.payment.promise"].create(
            {"partner_id": debtor.id, "date": self.today + timedelta(days=5), "amount": 300}
        )
        self._pay(invoice, 300)
        self.assertEqual(promise.paid_amount, 300)
        self.env["ar.payment.promise"]._cron_check()
        self.assertEqual(promise.state, "kept")
        self._run(date=self.today + timedelta(days=6))
        self.assertEqual(self._comms(debtor).amount_due, 200, "dunning resumes on the rest after the date")

    def test_payment_plan(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 900, days_overdue=10)
        plan = self.env["ar.payment.plan"].create(
            {"partner_id": debtor.id, "move_ids": [(6, 0, invoice.ids)], "installment_count": 3}
        )
        plan.action_generate_installments()
        self.assertEqual(plan.installment_ids.mapped("amount"), [300, 300, 300])
        plan.action_activate()
        self._run()
        self.assertFalse(self._comms(debtor), "paused while the plan is kept")
        self._pay(invoice, 300)
        plan._check(self.today + timedelta(days=20))
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.installment_ids.mapped("paid"), [True, False, False])
        plan._check(plan.installment_ids[1].date + timedelta(days=1))
        self.assertEqual(plan.state, "broken")
        self._run(date=self.today + timedelta(days=1))
        self.assertEqual(self._comms(debtor).amount_due, 600, "dunning resumes after a missed installment")

    def test_payment_plan_completed(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 400, days_overdue=10)
        plan = self.env["ar.payment.plan"].create(
            {"partner_id": debtor.id, "move_ids": [(6, 0, invoice.ids)], "installment_count": 2}
        )
        plan.action_generate_installments()
        plan.action_activate()
        self._pay(invoice, 400)
        self.env["ar.payment.plan"]._cron_check()
        self.assertEqual(plan.state, "done")

    def test_payment_plan_terms_frozen_once_active(self):
        """Activation checks the installments add up; then the agreed terms and the state are the server's."""
        debtor = self._debtor()
        invoice = self._invoice(debtor, 900, days_overdue=10)
        plan = self.env["ar.payment.plan"].create(
            {"partner_id": debtor.id, "move_ids": [(6, 0, invoice.ids)], "installment_count": 3}
        )
        plan.action_generate_installments()
        plan.installment_ids[0].amount = 100
        with self.assertRaisesRegex(UserError, "add up to"):
            plan.action_activate()
        plan.action_generate_installments()
        plan.action_activate()
        first = plan.installment_ids[0]
        for change in (
            lambda: first.write({"amount": 900}),
            lambda: first.unlink(),
            lambda: plan.write({"installment_ids": [(0, 0, {"date": self.today, "amount": 1})]}),
            lambda: plan.write({"move_ids": [(5,)]}),
        ):
            with self.assertRaisesRegex(UserError, "no longer a draft"):
                change()
        with self.assertRaisesRegex(UserError, r"\(state\)"):
            plan.write({"state": "done"})
        self.assertRecordValues(plan, [{"state": "active", "total_amount": 900, "residual_at_start": 900}])
        plan.action_cancel()
        with self.assertRaisesRegex(UserError, "already completed or broken"):
            plan.action_cancel()
