from odoo.tests import tagged

from .common import ArCreditCommon
from .currency_common import CompanyCurrencyMixin


class InsolvencyAmountsChecks:
    """The expected dividend and loss of an insolvency case are rounded with the company currency.

    ``claim`` x 50 % falls half-way between two amounts of the currency: Odoo
    rounds money half away from zero, so the dividend is ``dividend``.
    """

    allow_inherited_tests_method = True  # the checks below run in each currency's class
    receivable = claim = dividend = None

    def test_expected_dividend_and_loss(self):
        customer = self._customer()
        self._invoice(customer, self.receivable, days_overdue=10)
        case = (
            self.env["ar.insolvency.case"]
            .with_user(self.credit_manager)
            .create({"partner_id": customer.id, "case_type": "liquidation"})
        )
        case.action_open()
        case.write({"amount_claim": self.claim, "dividend_percent": 50.0})
        case.action_file_claim()
        self.assertEqual(case.amount_receivable, self.receivable)
        self.assertEqual(case.amount_expected, self.dividend)
        self.assertEqual(
            case.amount_expected_loss, self.company.currency_id.round(self.receivable - self.dividend)
        )


@tagged("post_install", "-at_install")
class TestInsolvencyAmountsJPY(InsolvencyAmountsChecks, CompanyCurrencyMixin, ArCreditCommon):
    currency_code = "JPY"
    receivable, claim, dividend = 2000.0, 1001.0, 501.0  # 500.5 -> 501 (not 500)


@tagged("post_install", "-at_install")
class TestInsolvencyAmountsKWD(InsolvencyAmountsChecks, CompanyCurrencyMixin, ArCreditCommon):
    currency_code = "KWD"
    receivable, claim, dividend = 2.0, 1.001, 0.501  # 0.5005 -> 0.501 (not 0.5)
