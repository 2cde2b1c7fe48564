from datetime import date

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
        self.assertEqual((early.days_to_pay, early.days_late, early.pay_bucket), (10, -20, "0_15"))

    def test_average_days_late_per_month(self):
        groups = self.env["ar.payment.behaviour"].read_group(
            [("partner_id", "=", self.customer.id)], ["days_late:avg"], ["payment_date:month"]
        )
        self.assertEqual([group["days_late"] for group in groups], [15, -20])
        buckets = self.env["ar.payment.behaviour"].read_group(
            [("partner_id", "=", self.customer.id)], ["days_to_pay:avg"], ["pay_bucket"]
        )
        self.assertEqual(
            {group["pay_bucket"]: group["pay_bucket_count"] for group in buckets}, {"0_15": 1, "31_60": 1}
        )

    def test_partner_button(self):
        action = self.env.ref("ar_credit_control.ar_payment_behaviour_action")
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn(f"{action.id}", arch)
        self.assertIn("search_default_partner_id", arch)
