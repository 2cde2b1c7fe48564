import io
from datetime import date, timedelta

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ArCreditCommon


@tagged("post_install", "-at_install")
class TestProvision(ArCreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.allowance = Account.create(
            {"name": "Allowance for doubtful receivables", "code": "1231AR", "account_type": "asset_current"}
        )
        cls.bad_debt = Account.create(
            {"name": "Bad-debt expense", "code": "6702AR", "account_type": "expense"}
        )
        cls.journal = cls.company_data["default_journal_misc"]
        cls.company.write(
            {
                "ar_allowance_account_id": cls.allowance.id,
                "ar_bad_debt_account_id": cls.bad_debt.id,
                "ar_provision_journal_id": cls.journal.id,
            }
        )
        cls.accountant = new_test_user(
            cls.env,
            login="ar_test_accountant",
            groups="base.group_user,account.group_account_manager,ar_credit_control.group_ar_credit_user",
            company_id=cls.company.id,
        )
        cls.matrix = cls.env["ar.provision.matrix"].create(
            {"name": "Age matrix", "company_id": cls.company.id}
        )
        cls.matrix.action_load_cn_template()

    def _run(self, as_of, matrix=None, company=None):
        run = self.env["ar.provision.run"].create(
            {
                "date": as_of,
                "company_id": (company or self.company).id,
                "matrix_id": (matrix or self.matrix).id,
            }
        )
        run.with_user(self.credit_manager).action_compute()
        return run

    def _balance(self, account):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        )
        return sum(lines.mapped("balance"))

    def test_template_buckets(self):
        lines = self.matrix._ordered_lines()
        self.assertEqual(lines.mapped("days_from"), [0, 366, 731, 1096])
        self.assertEqual(lines.mapped("days_to"), [365, 730, 1095, 0])
        self.assertEqual(lines.mapped("base_rate"), [5.0, 10.0, 30.0, 100.0])
        self.assertEqual(lines[-1].name, "Over 1095 days")
        # rates can be edited; the adjustment applies on top of them
        lines[0].base_rate = 6.0
        self.matrix.write({"adjustment_mode": "points", "adjustment_value": 2.0})
        self.assertEqual(lines.mapped("rate"), [8.0, 12.0, 32.0, 100.0])
        self.matrix.write({"adjustment_mode": "factor", "adjustment_value": 1.5})
        self.assertEqual(lines.mapped("rate"), [9.0, 15.0, 45.0, 100.0])

    def test_one_active_matrix_per_company(self):
        with self.assertRaises(ValidationError):
            self.env["ar.provision.matrix"].create({"name": "Second", "company_id": self.company.id})
        other = self.setup_other_company()["company"]
        self.env["ar.provision.matrix"].create({"name": "Other", "company_id": other.id})
        archived = self.env["ar.provision.matrix"].create(
            {"name": "Old", "company_id": self.company.id, "active": False}
        )
        self.assertFalse(archived.active)

    def test_worked_example(self):
        """Age matrix 5/10/30/100 %: two customers, four buckets."""
        alpha = self._customer(name="Alpha Trading")
        beta = self._customer(name="Beta Works")
        self._invoice(alpha, 5000.0, days_overdue=10)  # under 1 year: 5 %
        self._invoice(alpha, 12000.0, days_overdue=400)  # 1-2 years: 10 %
        self._invoice(beta, 2000.0, days_overdue=800)  # 2-3 years: 30 %
        self._invoice(beta, 1000.0, days_overdue=1200)  # over 3 years: 100 %
        run = self._run(self.today)
        self.assertEqual(run.state, "computed")
        got = {
            (line.partner_id, line.rate): (line.amount, line.provision, line.arithmetic)
            for line in run.line_ids
        }
        self.assertEqual(
            got,
            {
                (alpha, 5.0): (5000.0, 250.0, "5,000.00 × 5 % = 250.00"),
                (alpha, 10.0): (12000.0, 1200.0, "12,000.00 × 10 % = 1,200.00"),
                (beta, 30.0): (2000.0, 600.0, "2,000.00 × 30 % = 600.00"),
                (beta, 100.0): (1000.0, 1000.0, "1,000.00 × 100 % = 1,000.00"),
            },
        )
        # 250 + 1,200 + 600 + 1,000 = 3,050, nothing posted before
        self.assertEqual(run.total_amount, 20000.0)
        self.assertEqual(run.total_provision, 3050.0)
        self.assertEqual(run.difference, 3050.0)
        run.with_user(self.accountant).action_post()
        self.assertEqual(run.state, "posted")
        self.assertEqual(run.move_id.state, "posted")
        self.assertEqual(run.move_id.journal_id, self.journal)
        self.assertEqual(self._balance(self.bad_debt), 3050.0)
        self.assertEqual(self._balance(self.allowance), -3050.0)
        self.assertTrue(run.message_ids.filtered(lambda message: "3,050.00" in (message.body or "")))

        content = run._xlsx_content()
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
        self.assertIn(
            (
                "Alpha Trading",
                self.matrix._ordered_lines()[1].name,
                12000,
                10,
                1200,
                "12,000.00 × 10 % = 1,200.00",
            ),
            rows,
        )
        self.assertEqual(rows[-1][0], "Total")
        self.assertEqual((rows[-1][2], rows[-1][4]), (20000, 3050))

    def test_difference_posting_and_reversal(self):
        customer = self._customer(name="Slow Payer")
        invoice = self._invoice(customer, 10000.0, days_overdue=400)
        first = self._run(self.today - timedelta(days=60))  # 340 days past due: 5 % = 500
        self.assertEqual(first.total_provision, 500.0)
        first.with_user(self.accountant).action_post()
        second = self._run(self.today)  # 400 days past due: 10 % = 1,000
        self.assertEqual(
            (second.total_provision, second.previous_run_id, second.difference), (1000.0, first, 500.0)
        )
        second.with_user(self.accountant).action_post()
        move = second.move_id
        self.assertEqual(move.line_ids.filtered(lambda line: line.account_id == self.bad_debt).debit, 500.0)
        self.assertEqual(move.line_ids.filtered(lambda line: line.account_id == self.allowance).credit, 500.0)
        self.assertEqual(self._balance(self.allowance), -1000.0)

        # reversal: back to the first provision, and the next run differs from it again
        second.with_user(self.accountant).action_reverse()
        self.assertEqual(second.state, "reversed")
        self.assertEqual(second.reversal_move_id.reversed_entry_id, move)
        self.assertEqual(self._balance(self.allowance), -500.0)
        self.assertEqual(self._balance(self.bad_debt), 500.0)
        with self.assertRaises(UserError):
            first.with_user(self.accountant).action_post()  # already posted

        # the customer pays 6,000: 4,000 × 10 % = 400, a release of 100 against the first run
        self._pay(invoice, 6000.0)
        third = self._run(self.today)
        self.assertEqual(
            (third.total_provision, third.previous_run_id, third.difference), (400.0, first, -100.0)
        )
        third.with_user(self.accountant).action_post()
        self.assertEqual(
            third.move_id.line_ids.filtered(lambda line: line.account_id == self.allowance).debit, 100.0
        )
        self.assertEqual(self._balance(self.allowance), -400.0)
        self.assertEqual(self._balance(self.bad_debt), 400.0)

        # same figures again: nothing to post, and the chatter says so
        fourth = self._run(self.today)
        fourth.with_user(self.accountant).action_post()
        self.assertEqual((fourth.state, fourth.difference), ("posted", 0.0))
        self.assertFalse(fourth.move_id)
        self.assertTrue(fourth.message_ids.filtered(lambda message: "no entry" in (message.body or "")))
        self.assertEqual(self._balance(self.allowance), -400.0)
        # only the latest posted run can be reversed
        with self.assertRaises(UserError):
            third.with_user(self.accountant).action_reverse()

    def test_roll_rates_from_history(self):
        """Buckets 0-30, 31-60, 61-90, over 90 days; month ends January to April 2025."""
        matrix = self.env["ar.provision.matrix"].create(
            {
                "name": "Roll rates",
                "company_id": self.company.id,
                "active": False,
                "history_date": date(2025, 4, 30),
                "history_months": 3,
                "line_ids": [
                    Command.create({"days_from": start, "base_rate": 0.0}) for start in (0, 31, 61, 91)
                ],
            }
        )
        customer = self._customer(name="History Customer")

        def invoice(amount, due):  # dated on its due date
            return self._invoice(customer, amount, days_overdue=(self.today - due).days)

        inv_a = invoice(1000.0, date(2025, 1, 20))
        inv_b = invoice(2000.0, date(2025, 2, 20))
        invoice(500.0, date(2025, 3, 25))
        self._pay(inv_a, 400.0, date=date(2025, 2, 15))
        self._pay(inv_b, 1500.0, date=date(2025, 3, 10))
        self._pay(inv_b, 500.0, date=date(2025, 4, 5))
        # A: Jan 11 days (b0) 1,000; Feb 39 days (b1) 600; Mar 70 (b2) 600; Apr 100 (b3) 600
        # B: Feb 8 days (b0) 2,000; Mar 39 (b1) 500; Apr paid. C: Mar 6 days (b0) 500; Apr 36 (b1) 500
        ends, balances = matrix._month_end_balances()
        self.assertEqual(ends[0], date(2025, 1, 31))
        self.assertEqual(
            balances,
            [
                [1000.0, 0.0, 0.0, 0.0],
                [2000.0, 600.0, 0.0, 0.0],
                [500.0, 500.0, 600.0, 0.0],
                [0.0, 500.0, 0.0, 600.0],
            ],
        )
        matrix.action_derive_rates()
        roll_0 = 100.0 * (600.0 + 500.0 + 500.0) / (1000.0 + 2000.0 + 500.0)
        roll_1 = 100.0 * (600.0 + 0.0) / (600.0 + 500.0)
        roll_2 = 100.0 * 600.0 / 600.0
        lines = matrix._ordered_lines()
        for line, expected in zip(lines, [roll_0, roll_1, roll_2, 0.0], strict=True):
            self.assertAlmostEqual(line.roll_rate, expected, places=4)  # stored with 4 decimals
        expected_losses = [roll_0 * roll_1 * roll_2 / 10000.0, roll_1 * roll_2 / 100.0, roll_2, 100.0]
        for line, expected in zip(lines, expected_losses, strict=True):
            self.assertAlmostEqual(line.base_rate, expected, places=4)
        self.assertEqual(matrix.method, "roll_rate")

    def test_only_accountants_post(self):
        self._invoice(self._customer(name="Late"), 3000.0, days_overdue=500)
        run = self._run(self.today)
        with self.assertRaises(AccessError):
            run.with_user(self.credit_manager).action_post()
        self.assertEqual(run.state, "computed")
        self.assertFalse(run.move_id)
        with self.assertRaises(AccessError):
            run.with_user(self.rep).action_compute()
        run.with_user(self.accountant).action_post()
        with self.assertRaises(AccessError):
            run.with_user(self.credit_manager).action_reverse()
        self.assertEqual(run.state, "posted")

    def test_views_and_reset(self):
        for model in ("ar.provision.matrix", "ar.provision.run"):
            self.assertIn("<form", self.env[model].get_view(view_type="form")["arch"])
        for view_type in ("pivot", "graph", "list"):
            self.assertTrue(self.env["ar.provision.line"].get_view(view_type=view_type)["arch"])
        self._invoice(self._customer(name="Late"), 3000.0, days_overdue=500)
        run = self._run(self.today)
        with self.assertRaises(UserError):
            run.date = self.today - timedelta(days=1)  # computed figures would no longer match the date
        run.action_reset_draft()
        self.assertEqual((run.state, len(run.line_ids), run.total_provision), ("draft", 0, 0.0))
        run.date = self.today - timedelta(days=1)
        run.action_compute()
        self.assertEqual(run.total_provision, 300.0)  # 499 days past due: 3,000 × 10 %

    def test_single_bucket_flat_rate(self):
        self._invoice(self._customer(name="Flat A"), 1000.0, days_overdue=5)
        self._invoice(self._customer(name="Flat B"), 3000.0, days_overdue=900)
        flat = self.env["ar.provision.matrix"].create(
            {
                "name": "Flat 2 %",
                "company_id": self.company.id,
                "active": False,
                "line_ids": [Command.create({"days_from": 0, "base_rate": 2.0})],
            }
        )
        run = self._run(self.today, matrix=flat)
        self.assertEqual(run.line_ids.mapped("bucket"), ["All receivables"] * 2)
        self.assertEqual(run.total_provision, 80.0)  # 4,000 × 2 %

    def test_missing_accounts(self):
        self._invoice(self._customer(name="Late"), 3000.0, days_overdue=500)
        run = self._run(self.today)
        self.company.ar_bad_debt_account_id = False
        with self.assertRaisesRegex(UserError, "bad-debt expense account"):
            run.with_user(self.accountant).action_post()
        self.assertEqual(run.state, "computed")
        self.assertFalse(run.move_id)

    def test_multi_company_isolation(self):
        customer = self._customer(name="Shared Customer")
        self._invoice(customer, 8000.0, days_overdue=400)
        other = self.setup_other_company()["company"]
        other_matrix = self.env["ar.provision.matrix"].create({"name": "Other", "company_id": other.id})
        other_matrix.action_load_cn_template()
        other_invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": self.today - timedelta(days=800),
                    "invoice_date_due": self.today - timedelta(days=800),
                    "invoice_line_ids": [
                        Command.create({"name": "Goods", "quantity": 1, "price_unit": 700.0, "tax_ids": []})
                    ],
                }
            )
        )
        other_invoice.action_post()
        mine = self._run(self.today)
        mine.with_user(self.accountant).action_post()
        theirs = (
            self.env["ar.provision.run"]
            .with_company(other)
            .create({"date": self.today, "company_id": other.id, "matrix_id": other_matrix.id})
        )
        theirs.action_compute()
        self.assertEqual((mine.total_amount, mine.total_provision), (8000.0, 800.0))
        self.assertEqual((theirs.total_amount, theirs.total_provision), (700.0, 210.0))
        self.assertFalse(theirs.previous_run_id)  # the other company's posted run does not count
        self.assertEqual(theirs.difference, 210.0)
        runs = self.env["ar.provision.run"].with_user(self.credit_manager).search([])
        self.assertEqual(runs, mine)
        lines = self.env["ar.provision.line"].with_user(self.credit_manager).search([])
        self.assertEqual(lines, mine.line_ids)
        with self.assertRaises(AccessError):
            theirs.with_user(self.credit_manager).read(["total_provision"])
        with self.assertRaises(UserError):
            self.env["ar.provision.run"].create(
                {"date": self.today, "company_id": self.company.id, "matrix_id": other_matrix.id}
            )
