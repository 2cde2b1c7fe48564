from datetime import timedelta

from odoo.tests import tagged

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestInsuranceDashboard(ArInsuranceCommon):
    """The credit manager's dashboard shows insured and uninsured amounts and open notifications."""

    def test_dashboard_insurance_figures(self):
        before = self.env["ar.credit.dashboard"].create({})
        buyer = self._buyer()
        self._limit(buyer, 40000)
        invoice_date = self.today - timedelta(days=10)
        self._invoice_on(buyer, 50000, invoice_date, invoice_date + timedelta(days=30))
        self._refresh()
        after = self.env["ar.credit.dashboard"].create({})
        # 40,000 covered x 90 % = 36,000 insured; 50,000 - 36,000 = 14,000 uninsured
        self.assertAlmostEqual(after.insured_amount - before.insured_amount, 36000, places=2)
        self.assertAlmostEqual(after.uninsured_amount - before.uninsured_amount, 14000, places=2)
