"""The dunning level an invoice and each of its instalments reached is the run's, never a client's.

A collector or billing user who could lower it would make the next run send the friendly
reminder again instead of the final notice (or skip the credit hold of a higher level).
"""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestDunningCoreServerFields(ArDunningCommon):
    def test_levels_and_last_date_refused(self):
        self.collector.groups_id += self.env.ref("account.group_account_invoice")  # a collector who bills
        partner = self._debtor()
        invoice = self._invoice(partner, 500, days_overdue=10)
        self._run()
        self.assertEqual(invoice.dunning_level_id, self.level_7)
        as_collector = invoice.with_user(self.collector)
        for vals in (
            {"dunning_level_id": self.level_60.id},
            {"dunning_level_id": False},
            {"dunning_last_date": "2020-01-01"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, next(iter(vals))):
                as_collector.sudo().write(vals)
        item = invoice.line_ids.filtered(lambda line: line.dunning_level_id)
        self.assertTrue(item)
        with self.assertRaisesRegex(AccessError, "dunning_level_id"):
            item.with_user(self.collector).sudo().write({"dunning_level_id": False})
        self.assertEqual(invoice.dunning_level_id, self.level_7)
        self.assertEqual(item.dunning_level_id, self.level_7)
        # the exclusion stays the collector's decision, not any billing user's
        billing = new_test_user(
            self.env, login="ar_test_billing_clerk", groups="base.group_user,account.group_account_invoice"
        )
        with self.assertRaisesRegex(AccessError, "collections team"):
            invoice.with_user(billing).write({"dunning_excluded": True})
        self.assertFalse(invoice.dunning_excluded)
        as_collector.write({"dunning_excluded": True})
        self.assertTrue(invoice.dunning_excluded)
