from odoo.tests import tagged

from .common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestCreditDashboard(ArCreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._customer(name="Big Debtor")
        cls.small = cls._customer(name="Small Debtor")
        cls._invoice(cls.big, 1000.0, days_overdue=45)  # 31-60
        cls._invoice(cls.small, 300.0, days_overdue=5)  # 1-30
        cls._invoice(cls.small, 200.0, days_overdue=-10)  # current
        cls.order = cls._order(cls.small, 50.0)
        cls.order.action_confirm()
        cls.blocked = cls._order(cls.big, 70.0)
        cls.blocked.sudo().write({"credit_check_state": "blocked"})

    def test_dashboard(self):
        action = self.env["ar.credit.dashboard"].with_user(self.credit_manager).action_open_dashboard()
        dashboard = self.env["ar.credit.dashboard"].browse(action["res_id"])
        mine = dashboard.top_line_ids.filtered(lambda line: line.partner_id in self.big | self.small)
        self.assertEqual(mine.mapped("partner_id"), self.big | self.small)  # ordered by overdue amount
        self.assertEqual(mine.mapped("amount"), [1000.0, 300.0])
        self.assertLessEqual(len(dashboard.top_line_ids), 10)
        buckets = {line.name: line.amount for line in dashboard.bucket_line_ids}
        self.assertGreaterEqual(buckets["31-60"], 1000.0)
        self.assertGreaterEqual(buckets["Current"], 200.0)
        self.assertAlmostEqual(sum(buckets.values()), dashboard.total_receivables)
        self.assertGreaterEqual(dashboard.total_overdue, 1300.0)
        # the confirmed, not invoiced order adds to the exposure
        self.assertAlmostEqual(dashboard.total_exposure - dashboard.total_receivables, 50.0)
        self.assertEqual(dashboard.blocked_order_count, 1)
        action = dashboard.action_open_blocked_orders()
        self.assertEqual(action["res_model"], "sale.order")
