from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestInsuredReceivables(ArInsuranceCommon):
    """Insured amount = min(open amount, buyer's cover shared oldest first) x indemnity %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")  # 1 USD (company, policy) = 2 EUR
        cls.d_old = cls.today - timedelta(days=40)
        cls.d_new = cls.today - timedelta(days=10)

    def _inv(self, buyer, amount, invoice_date=None, due_days=30, **kwargs):
        invoice_date = invoice_date or self.d_new
        return self._invoice_on(
            buyer, amount, invoice_date, invoice_date + timedelta(days=due_days), **kwargs
        )

    def test_within_limit(self):
        buyer = self._buyer()
        self._limit(buyer, 50000)
        invoice = self._inv(buyer, 30000)
        self._refresh()
        line = self._line(invoice)
        self.assertRecordValues(
            line,
            [
                {
                    "open_amount": 30000,
                    "covered_amount": 30000,
                    "insured_amount": 27000,
                    "uninsured_amount": 3000,
                }
            ],
        )

    def test_above_limit_oldest_first(self):
        buyer = self._buyer()
        self._limit(buyer, 40000)
        newer = self._inv(buyer, 25000, invoice_date=self.d_new)
        older = self._inv(buyer, 30000, invoice_date=self.d_old)
        self._refresh()
        # the older invoice takes 30,000 of the cover, the newer the 10,000 left
        self.assertEqual(self._line(older).covered_amount, 30000)
        self.assertEqual(self._line(older).insured_amount, 27000)
        self.assertEqual(self._line(newer).covered_amount, 10000)
        self.assertEqual(self._line(newer).insured_amount, 9000)
        self.assertEqual(self._line(newer).uninsured_amount, 16000)
        exposure = self.env["ar.insurance.exposure"].search([("partner_id", "=", buyer.id)])
        self.assertRecordValues(
            exposure,
            [{"invoice_count": 2, "open_amount": 55000, "insured_amount": 36000, "uninsured_amount": 19000}],
        )

    def test_no_decision_discretionary(self):
        buyer = self._buyer()
        pending = self._buyer(name="Pending")
        self._limit(pending, 80000, granted=0, state="requested")
        invoice = self._inv(buyer, 10000)
        big = self._inv(pending, 30000)
        self._refresh()
        self.assertEqual(self._line(invoice).insured_amount, 9000)
        # a request without an answer: the discretionary limit of 25,000 applies
        self.assertEqual(self._line(big).insured_amount, 22500)

    def test_refused_and_cancelled(self):
        refused = self._buyer(name="Refused")
        self._limit(refused, 20000, granted=0, state="refused")
        cancelled = self._buyer(name="Cancelled")
        self._limit(cancelled, 20000, state="approved").action_cancel()
        invoice_r = self._inv(refused, 10000)
        invoice_c = self._inv(cancelled, 10000)
        self._refresh()
        self.assertEqual(self._line(invoice_r).insured_amount, 0)
        self.assertEqual(self._line(invoice_r).uninsured_amount, 10000)
        self.assertEqual(self._line(invoice_c).insured_amount, 0)

    def test_foreign_currency(self):
        buyer = self._buyer()
        self._limit(buyer, 50000)
        invoice = self._inv(buyer, 10000, currency=self.eur)
        self._refresh()
        # 10,000 EUR booked at 2 EUR per USD = 5,000 USD; x 90 % = 4,500
        self.assertRecordValues(self._line(invoice), [{"open_amount": 5000, "insured_amount": 4500}])

    def test_partial_payment(self):
        buyer = self._buyer()
        self._limit(buyer, 50000)
        invoice = self._inv(buyer, 10000)
        self._pay(invoice, 4000)
        self._refresh()
        self.assertRecordValues(self._line(invoice), [{"open_amount": 6000, "insured_amount": 5400}])
        self._pay(invoice, 6000)
        self._refresh()
        self.assertFalse(self.Receivable.search([("move_id", "=", invoice.id)]))

    def test_credit_note(self):
        buyer = self._buyer()
        self._limit(buyer, 50000)
        invoice = self._inv(buyer, 10000, invoice_date=self.d_old)
        later = self._inv(buyer, 2000)
        self._inv(buyer, 3000, move_type="out_refund")
        self._refresh()
        # the open credit note of 3,000 reduces the oldest invoice first
        self.assertRecordValues(self._line(invoice), [{"open_amount": 7000, "insured_amount": 6300}])
        self.assertRecordValues(self._line(later), [{"open_amount": 2000, "insured_amount": 1800}])

    def test_disputed_amount_not_insured(self):
        buyer = self._buyer()
        self._limit(buyer, 50000)
        invoice = self._inv(buyer, 10000)
        with patch.object(type(self.Receivable), "_get_disputed_amounts", return_value={invoice.id: 4000.0}):
            self._refresh()
        self.assertRecordValues(
            self._line(invoice), [{"disputed_amount": 4000, "open_amount": 6000, "insured_amount": 5400}]
        )

    def test_disputes_of_ar_dunning(self):
        buyer = self._buyer()
        self._limit(buyer, 50000)
        invoice = self._inv(buyer, 10000)
        if "ar.dispute" not in self.env:  # ar_dunning not installed: nothing is disputed
            self.assertEqual(self.Receivable._get_disputed_amounts(invoice.ids), {})
            return
        dispute = (
            self.env["ar.dispute"]
            .sudo()
            .create({"move_id": invoice.id, "amount": 2500, "reason": "Damaged goods"})
        )
        self._refresh()
        self.assertRecordValues(self._line(invoice), [{"open_amount": 7500, "insured_amount": 6750}])
        self.env.user.groups_id += self.env.ref("ar_dunning.group_ar_dunning_user")  # a collector resolves it
        dispute.action_resolve()
        self._refresh()
        self.assertRecordValues(self._line(invoice), [{"open_amount": 10000, "insured_amount": 9000}])

    def test_country_and_period_scope(self):
        self.policy.country_ids = self.env.ref("base.fr")
        german = self._buyer(name="German", country="base.de")
        french = self._buyer(name="French")
        self._inv(german, 1000)
        before = self._inv(french, 1000, invoice_date=self.policy.date_start - timedelta(days=1))
        inside = self._inv(french, 1000)
        self._refresh()
        self.assertFalse(self.Receivable.search([("partner_id", "=", german.id)]))
        self.assertEqual(self.Receivable.search([("partner_id", "=", french.id)]).move_id, inside)
        self.assertNotIn(before, self.Receivable.search([]).move_id)

    def test_partner_insured_limit_and_assessment(self):
        buyer = self._buyer()
        limit = self._limit(buyer, 60000, granted=40000, state="partly_approved")
        self.assertRecordValues(
            buyer,
            [
                {
                    "insurance_limit": 40000,
                    "insurance_limit_status": "partly_approved",
                    "insurance_limit_count": 1,
                }
            ],
        )
        contact = self.env["res.partner"].create({"name": "Contact", "parent_id": buyer.id})
        self.assertEqual(contact.insurance_limit, 40000)
        assessment = self.env["ar.credit.assessment"].create({"partner_id": buyer.id})
        self.assertEqual(assessment.recommended_limit, 40000)
        self.assertEqual(assessment._get_recommended_limit_inputs()["insured_limit"], 40000)
        limit.action_refuse()
        buyer.invalidate_recordset()
        self.assertRecordValues(buyer, [{"insurance_limit": 0, "insurance_limit_status": "refused"}])
        other = self.env["ar.credit.assessment"].create({"partner_id": buyer.id})
        self.assertNotIn("override_limit", other._get_recommended_limit_inputs())
        unknown = self._buyer(name="Unknown")
        self.assertRecordValues(
            unknown, [{"insurance_limit": 25000, "insurance_limit_status": "discretionary"}]
        )

    def test_one_open_limit_per_buyer(self):
        buyer = self._buyer()
        self._limit(buyer, 10000)
        with self.assertRaises(ValidationError):
            self._limit(buyer, 20000, granted=0, state="requested")
        self._limit(buyer, 20000, granted=0, state="refused")
        with self.assertRaises(ValidationError):
            self._limit(self._buyer(), 1000, granted=2000)

    def test_invoice_on_instalments_is_overdue_from_its_first_instalment(self):
        """A 30/60/90 invoice whose first instalment is 45 days late: overdue by its late instalments.

        The insured receivable, the overdue notification and the exposure report count each
        instalment from its own due date (``receivables``), not from the invoice's last one.
        """
        term = self.env["account.payment.term"].create(
            {
                "name": "30/60/90",
                "company_id": self.company.id,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": percent, "nb_days": days})
                    for percent, days in ((33.33, 30), (33.33, 60), (33.34, 90))
                ],
            }
        )
        buyer = self._buyer()
        self._limit(buyer, 50000)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": buyer.id,
                "invoice_date": self.today - timedelta(days=75),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": 3000, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        first, second, _third = invoice.line_ids.filtered("date_maturity").sorted("date_maturity")
        late = first.amount_residual + second.amount_residual
        self._refresh()
        line = self._line(invoice)
        self.assertEqual(
            (line.due_date, line.days_overdue, line.open_amount), (first.date_maturity, 45, 3000.0)
        )
        self.assertEqual(line.overdue_amount, late)
        notifications = self.env["ar.insurance.notification"]
        notifications._update_for_policy(self.policy)
        notification = notifications.search([("partner_id", "=", buyer.id)])
        self.assertEqual(
            (notification.amount_overdue, notification.oldest_due_date), (late, first.date_maturity)
        )
        exposure = self.env["ar.insurance.exposure"].search([("partner_id", "=", buyer.id)])
        self.assertAlmostEqual(exposure.overdue_amount, late)
