from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.misc import formatLang

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestReminderSms(ArDunningCommon):
    """A level's SMS: queued through Odoo's sms module, to a checked number, in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sms_template = cls.env.ref("ar_dunning.sms_template_dunning_reminder")
        cls.level_7.write({"send_sms": True, "sms_template_id": cls.sms_template.id, "create_activity": True})
        cls.debtor = cls._debtor("Texted Ltd", country_id=cls.env.ref("base.cn").id, mobile="138 0013 8000")
        cls.inv_a = cls._invoice(cls.debtor, 1000, days_overdue=12)
        cls.inv_b = cls._invoice(cls.debtor, 400, days_overdue=9)

    def _sms(self, partner):
        comms = self._comms(partner)
        return self.env["sms.sms"].search(
            [("mail_message_id.model", "=", comms._name), ("mail_message_id.res_id", "in", comms.ids)]
        )

    def test_sms_queued_with_number_and_text(self):
        self._run()
        comm = self._comms(self.debtor)
        self.assertEqual((comm.level_id, comm.state, comm.error), (self.level_7, "sent", False))
        sms = self._sms(self.debtor)
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "outgoing", "queued for Odoo's SMS cron, not sent by the run")
        self.assertEqual(sms.partner_id, self.debtor)
        self.assertEqual(sms.number, "+8613800138000", "the mobile, formatted as Odoo's SMS does")
        self.assertEqual((comm.sms_number, comm.sudo().sms_id), (sms.number, sms))
        self.assertIn(f"{self.company.name}: friendly reminder, 2 invoice(s) overdue", sms.body)
        self.assertIn(formatLang(self.env, 1400, currency_obj=self.currency), sms.body)
        self.assertIn(f"{comm.get_base_url()}/my/invoices", sms.body)
        self.assertEqual(comm.sms_preview, sms.body, "the form shows the text sent")
        self.assertIn("SMS", comm.channels)
        self.assertEqual(sms.mail_message_id.message_type, "sms", "logged on the communication's chatter")

    def test_sms_in_chinese_for_a_chinese_customer(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["ar_dunning"], ["zh_CN"], overwrite=True)
        self.debtor.lang = "zh_CN"
        self._run()
        sms = self._sms(self.debtor)
        self.assertEqual(len(sms), 1)
        self.assertIn(f"{self.company.name}：温馨提醒，您有2张发票已逾期", sms.body)
        amount = formatLang(
            self.env["res.partner"].with_context(lang="zh_CN").env, 1400, currency_obj=self.currency
        )
        self.assertIn(f"共计{amount}", sms.body)
        self.assertNotIn("friendly reminder", sms.body)

    def test_no_number_records_the_failure_and_does_the_rest(self):
        self.debtor.mobile = False
        self._run()
        comm = self._comms(self.debtor)
        self.assertEqual(comm.state, "sent", "the other actions of the level happen")
        self.assertEqual(comm.error, "No mobile number for customer Texted Ltd: SMS not sent.")
        self.assertFalse(self._sms(self.debtor))
        self.assertFalse(comm.sms_number)
        self.assertTrue(comm.mail_id, "the email is queued all the same")
        self.assertTrue(comm.activity_user_id, "and the activity scheduled")
        self.assertEqual(self.inv_a.dunning_level_id, self.level_7)
        self.assertIn("No mobile number for customer Texted Ltd", comm.run_id.log)

    def test_invalid_number_records_the_failure(self):
        self.debtor.mobile = "12"
        self._run()
        comm = self._comms(self.debtor)
        self.assertEqual(comm.state, "sent")
        self.assertEqual(comm.error, "No valid mobile number for customer Texted Ltd (12): SMS not sent.")
        self.assertFalse(self._sms(self.debtor))

    def test_phone_when_no_mobile(self):
        self.debtor.write({"mobile": False, "phone": "021 5555 0101"})
        self._run()
        self.assertEqual(self._sms(self.debtor).number, "+862155550101")

    def test_run_executed_again_sends_one_sms(self):
        run = self._run()
        comm = self._comms(self.debtor)
        with run._ar_server_write():
            run.state = "running"  # resumed, e.g. after a crash
        with self._no_commit():
            run._execute()
        self._run()  # and another run the same day
        with comm._ar_server_write():
            comm._execute()  # a worker executing the communication again
        self.assertEqual(len(self._comms(self.debtor)), 1)
        self.assertEqual(len(self._sms(self.debtor)), 1)

    def test_sms_level_needs_its_template(self):
        with self.assertRaises(ValidationError):
            self.level_30.send_sms = True
        self.level_30.write({"send_sms": True, "sms_template_id": self.sms_template.id})
        self.assertEqual(self.level_30.sms_template_id, self.sms_template)

    def test_collector_reviews_and_sends_the_sms(self):
        """A collector (no SMS or template rights) sees the SMS in the preview and executes it."""
        self.level_7.auto_execute = False
        self.debtor.with_company(self.company).ar_collector_id = self.collector
        self._run()
        comm = self._comms(self.debtor).with_user(self.collector)
        self.assertEqual(comm.state, "to_send")
        self.assertFalse(self._sms(self.debtor), "nothing queued before the review")
        preview = comm.sms_preview
        self.assertIn("2 invoice(s) overdue", preview)
        comm.action_execute()
        sms = self._sms(self.debtor)
        self.assertEqual((comm.state, len(sms), sms.body), ("sent", 1, preview))
