import contextlib
from unittest.mock import patch

from odoo.tests import new_test_user

from odoo.addons.ar_credit_control.tests.common import ArCreditCommon

from ..models.ar_dunning_run import ArDunningRun


class ArDunningCommon(ArCreditCommon):
    """A company with a dunning policy of four levels, customers with a dunning contact, and run helpers."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("ar_dunning.group_ar_dunning_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reminder = cls.env.ref("ar_dunning.mail_template_dunning_reminder")
        cls.final = cls.env.ref("ar_dunning.mail_template_dunning_final")
        cls.collector = new_test_user(
            cls.env,
            login="ar_test_collector",
            groups="base.group_user,ar_dunning.group_ar_dunning_user",
            company_id=cls.company.id,
        )
        cls.policy = cls.env["ar.dunning.policy"].create(
            {"name": "Test dunning", "company_id": cls.company.id}
        )
        cls.level_7 = cls._level(7, "Reminder", send_email=True, mail_template_id=cls.reminder.id)
        cls.level_30 = cls._level(
            30,
            "Letter",
            send_letter=True,
            create_activity=True,
            min_amount=100,
            min_days_since_previous=5,
        )
        cls.level_60 = cls._level(
            60,
            "Final",
            send_email=True,
            mail_template_id=cls.final.id,
            set_credit_hold=True,
            fee_type="fixed",
            fee_amount=40,
            auto_execute=False,
        )
        cls.company.ar_dunning_policy_id = cls.policy

    @classmethod
    def _level(cls, days, name, **vals):
        return cls.env["ar.dunning.level"].create(
            {"policy_id": cls.policy.id, "name": name, "days": days, "min_days_since_previous": 0, **vals}
        )

    @classmethod
    def _debtor(cls, name="Debtor", email="ap@debtor.example.com", **vals):
        """A customer with a dunning contact of its own."""
        partner = cls._customer(name=name, email="info@debtor.example.com", **vals)
        cls.env["res.partner"].create(
            {"name": f"{name} AP", "parent_id": partner.id, "type": "dunning", "email": email}
        )
        return partner

    @contextlib.contextmanager
    def _no_commit(self):
        with patch.object(ArDunningRun, "_commit", lambda run: None):
            yield

    def _run(self, date=None, **vals):
        """Create and execute a run of the test company (no commits)."""
        run = self.env["ar.dunning.run"].create(
            {"company_id": self.company.id, "date": date or self.today, **vals}
        )
        with self._no_commit():
            run._execute()
        return run

    def _comms(self, partner):
        return self.env["ar.dunning.communication"].search([("partner_id", "=", partner.id)], order="id")

    def _mails(self, partner):
        """The reminder emails of ``partner``: sent from its communications."""
        comms = self.env["ar.dunning.communication"].search([("partner_id", "=", partner.id)])
        return self.env["mail.mail"].search([("model", "=", comms._name), ("res_id", "in", comms.ids)])
