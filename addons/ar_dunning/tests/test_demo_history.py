from datetime import timedelta

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDunningDemoHistory(TransactionCase):
    """The demo's collections have a past: promises kept and broken, disputes decided, one promise open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.today = cls.company._ar_today()
        cls.promises = cls.env["ar.payment.promise"].search([("company_id", "=", cls.company.id)])

    def setUp(self):
        super().setUp()
        if not self.env["ir.module.module"]._get("ar_dunning").demo:
            self.skipTest("the demo data is not loaded")

    def _paid_on(self, invoice):
        """Date of the last payment matched with ``invoice`` (its credit notes left out)."""
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        partials = receivable.matched_credit_ids.filtered(
            lambda p: p.credit_move_id.move_id.move_type == "entry"
        )
        return max(partials.mapped("max_date"))

    def _days_late(self, promises):
        """Average days late of the customers of ``promises`` over their payment history."""
        [(average,)] = self.env["ar.payment.behaviour"]._read_group(
            [("partner_id", "in", promises.partner_id.ids)], [], ["days_late:avg"]
        )
        return average

    def test_promises_kept_and_broken_over_the_history(self):
        history = self.promises.filtered(lambda p: p.date < self.today)
        kept = history.filtered(lambda p: p.state == "kept")
        broken = history.filtered(lambda p: p.state == "broken")
        self.assertGreaterEqual(len(kept), 4, "good payers kept their promises")
        self.assertGreaterEqual(len(broken), 4, "late payers broke theirs")
        self.assertEqual(history - kept - broken, history.browse(), "the daily check decided them all")
        self.assertLess(self._days_late(kept), self._days_late(broken), "the late payers break them")
        self.assertLessEqual(min(history.mapped("date")), self.today - timedelta(days=365), "over two years")
        for promise in history:
            self.assertEqual(len(promise.move_ids), 1)
            self.assertEqual(promise.move_ids.payment_state in ("paid", "in_payment"), True, "paid since")
            self.assertGreater(promise.residual_at_promise, 0, "made while the invoice was open")
            self.assertLessEqual(promise.create_date.date(), promise.date, "made before its date")
        for promise in kept:
            self.assertLessEqual(self._paid_on(promise.move_ids), promise.date, "paid by the promised date")
        for promise in broken:
            self.assertLess(promise.date, self._paid_on(promise.move_ids), "paid after the promised date")
            # the server's check escalated the broken promise on the day after its date, as it does
            escalation = self.env["ar.dunning.communication"].search(
                [("move_ids", "in", promise.move_ids.ids), ("date", "=", promise.date + timedelta(days=1))]
            )
            self.assertEqual(escalation.state, "sent", "the reminder went out back then")
            self.assertEqual(escalation.sent_date.date(), escalation.date)

    def test_disputes_decided_in_the_history(self):
        disputes = self.env["ar.dispute"].search([("company_id", "=", self.company.id)])
        closed = disputes.filtered(lambda d: d.state in ("resolved", "rejected"))
        self.assertEqual(set(closed.mapped("state")), {"resolved", "rejected"})
        for dispute in closed:
            self.assertLess(dispute.date, dispute.date_closed)
            self.assertLess(dispute.date_closed, self.today - timedelta(days=90))
            self.assertTrue(dispute.resolution)
        self.assertEqual(self.env.ref("ar_dunning.demo_dispute_01").state, "open", "today's dispute")

    def test_one_promise_open_today(self):
        promise = self.env.ref("ar_dunning.demo_promise_open")
        self.assertEqual(self.promises.filtered(lambda p: p.state == "open"), promise)
        self.assertGreater(promise.date, self.today)
        self.assertEqual(promise.move_ids, self.env.ref("ar_credit_control.demo_invoice_05_2"))
        dashboard = self.env["ar.credit.dashboard"].create({"company_id": self.company.id})
        self.assertEqual(dashboard.open_promise_count, 1, "the dashboard counts it")

    def test_todays_open_items_are_the_demo_invoices(self):
        """The history leaves nothing open, nothing to send and no failed reminder."""
        demo_invoices = self.env["account.move"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "ar_credit_control"), ("model", "=", "account.move")])
            .mapped("res_id")
        )
        customers = demo_invoices.partner_id
        open_lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("partner_id", "in", customers.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ]
        )
        self.assertEqual(open_lines.move_id, demo_invoices)
        for customer in customers:
            mine = demo_invoices.filtered(lambda m, customer=customer: m.partner_id == customer)
            self.assertAlmostEqual(
                sum(
                    open_lines.filtered(lambda line, c=customer: line.partner_id == c).mapped(
                        "amount_residual"
                    )
                ),
                sum(mine.mapped("amount_total")),
            )
        comms = self.env["ar.dunning.communication"].search([("company_id", "=", self.company.id)])
        self.assertEqual(comms.filtered(lambda c: c.state != "sent"), comms.browse())
        self.assertTrue(all(c.date < self.today - timedelta(days=90) for c in comms), "history only")
