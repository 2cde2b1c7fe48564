from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ArDunningCommon

CONTACTS = "base.group_user,base.group_partner_manager"


@tagged("post_install", "-at_install")
class TestPartnerDunningSettings(ArDunningCommon):
    """A customer's dunning set-up is the collections team's; the last statement date the schedule's."""

    def test_only_the_collections_team_changes_the_dunning_setup(self):
        rep = new_test_user(
            self.env, login="ar_dunning_rep", groups=f"{CONTACTS},sales_team.group_sale_salesman"
        )
        collector = new_test_user(
            self.env,
            login="ar_dunning_setup_collector",
            groups=f"{CONTACTS},ar_dunning.group_ar_dunning_user",
        )
        debtor = self._debtor()
        changes = {
            "ar_dunning_policy_id": self.policy.id,
            "ar_collector_id": rep.id,
            "ar_statement_frequency": "monthly",
        }
        for name, value in changes.items():
            with self.subTest(field=name), self.assertRaises(AccessError):
                debtor.with_user(rep).write({name: value})
            with self.subTest(field=name, on="create"), self.assertRaises(AccessError):
                self.env["res.partner"].with_user(rep).create({"name": "Rep's customer", name: value})
        self.assertEqual(debtor.ar_statement_frequency, "none")
        # what a form sends by default passes; the rest of the customer stays the rep's to edit
        self.env["res.partner"].with_user(rep).create({"name": "Plain", "ar_statement_frequency": "none"})
        debtor.with_user(rep).write({"phone": "+86 21 5555 0000"})
        # the collections team may
        debtor.with_user(collector).write(changes)
        self.assertEqual(debtor.ar_statement_frequency, "monthly")
        with self.assertRaises(AccessError):
            debtor.with_user(collector).write({"ar_statement_last_date": "2026-01-31"})
