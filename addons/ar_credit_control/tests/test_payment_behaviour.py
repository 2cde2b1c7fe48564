from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged

from .common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestPaymentBehaviour(ArCreditCommon):
    @classmethod
    def _invoice_on(cls, partner, amount, invoice_date, due):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer(name="Behaviour Customer")
        cls.late = cls._invoice_on(cls.customer, 1000.0, date(2025, 1, 10), date(2025, 2, 9))
        cls._pay(cls.late, 400.0, date=date(2025, 2, 1))
        cls._pay(cls.late, 600.0, date=date(2025, 2, 24))  # last payment: 45 days after, 15 late
        cls.early = cls._invoice_on(cls.customer, 500.0, date(2025, 3, 1), date(2025, 3, 31))
        cls._pay(cls.early, 500.0, date=date(2025, 3, 11))  # 10 days after, 20 early
        cls.open = cls._invoice_on(cls.customer, 300.0, date(2025, 3, 1), date(2025, 3, 31))
        cls.env.flush_all()

    def _rows(self):
        return self.env["ar.payment.behaviour"].search([("partner_id", "=", self.customer.id)])

    def test_days_to_pay(self):
        rows = {row.move_id: row for row in self._rows()}
        self.assertEqual(set(rows), {self.late, self.early})  # the open invoice is not paid
        late, early = rows[self.late], rows[self.early]
        self.assertEqual((late.payment_date, late.days_to_pay, late.days_late), (date(2025, 2, 24), 45, 15))
        self.assertEqual(late.pay_bucket, "31_60")
        self.assertEqual(
            (early.days_to_pay, early.days_late, early.pay_bucket), (10, 0, "0_15"), "paid early: 0 days late"
        )

    def test_average_days_late_per_month(self):
        groups = self.env["ar.payment.behaviour"].read_group(
            [("partner_id", "=", self.customer.id)], ["days_late:avg"], ["payment_date:month"]
        )
        self.assertEqual([group["days_late"] for group in groups], [15, 0])
        buckets = self.env["ar.payment.behaviour"].read_group(
            [("partner_id", "=", self.customer.id)], ["days_to_pay:avg"], ["pay_bucket"]
        )
        self.assertEqual(
            {group["pay_bucket"]: group["pay_bucket_count"] for group in buckets}, {"0_15": 1, "31_60": 1}
        )

    def test_one_days_late_for_instalments(self):
        """An invoice on instalments is as late as its latest instalment, each from its own due date:
        the same figure on this report, on the credit assessment and in the payment risk history."""
        today = self.company._ar_today()
        customer = self._customer(name="Instalment payer")
        term = self.env["account.payment.term"].create(
            {
                "name": "30/60",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=90),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        self._pay(invoice, 500.0, date=today - timedelta(days=40))  # first instalment: 20 days late
        self._pay(invoice, 500.0, date=today - timedelta(days=35))  # second one: 5 days early
        self.env.flush_all()
        row = self.env["ar.payment.behaviour"].search([("move_id", "=", invoice.id)])
        self.assertEqual((row.payment_date, row.days_late), (today - timedelta(days=35), 20))
        scores = {f"{factor}_score": 80 for factor in ("character", "capacity", "capital", "collateral")}
        assessment = self.env["ar.credit.assessment"].create(
            {"partner_id": customer.id, "company_id": self.company.id, "conditions_score": 80, **scores}
        )
        self.assertEqual((assessment.avg_days_late, assessment.worst_days_late), (20, 20))
        later = self._invoice_on(customer, 300.0, today - timedelta(days=5), today + timedelta(days=25))
        model = self.env["ar.payment.risk.model"]
        features = model._ar_risk_features()
        [(_move_id, _days, values)] = model._ar_feature_rows(self.company, features, move_ids=later.ids)
        names = [feature.name for feature in features]
        self.assertEqual(values[names.index("avg_delay")], 20, "the risk model's past average delay")

    def test_partner_button(self):
        action = self.env.ref("ar_credit_control.ar_payment_behaviour_action")
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn(f"{action.id}", arch)
        self.assertIn("search_default_partner_id", arch)
