from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestCurrencyRate(ArCreditCommon):
    """A foreign amount without any exchange rate is refused, never counted 1:1 in the exposure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.no_rate = cls.env["res.currency"].create({"name": "QZR", "symbol": "Q", "rounding": 0.01})

    def test_invoice_without_rate_is_not_posted(self):
        customer = self._customer(limit=100000)
        invoice = self._invoice(customer, 700, currency=self.no_rate, post=False)
        with self.assertRaisesRegex(UserError, "There is no exchange rate for QZR on .* in "):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(customer.credit_exposure, 0.0)

    def test_order_without_rate_is_not_confirmed(self):
        customer = self._customer(limit=100000)
        order = self._order(customer, 700, currency=self.no_rate, user=self.rep)
        with self.assertRaisesRegex(UserError, "There is no exchange rate for QZR"):
            order.with_user(self.rep).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_with_a_rate_the_amount_is_converted(self):
        self.env["res.currency.rate"].create(
            {"currency_id": self.no_rate.id, "rate": 2.0, "name": "2000-01-01", "company_id": self.company.id}
        )
        customer = self._customer(limit=100000)
        invoice = self._invoice(customer, 700, currency=self.no_rate)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(customer.credit_exposure, 350.0)
        order = self._order(customer, 100, currency=self.no_rate, user=self.rep)
        order.with_user(self.rep).action_confirm()
        self.assertEqual(order.state, "sale")
