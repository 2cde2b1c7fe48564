from datetime import timedelta

from odoo.tests import tagged

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestDunningInsolvency(ArDunningCommon):
    """A customer under an open insolvency case is not dunned; the worklist says why."""

    def _open_case(self, partner, company=None):
        case = self.env["ar.insolvency.case"].create(
            {"partner_id": partner.id, "company_id": (company or self.company).id, "case_type": "liquidation"}
        )
        case.action_open()
        return case

    def test_run_skips_customer_while_case_open(self):
        debtor, healthy = self._debtor(), self._debtor(name="Healthy", email="ap@healthy.example.com")
        self._invoice(debtor, 500, days_overdue=10)
        self._invoice(healthy, 500, days_overdue=10)
        self._run()
        self.assertEqual(self._comms(debtor).level_id, self.level_7)
        case = self._open_case(debtor)
        later = self.today + timedelta(days=25)
        self._run(date=later)
        self.assertEqual(len(self._comms(debtor)), 1, "no reminder while the case is open")
        self.assertEqual(self._comms(healthy)[-1].level_id, self.level_30, "other customers dunned as usual")
        status = self.env["ar.dunning.customer"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(status.insolvency_case_id, case)
        insolvent = self.env["ar.dunning.customer"].search([("insolvency_case_id", "!=", False)])
        self.assertIn(status, insolvent)
        self.assertNotIn(self.env["ar.dunning.customer"].search([("partner_id", "=", healthy.id)]), insolvent)
        case.write({"close_reason": "Composition agreed, customer paying again"})
        case.action_close()
        status.invalidate_recordset(["insolvency_case_id"])
        self.assertFalse(status.insolvency_case_id)
        self._run(date=later + timedelta(days=1))
        self.assertEqual(self._comms(debtor)[-1].level_id, self.level_30, "dunning resumes once closed")

    def test_pending_reminders_cancelled_at_opening(self):
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=70)
        self._run()
        comm = self._comms(debtor)
        self.assertEqual((comm.level_id, comm.state), (self.level_60, "to_send"))
        case = self._open_case(debtor)
        self.assertEqual(comm.state, "cancelled")
        self.assertTrue(any("1 pending reminder(s) cancelled" in (m.body or "") for m in case.message_ids))

    def test_case_in_another_company_does_not_stop_dunning_here(self):
        other = self.setup_other_company()["company"]
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        self._open_case(debtor, company=other)
        self._run()
        self.assertEqual(self._comms(debtor).level_id, self.level_7)
        status = self.env["ar.dunning.customer"].search([("partner_id", "=", debtor.id)])
        self.assertFalse(status.insolvency_case_id)
