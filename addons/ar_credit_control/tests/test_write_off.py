from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..tools import write_off_rules as rules
from .common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestWriteOffRules(BaseCase):
    """The pure money rules of write-offs and recoveries."""

    def test_second_approval_strictly_above_threshold(self):
        self.assertFalse(rules.needs_second_approval(1000.0, 1000.0, 0.01))
        self.assertFalse(rules.needs_second_approval(1000.004, 1000.0, 0.01))
        self.assertTrue(rules.needs_second_approval(1000.01, 1000.0, 0.01))
        self.assertTrue(rules.needs_second_approval(0.01, 0.0, 0.01))

    def test_recovery_amount_checks(self):
        self.assertEqual(rules.remaining_recoverable(1000.0, 600.0, 0.01), 400.0)
        self.assertEqual(rules.remaining_recoverable(1000.0, 1000.0, 0.01), 0.0)
        rules.check_recovery_amount(400.0, 400.0, 0.01)
        for amount in (0.0, -5.0, 400.01):
            with self.assertRaises(rules.WriteOffRuleError):
                rules.check_recovery_amount(amount, 400.0, 0.01)

    def test_recovery_company_amount_at_write_off_rate_last_takes_the_rest(self):
        # 1,000.00 EUR written off for 333.33 in company currency
        first = rules.recovery_company_amount(500.0, 1000.0, 0.0, (333.33, 0.0), 0.01, 0.01)
        self.assertEqual(first, 166.67)
        second = rules.recovery_company_amount(500.0, 1000.0, 500.0, (333.33, first), 0.01, 0.01)
        self.assertEqual(second, 166.66)
        self.assertAlmostEqual(first + second, 333.33, places=2)


@tagged("post_install", "-at_install")
class TestWriteOff(ArCreditCommon):
    """Write-off against the allowance, second approval above the threshold, recoveries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_currency = cls.setup_other_currency("EUR")
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.allowance = cls.env["account.account"].create(
            {"code": "1231", "name": "Allowance for doubtful receivables", "account_type": "asset_current"}
        )
        cls.bad_debt = cls.env["account.account"].create(
            {"code": "6702", "name": "Bad-debt expense", "account_type": "expense"}
        )
        cls.misc_journal = cls.company_data["default_journal_misc"]
        cls.company.write(
            {
                "ar_allowance_account_id": cls.allowance.id,
                "ar_bad_debt_account_id": cls.bad_debt.id,
                "ar_provision_journal_id": cls.misc_journal.id,
                "ar_write_off_threshold": 1000.0,
            }
        )
        cls.second_manager = new_test_user(
            cls.env,
            login="ar_test_credit_manager_2",
            groups="base.group_user,ar_credit_control.group_ar_credit_manager",
            company_id=cls.company.id,
        )
        cls.credit_user = new_test_user(
            cls.env,
            login="ar_test_credit_user",
            groups="base.group_user,sales_team.group_sale_salesman,ar_credit_control.group_ar_credit_user",
            company_id=cls.company.id,
        )
        cls.customer = cls._customer(name="Insolvent Ltd")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _write_off(self, invoices, user=None, reason="Customer insolvent, liquidator confirms no dividend"):
        wizard = (
            self.env["ar.write.off.wizard"]
            .with_user(user or self.credit_manager)
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"reason": reason})
        )
        action = wizard.action_write_off()
        return self.env["ar.write.off"].browse(action["res_id"])

    def _balance(self, account, partner=None):
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        [(total,)] = self.env["account.move.line"]._read_group(domain, [], ["balance:sum"])
        return total

    def _provision(self, amount):
        """Build the allowance: debit bad-debt expense, credit allowance."""
        move = self.env["account.move"].create(
            {
                "journal_id": self.misc_journal.id,
                "line_ids": [
                    Command.create({"account_id": self.bad_debt.id, "balance": amount, "name": "Provision"}),
                    Command.create(
                        {"account_id": self.allowance.id, "balance": -amount, "name": "Provision"}
                    ),
                ],
            }
        )
        move.action_post()

    def _recover(self, write_off, amount, user=None):
        wizard = (
            self.env["ar.write.off.recovery.wizard"]
            .with_user(user or self.credit_manager)
            .with_context(default_write_off_id=write_off.id)
            .create({"amount": amount, "date": self.today})
        )
        return wizard, wizard.action_record()

    # ------------------------------------------------------------------
    # Second approval
    # ------------------------------------------------------------------
    def test_above_threshold_needs_a_second_credit_manager(self):
        invoice = self._invoice(self.customer, 1500, days_overdue=200)
        write_off = self._write_off(invoice)
        self.assertEqual(write_off.state, "to_approve")
        self.assertTrue(write_off.approval_required)
        self.assertEqual(write_off.amount_total, 1500)
        self.assertFalse(write_off.move_id)
        self.assertEqual(invoice.payment_state, "not_paid")
        activities = write_off.activity_ids
        self.assertEqual(len(activities), 1, "one approval task, for one other manager")
        self.assertIn(activities.user_id, self.company._ar_credit_managers() - self.credit_manager)

        requester = write_off.with_user(self.credit_manager)
        with self.assertRaisesRegex(UserError, "another credit manager must approve"):
            requester.action_approve()
        tricks = {"ar_skip_approval": True, "force": True, "bypass_approval": True, "approved": True}
        with self.assertRaisesRegex(UserError, "another credit manager must approve"):
            requester.with_context(**tricks).action_approve()
        with self.assertRaisesRegex(UserError, r"State \(state\) of Bad-Debt Write-off is set by the server"):
            requester.with_context(**tricks).write({"state": "posted"})
        self.assertEqual(write_off.state, "to_approve")
        self.assertEqual(invoice.payment_state, "not_paid")

        write_off.with_user(self.second_manager).action_approve()
        self.assertEqual(write_off.state, "posted")
        self.assertEqual(write_off.requested_by_id, self.credit_manager)
        self.assertEqual(write_off.decided_by_id, self.second_manager)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self._balance(self.allowance), 1500)
        self.assertEqual(self._balance(self.receivable, self.customer), 0)
        self.assertEqual(write_off.move_id.journal_id, self.misc_journal)
        self.assertFalse(write_off.activity_ids)
        chatter = " ".join(write_off.message_ids.mapped("body"))
        self.assertIn("Write-off posted", chatter)
        self.assertIn("liquidator confirms no dividend", chatter)
        self.assertIn(invoice.name, chatter)

    def test_at_or_below_threshold_posts_directly(self):
        invoice = self._invoice(self.customer, 400, days_overdue=150)
        other = self._invoice(self.customer, 600, days_overdue=120)
        write_off = self._write_off(invoice | other)
        self.assertEqual(write_off.state, "posted")
        self.assertFalse(write_off.approval_required)
        self.assertEqual(write_off.amount_total, 1000)
        self.assertEqual(len(write_off.line_ids), 2)
        self.assertEqual((invoice | other).mapped("payment_state"), ["paid", "paid"])
        self.assertEqual(self._balance(self.allowance), 1000)
        self.assertEqual(self._balance(self.receivable, self.customer), 0)
        self.assertFalse(write_off.activity_ids)

    def test_partial_payment_then_write_off_of_the_rest(self):
        invoice = self._invoice(self.customer, 900, days_overdue=100)
        self._pay(invoice, 300)
        write_off = self._write_off(invoice)
        self.assertEqual(write_off.line_ids.amount_residual, 600)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self._balance(self.allowance), 600)

    def test_reject_needs_a_reason_and_keeps_the_invoice_open(self):
        invoice = self._invoice(self.customer, 2000, days_overdue=200)
        write_off = self._write_off(invoice)
        approver = write_off.with_user(self.second_manager)
        with self.assertRaisesRegex(UserError, "reason for rejecting"):
            approver.action_reject()
        approver.reject_reason = "Collection agency still working on it"
        approver.action_reject()
        self.assertEqual(write_off.state, "rejected")
        self.assertEqual(write_off.decided_by_id, self.second_manager)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertFalse(write_off.activity_ids)
        self.assertIn("Collection agency", write_off.message_ids[0].body)
        with self.assertRaises(UserError):
            write_off.with_user(self.second_manager).action_approve()
        # the invoice can be written off again later
        self.assertEqual(self._write_off(invoice).state, "to_approve")

    def test_cancel_withdraws_the_request(self):
        invoice = self._invoice(self.customer, 2000, days_overdue=200)
        write_off = self._write_off(invoice)
        write_off.with_user(self.credit_manager).action_cancel()
        self.assertEqual(write_off.state, "cancelled")
        self.assertFalse(write_off.activity_ids)
        self.assertEqual(invoice.payment_state, "not_paid")
        with self.assertRaisesRegex(UserError, "not possible now"):
            write_off.with_user(self.second_manager).action_approve()

    def test_an_invoice_waiting_for_approval_cannot_be_written_off_twice(self):
        invoice = self._invoice(self.customer, 2000, days_overdue=200)
        self._write_off(invoice)
        with self.assertRaisesRegex(UserError, "Already in a write-off"):
            self._write_off(invoice, user=self.env.user)

    def test_approval_refused_when_the_invoice_changed(self):
        invoice = self._invoice(self.customer, 2000, days_overdue=200)
        write_off = self._write_off(invoice)
        self._pay(invoice, 500)
        with self.assertRaisesRegex(UserError, "changed since the write-off was requested"):
            write_off.with_user(self.second_manager).action_approve()
        self.assertEqual(write_off.state, "to_approve")
        self.assertEqual(invoice.payment_state, "partial")

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_salesperson_and_credit_user_cannot_write_off(self):
        invoice = self._invoice(self.customer, 500, days_overdue=200)
        for user in (self.rep, self.credit_user):
            with self.assertRaises(AccessError):
                self._write_off(invoice, user=user)
            with self.assertRaises(AccessError):
                self.env["ar.write.off"].with_user(user)._ar_new_write_off(
                    self.customer, invoice, "no", self.today
                )
        with self.assertRaises(AccessError):
            self.env["ar.write.off"].with_user(self.credit_manager).create(
                {"partner_id": self.customer.id, "reason": "direct create"}
            )
        big = self._invoice(self.customer, 5000, days_overdue=200)
        write_off = self._write_off(big)
        with self.assertRaises(AccessError):
            write_off.with_user(self.credit_user).action_approve()
        with self.assertRaises(AccessError):
            write_off.with_user(self.rep).action_approve()
        self.assertEqual(write_off.state, "to_approve")
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_other_company_managers_do_not_see_or_approve(self):
        other_company = self.setup_other_company()["company"]
        outsider = new_test_user(
            self.env,
            login="ar_test_credit_manager_other_company",
            groups="base.group_user,ar_credit_control.group_ar_credit_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        write_off = self._write_off(self._invoice(self.customer, 5000, days_overdue=200))
        self.assertNotIn(outsider, write_off.activity_ids.user_id)
        self.assertFalse(self.env["ar.write.off"].with_user(outsider).search([("id", "=", write_off.id)]))
        with self.assertRaises(AccessError):
            write_off.with_user(outsider).action_approve()
        self.assertEqual(write_off.state, "to_approve")

    def test_wrong_invoices_refused(self):
        other_customer = self._customer(name="Someone Else")
        invoice = self._invoice(self.customer, 500, days_overdue=200)
        foreign = self._invoice(other_customer, 500, days_overdue=200)
        with self.assertRaisesRegex(UserError, "one customer"):
            self._write_off(invoice | foreign)
        draft = self._invoice(self.customer, 500, post=False)
        with self.assertRaisesRegex(UserError, "open posted customer invoices"):
            self._write_off(draft)
        self._pay(invoice, 500)
        with self.assertRaisesRegex(UserError, "open posted customer invoices"):
            self._write_off(invoice)
        wizard = (
            self.env["ar.write.off.wizard"]
            .with_user(self.credit_manager)
            .with_context(active_model="account.move", active_ids=foreign.ids)
            .create({"reason": "   "})
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_write_off()
        self.assertFalse(self.env["ar.write.off"].search([("partner_id", "in", other_customer.ids)]))

    def test_missing_settings_clear_error_and_nothing_written(self):
        invoice = self._invoice(self.customer, 500, days_overdue=200)
        moves_before = self.env["account.move"].search_count([("journal_id", "=", self.misc_journal.id)])
        self.company.ar_allowance_account_id = False
        with self.assertRaisesRegex(UserError, "Allowance Account"):
            self._write_off(invoice)
        self.company.write({"ar_allowance_account_id": self.allowance.id, "ar_provision_journal_id": False})
        with self.assertRaisesRegex(UserError, "Provision Journal"):
            self._write_off(invoice)
        self.assertFalse(self.env["ar.write.off"].search([("partner_id", "=", self.customer.id)]))
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(
            self.env["account.move"].search_count([("journal_id", "=", self.misc_journal.id)]), moves_before
        )
        self.assertEqual(self._balance(self.allowance), 0)

    # ------------------------------------------------------------------
    # Recovery and currencies
    # ------------------------------------------------------------------
    def test_recovery_reinstates_receivable_then_payment_clears_it(self):
        self._provision(3000)
        invoice = self._invoice(self.customer, 1000, days_overdue=200)
        write_off = self._write_off(invoice)
        self.assertEqual(write_off.state, "posted")
        self.assertEqual(self._balance(self.allowance), -2000)
        self.assertEqual(self._balance(self.receivable, self.customer), 0)

        wizard, action = self._recover(write_off, 600)
        self.assertEqual(wizard.line_id, write_off.line_ids)
        self.assertEqual(action["res_model"], "account.payment.register")
        recovery = write_off.recovery_ids
        self.assertEqual(recovery.amount_company, 600)
        self.assertEqual(write_off.recovered_amount, 600)
        self.assertEqual(self._balance(self.allowance), -2600)
        self.assertEqual(self._balance(self.receivable, self.customer), 600)

        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=recovery._receivable_line().ids)
            .create({"amount": 600, "payment_date": self.today})
            ._create_payments()
        )
        self.assertTrue(recovery._receivable_line().reconciled)
        self.assertEqual(self._balance(self.receivable, self.customer), 0)
        self.assertEqual(self._balance(payment.outstanding_account_id), 600)
        self.assertEqual(self._balance(self.allowance), -2600)
        self.assertEqual(self._balance(self.bad_debt), 3000)

        with self.assertRaisesRegex(UserError, "at most"):
            self._recover(write_off, 400.01)
        self._recover(write_off, 400)
        self.assertEqual(write_off.recovered_amount, 1000)
        self.assertEqual(self._balance(self.allowance), -3000)
        self.assertEqual(self._balance(self.receivable, self.customer), 400)
        self.assertIn("Recovery of", write_off.message_ids[0].body)
        with self.assertRaises(AccessError):
            self._recover(write_off, 1, user=self.credit_user)

    def test_credit_user_reads_the_write_off_form(self):
        write_off = self._write_off(self._invoice(self.customer, 300, days_overdue=100))
        form = Form(write_off.with_user(self.credit_user))
        self.assertEqual(form.state, "posted")
        self.assertEqual(form.amount_total, 300)
        self.assertEqual(len(form.line_ids), 1)

    def test_recovery_only_on_posted_write_offs(self):
        write_off = self._write_off(self._invoice(self.customer, 5000, days_overdue=200))
        with self.assertRaisesRegex(UserError, "not possible now"):
            write_off.with_user(self.credit_manager).action_open_recovery()

    def test_foreign_currency_invoice(self):
        # 1 company currency = 2 EUR: 3,000 EUR open = 1,500 in company currency
        self.company.ar_write_off_threshold = 5000
        invoice = self._invoice(self.customer, 3000, days_overdue=200, currency=self.other_currency)
        write_off = self._write_off(invoice)
        line = write_off.line_ids
        self.assertEqual(line.currency_id, self.other_currency)
        self.assertEqual(line.amount_residual, 3000)
        self.assertEqual(line.amount_company, 1500)
        self.assertEqual(write_off.amount_total, 1500)
        self.assertEqual(write_off.state, "posted")
        self.assertEqual(invoice.payment_state, "paid")
        credit = write_off.move_id.line_ids.filtered(lambda item: item.account_id == self.receivable)
        self.assertEqual(credit.currency_id, self.other_currency)
        self.assertEqual(credit.amount_currency, -3000)
        self.assertEqual(credit.balance, -1500)
        self.assertFalse(credit.full_reconcile_id.exchange_move_id)
        self.assertEqual(self._balance(self.allowance), 1500)
        self.assertEqual(self._balance(self.receivable, self.customer), 0)

        self._recover(write_off, 1200)
        recovery = write_off.recovery_ids
        self.assertEqual(recovery.amount_company, 600)
        receivable_line = recovery._receivable_line()
        self.assertEqual(receivable_line.amount_currency, 1200)
        self.assertEqual(self._balance(self.allowance), 900)

    def test_customer_write_off_proposes_invoices_late_on_an_instalment(self):
        """An invoice on 30/60 whose first instalment is overdue is proposed (its last one is not due)."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30/60",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": self.today - timedelta(days=45),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": 800, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        self.assertGreater(invoice.invoice_date_due, self.today)
        wizard_form = Form(
            self.env["ar.write.off.wizard"]
            .with_user(self.credit_manager)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
        )
        self.assertEqual(list(wizard_form.invoice_ids), [invoice])

    def test_write_off_from_customer_via_form(self):
        self._invoice(self.customer, 300, days_overdue=90)
        self._invoice(self.customer, 200, days_overdue=-10)  # not yet due: not proposed
        wizard_form = Form(
            self.env["ar.write.off.wizard"]
            .with_user(self.credit_manager)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
        )
        self.assertEqual(len(wizard_form.invoice_ids), 1)
        wizard_form.reason = "Company dissolved"
        write_off = self.env["ar.write.off"].browse(wizard_form.save().action_write_off()["res_id"])
        self.assertEqual(write_off.state, "posted")
        self.assertEqual(write_off.amount_total, 300)
        self.assertEqual(self._balance(self.receivable, self.customer), 200)
