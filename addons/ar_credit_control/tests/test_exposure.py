from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestExposure(ArCreditCommon):
    """Exposure per commercial partner and company, in company currency, counted once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")  # 1 company currency = 2 EUR today

    def _figures(self, partner, company=None):
        return partner._ar_credit_figures(company or self.company)

    def test_balance_follows_every_receivable_change(self):
        customer = self._customer(limit=10_000)
        first = self._invoice(customer, 1000, days_overdue=10)
        self._invoice(customer, 400, days_overdue=-5)
        self._pay(first, 300)
        self._invoice(customer, 100, move_type="out_refund")
        reset = self._invoice(customer, 50)
        reset.button_draft()
        expected = 1000 + 400 - 300 - 100
        self.assertAlmostEqual(self._figures(customer).receivable, expected)
        # the incremental balance equals Odoo's own receivable and a full rebuild
        self.assertAlmostEqual(customer.credit, expected)
        balance = self.env["ar.credit.balance"].search([("partner_id", "=", customer.id)])
        self.env["ar.credit.balance"]._rebuild([customer.id])
        self.assertAlmostEqual(balance.receivable, expected)

    def test_contacts_roll_up_to_commercial_partner(self):
        customer = self._customer(limit=10_000)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": customer.id})
        self._invoice(contact, 700)
        self._order(contact, 300).action_confirm()
        figures = self._figures(contact)
        self.assertAlmostEqual(figures.exposure, 1000)
        self.assertAlmostEqual(customer.credit_exposure, 1000)

    def test_foreign_currency_invoice_and_order_in_company_currency(self):
        customer = self._customer(limit=10_000)
        self._invoice(customer, 1000, currency=self.eur)
        order = self._order(customer, 600, currency=self.eur)
        order.action_confirm()
        figures = self._figures(customer)
        self.assertAlmostEqual(figures.receivable, 500)
        self.assertAlmostEqual(figures.orders, 300)

    def test_invoice_from_order_not_counted_twice(self):
        self.company.ar_exposure_include_drafts = True
        customer = self._customer(limit=10_000)
        order = self._order(customer, 1000)
        order.action_confirm()
        self.assertAlmostEqual(self._figures(customer).exposure, 1000)
        invoice = order._create_invoices()
        self.assertEqual(invoice.state, "draft")
        self.assertAlmostEqual(
            self._figures(customer).exposure, 1000, msg="draft invoice of an order counted once"
        )
        invoice.action_post()
        figures = self._figures(customer)
        self.assertAlmostEqual(figures.receivable, 1000)
        self.assertAlmostEqual(figures.orders, 0)
        self._pay(invoice, 1000)
        self.assertAlmostEqual(self._figures(customer).exposure, 0)

    def test_partially_invoiced_order_counts_the_rest(self):
        self.product_a.invoice_policy = "delivery"
        customer = self._customer(limit=10_000)
        order = self._order(customer, 1000)
        order.order_line.product_uom_qty = 4
        order.action_confirm()
        order.order_line.qty_delivered = 1
        invoice = order._create_invoices()
        invoice.action_post()
        figures = self._figures(customer)
        self.assertAlmostEqual(figures.receivable, 1000)
        self.assertAlmostEqual(figures.orders, 3000)

    def test_draft_invoices_only_when_configured(self):
        customer = self._customer(limit=10_000)
        self._invoice(customer, 250, post=False)
        self.assertAlmostEqual(self._figures(customer).exposure, 0)
        self.company.ar_exposure_include_drafts = True
        self.assertAlmostEqual(self._figures(customer).exposure, 250)
        self.company.ar_exposure_include_orders = False
        self._order(customer, 100).action_confirm()
        self.assertAlmostEqual(self._figures(customer).exposure, 250)

    def test_companies_kept_apart(self):
        other = self.setup_other_company()["company"]
        customer = self._customer(limit=10_000)
        self._invoice(customer, 800)
        other_invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": self.today,
                    "invoice_line_ids": [
                        Command.create({"name": "x", "quantity": 1, "price_unit": 5000, "tax_ids": []})
                    ],
                }
            )
        )
        other_invoice.action_post()
        self.assertAlmostEqual(self._figures(customer).receivable, 800)
        self.assertAlmostEqual(self._figures(customer, other).receivable, 5000)
        self.assertAlmostEqual(customer.with_company(other).credit_exposure, 5000)

    def test_overdue_figures_and_partner_fields(self):
        customer = self._customer(limit=2000)
        self._invoice(customer, 600, days_overdue=45)
        self._invoice(customer, 900, days_overdue=5)
        self._invoice(customer, 800, days_overdue=-10)
        customer.invalidate_recordset()
        self.assertEqual(customer.credit_overdue_days, 45)
        self.assertAlmostEqual(customer.credit_overdue_amount, 1500)
        self.assertAlmostEqual(customer.credit_exposure, 2300)
        self.assertAlmostEqual(customer.credit_available, -300)
        self.assertAlmostEqual(customer.credit_usage, 115)
        self.assertTrue(customer.credit_over_limit)
        self.assertIn(customer, self.env["res.partner"].search([("credit_over_limit", "=", True)]))
        self.assertNotIn(customer, self.env["res.partner"].search([("credit_over_limit", "=", False)]))

    def test_temporary_limit(self):
        customer = self._customer(limit=1000)
        customer.write({"credit_limit_temp": 5000, "credit_limit_temp_until": self.today})
        self.assertEqual(customer.credit_limit_effective, 5000)
        with freeze_time(self.today + timedelta(days=1)):  # the temporary limit has expired
            customer.invalidate_recordset(["credit_limit_effective"])
            self.assertEqual(customer.credit_limit_effective, 1000)
        with self.assertRaisesRegex(ValidationError, "expiry date"):
            customer.write({"credit_limit_temp_until": False})
