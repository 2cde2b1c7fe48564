from odoo.tests import tagged

from odoo.addons.ar_credit_control.tests.common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestDunningDashboard(ArCreditCommon):
    """The credit manager's dashboard counts open disputes and their amount."""

    def test_dashboard_dunning_figures(self):
        before = self.env["ar.credit.dashboard"].create({})
        customer = self._customer(limit=0)
        invoice = self._invoice(customer, 1000, days_overdue=10)
        self.env["ar.dispute"].sudo().create(
            {"move_id": invoice.id, "amount": 400, "reason": "Damaged goods"}
        )
        after = self.env["ar.credit.dashboard"].create({})
        self.assertEqual(after.open_dispute_count - before.open_dispute_count, 1)
        self.assertAlmostEqual(after.open_dispute_amount - before.open_dispute_amount, 400)
