from odoo.tests import tagged

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestDunningDataQuality(ArDunningCommon):
    """With ar_dunning the data-quality report checks the email of the dunning contact."""

    def _found(self):
        report = self.env["ar.data.quality.report"].with_user(self.credit_manager).create({})
        issues = report.issue_ids.filtered(lambda issue: issue.check_code == "no_dunning_email")
        return report, set(issues.mapped("res_id"))

    def test_dunning_contact_email(self):
        clean = self._debtor("Clean Debtor")
        silent = self._debtor("Silent Debtor", email=False)
        silent_contact = silent.child_ids.filtered(lambda child: child.type == "dunning")
        # no dunning contact: the invoice address counts, and it has an email
        billed = self._customer(name="Billed", email=False)
        self.env["res.partner"].create(
            {"name": "Billing", "parent_id": billed.id, "type": "invoice", "email": "bill@example.com"}
        )
        for partner in clean | silent | billed:
            self._invoice(partner, 100)
        report, found = self._found()
        self.assertIn(silent_contact.id, found)
        self.assertNotIn(silent.id, found)
        self.assertFalse(found & set((clean | clean.child_ids | billed | billed.child_ids).ids))
        codes = [check.code for check in report._data_quality_checks()]
        self.assertIn("no_dunning_email", codes)
        self.assertNotIn("no_invoice_email", codes)
        issue = report.issue_ids.filtered(lambda i: i.res_id == silent_contact.id)
        self.assertEqual(issue.severity, "high")
        action = issue.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", silent_contact.id))
