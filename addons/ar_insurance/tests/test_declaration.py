import base64
import io
from datetime import date

import openpyxl

from odoo.tests import tagged

from .common import ArInsuranceCommon


@tagged("post_install", "-at_install")
class TestDeclaration(ArInsuranceCommon):
    """Turnover declaration lines (SQL) and their XLSX export."""

    def test_lines_and_xlsx(self):
        self.policy.write(
            {
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "premium_rate": 0.5,
                "declaration_frequency": "monthly",
                "country_ids": [(6, 0, (self.env.ref("base.fr") | self.env.ref("base.de")).ids)],
            }
        )
        french = self._buyer(name="Aaa French", vat="FR23334175221")
        german = self._buyer(name="Bbb German", country="base.de")
        swiss = self._buyer(name="Ccc Swiss", country="base.ch")
        eur = self.setup_other_currency("EUR")  # 2 EUR per USD
        self._invoice_on(french, 10000, date(2026, 3, 5), date(2026, 4, 5))
        self._invoice_on(french, 4000, date(2026, 3, 20), date(2026, 4, 20), currency=eur)  # 2,000 USD
        self._invoice_on(french, 1000, date(2026, 3, 25), date(2026, 4, 25), move_type="out_refund")
        self._invoice_on(german, 8000, date(2026, 3, 31), date(2026, 4, 30))
        self._invoice_on(german, 5000, date(2026, 4, 1), date(2026, 5, 1))  # next period
        self._invoice_on(swiss, 9000, date(2026, 3, 10), date(2026, 4, 10))  # country not covered
        declaration = self.env["ar.insurance.declaration"].create(
            {"policy_id": self.policy.id, "date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
        )
        declaration.action_compute_lines()
        # French: 10,000 + 2,000 - 1,000 = 11,000 (2 invoices); German: 8,000 (1 invoice)
        self.assertRecordValues(
            declaration.line_ids.sorted(lambda line: line.partner_id.name),
            [
                {"partner_id": french.id, "invoice_count": 2, "turnover": 11000, "premium": 55},
                {"partner_id": german.id, "invoice_count": 1, "turnover": 8000, "premium": 40},
            ],
        )
        self.assertRecordValues(declaration, [{"turnover": 19000, "premium": 95, "invoice_count": 3}])

        action = declaration.action_export_xlsx()
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertEqual((attachment.res_model, attachment.res_id), (declaration._name, declaration.id))
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas))).active
        self.assertEqual((sheet["A1"].value, sheet["B1"].value), ("Policy", "POL-T"))
        self.assertEqual(sheet["B2"].value, "Insurer")
        self.assertEqual(sheet["B3"].value, "2026-03-01 - 2026-03-31")
        self.assertEqual(
            [cell.value for cell in sheet[6]],
            ["Buyer", "Buyer VAT", "Country", "Invoices", "Turnover", "Premium"],
        )
        self.assertEqual(sheet.freeze_panes, "A7")
        rows = {sheet.cell(row, 1).value: row for row in range(7, 10)}
        french_row = rows[french.name]
        self.assertEqual(
            [sheet.cell(french_row, col).value for col in range(1, 7)],
            [french.name, "FR23334175221", "FR", 2, 11000, 55],
        )
        self.assertEqual(
            sheet.cell(french_row, 5).number_format, "#,##0.00;-#,##0.00"
        )  # the currency's decimals
        self.assertEqual([sheet.cell(9, col).value for col in (1, 4, 5, 6)], ["Total", 3, 19000, 95])
        self.assertIsNone(sheet.cell(10, 1).value)
