"""The credit promise on every path: the state is guarded, not the button.

Each test is what a careless or hostile client would try; each fails when
the guard it names is taken away.
"""

import re
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools.credit_rules import local_today
from .common import ArCreditHttpCommon

BLOCKED = "cannot be confirmed: the customer's credit check failed"


@tagged("post_install", "-at_install")
class TestCreditPromise(ArCreditHttpCommon):
    def _refused(self, func, message=BLOCKED):
        """Run ``func``; it must be refused with ``message``; the refusal's recording runs after."""
        with self.assertRaises(UserError) as caught:
            func()
        self._end_refused_request()
        self.assertIn(message, str(caught.exception))
        return str(caught.exception)

    def _over_limit_quotation(self, limit=1000, amount=1500):
        customer = self._customer(limit=limit)
        return customer, self._order(customer, amount, user=self.rep)

    # ------------------------------------------------------------------
    # Item 1: every way to "sale" runs the check, on the recomputed amount
    # ------------------------------------------------------------------
    def test_writing_state_sale_runs_the_check(self):
        _customer, order = self._over_limit_quotation()
        self._refused(lambda: order.with_user(self.rep).write({"state": "sale"}))
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_check_state, "blocked")
        self.assertEqual(order.credit_block_amount, 1500)
        self.assertEqual(order.credit_block_codes, "over_limit")
        self.assertIn(order.activity_ids.user_id, self.company._ar_credit_managers())

    def test_creating_a_confirmed_order_runs_the_check(self):
        customer = self._customer(limit=1000)
        line = {"product_id": self.product_a.id, "product_uom_qty": 1, "price_unit": 1500, "tax_id": []}
        vals = {"partner_id": customer.id, "state": "sale", "order_line": [Command.create(line)]}
        self._refused(lambda: self.env["sale.order"].with_user(self.rep).create(vals))
        self.assertFalse(self.env["sale.order"].search([("partner_id", "=", customer.id)]))

    def test_server_computed_fields_cannot_be_forged(self):
        _customer, order = self._over_limit_quotation()
        forged = [
            (order, {"amount_total": 1}),
            (order, {"amount_untaxed": 1}),
            (order, {"currency_rate": 1e6}),
            (order, {"credit_check_state": "released"}),
            (order.order_line, {"price_total": 1}),
            (order.order_line, {"price_subtotal": 1}),
            (order.order_line, {"untaxed_amount_invoiced": 1e6}),
        ]
        for records, vals in forged:
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                records.with_user(self.rep).write(vals)
        self.assertEqual(order.amount_total, 1500)
        with self.assertRaises(AccessError):
            self.env["sale.order.line"].with_user(self.rep).create(
                {"order_id": order.id, "product_id": self.product_a.id, "price_unit": 1, "price_total": 1}
            )

    def test_check_reads_the_servers_total_at_the_companys_rate(self):
        """The amount is the ORM's total of the lines, never a client's and never the stored rate.

        No client can send a total (test above), so the check reads Odoo's
        own ``amount_total``: a line raised in the same transaction counts at
        its new price, and a stored ``currency_rate`` changed below the ORM
        is not what converts a foreign order.
        """
        _customer, order = self._over_limit_quotation(amount=900)
        order.order_line.with_user(self.rep).write({"price_unit": 1500})  # pending, not flushed
        self.assertEqual(order._ar_amount_company(), 1500)
        message = self._refused(lambda: order.with_user(self.rep).action_confirm())
        self.assertIn("1,500.00", message)
        eur = self.setup_other_currency("EUR")  # 2 EUR for 1 of the company's currency
        foreign = self._order(self._customer(limit=10_000), 1500, currency=eur)
        foreign.flush_recordset()
        self.env.cr.execute("UPDATE sale_order SET currency_rate = 1000000 WHERE id = %s", [foreign.id])
        foreign.invalidate_recordset()
        self.assertEqual(foreign._ar_amount_company(), 750)

    def test_client_context_default_cannot_preset_the_outcome(self):
        customer = self._customer(limit=1000)
        order = (
            self.env["sale.order"]
            .with_user(self.rep)
            .with_context(default_credit_check_state="released", default_amount_total=1)
            .create({"partner_id": customer.id})
        )
        self.assertFalse(order.credit_check_state)

    # ------------------------------------------------------------------
    # Item 1: a confirmed order is checked again when it grows or changes customer
    # ------------------------------------------------------------------
    def _confirmed(self, limit=1000, amount=600):
        customer = self._customer(limit=limit)
        order = self._order(customer, amount, user=self.rep)
        order.with_user(self.rep).action_confirm()
        self.assertEqual((order.state, order.credit_check_state), ("sale", "ok"))
        return customer, order

    def test_raising_a_quantity_after_confirmation_is_checked(self):
        _customer, order = self._confirmed()
        message = self._refused(
            lambda: order.order_line.with_user(self.rep).write({"product_uom_qty": 2, "price_unit": 600}),
            "Over the credit limit",
        )
        # exposure without the rise 600 + the rise 600 = 1,200 over a limit of 1,000
        for figure in ("600.00", "1,200.00", "1,000.00"):
            self.assertIn(figure, message)
        self.assertEqual(order.order_line.product_uom_qty, 1)
        self.assertEqual((order.state, order.credit_check_state), ("sale", "blocked"))
        self.assertEqual(order.credit_block_amount, 1200)
        # lowering it is not checked
        order.order_line.with_user(self.rep).write({"product_uom_qty": 0.5, "price_unit": 600})
        self.assertEqual(order.amount_total, 300)

    def test_adding_a_line_after_confirmation_is_checked(self):
        _customer, order = self._confirmed()
        line = {"product_id": self.product_a.id, "product_uom_qty": 1, "price_unit": 700, "tax_id": []}
        self._refused(
            lambda: order.with_user(self.rep).write({"order_line": [Command.create(line)]}),
            "Over the credit limit",
        )
        self._refused(
            lambda: self.env["sale.order.line"].with_user(self.rep).create({**line, "order_id": order.id}),
            "Over the credit limit",
        )
        self.assertEqual(len(order.order_line), 1)

    def test_switching_to_a_customer_on_hold_is_checked(self):
        _customer, order = self._confirmed()
        held = self._customer(limit=100000, credit_hold=True, credit_hold_reason="Unpaid")
        self._refused(lambda: order.with_user(self.rep).write({"partner_id": held.id}), "on credit hold")
        self.assertNotEqual(order.partner_id, held)

    def test_release_of_a_refused_change_lets_it_through(self):
        _customer, order = self._confirmed()
        self._refused(
            lambda: order.order_line.with_user(self.rep).write({"product_uom_qty": 2, "price_unit": 600})
        )
        release = order.with_user(self.credit_manager)._ar_decide_release("released", "Seasonal peak")
        self.assertEqual(release.order_amount, 1200)
        order.order_line.with_user(self.rep).write({"product_uom_qty": 2, "price_unit": 600})
        self.assertEqual((order.amount_total, order.credit_check_state), (1200, "released"))
        # but not beyond what was released
        self._refused(
            lambda: order.order_line.with_user(self.rep).write({"product_uom_qty": 3, "price_unit": 600})
        )

    def test_warn_mode_records_a_rise(self):
        self.company.ar_credit_check_mode = "warn"
        _customer, order = self._confirmed()
        order.order_line.with_user(self.rep).write({"product_uom_qty": 2, "price_unit": 600})
        self.assertEqual(order.credit_check_state, "warning")
        self.assertIn("despite the credit check", order.message_ids[0].body)

    # ------------------------------------------------------------------
    # Item 2: a release is the server's record, and stops covering
    # ------------------------------------------------------------------
    def _released(self, **customer_vals):
        customer = self._customer(limit=1000, **customer_vals)
        order = self._order(customer, 1500, user=self.rep)
        self._refused(lambda: order.with_user(self.rep).action_confirm())
        release = order.with_user(self.credit_manager)._ar_decide_release("released", "Known customer")
        return customer, order, release

    def test_release_is_written_by_the_server(self):
        _customer, order, release = self._released()
        self.assertEqual(release.decided_by_id, self.credit_manager)
        self.assertEqual(release.order_amount, 1500)
        self.assertEqual(release.reason_codes, "over_limit")
        Release = self.env["ar.credit.release"].with_user(self.credit_manager)
        forged = {
            "order_id": order.id,
            "partner_id": order.partner_id.id,
            "company_id": self.company.id,
            "decided_by_id": self.rep.id,
            "decision": "released",
            "reason": "forged",
            "order_amount": 1e9,
        }
        with self.assertRaises(AccessError):
            Release.create(forged)
        for vals in ({"order_amount": 1e9}, {"decided_by_id": self.rep.id}, {"revoked_date": False}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                release.with_user(self.credit_manager).write(vals)
        with self.assertRaises(AccessError):
            release.with_user(self.credit_manager).unlink()

    def test_release_stops_covering_when_the_customer_is_put_on_hold(self):
        customer, order, release = self._released()
        customer.write({"credit_hold": True, "credit_hold_reason": "Cheque bounced"})
        self.assertTrue(release.revoked_date)
        customer.write({"credit_hold": False})  # lifting the hold does not bring the release back
        self._refused(lambda: order.with_user(self.rep).action_confirm())

    def test_release_stops_covering_when_deliveries_are_stopped(self):
        customer, order, _release = self._released()
        customer.write({"credit_stop_delivery": True, "credit_stop_delivery_reason": "Insolvency"})
        self._refused(lambda: order.with_user(self.rep).action_confirm(), "Deliveries to the customer")

    def test_release_does_not_cover_a_new_reason(self):
        customer, order, _release = self._released()
        self._invoice(customer, 10, days_overdue=90)  # now also overdue beyond tolerance
        self._refused(lambda: order.with_user(self.rep).action_confirm(), "Overdue")

    def test_release_covers_its_reasons_and_amount(self):
        _customer, order, _release = self._released()
        order.with_user(self.rep).action_confirm()
        self.assertEqual((order.state, order.credit_check_state), ("sale", "released"))

    # ------------------------------------------------------------------
    # Item 3: the company's date, not the caller's
    # ------------------------------------------------------------------
    def test_the_callers_time_zone_does_not_move_an_expiry(self):
        company_today = self.company._ar_today()
        self.assertEqual(company_today, local_today(fields.Datetime.now(), self.company.partner_id.tz))
        customer = self._customer(limit=1000, credit_limit_temp=5000, credit_limit_temp_until=company_today)
        order = self._order(customer, 1500, user=self.rep)
        # a day west and a day east of UTC: at any hour, one of them is on another date than UTC
        for tz in ("Etc/GMT+12", "Etc/GMT-14"):
            with self.subTest(tz=tz):
                self.assertEqual(customer.with_context(tz=tz)._ar_effective_limit(), 5000)
        # the next day (the company's), the temporary limit has expired, whatever the caller's zone
        tomorrow = company_today + timedelta(days=1)
        with patch.object(type(self.company), "_ar_today", lambda company: tomorrow):
            for tz in ("Etc/GMT+12", "Etc/GMT-14"):
                with self.subTest(tz=tz, day="tomorrow"):
                    self.assertEqual(customer.with_context(tz=tz)._ar_effective_limit(), 1000)
                    self._refused(
                        lambda tz=tz: order.with_user(self.rep).with_context(tz=tz).action_confirm()
                    )

    def test_no_credit_rule_reads_the_callers_date(self):
        """Every "today" of the suite is the company's: no context_today/date.today() in its code."""
        pattern = re.compile(r"context_today|date\.today\(\)|Date\.today\(\)|datetime\.now\(\)\.date\(\)")
        addons = Path(__file__).resolve().parents[2]
        offenders = [
            f"{path.relative_to(addons)}:{number}"
            for addon in ("ar_credit_control", "ar_dunning", "ar_insurance")
            for folder in ("models", "wizards", "controllers", "report", "tools")
            for path in sorted((addons / addon / folder).glob("*.py"))
            for number, line in enumerate(path.read_text().splitlines(), 1)
            if pattern.search(line)
        ]
        self.assertFalse(offenders, "use company._ar_today() (the company's date)")
