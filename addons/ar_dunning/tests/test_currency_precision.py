from odoo.tests import tagged

from odoo.addons.ar_credit_control.tests.currency_common import CompanyCurrencyMixin

from .common import ArDunningCommon


class FeeAmountChecks:
    """A percentage late fee is rounded with the company currency, half away from zero as Odoo rounds money.

    2.5 % of ``overdue`` falls half-way between two amounts of the currency.
    """

    allow_inherited_tests_method = True  # the checks below run in each currency's class
    overdue = fee = None

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


@tagged("post_install", "-at_install")
class TestFeeAmountKWD(FeeAmountChecks, CompanyCurrencyMixin, ArDunningCommon):
    currency_code = "KWD"
    overdue, fee = 0.1, 0.003  # 0.0025 -> 0.003 (not 0.002)
