from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestPartialDispute(ArDunningCommon):
    """A dispute takes only its amount out of the dunning, from the latest instalments first.

    An invoice of 1,000 on two instalments of 500, both past the first level (20 and 10 days).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.company._ar_today()
        cls.term = cls.env["account.payment.term"].create(
            {
                "name": "Half at 10, half at 20 days",
                "company_id": cls.company.id,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 10}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 20}),
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.debtor = self._debtor()
        date = self.today - timedelta(days=30)
        self.invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.debtor.id,
                "invoice_date": date,
                "date": date,
                "invoice_payment_term_id": self.term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
            }
        )
        self.invoice.action_post()
        lines = self.invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.first, self.second = lines.sorted("date_maturity")
        self.assertEqual((self.first.amount_residual, self.second.amount_residual), (500, 500))

    def _dispute(self, amount):
        return self.env["ar.dispute"].create(
            {"move_id": self.invoice.id, "amount": amount, "reason": "Damaged"}
        )

    def test_disputed_amount_hook(self):
        dispute = self._dispute(300)
        self.assertEqual(
            self.env["account.move"]._ar_disputed_amounts(self.invoice.ids), {self.invoice.id: 300}
        )
        dispute.action_reject()
        self.assertEqual(self.env["account.move"]._ar_disputed_amounts(self.invoice.ids), {})

    def test_partial_dispute_duns_the_rest(self):
        self._dispute(300)
        self._run()
        comm = self._comms(self.debtor)
        self.assertEqual((comm.level_id, comm.move_ids, comm.amount_due), (self.level_7, self.invoice, 700))
        # the dispute is taken from the latest instalment first: 500 + (500 - 300)
        self.assertEqual(
            [(line, days, amount) for line, days, amount in comm._ar_letter_items()],
            [(self.first, 20, 500), (self.second, 10, 200)],
        )
        self.assertEqual(
            [(row["amount_company"], row["amount_residual"]) for row in comm._ar_reminder_items()],
            [(500, 500), (200, 200)],
        )
        status = self.env["ar.dunning.customer"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(status.overdue_amount, 700)

    def test_dispute_over_an_instalment_leaves_it_out(self):
        self._dispute(600)
        self._run()
        comm = self._comms(self.debtor)
        self.assertEqual(comm.amount_due, 400)
        self.assertEqual(
            [(line, amount) for line, _days, amount in comm._ar_letter_items()],
            [(self.first, 400)],
            "the latest instalment, disputed entirely, is not dunned",
        )
        self.assertFalse(self.second.dunning_level_id)

    def test_resolved_dispute_duns_the_whole_invoice(self):
        self._dispute(300).action_resolve()
        self._run()
        self.assertEqual(self._comms(self.debtor).amount_due, 1000)

    def test_letter_follows_the_dispute(self):
        self._run()
        comm = self._comms(self.debtor)
        self.assertEqual(comm.amount_due, 1000)
        dispute = self._dispute(300)
        self.assertEqual([amount for _line, _days, amount in comm._ar_letter_items()], [500, 200])
        dispute.action_resolve()
        self.assertEqual([amount for _line, _days, amount in comm._ar_letter_items()], [500, 500])

    def test_full_dispute_leaves_the_dunning(self):
        self._dispute(1000)
        self._run()
        self.assertFalse(self._comms(self.debtor))
