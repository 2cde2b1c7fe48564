from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    """The demo tells a story: two years of payments, so analytic screens show figures at first login."""

    def test_two_years_of_paid_invoices_early_on_time_and_late(self):
        behaviour = self.env["ar.payment.behaviour"]
        customers = {
            xmlid: self.env.ref(f"ar_credit_control.{xmlid}")
            for xmlid in ("demo_customer_01", "demo_customer_05", "demo_customer_15")
        }
        first = behaviour.search(
            [("partner_id", "in", [c.id for c in customers.values()])], order="payment_date", limit=1
        )
        two_years_ago = self.env.company._ar_today() - relativedelta(months=20)
        self.assertLessEqual(first.payment_date, two_years_ago, "the history goes back about two years")
        late = {
            xmlid: behaviour._read_group(
                [("partner_id", "=", customer.id)], [], ["days_late:avg", "__count"]
            )[0]
            for xmlid, customer in customers.items()
        }
        self.assertGreaterEqual(late["demo_customer_01"][1], 18, "an invoice a month, paid")
        # the early payer, the slightly late one and the very late one read in that order
        self.assertLess(late["demo_customer_01"][0], late["demo_customer_05"][0])
        self.assertLess(late["demo_customer_05"][0], late["demo_customer_15"][0])
        self.assertGreater(late["demo_customer_15"][0], 30)

    def test_history_is_settled_credit_notes_and_partial_payments_included(self):
        """The history leaves nothing open (today's receivables are the demo's own invoices)."""
        company = self.env.ref("base.main_company")
        cutoff = company._ar_today() - relativedelta(years=1)
        history = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("invoice_line_ids.name", "=", "Goods and services"),
                ("invoice_date", "<", cutoff),
            ]
        )
        self.assertTrue(history)
        self.assertEqual(set(history.mapped("payment_state")) - {"paid", "in_payment"}, set())
        self.assertTrue(history.reversal_move_ids, "some invoices were credited in part")
        partly = history.filtered(lambda move: len(move._get_reconciled_payments()) > 1)
        self.assertTrue(partly, "some invoices were paid in two parts")
