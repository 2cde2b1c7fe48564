from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import ArDunningCommon


@tagged("post_install", "-at_install")
class TestCompanyRights(ArDunningCommon):
    """Promises and plans pause the dunning only in their own company (issue 15, item 6).

    ``check_company`` refuses a promise or plan of company B on company A's
    invoices; should one exist anyway (data from before the check, SQL), the
    run of company A still duns the invoice.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Rights B"})
        cls.env.user.company_ids |= cls.company_b

    def _move_to_company_b(self, record):
        """Put ``record`` in company B behind the ORM's back, as old or imported data could be."""
        record.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET company_id = %s WHERE id = %s",
                SQL.identifier(record._table),
                self.company_b.id,
                record.id,
            )
        )
        record.invalidate_recordset()

    def test_promise_of_another_company_refused(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 500, days_overdue=10)
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["ar.payment.promise"].create(
                {
                    "partner_id": debtor.id,
                    "company_id": self.company_b.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "date": self.today + timedelta(days=5),
                    "amount": 500,
                }
            )

    def test_promise_of_another_company_does_not_pause(self):
        debtor = self._debtor()
        self._invoice(debtor, 500, days_overdue=10)
        promise = self.env["ar.payment.promise"].create(
            {"partner_id": debtor.id, "date": self.today + timedelta(days=5), "amount": 500}
        )
        self._move_to_company_b(promise)
        self._run()
        self.assertTrue(self._comms(debtor), "a promise of company B does not stop company A's dunning")

    def test_plan_of_another_company_does_not_pause(self):
        debtor = self._debtor()
        invoice = self._invoice(debtor, 900, days_overdue=10)
        plan = self.env["ar.payment.plan"].create(
            {"partner_id": debtor.id, "move_ids": [(6, 0, invoice.ids)], "installment_count": 3}
        )
        plan.action_generate_installments()
        plan.action_activate()
        self._move_to_company_b(plan)
        self._run()
        self.assertTrue(self._comms(debtor), "a plan of company B does not stop company A's dunning")
