from odoo.tests import tagged

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestPaymentRiskWorklist(ArDunningCommon):
    """The dunning level as a risk feature, and the worklist by expected loss."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a large invoice a few days overdue, and a smaller one long overdue (late for sure)
        cls.large = cls._debtor(name="Large Debtor")
        cls.large_invoice = cls._invoice(cls.large, 5000, days_overdue=9)
        cls.old = cls._debtor(name="Old Debtor")
        cls.old_invoice = cls._invoice(cls.old, 2000, days_overdue=40)
        cls.small = cls._debtor(name="Small Debtor")
        cls.small_invoice = cls._invoice(cls.small, 300, days_overdue=8)
        cls.risk_model = cls.env["ar.payment.risk.model"]._for_company(cls.company)

    def _statuses(self, order):
        return self.env["ar.dunning.customer"].search(
            [("partner_id", "in", (self.large | self.old | self.small).ids)], order=order
        )

    def test_dunning_level_is_a_feature(self):
        not_due = self._invoice(self.old, 700, days_overdue=-10)
        self._run()
        features = self.risk_model._ar_risk_features()
        self.assertEqual(features[-1].name, "dunning_level")
        rows = self.risk_model._ar_feature_rows(
            self.company, features, move_ids=(self.old_invoice | not_due).ids
        )
        level = {move_id: values[-1] for move_id, _days, values in rows}
        self.assertGreaterEqual(level[self.old_invoice.id], 1.0)
        self.assertEqual(level[not_due.id], 0.0)

    def test_worklist_sorted_by_expected_loss(self):
        self._run()
        self.risk_model.action_refresh_scores()
        statuses = self._statuses("expected_loss desc, id")
        self.assertEqual(statuses.partner_id, self.old | self.large | self.small)
        # ordered differently from the overdue amount
        self.assertEqual(
            self._statuses("overdue_amount desc, id").partner_id, self.large | self.old | self.small
        )
        for status in statuses:
            invoices = self.env["account.move"].search([("commercial_partner_id", "=", status.partner_id.id)])
            self.assertEqual(status.expected_loss, sum(invoices.mapped("ar_expected_loss")))
            self.assertTrue(status.expected_loss > 0)
        old_status = statuses[0]
        self.assertEqual(self.old_invoice.ar_late_probability, 1.0)
        self.assertEqual(old_status.expected_loss, 2000)
        self.assertEqual(old_status.risk_reasons, self.old_invoice.ar_risk_reasons)
        self.assertIn("Days overdue so far", old_status.risk_reasons)
        self.assertIn("Dunning level reached", old_status.risk_reasons)

    def test_expected_loss_view_sorts_by_expected_loss(self):
        action = self.env.ref("ar_dunning.ar_dunning_customer_action_expected_loss")
        arch = self.env["ar.dunning.customer"].get_view(action.view_id.id, "list")["arch"]
        self.assertIn('default_order="expected_loss desc', arch)
        self.assertIn('name="risk_reasons"', arch)
