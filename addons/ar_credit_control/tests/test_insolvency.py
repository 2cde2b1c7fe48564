from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, Form, tagged

from ..tools import credit_rules
from ..tools import insolvency_rules as rules
from ..tools.credit_rules import CreditFigures, CreditPolicy, CustomerCredit
from .common import ArCreditHttpCommon


@tagged("post_install", "-at_install")
class TestInsolvencyRules(BaseCase):
    """The pure money rules of insolvency cases and the stop-deliveries reason."""

    def test_expected_dividend_rounded(self):
        self.assertEqual(rules.expected_dividend(1234.56, 12.5, 0.01), 154.32)
        self.assertEqual(rules.expected_dividend(1000, 0, 0.01), 0.0)
        self.assertEqual(rules.expected_dividend(999, 33, rounding=1.0), 330.0)

    def test_expected_amounts_in_the_currency_precision(self):
        # half away from zero, as Odoo rounds money: 1,001 JPY x 50 % = 500.5 -> 501, not 500
        self.assertEqual(rules.expected_dividend(1001, 50, 1.0), 501.0)
        self.assertEqual(rules.expected_loss(1001.5, 0, 0, 1.0), 1002.0)
        # three decimals: 1.001 KWD x 50 % = 0.5005 -> 0.501
        self.assertEqual(rules.expected_dividend(1.001, 50, 0.001), 0.501)
        self.assertEqual(rules.expected_loss(2.0, 0.5005, 0, 0.001), 1.5)

    def test_expected_loss_uses_larger_of_dividend_and_recovered(self):
        self.assertEqual(rules.expected_loss(1000, 200, 50, 0.01), 800.0)
        self.assertEqual(rules.expected_loss(1000, 200, 300, 0.01), 700.0)
        self.assertEqual(rules.expected_loss(100, 200, 0, 0.01), 0.0)

    def test_check_amounts(self):
        self.assertIsNone(rules.check_amounts(100, 50, 10))
        self.assertEqual(rules.check_amounts(-1, 50, 0), "negative")
        self.assertEqual(rules.check_amounts(100, 50, -5), "negative")
        self.assertEqual(rules.check_amounts(100, 101, 0), "percent")

    def test_deliveries_stopped_is_a_reason_whatever_the_policy(self):
        policy = CreditPolicy(
            check_limit=False, check_overdue=False, check_hold=False, check_prepayment=False
        )
        stopped = CustomerCredit(deliveries_stopped=True, stop_reason="Liquidation")
        reasons = credit_rules.credit_reasons(policy, stopped, CreditFigures(), 10.0, None, rounding=0.01)
        self.assertEqual(reasons, [(credit_rules.DELIVERIES_STOPPED, {"reason": "Liquidation"})])
        self.assertEqual(
            credit_rules.credit_reasons(policy, CustomerCredit(), CreditFigures(), 10.0, None, rounding=0.01),
            [],
        )


@tagged("post_install", "-at_install")
class TestInsolvencyCase(ArCreditHttpCommon):
    """Opening and closing an insolvency case: hold, stop of deliveries, chatter, access, companies."""

    @classmethod
    def default_env_context(cls):
        return {}  # tracking on: the chatter is part of what is tested

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.administrator = cls.env["res.partner"].create({"name": "Administrator LLP", "is_company": True})

    def _case(self, partner, user=None, **vals):
        return (
            self.env["ar.insolvency.case"]
            .with_user(user or self.credit_manager)
            .create(
                {
                    "partner_id": partner.id,
                    "case_type": "liquidation",
                    "court": "Shanghai No. 3 Intermediate People's Court",
                    "court_reference": "(2026) Hu 03 Po 17",
                    "administrator_id": self.administrator.id,
                    **vals,
                }
            )
        )

    def _confirm_refused(self, order):
        with self.assertRaises(UserError) as caught:
            order.with_user(self.rep).action_confirm()
        self._end_refused_request()
        self.assertEqual(order.state, "draft")
        return str(caught.exception)

    def test_open_holds_stops_and_records_receivable(self):
        customer = self._customer(limit=50_000)
        self._invoice(customer, 800, days_overdue=40)
        self._invoice(customer, 450, days_overdue=-10)
        paid = self._invoice(customer, 300)
        self._pay(paid, 300)
        self.env.cr.flush()  # runs the pending tracking hooks, as a commit would
        case = self._case(customer)
        self.assertEqual(case.state, "draft")
        self.assertTrue(case.name.startswith("INS/"))
        case.action_open()
        self.env.cr.flush()
        self.assertEqual(case.state, "open")
        self.assertAlmostEqual(case.amount_receivable, 1250)
        self.assertTrue(case.hold_set_by_case and case.stop_set_by_case)
        customer.invalidate_recordset()
        self.assertTrue(customer.credit_hold)
        self.assertIn(case.name, customer.credit_hold_reason)
        self.assertTrue(customer.credit_stop_delivery)
        self.assertIn(case.name, customer.credit_stop_delivery_reason)
        # the changes are tracked on the customer, with who made them, and explained in both chatters
        tracked = customer.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name in ("credit_hold", "credit_stop_delivery")
        )
        self.assertEqual(len(tracked), 2)
        self.assertEqual(tracked.mail_message_id.author_id, self.credit_manager.partner_id)
        self.assertTrue(
            any(case.name in m.body and "1,250.00" in m.body for m in customer.message_ids if m.body)
        )
        self.assertTrue(any("Deliveries stopped" in (m.body or "") for m in case.message_ids))

    def test_order_cannot_be_confirmed_while_deliveries_stopped(self):
        self.company.ar_credit_check_hold = False  # the stop does not depend on the hold criterion
        customer = self._customer()
        order = self._order(customer, 100, user=self.rep)
        self.assertFalse(order.credit_stop_delivery)
        self._case(customer).action_open()
        order.invalidate_recordset()
        self.assertTrue(order.credit_stop_delivery)
        self.assertIn("INS/", order.credit_stop_delivery_reason)
        message = self._confirm_refused(order)
        self.assertIn("Deliveries to the customer are stopped", message)
        self.assertEqual(order.credit_check_state, "blocked")
        self.assertIn("Deliveries to the customer are stopped", order.credit_check_preview)

    def test_close_lifts_what_the_case_set_with_reason(self):
        customer = self._customer()
        case = self._case(customer)
        case.action_open()
        with self.assertRaisesRegex(UserError, "closing reason"):
            case.action_close()
        self.assertEqual(case.state, "open")
        case.write({"close_reason": "Proceeding withdrawn: debts paid in full."})
        case.action_close()
        self.assertEqual(case.state, "closed")
        self.assertEqual(case.closed_by_id, self.credit_manager)
        customer.invalidate_recordset()
        self.assertFalse(customer.credit_hold)
        self.assertFalse(customer.credit_stop_delivery)
        last = customer.message_ids.filtered(lambda m: m.body and "debts paid in full" in m.body)
        self.assertTrue(
            last and "Credit hold lifted" in last[0].body and "Deliveries resumed" in last[0].body
        )
        order = self._order(customer, 100, user=self.rep)
        order.with_user(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_close_keeps_a_hold_the_case_did_not_set(self):
        customer = self._customer(credit_hold=True, credit_hold_reason="Cheque bounced")
        case = self._case(customer)
        case.action_open()
        self.assertFalse(case.hold_set_by_case)
        self.assertTrue(case.stop_set_by_case)
        self.assertEqual(customer.credit_hold_reason, "Cheque bounced")
        case.write({"close_reason": "Opened by mistake"})
        case.action_cancel()
        self.assertEqual(case.state, "cancelled")
        customer.invalidate_recordset()
        self.assertTrue(customer.credit_hold)
        self.assertEqual(customer.credit_hold_reason, "Cheque bounced")
        self.assertFalse(customer.credit_stop_delivery)

    def test_claim_filed_and_expected_amounts(self):
        customer = self._customer()
        self._invoice(customer, 2000, days_overdue=10)
        case = self._case(customer, claim_deadline=self.today)
        case.action_open()
        case.write({"dividend_percent": 15.0})
        case.action_file_claim()
        self.assertEqual(case.state, "claim_filed")
        self.assertEqual(case.date_claim_filed, self.today)
        self.assertAlmostEqual(case.amount_claim, 2000)
        self.assertAlmostEqual(case.amount_expected, 300)
        case.write({"amount_recovered": 120})
        self.assertAlmostEqual(case.amount_expected_loss, 1700)
        with self.assertRaises(ValidationError):
            case.write({"dividend_percent": 120})
        self.assertEqual(case.dividend_percent, 15.0)

    def test_salesperson_cannot_create_open_or_close(self):
        customer = self._customer()
        with self.assertRaises(AccessError):
            self._case(customer, user=self.rep)
        case = self._case(customer)
        with self.assertRaises(AccessError):
            case.with_user(self.rep).action_open()
        self.assertEqual(case.state, "draft")
        with self.assertRaises(AccessError):
            customer.with_user(self.rep).write(
                {"credit_stop_delivery": True, "credit_stop_delivery_reason": "x"}
            )
        case.action_open()
        with self.assertRaises(AccessError):
            case.with_user(self.rep).write({"close_reason": "no"})
        with self.assertRaises(AccessError):
            case.with_user(self.rep).action_close()
        self.assertEqual(case.state, "open")
        with self.assertRaises(AccessError):
            self.env["res.partner"].browse(customer.id).with_user(self.rep).action_new_insolvency_case()

    def test_state_only_through_actions(self):
        case = self._case(self._customer())
        with self.assertRaises(AccessError):
            case.write({"state": "open"})
        with self.assertRaises(AccessError):
            self._case(self._customer(), state="open")

    def test_one_active_case_and_company_not_contact(self):
        customer = self._customer()
        self._case(customer).action_open()
        second = self._case(customer)
        with self.assertRaises(ValidationError):
            second.action_open()
        contact = self.env["res.partner"].create({"name": "Accountant", "parent_id": customer.id})
        with self.assertRaises(ValidationError):
            self._case(contact)

    def test_companies_kept_apart(self):
        other = self.setup_other_company()["company"]
        customer = self._customer()
        self._case(customer).action_open()
        self.assertTrue(customer.with_company(self.company).credit_stop_delivery)
        self.assertFalse(customer.with_company(other).credit_hold)
        self.assertFalse(customer.with_company(other).credit_stop_delivery)
        other_case = self.env["ar.insolvency.case"].create(
            {"partner_id": customer.id, "company_id": other.id}
        )
        other_case.action_open()
        self.assertTrue(customer.with_company(other).credit_stop_delivery)
        visible = (
            self.env["ar.insolvency.case"]
            .with_user(self.credit_manager)
            .search([("partner_id", "=", customer.id)])
        )
        self.assertEqual(visible.company_id, self.company)
        with self.assertRaises(AccessError):
            other_case.with_user(self.credit_manager).read(["amount_receivable"])

    def test_partner_button_opens_new_case_form(self):
        customer = self._customer()
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": customer.id})
        action = contact.with_user(self.credit_manager).action_new_insolvency_case()
        self.assertEqual(action["context"]["default_partner_id"], customer.id)
        with Form(
            self.env["ar.insolvency.case"].with_user(self.credit_manager).with_context(**action["context"])
        ) as form:
            form.case_type = "bankruptcy"
        case = form.record
        self.assertEqual(case.partner_id, customer)
        self.assertEqual(customer.ar_insolvency_case_count, 1)
        self.assertEqual(
            customer.action_view_insolvency_cases()["domain"], [("partner_id", "=", customer.id)]
        )

    def test_stop_refuses_orders_in_warn_and_off_modes(self):
        """The stop is not a credit risk a mode lets through: warn and off refuse the order too."""
        customer = self._customer()
        self._case(customer).action_open()
        for mode in ("warn", "off"):
            self.company.ar_credit_check_mode = mode
            order = self._order(customer, 100, user=self.rep)
            message = self._confirm_refused(order)
            self.assertIn("deliveries to the customer are stopped", message, mode)
            self.assertIn("INS/", message, mode)
            self.assertEqual(order.credit_check_state, "blocked", mode)
            api = self.env["ar.credit.api"].with_user(self.credit_manager)
            self.assertFalse(api.check_credit(customer.id, 100)["allowed"], mode)
            # a plain write of the state is the same confirmation
            with self.assertRaises(UserError):
                order.with_user(self.rep).write({"state": "sale"})
            self._end_refused_request()
        self.company.ar_credit_check_mode = "off"
        with self.assertRaises(UserError):
            self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product_a.id, "price_unit": 10})],
                }
            )

    def test_orders_of_other_customers_unaffected(self):
        customer, other_customer = self._customer(), self._customer(name="Healthy")
        self._case(customer).action_open()
        order = self._order(other_customer, 100, user=self.rep)
        order.with_user(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_stop_delivery)
        self.assertTrue(customer.credit_stop_delivery)
