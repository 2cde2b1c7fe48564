from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ArCreditHttpCommon


@tagged("post_install", "-at_install")
class TestCreditCheck(ArCreditHttpCommon):
    """The check at confirmation in each mode, and the credit manager's decision."""

    def _confirm_refused(self, order):
        """Confirm as the rep; return the refusal message (the order must stay a quotation)."""
        try:
            order.with_user(self.rep).action_confirm()
        except UserError as error:
            self._end_refused_request()
            self.assertEqual(order.state, "draft")
            return str(error)
        self.fail("the confirmation was not refused")

    def test_over_limit_blocked_in_block_mode(self):
        customer = self._customer(limit=1000)
        self._invoice(customer, 800)
        order = self._order(customer, 300, user=self.rep)
        message = self._confirm_refused(order)
        self.assertIn("Over the credit limit", message)
        for figure in ("800.00", "300.00", "1,100.00", "1,000.00", "100.00"):
            self.assertIn(figure, message)
        self.assertEqual(order.credit_check_state, "blocked")
        self.assertIn("Over the credit limit", order.credit_block_reason)
        activity = order.activity_ids
        self.assertEqual(
            activity.activity_type_id, self.env.ref("ar_credit_control.mail_activity_credit_review")
        )
        self.assertIn(activity.user_id, self.company._ar_credit_managers())
        self.assertIn("blocked", order.message_ids[0].body)

    def test_within_limit_confirms(self):
        customer = self._customer(limit=1000)
        self._invoice(customer, 700)
        order = self._order(customer, 300, user=self.rep)
        order.with_user(self.rep).action_confirm()
        self.assertEqual((order.state, order.credit_check_state), ("sale", "ok"))

    def test_warn_mode_confirms_and_records(self):
        self.company.ar_credit_check_mode = "warn"
        customer = self._customer(limit=1000)
        order = self._order(customer, 1500, user=self.rep)
        order.with_user(self.rep).action_confirm()
        self.assertEqual((order.state, order.credit_check_state), ("sale", "warning"))
        self.assertIn("Over the credit limit", order.credit_block_reason)
        self.assertIn("despite the credit check", order.message_ids[0].body)

    def test_off_mode_confirms_without_check(self):
        self.company.ar_credit_check_mode = "off"
        customer = self._customer(limit=1000, credit_hold=True, credit_hold_reason="Test")
        order = self._order(customer, 5000, user=self.rep)
        order.with_user(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_check_state)

    def test_release_then_confirm(self):
        customer = self._customer(limit=1000)
        order = self._order(customer, 1500, user=self.rep)
        self._confirm_refused(order)
        wizard_action = order.with_user(self.credit_manager).action_open_credit_release()
        wizard = Form(
            self.env[wizard_action["res_model"]]
            .with_user(self.credit_manager)
            .with_context(**wizard_action["context"])
        )
        wizard.decision = "released"
        wizard.reason = "Bank guarantee received"
        wizard.save().action_decide()
        release = order.credit_release_ids
        self.assertEqual((release.decision, release.decided_by_id), ("released", self.credit_manager))
        self.assertAlmostEqual(release.amount_over_limit, 500)
        self.assertEqual(order.credit_check_state, "released")
        review = self.env.ref("ar_credit_control.mail_activity_credit_review")
        self.assertFalse(
            order.activity_ids.filtered(lambda a: a.activity_type_id == review), "the review is done"
        )
        order.with_user(self.rep).action_confirm()
        self.assertEqual((order.state, order.credit_check_state), ("sale", "released"))
        self.assertIn("Bank guarantee received", order.message_ids.mapped("body")[1])

    def test_one_activity_per_decision_to_the_least_loaded_manager(self):
        """A refusal asks one credit manager, not all of them: the least busy one, so the work spreads."""
        self.credit_manager.copy({"login": "ar_test_other_manager", "name": "Other Manager"})
        managers = self.company._ar_credit_managers()
        self.assertGreater(len(managers), 1)
        review = self.env.ref("ar_credit_control.mail_activity_credit_review")
        assigned = self.env["res.users"]
        for _index in range(len(managers)):
            order = self._order(self._customer(limit=1000), 1500, user=self.rep)
            self._confirm_refused(order)
            activity = order.activity_ids.filtered(lambda a: a.activity_type_id == review)
            self.assertEqual(len(activity), 1)
            assigned |= activity.user_id
        self.assertEqual(assigned, managers, "each manager got one of them")

    def test_rep_is_told_of_the_decision_and_the_banner_says_who_why_how_much(self):
        customer = self._customer(limit=1000)
        order = self._order(customer, 1500, user=self.rep)
        action = order.with_user(self.rep).action_request_credit_review()
        manager = order.activity_ids.user_id
        self.assertIn(manager, self.company._ar_credit_managers())
        self.assertIn(manager.name, action["params"]["message"])
        self.assertIn("Credit review requested by", order.message_ids[0].body)
        order.invalidate_recordset(["credit_check_preview"])
        self.assertIn("Waiting for the credit decision of " + manager.name, order.credit_check_preview)

        order.with_user(manager)._ar_decide_release("released", "Bank guarantee received")
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.rep)
        self.assertEqual(todo.summary, "Credit released: confirm the order")
        notified = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertIn(self.rep.partner_id, notified.partner_ids)
        order.invalidate_recordset(["credit_check_preview"])
        preview = order.with_user(self.rep).credit_check_preview
        for text in (manager.name, "1,500.00", "Bank guarantee received"):
            self.assertIn(text, preview)

        rejected = self._order(customer, 1500, user=self.rep)
        rejected.with_user(self.credit_manager)._ar_decide_release("rejected", "Too risky")
        self.assertEqual(
            rejected.activity_ids.filtered(lambda a: a.user_id == self.rep).summary, "Credit release rejected"
        )

    def test_blocked_orders_list_and_a_decision_on_several_orders_with_the_customer_in_view(self):
        first, second = (
            self._customer(limit=1000, name="First Ltd"),
            self._customer(limit=2000, name="Second Ltd"),
        )
        self._invoice(second, 300, days_overdue=10)
        orders = self._order(first, 1500, user=self.rep) | self._order(second, 2500, user=self.rep)
        for order in orders:
            self._confirm_refused(order)
        self.assertEqual(orders.mapped("credit_block_labels"), ["Over limit", "Over limit"])
        self.assertEqual(orders.mapped("credit_over_limit_amount"), [500, 800])
        self.assertEqual(orders[1].credit_customer_overdue_days, 10)

        action = orders.with_user(self.credit_manager).action_open_credit_release()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.credit_manager).with_context(**action["context"])
        )
        wizard.decision = "released"
        wizard.reason = "Guarantees received"
        record = wizard.save()
        for text in ("First Ltd", "Second Ltd", "Exposure", "limit", "Grade", "No earlier credit decision"):
            self.assertIn(text, record.customer_context)
        self.assertEqual(set(record.action_open_customer()["domain"][0][2]), {first.id, second.id})
        record.action_decide()
        self.assertEqual(orders.mapped("credit_check_state"), ["released", "released"])
        self.assertEqual(len(orders.credit_release_ids), 2)

        later = self._order(first, 1500, user=self.rep)
        action = later.with_user(self.credit_manager).action_open_credit_release()
        wizard = (
            self.env[action["res_model"]].with_user(self.credit_manager).with_context(**action["context"])
        )
        single = wizard.create({"reason": "x"})
        self.assertIn("Guarantees received", single.customer_context)
        self.assertEqual(single.action_open_customer()["res_id"], first.id)

    def test_release_does_not_cover_a_bigger_order(self):
        customer = self._customer(limit=1000)
        order = self._order(customer, 1500, user=self.rep)
        order.with_user(self.credit_manager)._ar_decide_release("released", "One-off")
        order.order_line.price_unit = 2500
        self._confirm_refused(order)
        self.assertEqual(order.credit_check_state, "blocked")

    def test_rejected_order_stays_blocked(self):
        customer = self._customer(limit=1000)
        order = self._order(customer, 1500, user=self.rep)
        order.with_user(self.credit_manager)._ar_decide_release("rejected", "Too risky")
        message = self._confirm_refused(order)
        self.assertIn("rejected its release: Too risky", message)
        self.assertEqual(order.credit_check_state, "blocked")

    def test_salesperson_cannot_release(self):
        customer = self._customer(limit=1000)
        order = self._order(customer, 1500, user=self.rep)
        with self.assertRaises(AccessError):
            order.with_user(self.rep)._ar_decide_release("released", "I promise")
        with self.assertRaises(AccessError):
            order.with_user(self.rep).action_open_credit_release()
        with self.assertRaises(AccessError):
            self.env["ar.credit.release.wizard"].with_user(self.rep).create(
                {"order_id": order.id, "decision": "released", "reason": "x"}
            )
        with self.assertRaises(AccessError):
            self.env["ar.credit.release"].with_user(self.rep).create(
                {
                    "order_id": order.id,
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "decided_by_id": self.rep.id,
                    "decision": "released",
                    "reason": "x",
                }
            )
        with self.assertRaises(AccessError):
            order.with_user(self.rep).write({"credit_check_state": "released"})
        self.assertFalse(order.credit_release_ids)
        self._confirm_refused(order)

    def test_release_needs_a_reason(self):
        customer = self._customer(limit=1000)
        order = self._order(customer, 1500)
        with self.assertRaisesRegex(UserError, "reason"):
            self.env["ar.credit.release.wizard"].with_user(self.credit_manager).create(
                {"order_id": order.id, "decision": "released", "reason": "  "}
            ).action_decide()
        self.assertFalse(order.credit_release_ids)

    def test_hold_prepayment_and_overdue_block(self):
        held = self._customer(limit=0, credit_hold=True, credit_hold_reason="Cheque bounced")
        self.assertIn("on credit hold", self._confirm_refused(self._order(held, 10)))
        grade = self.env["ar.credit.grade"].create(
            {
                "code": "PP",
                "name": "Prepay",
                "min_score": 0,
                "max_score": 10,
                "requires_prepayment": True,
                "company_id": self.company.id,
            }
        )
        prepay = self._customer(limit=0, credit_grade_id=grade.id)
        self.assertIn("requires prepayment", self._confirm_refused(self._order(prepay, 10)))
        late = self._customer(limit=0)
        self._invoice(late, 100, days_overdue=31)
        message = self._confirm_refused(self._order(late, 10))
        self.assertIn("31 days past due (tolerance 30 days)", message)
        self.assertIn("100.00 overdue", message)

    def test_zero_limit_follows_company_rule(self):
        customer = self._customer(limit=0)
        self._order(customer, 10_000).action_confirm()
        self.company.ar_credit_zero_limit = "no_credit"
        self.assertIn("Over the credit limit", self._confirm_refused(self._order(customer, 10)))

    def test_orders_confirmed_together_count_together(self):
        customer = self._customer(limit=1000)
        orders = self._order(customer, 600) | self._order(customer, 600)
        with self.assertRaisesRegex(UserError, "1,200.00"):
            orders.action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"draft"})

    def test_foreign_currency_order_checked_in_company_currency(self):
        eur = self.setup_other_currency("EUR")
        customer = self._customer(limit=1000)
        self._order(customer, 1900, currency=eur).action_confirm()  # 950 in company currency
        self.assertIn("1,050.00", self._confirm_refused(self._order(customer, 200, currency=eur)))

    def test_banner_tells_the_rep_what_confirming_does(self):
        customer = self._customer(limit=1000)
        self._invoice(customer, 900)
        order = self._order(customer, 50, user=self.rep).with_user(self.rep)
        self.assertEqual(order.credit_check_alert, "info")
        self.assertIn("Exposure", order.credit_check_preview)
        self.assertIn("900.00", order.credit_check_preview)
        order.order_line.price_unit = 500
        order.invalidate_recordset(["credit_check_preview", "credit_check_alert"])
        self.assertEqual(order.credit_check_alert, "danger")
        self.assertIn("blocked until a credit manager releases it", order.credit_check_preview)
        self.assertIn("1,400.00", order.credit_check_preview)

    def test_recheck_when_posting_invoice(self):
        self.company.ar_credit_check_on_post = True
        customer = self._customer(limit=1000)
        self._invoice(customer, 900)
        invoice = self._invoice(customer, 200, post=False)
        accountant = self.credit_manager.copy(
            {
                "login": "ar_accountant",
                "groups_id": [
                    (
                        6,
                        0,
                        (self.env.ref("account.group_account_invoice") | self.env.ref("base.group_user")).ids,
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "cannot be posted"):
            invoice.with_user(accountant).action_post()
        self.assertEqual(invoice.state, "draft")
        invoice.with_user(self.credit_manager).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertIn("despite the credit check", invoice.message_ids[0].body)
