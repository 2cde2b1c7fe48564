import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.tests import tagged

from ..tools import kpi_rules
from .common import ArCreditCommon, ArTransactionCase


@tagged("post_install", "-at_install")
class TestKpiRules(ArTransactionCase):
    def test_worked_examples(self):
        # the examples of the docstrings and of readme/USAGE.md
        self.assertAlmostEqual(kpi_rules.dso_simple(120000, 360000, 90), 30.0)
        self.assertAlmostEqual(kpi_rules.best_possible_dso(90000, 360000, 90), 22.5)
        self.assertAlmostEqual(kpi_rules.average_days_delinquent(30.0, 22.5), 7.5)
        # (100,000 + 360,000 - 120,000) / (100,000 + 360,000 - 90,000) * 100 = 340,000 / 370,000 * 100
        self.assertAlmostEqual(
            kpi_rules.collection_effectiveness_index(100000, 360000, 120000, 90000), 91.8918919
        )
        self.assertAlmostEqual(kpi_rules.collection_rate(340000, 100000, 360000), 73.9130435)
        self.assertAlmostEqual(kpi_rules.share_overdue(30000, 120000), 25.0)
        # 150,000 > March 100,000 -> 31 days, 50,000 left; February: 50,000 / 80,000 * 28 = 17.5
        self.assertAlmostEqual(kpi_rules.dso_countback(150000, [(100000, 31), (80000, 28)]), 48.5)

    def test_undefined(self):
        self.assertIsNone(kpi_rules.dso_simple(100, 0, 30))
        self.assertIsNone(kpi_rules.collection_effectiveness_index(0, 0, 0, 0))
        self.assertIsNone(kpi_rules.dso_countback(1000, [(100, 31)]))
        self.assertEqual(kpi_rules.dso_countback(0, []), 0.0)
        self.assertIsNone(kpi_rules.average_days_delinquent(None, 3.0))


@tagged("post_install", "-at_install")
class TestKpiReport(ArCreditCommon):
    """Period 2025-01-01 .. 2025-03-31 (90 days) of one customer."""

    @classmethod
    def _invoice_on(cls, partner, amount, invoice_date, due, move_type="out_invoice"):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer(limit=1000.0, name="KPI Customer")
        invoice_a = cls._invoice_on(cls.customer, 1000.0, date(2024, 12, 15), date(2025, 1, 14))
        cls._pay(invoice_a, 600.0, date=date(2025, 2, 10))
        cls._invoice_on(cls.customer, 2000.0, date(2025, 3, 20), date(2025, 4, 19))  # B: current at 3/31
        cls._invoice_on(cls.customer, 500.0, date(2025, 2, 1), date(2025, 3, 3))  # C: overdue at 3/31
        cls._invoice_on(cls.customer, 200.0, date(2025, 3, 25), date(2025, 4, 24), "out_refund")  # R
        invoice_d = cls._invoice_on(cls.customer, 800.0, date(2025, 1, 10), date(2025, 2, 9))
        cls._pay(invoice_d, 800.0, date=date(2025, 3, 5))
        cls.kpi = cls.env["ar.credit.kpi"].create(
            {"partner_id": cls.customer.id, "date_from": date(2025, 1, 1), "date_to": date(2025, 3, 31)}
        )

    def test_inputs(self):
        kpi = self.kpi
        self.assertEqual(kpi.days, 90)  # 31 + 28 + 31
        self.assertAlmostEqual(kpi.beginning_receivables, 1000.0)  # A on 2024-12-31
        self.assertAlmostEqual(kpi.credit_sales, 3100.0)  # 2000 + 500 - 200 + 800
        self.assertAlmostEqual(kpi.collections, 1400.0)  # 600 + 800
        self.assertAlmostEqual(kpi.ending_receivables, 2700.0)  # 400 + 2000 + 500 - 200
        self.assertAlmostEqual(kpi.ending_current, 1800.0)  # 2000 - 200
        self.assertAlmostEqual(kpi.ending_overdue, 900.0)  # 400 + 500

    def test_kpis(self):
        kpi = self.kpi
        self.assertAlmostEqual(kpi.dso, 2700 / 3100 * 90, delta=0.005)  # 78.39
        self.assertAlmostEqual(kpi.best_dso, 1800 / 3100 * 90, delta=0.005)  # 52.26
        self.assertAlmostEqual(kpi.average_days_delinquent, 900 / 3100 * 90, delta=0.005)  # 26.13
        # (1000 + 3100 - 2700) / (1000 + 3100 - 1800) * 100 = 1400 / 2300 * 100
        self.assertAlmostEqual(kpi.cei, 60.869565, delta=0.005)
        self.assertAlmostEqual(kpi.collection_rate, 1400 / 4100 * 100, delta=0.005)  # 34.15
        self.assertAlmostEqual(kpi.share_overdue, 900 / 2700 * 100, delta=0.005)  # 33.33
        # 2700: March 1800 -> 31 days, 900 left; February 500 -> 59 days, 400 left; January 400 / 800 * 31
        self.assertAlmostEqual(kpi.dso_countback, 31 + 28 + 15.5, delta=0.005)
        self.assertEqual(kpi.over_limit_count, 1)  # exposure 2700 over the limit of 1000
        self.assertEqual(len(kpi.grade_line_ids), 1)
        self.assertEqual(kpi.grade_line_ids.customer_count, 1)
        self.assertAlmostEqual(kpi.grade_line_ids.receivables, 2700.0)

    def test_xlsx_export(self):
        action = self.kpi.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertEqual(attachment.res_model, "ar.credit.kpi")
        rows = list(
            openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True).active.iter_rows(
                values_only=True
            )
        )
        self.assertEqual(rows[2], ("Indicator", "Value"))
        values = dict(rows[3:])
        self.assertAlmostEqual(values["CEI (%)"], 1400 / 2300 * 100, delta=0.005)
        self.assertAlmostEqual(values["Credit Sales"], 3100.0)
