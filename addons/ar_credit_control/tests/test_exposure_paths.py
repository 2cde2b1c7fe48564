from odoo.tests import tagged

from .exposure_common import ExposureCommon


@tagged("post_install", "-at_install")
class TestExposurePaths(ExposureCommon):
    """Each step of the order-to-cash chain keeps every currency unit counted once."""

    def assertExposure(self, partner, expected, msg=None):  # noqa: N802
        self.assertAlmostEqual(self._exposure(partner), expected, places=2, msg=msg)

    def test_partial_invoice_in_draft_counted_once(self):
        """The reported case: order 4,000 + its draft invoice of 1,000 gave 5,000."""
        customer = self._customer()
        order = self._sale(customer, [(4, 1000)])
        self.assertExposure(customer, 4000)
        invoice = self._set_quantities(order._create_invoices(), [1])
        self.assertEqual(invoice.state, "draft")
        self.assertExposure(customer, 4000, "draft partial invoice of an order counted once")
        invoice.action_post()
        figures = customer._ar_credit_figures(self.company)
        self.assertAlmostEqual(figures.receivable, 1000)
        self.assertAlmostEqual(figures.orders, 3000)
        self._pay(invoice, 400)
        self.assertExposure(customer, 3600)
        rest = order._create_invoices()
        self.assertExposure(customer, 3600, "the second, final invoice in draft")
        rest.action_post()
        self.assertExposure(customer, 3600)

    def test_partial_invoice_by_delivery(self):
        customer = self._customer()
        order = self._sale(customer, [(4, 250, 0, None, self.product_b)])
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        self.assertExposure(customer, 1000)
        invoice.action_post()
        self.assertExposure(customer, 1000)

    def test_down_payment_counted_once(self):
        """The reported case: order 1,000 + a 30 % down payment gave 1,300."""
        customer = self._customer()
        order = self._sale(customer, [(1, 1000)])
        deposit = self._down_payment(order, percent=30)
        self.assertEqual(deposit.state, "draft")
        self.assertExposure(customer, 1000, "draft down payment")
        deposit.action_post()
        self.assertExposure(customer, 1000, "posted down payment")
        self._pay(deposit, 300)
        self.assertExposure(customer, 700, "paid down payment")
        final = order._create_invoices(final=True)
        self.assertAlmostEqual(final.amount_total, 700)
        self.assertExposure(customer, 700, "final invoice in draft, down payment deducted")
        final.action_post()
        self.assertExposure(customer, 700, "final invoice posted")
        self._pay(final, 700)
        self.assertExposure(customer, 0)

    def test_fixed_down_payment_with_tax_excluded(self):
        customer = self._customer()
        order = self._sale(customer, [(2, 500, 0, self.tax_excl)])  # 1,150 with tax
        deposit = self._down_payment(order, fixed=230)
        self.assertAlmostEqual(deposit.amount_total, 230)
        self.assertExposure(customer, 1150)
        deposit.action_post()
        self.assertExposure(customer, 1150)
        partial = self._set_quantities(order._create_invoices(), [1])  # 575, deposit not deducted yet
        self.assertExposure(customer, 1150)
        partial.action_post()
        self.assertExposure(customer, 1150)
        final = order._create_invoices(final=True)
        self.assertAlmostEqual(final.amount_total, 575 - 230)
        self.assertExposure(customer, 1150)
        final.action_post()
        self.assertExposure(customer, 1150)
        self.assertAlmostEqual(customer._ar_credit_figures(self.company).orders, 0)

    def test_down_payment_with_tax_included(self):
        customer = self._customer()
        order = self._sale(customer, [(1, 1100, 0, self.tax_incl)])  # 1,100 tax included
        self.assertAlmostEqual(order.amount_total, 1100)
        deposit = self._down_payment(order, percent=50)
        self.assertAlmostEqual(deposit.amount_total, 550)
        self.assertExposure(customer, 1100)
        deposit.action_post()
        self.assertExposure(customer, 1100)
        order._create_invoices(final=True).action_post()
        self.assertExposure(customer, 1100)

    def test_down_payment_refunded_or_cancelled(self):
        customer = self._customer()
        order = self._sale(customer, [(1, 1000)])
        deposit = self._down_payment(order, percent=30)
        deposit.action_post()
        self._credit_note(deposit, post=True)
        self.assertExposure(customer, 1000, "the refunded deposit is to be invoiced again with the order")
        second = self._down_payment(order, percent=20)
        self.assertExposure(customer, 1000)
        second.button_cancel()
        self.assertExposure(customer, 1000, "a cancelled deposit counts nothing")
        self.assertAlmostEqual(customer._ar_credit_figures(self.company).receivable, 0)

    def test_final_invoice_without_deducting_the_deposit(self):
        customer = self._customer()
        order = self._sale(customer, [(1, 1000)])
        self._down_payment(order, percent=30).action_post()
        order._create_invoices(final=False).action_post()
        self.assertExposure(customer, 1300, "the customer really owes both until the deposit is deducted")
        order._create_invoices(final=True).action_post()  # a credit note deducting the deposit
        self.assertExposure(customer, 1000)

    def test_credit_note_from_order_invoice_restores_the_order(self):
        """Odoo puts a refunded order line back to invoice: the exposure keeps the order."""
        customer = self._customer()
        order = self._sale(customer, [(2, 500)])
        invoice = order._create_invoices()
        invoice.action_post()
        refund = self._credit_note(invoice)
        self.assertEqual(refund.state, "draft")
        self.assertExposure(customer, 1000, "draft credit note of an order invoice")
        self._set_quantities(refund, [1])
        self.assertExposure(customer, 1000, "partial draft credit note")
        refund.action_post()
        self.assertExposure(customer, 1000)
        self.assertAlmostEqual(customer._ar_credit_figures(self.company).receivable, 500)
        self.assertAlmostEqual(order.order_line.qty_invoiced, 1)

    def test_refund_created_from_the_order(self):
        customer = self._customer()
        order = self._sale(customer, [(4, 250, 0, None, self.product_b)])
        order.order_line.qty_delivered = 4
        order._create_invoices().action_post()
        self.assertExposure(customer, 1000)
        order.order_line.qty_delivered = 1  # goods returned
        refund = order._create_invoices(final=True)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertExposure(customer, 1000, "the ordered quantity still commits the customer")
        refund.action_post()
        self.assertExposure(customer, 1000)
        self.assertAlmostEqual(customer._ar_credit_figures(self.company).receivable, 250)

    def test_cancelled_invoices_count_nothing(self):
        self.company.ar_exposure_include_drafts = True
        customer = self._customer()
        order = self._sale(customer, [(2, 500)])
        invoice = order._create_invoices()
        invoice.button_cancel()
        self.assertExposure(customer, 1000)
        posted = order._create_invoices()
        posted.action_post()
        posted.button_draft()
        posted.button_cancel()
        self.assertExposure(customer, 1000)
        other = self._invoice(customer, 300, post=False)
        self.assertExposure(customer, 1300)
        other.button_cancel()
        self.assertExposure(customer, 1000)

    def test_discounts_and_taxes(self):
        customer = self._customer()
        order = self._sale(
            customer,
            [
                (3, 100, 10, self.tax_excl),  # 270 + 15 % = 310.50
                (2, 110, 0, self.tax_incl),  # 220 tax included
                (1, 200, 25),  # 150
            ],
        )
        self.assertAlmostEqual(order.amount_total, 680.5)
        self.assertExposure(customer, 680.5)
        invoice = self._set_quantities(order._create_invoices(), [1, 1, 0])
        self.assertExposure(customer, 680.5)
        invoice.action_post()
        self.assertExposure(customer, 680.5)
        self._pay(invoice, invoice.amount_total)
        self.assertExposure(customer, 680.5 - invoice.amount_total)

    def test_order_in_foreign_currency(self):
        customer = self._customer()
        order = self._sale(customer, [(4, 500)], currency=self.eur)  # 2,000 EUR = 1,000
        self.assertExposure(customer, 1000)
        deposit = self._down_payment(order, percent=25)
        self.assertExposure(customer, 1000)
        deposit.action_post()
        self.assertExposure(customer, 1000)
        invoice = self._set_quantities(order._create_invoices(), [2])
        self.assertExposure(customer, 1000)
        invoice.action_post()
        self.assertExposure(customer, 1000)
        order._create_invoices(final=True).action_post()
        self.assertExposure(customer, 1000)

    def test_order_in_another_currency_than_its_invoice(self):
        customer = self._customer()
        order = self._sale(customer, [(4, 500)], currency=self.eur)  # 2,000 EUR = 1,000
        invoice = self._set_quantities(order._create_invoices(), [1])
        invoice.currency_id = self.currency  # invoiced in company currency instead
        amount = invoice.amount_total_signed
        self.assertExposure(customer, 750 + amount, "3 of 4 still to invoice, plus the invoice as made")
        invoice.action_post()
        self.assertExposure(customer, 750 + amount)

    def test_down_payment_in_another_currency_than_its_order(self):
        customer = self._customer()
        order = self._sale(customer, [(1, 2000)], currency=self.eur)  # 2,000 EUR = 1,000
        deposit = self._down_payment(order, percent=30)  # 600 EUR
        deposit.currency_id = self.currency
        deposit.invoice_line_ids.price_unit = 300  # the same value, in company currency
        self.assertExposure(customer, 1000)
        deposit.action_post()
        self.assertExposure(customer, 1000)

    def test_forged_down_payment_flag_hides_nothing(self):
        """``is_downpayment`` is a plain field: set on an ordered line, the line still counts."""
        customer = self._customer()
        order = self._sale(customer, [(2, 500)])
        order.order_line.write({"is_downpayment": True})
        self.assertTrue(order.order_line.is_downpayment)
        self.assertExposure(customer, 1000)
