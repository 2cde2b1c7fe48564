from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestPromisePlanInput(ArDunningCommon):
    """A promise dated in the past and a plan that does not cover the balance are refused."""

    def test_promise_dated_in_the_past_is_refused(self):
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        Promise = self.env["ar.payment.promise"]
        yesterday = self.today - timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "is in the past"):
            Promise.create({"partner_id": debtor.id, "date": yesterday, "amount": 500})
        self.assertFalse(Promise.search([("partner_id", "=", debtor.id)]))
        promise = Promise.create({"partner_id": debtor.id, "date": self.today, "amount": 500})
        with self.assertRaisesRegex(ValidationError, "is in the past"):
            promise.date = yesterday
        self.assertEqual(promise.date, self.today)

    def test_plan_installments_must_add_up_to_the_balance(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 900, days_overdue=10)
        plan = self.env["ar.payment.plan"].create(
            {
                "partner_id": debtor.id,
                "move_ids": [Command.set(invoice.ids)],
                "installment_ids": [
                    Command.create({"date": self.today + timedelta(days=30 * index), "amount": 300})
                    for index in range(2)
                ],
            }
        )
        with self.assertRaisesRegex(UserError, r"add up to .*600\.00.* open balance is .*900\.00"):
            plan.action_activate()
        self.assertEqual((plan.state, plan.residual_at_start), ("draft", 0.0))
        plan.action_generate_installments()
        plan.action_activate()
        self.assertEqual((plan.state, plan.residual_at_start), ("active", 900.0))

    def test_promise_within_the_company_horizon(self):
        """A promise is dated at most ``ar_promise_max_days`` (default 90) days out; the setting moves it."""
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        Promise = self.env["ar.payment.promise"]
        self.assertEqual(self.env.company.ar_promise_max_days, 90)
        far = self.today + timedelta(days=91)
        with self.assertRaisesRegex(ValidationError, "is more than 90 days away"):
            Promise.create({"partner_id": debtor.id, "date": far, "amount": 500})
        self.assertFalse(Promise.search([("partner_id", "=", debtor.id)]))
        Promise.create({"partner_id": debtor.id, "date": self.today + timedelta(days=90), "amount": 100})
        self.env.company.ar_promise_max_days = 120
        Promise.create({"partner_id": debtor.id, "date": far, "amount": 100})
        for bad in (0, -1):
            with self.assertRaisesRegex(ValidationError, "between 1 and 3660 days"):
                self.env.company.ar_promise_max_days = bad
        with self.assertRaisesRegex(ValidationError, "beyond the limit of 3,660"):
            self.env.company.ar_promise_max_days = 100_000

    def test_promise_within_the_open_amount(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 500, days_overdue=10)
        Promise = self.env["ar.payment.promise"]
        with self.assertRaisesRegex(ValidationError, "more than the open amount"):
            Promise.create({"partner_id": debtor.id, "date": self.today, "amount": 500.01})
        with self.assertRaisesRegex(ValidationError, "more than the open amount"):
            Promise.create(
                {
                    "partner_id": debtor.id,
                    "date": self.today,
                    "amount": 600,
                    "move_ids": [Command.set(invoice.ids)],
                }
            )
        promise = Promise.create({"partner_id": debtor.id, "date": self.today, "amount": 500})
        with self.assertRaisesRegex(ValidationError, "more than the open amount"):
            promise.amount = 1e12
        self.assertEqual(promise.amount, 500)
        with self.assertRaisesRegex(ValidationError, "must be a finite number"):
            promise.amount = float("nan")
        no_invoice = self._debtor()
        with self.assertRaisesRegex(ValidationError, "more than the open amount"):
            Promise.create({"partner_id": no_invoice.id, "date": self.today, "amount": 1})

    def test_level_needs_its_days(self):
        policy = self.env["ar.dunning.policy"].create({"name": "Bounds policy"})
        Level = self.env["ar.dunning.level"]
        with self.assertRaisesRegex(ValidationError, "give its number of days"):
            Level.create({"policy_id": policy.id, "name": "No days"})
        with self.assertRaisesRegex(ValidationError, "give its number of days"):
            Level.create({"policy_id": policy.id, "name": "False days", "days": False})
        on_due_date = Level.create({"policy_id": policy.id, "name": "On the due date", "days": 0})
        self.assertEqual(on_due_date.days, 0)
        with self.assertRaisesRegex(ValidationError, "a percentage is between 0 and 100"):
            on_due_date.write({"fee_type": "percent", "fee_percent": 1_000_000})
        with self.assertRaisesRegex(ValidationError, "beyond the limit of 3,660"):
            on_due_date.days = 100_000
