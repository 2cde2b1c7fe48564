import io
from datetime import timedelta

import openpyxl

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools.aging_rules import AgingBucketError, parse_buckets
from .common import ArCreditCommon, ArTransactionCase


@tagged("post_install", "-at_install")
class TestAgingRules(ArTransactionCase):
    def test_default_buckets(self):
        buckets = parse_buckets("0,30,60,90,120")
        self.assertEqual(buckets.labels(), ["Current", "1-30", "31-60", "61-90", "91-120", ">120"])
        self.assertEqual(
            [buckets.index(days) for days in (-5, 0, 1, 30, 31, 120, 121)], [0, 0, 1, 1, 2, 4, 5]
        )

    def test_bad_buckets(self):
        for text in ("0,30,30", "30,10", "-1,30", "a,b", "", "0,1,2,3,4,5,6"):
            with self.assertRaises(AgingBucketError, msg=text):
                parse_buckets(text)

    def test_company_validation(self):
        with self.assertRaises(ValidationError):
            self.env.company.ar_aging_buckets = "0,60,30"
        self.env.company.ar_aging_buckets = "0,45"
        self.assertEqual(self.env.company._ar_aging_labels(), ["Current", "1-45", ">45"])


@tagged("post_install", "-at_install")
class TestAgingReport(ArCreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer(name="Aging Customer", user_id=cls.rep.id)
        cls.other = cls._customer(name="Other Customer")
        cls.as_of = cls.today - timedelta(days=20)
        # due 40 days ago: 20 days past due at as_of (1-30), 40 days today (31-60)
        cls.invoice = cls._invoice(cls.customer, 1000.0, days_overdue=40)
        cls._pay(cls.invoice, 100.0, date=cls.as_of - timedelta(days=1))  # before as_of: counts
        cls._pay(cls.invoice, 400.0, date=cls.today - timedelta(days=5))  # after as_of: ignored then
        cls.later = cls._invoice(cls.other, 300.0, days_overdue=-10)  # dated today, after as_of
        cls.not_due = cls._invoice(cls.other, 200.0, days_overdue=-60)  # dated today, not due

    def _lines(self, date):
        wizard = self.env["ar.aging.report.wizard"].create({"date": date})
        action = wizard.action_open_report()
        return wizard, self.env["ar.aging.report.line"].search(action["domain"])

    def test_aging_as_of_past_date(self):
        _wizard, lines = self._lines(self.as_of)
        mine = lines.filtered(lambda line: line.move_id == self.invoice)
        self.assertEqual(len(mine), 1)
        self.assertAlmostEqual(mine.amount_residual, 900.0)  # 1000 - 100 (the 400 came later)
        self.assertEqual(mine.bucket, "b1")
        self.assertEqual(mine.days_overdue, 20)
        self.assertEqual(mine.user_id, self.rep)
        self.assertFalse(lines.filtered(lambda line: line.move_id in (self.later | self.not_due)))

    def test_aging_today(self):
        _wizard, lines = self._lines(self.today)
        mine = lines.filtered(lambda line: line.move_id == self.invoice)
        self.assertAlmostEqual(mine.amount_residual, 500.0)  # 1000 - 100 - 400
        self.assertEqual(mine.bucket, "b2")
        self.assertEqual(self.invoice.amount_residual, 500.0)
        other = lines.filtered(lambda line: line.partner_id == self.other)
        self.assertEqual(sorted(other.mapped("bucket")), ["b0", "b0"])
        self.assertAlmostEqual(sum(other.mapped("amount_residual")), 500.0)
        # the report agrees with Odoo's own residuals today
        self.assertAlmostEqual(
            sum(
                lines.filtered(lambda line: line.partner_id in self.customer | self.other).mapped(
                    "amount_residual"
                )
            ),
            sum((self.invoice | self.later | self.not_due).mapped("amount_residual")),
        )

    def test_pivot_reads_buckets(self):
        _wizard, lines = self._lines(self.as_of)
        groups = self.env["ar.aging.report.line"].read_group(
            [("id", "in", lines.ids)], ["amount_residual:sum"], ["bucket"]
        )
        self.assertTrue(groups)

    def test_xlsx_export(self):
        wizard = self.env["ar.aging.report.wizard"].create({"date": self.today})
        action = wizard.action_export_xlsx()
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        self.assertTrue(action["url"].endswith("?download=true"))
        attachment = self.env["ir.attachment"].browse(attachment_id)
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        header = rows[2]
        self.assertEqual(header, ("Customer", "Current", "1-30", "31-60", "61-90", "91-120", ">120", "Total"))
        by_name = {row[0]: row for row in rows[3:]}
        self.assertEqual(by_name["Aging Customer"][3], 500.0)
        self.assertEqual(by_name["Aging Customer"][7], 500.0)
        self.assertEqual(by_name["Other Customer"][1], 500.0)
        total = rows[-1]
        self.assertEqual(total[0], "Total")
        self.assertAlmostEqual(total[7], sum(row[7] for row in rows[3:-1]))
        self.assertAlmostEqual(total[1], sum(row[1] for row in rows[3:-1]))
