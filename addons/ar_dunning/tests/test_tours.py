from odoo.tests import new_test_user, tagged

from odoo.addons.ar_credit_control.tests.common import ArCreditHttpCommon

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestDunningTours(ArDunningCommon, ArCreditHttpCommon):
    """The dunning worklist, clicked by a collections manager in a real browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="ar_tour_accountant",
            groups="account.group_account_manager,ar_dunning.group_ar_dunning_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        manual = cls.env["ar.dunning.policy"].create({"name": "Tour dunning", "company_id": cls.company.id})
        cls.env["ar.dunning.level"].create(
            {
                "policy_id": manual.id,
                "name": "Reviewed reminder",
                "days": 10,
                "send_email": True,
                "mail_template_id": cls.reminder.id,
                "auto_execute": False,
            }
        )
        cls.debtor = cls._debtor(name="Tour Debtor")
        cls.debtor.with_company(cls.company).ar_dunning_policy_id = manual
        cls._invoice(cls.debtor, 700, days_overdue=20)

    def test_worklist_tour(self):
        self.start_tour(
            "/odoo",
            "ar_dunning_worklist_tour",
            login=self.accountant.login,
        )
        comm = self._comms(self.debtor)
        self.assertEqual(len(comm), 1)
        self.assertEqual((comm.level_id.name, comm.state), ("Reviewed reminder", "sent"))
        mails = self._mails(self.debtor)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, "outgoing")
