from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.ar_credit_control.tests.common import ArCreditHttpCommon

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestInsurerStopDelivery(ArInsuranceCommon, ArCreditHttpCommon):
    """Once the insurer's stop-delivery date has come, orders are refused in every credit-check mode."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.max_extension_days = 30
        cls.buyer = cls._buyer()
        cls._limit(cls.buyer, 50000)

    def _owed_since(self, days):
        """An unpaid invoice due ``days`` ago: the stop-delivery date is 30 days after its due date."""
        due = self.today - timedelta(days=days)
        return self._invoice_on(self.buyer, 1000, due - timedelta(days=30), due)

    def _confirm(self, order):
        order.with_user(self.rep).action_confirm()
        return order.state

    def _confirm_refused(self, order):
        with self.assertRaises(UserError) as caught:
            order.with_user(self.rep).action_confirm()
        self._end_refused_request()
        self.assertEqual(order.state, "draft")
        return str(caught.exception)

    def test_refused_after_the_date_in_every_mode(self):
        self._owed_since(31)
        stop = self.buyer.insurance_stop_delivery_date
        self.assertEqual(stop, self.today - timedelta(days=1))
        self.assertTrue(self.buyer._ar_delivery_stops())
        # the overdue criterion is left out: only the stop refuses the order
        self.company.ar_credit_check_overdue = False
        for mode in ("block", "warn", "off"):
            self.company.ar_credit_check_mode = mode
            order = self._order(self.buyer, 100)
            # the quotation says so before anyone tries
            self.assertTrue(order.credit_stop_delivery, mode)
            self.assertIn("stop-delivery date", order.credit_stop_delivery_reason, mode)
            if mode != "off":
                self.assertIn("Confirming will be refused", order.credit_check_preview, mode)
            message = self._confirm_refused(order)
            self.assertIn("stop-delivery date", message, mode)
            self.assertEqual(order.credit_check_state, "blocked", mode)

    def test_refused_on_the_date(self):
        self._owed_since(30)
        self.assertEqual(self.buyer.insurance_stop_delivery_date, self.today)
        self.company.ar_credit_check_mode = "off"
        self.assertIn("stop-delivery date", self._confirm_refused(self._order(self.buyer, 100)))

    def test_allowed_before_the_date(self):
        self._owed_since(20)
        self.assertEqual(self.buyer.insurance_stop_delivery_date, self.today + timedelta(days=10))
        self.assertFalse(self.buyer._ar_delivery_stops())
        for mode in ("block", "warn", "off"):
            self.company.ar_credit_check_mode = mode
            self.assertEqual(self._confirm(self._order(self.buyer, 100)), "sale", mode)

    def test_write_state_sale_refused(self):
        self._owed_since(31)
        self.company.ar_credit_check_mode = "warn"
        order = self._order(self.buyer, 100)
        with self.assertRaises(UserError):
            order.with_user(self.rep).write({"state": "sale"})
        self._end_refused_request()
        self.company.ar_credit_check_mode = "off"
        with self.assertRaises(UserError):
            self.env["sale.order"].create(
                {
                    "partner_id": self.buyer.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product_a.id, "price_unit": 10})],
                }
            )


@tagged("post_install", "-at_install")
class TestDisputedCover(ArInsuranceCommon):
    """Only the disputed part of an invoice leaves the cover; the rest stays insured.

    The disputed amounts come from ar_credit_control's hook (``account.move._ar_disputed_amount_sql``),
    whichever addon records disputes: here the hook's answer is given as it would give it.
    """

    def test_cover_excludes_only_the_disputed_part(self):
        buyer = self._buyer()
        self._limit(buyer, 50000)
        date = self.today - timedelta(days=10)
        term = self.env["account.payment.term"].create(
            {
                "name": "Two halves",
                "company_id": self.company.id,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": buyer.id,
                "invoice_date": date,
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        self._refresh()
        self.assertRecordValues(
            self._line(invoice), [{"disputed_amount": 0, "open_amount": 1000, "insured_amount": 900}]
        )
        disputed = SQL("SELECT %s::integer AS move_id, 300::numeric AS amount", invoice.id)
        with patch.object(type(self.env["account.move"]), "_ar_disputed_amount_sql", return_value=disputed):
            self.assertEqual(self.env["account.move"]._ar_disputed_amounts(invoice.ids), {invoice.id: 300})
            self._refresh()
        self.assertRecordValues(
            self._line(invoice), [{"disputed_amount": 300, "open_amount": 700, "insured_amount": 630}]
        )
