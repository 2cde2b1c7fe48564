from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.ar_credit_control.tests.common import ArCreditHttpCommon
from odoo.addons.ar_credit_control.tests.currency_common import CompanyCurrencyMixin

from .common import ArDunningCommon


class FeeAmountChecks:
    """Dunning amounts in the company currency's precision.

    A percentage late fee is rounded half away from zero as Odoo rounds money
    (2.5 % of ``overdue`` falls half-way between two amounts of the currency);
    a payment plan's installments are whole amounts of the currency that add
    up to the balance (``plan_total`` in three: ``installments``).
    """

    allow_inherited_tests_method = True  # the checks below run in each currency's class
    overdue = fee = plan_total = installments = None

    def test_plan_installments_in_the_currency_precision(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, self.plan_total, days_overdue=10)
        plan = self.env["ar.payment.plan"].create(
            {"partner_id": debtor.id, "move_ids": [(6, 0, invoice.ids)], "installment_count": 3}
        )
        plan.action_generate_installments()
        self.assertEqual(plan.installment_ids.mapped("amount"), self.installments)
        plan.action_activate()  # refused unless the installments add up to the open balance
        self.assertEqual(plan.state, "active")

    def test_percent_fee_invoiced_in_the_currency_precision(self):
        self.level_60.write({"fee_type": "percent", "fee_percent": 2.5})
        debtor = self._debtor()
        invoice = self._invoice(debtor, self.overdue, days_overdue=self.level_60.days + 1)
        Communication = self.env["ar.dunning.communication"]
        with Communication._ar_server_write():  # as the dunning run makes it
            comm = Communication.create(
                {
                    "partner_id": debtor.id,
                    "contact_id": debtor._ar_dunning_contact().id,
                    "company_id": self.company.id,
                    "policy_id": self.policy.id,
                    "level_id": self.level_60.id,
                    "date": self.today,
                    "move_ids": [(6, 0, invoice.ids)],
                    "amount_due": self.overdue,
                    "state": "to_send",
                }
            )
        comm.action_execute()
        self.assertEqual(comm.state, "sent", comm.error)
        self.assertEqual(comm.fee_move_id.currency_id, self.company.currency_id)
        self.assertEqual(comm.fee_move_id.amount_total, self.fee)


@tagged("post_install", "-at_install")
class TestFeeAmountJPY(FeeAmountChecks, CompanyCurrencyMixin, ArDunningCommon):
    currency_code = "JPY"
    overdue, fee = 100.0, 3.0  # 2.5 -> 3 (not 2)
    plan_total, installments = 1000.0, [333.0, 333.0, 334.0]


@tagged("post_install", "-at_install")
class TestFeeAmountKWD(FeeAmountChecks, CompanyCurrencyMixin, ArDunningCommon):
    currency_code = "KWD"
    overdue, fee = 0.1, 0.003  # 0.0025 -> 0.003 (not 0.002)
    plan_total, installments = 1.0, [0.333, 0.333, 0.334]


class PortalAmountChecks:
    """On the portal, a disputed amount has at most the decimals of the invoice's currency."""

    allow_inherited_tests_method = True  # the checks below run in each currency's class
    refused = accepted = None  # amounts typed by the customer

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("ar_dunning.group_ar_dunning_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer(name="Portal Customer")
        cls.invoice = cls._invoice(cls.customer, 5000)
        contact = cls.env["res.partner"].create(
            {"name": "Portal Contact", "parent_id": cls.customer.id, "email": "ar_portal_cur@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="ar_portal_cur",
            password="ar_portal_cur",
            groups="base.group_portal",
            partner_id=contact.id,
        )

    def _dispute(self, amount):
        page = self.url_open("/my/statement").text
        marker = 'name="csrf_token" value="'
        start = page.index(marker) + len(marker)
        csrf = page[start : page.index('"', start)]
        return self.url_open(
            f"/my/statement/dispute/{self.invoice.id}",
            data={"reason": "Wrong price", "amount": amount, "csrf_token": csrf},
        )

    def test_promise_amount_input_steps_by_the_currency(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open("/my/statement").text
        rounding = self.company.currency_id.rounding
        self.assertRegex(page, rf'id="ar_promise_amount"[^>]* step="{rounding}" min="{rounding}"')

    @mute_logger("odoo.http")
    def test_disputed_amount_in_the_currency_precision(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self._dispute(self.refused)
        self.assertEqual(response.status_code, 400, self.refused)
        self.assertIn(
            f"in {self.currency.name} with at most {self.currency.decimal_places} decimals", response.text
        )
        self.assertFalse(self.env["ar.dispute"].search([("move_id", "=", self.invoice.id)]))
        response = self._dispute(self.accepted)
        self.assertEqual(response.status_code, 200, self.accepted)
        dispute = self.env["ar.dispute"].search([("move_id", "=", self.invoice.id)])
        self.assertEqual(dispute.amount, float(self.accepted))


@tagged("post_install", "-at_install")
class TestPortalAmountJPY(PortalAmountChecks, CompanyCurrencyMixin, ArCreditHttpCommon):
    currency_code = "JPY"
    refused, accepted = "100.5", "100"  # no decimals for the yen


@tagged("post_install", "-at_install")
class TestPortalAmountKWD(PortalAmountChecks, CompanyCurrencyMixin, ArCreditHttpCommon):
    currency_code = "KWD"
    refused, accepted = "1.2345", "1.234"  # three decimals for the dinar
