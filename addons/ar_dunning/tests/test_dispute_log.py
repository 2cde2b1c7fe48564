from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestDisputeLog(ArDunningCommon):
    """Disputes take invoices out of dunning; the collection log is seen from customer and invoice."""

    def test_dispute_lifecycle(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 800, days_overdue=10)
        dispute = self.env["ar.dispute"].create({"move_id": invoice.id, "reason": "Not delivered"})
        self.assertEqual((dispute.partner_id, dispute.amount, dispute.state), (debtor, 800, "open"))
        self.assertEqual(invoice.dispute_id, dispute)
        self.assertEqual(debtor.ar_dispute_count, 1)
        self._run()
        self.assertFalse(self._comms(debtor))
        dispute.action_resolve()
        self.assertFalse(invoice.dispute_id)
        self.assertTrue(dispute.date_closed)
        self._run(date=self.today + timedelta(days=1))
        self.assertEqual(self._comms(debtor).move_ids, invoice, "back in the dunning once resolved")

    def test_dispute_amount_checked(self):
        invoice = self._invoice(self._debtor(), 100, days_overdue=10)
        with self.assertRaisesRegex(ValidationError, "between 0 and the invoice total"):
            self.env["ar.dispute"].create({"move_id": invoice.id, "reason": "x", "amount": 150})

    def test_dispute_invoice_is_fixed(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 800, days_overdue=10)
        other = self._invoice(debtor, 300, days_overdue=40)
        dispute = self.env["ar.dispute"].create({"move_id": invoice.id, "reason": "Not delivered"})
        self.collector.groups_id |= self.env.ref("account.group_account_invoice")  # billing, as collectors
        collector = dispute.with_user(self.collector)
        with self.assertRaisesRegex(UserError, "invoice of a dispute is fixed"):
            collector.write({"move_id": other.id})
        collector.write({"move_id": invoice.id, "reason": "Not delivered, twice"})
        self.assertEqual((dispute.move_id, other.dispute_id), (invoice, self.env["ar.dispute"]))

    def test_collection_log_on_partner_and_invoice(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 100, days_overdue=10)
        log = (
            self.env["ar.collection.log"]
            .with_user(self.collector)
            .create(
                {"partner_id": debtor.id, "move_id": invoice.id, "channel": "call", "result": "Pays Friday"}
            )
        )
        self.assertEqual((log.user_id, log.company_id), (self.collector, self.company))
        self.assertEqual(debtor.ar_collection_log_count, 1)
        self.assertEqual(invoice.collection_log_count, 1)
        self.assertEqual(debtor.action_ar_open_collection_log()["domain"], [("partner_id", "=", debtor.id)])

    def test_collector_rights(self):
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        self._run()
        comm = self._comms(debtor).with_user(self.collector)
        self.assertEqual(comm.state, "sent")
        with self.assertRaises(AccessError):
            self.env["ar.dunning.run"].with_user(self.collector).create({"company_id": self.company.id})
        with self.assertRaises(AccessError):
            self.policy.with_user(self.collector).name = "Mine"

    def test_companies_do_not_see_each_other(self):
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        self._run()
        other = self.env["res.company"].create({"name": "Other Co"})
        self.collector.write({"company_ids": [(6, 0, other.ids)], "company_id": other.id})
        comms = self.env["ar.dunning.communication"].with_user(self.collector).search([])
        self.assertFalse(comms)
