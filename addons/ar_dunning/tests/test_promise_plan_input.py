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
