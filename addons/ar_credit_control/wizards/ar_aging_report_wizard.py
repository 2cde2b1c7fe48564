from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.aging_sql import customer_buckets_sql, open_items_sql
from ..tools.xlsx import currency_format, table_xlsx

GROUP_BY_FIELDS = {
    "partner": "partner_id",
    "salesperson": "user_id",
    "grade": "grade_id",
    "country": "country_id",
    "currency": "currency_id",
}


class ArAgingReportWizard(models.TransientModel):
    """Aging of the receivables as of any date: report lines, pivot, graph and XLSX."""

    _name = "ar.aging.report.wizard"
    _inherit = ["ar.screen.mixin"]
    _description = "Receivables Aging"

    date = fields.Date(string="As Of", required=True, default=lambda self: self.env.company._ar_today())
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    group_by = fields.Selection(
        [
            ("partner", "Customer"),
            ("salesperson", "Salesperson"),
            ("grade", "Credit Grade"),
            ("country", "Country"),
            ("currency", "Currency"),
        ],
        required=True,
        default="partner",
    )
    line_ids = fields.One2many("ar.aging.report.line", "wizard_id", readonly=True)

    def _fill_lines(self):
        """(Re)create the report lines of the wizard with one INSERT ... SELECT."""
        self.ensure_one()
        self.env.flush_all()  # the items are read in SQL
        company = self.company_id
        self.env.cr.execute(SQL("DELETE FROM ar_aging_report_line WHERE wizard_id = %s", self.id))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO ar_aging_report_line
                       (wizard_id, company_id, date, partner_id, user_id, grade_id, country_id, currency_id,
                        move_id, move_line_id, date_maturity, days_overdue, bucket, amount_residual,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(wizard)s, %(company)s, %(date)s, items.partner_id, p.user_id,
                       (p.credit_grade_id ->> %(company_key)s)::int, p.country_id, items.currency_id,
                       items.move_id, items.line_id, items.date_maturity, items.days, 'b' || items.bucket,
                       items.residual, %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM (%(items)s) items
                  JOIN res_partner p ON p.id = items.partner_id
                """,
                wizard=self.id,
                company=company.id,
                date=self.date,
                company_key=str(company.id),
                uid=self.env.uid,
                items=open_items_sql(company.id, self.date, company._ar_aging_buckets()),
            )
        )
        self.env["ar.aging.report.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])

    def action_open_report(self):
        """Compute the aging as of the date and open it as a pivot (rows: the grouping, columns: buckets)."""
        self.ensure_one()
        self._fill_lines()
        row = GROUP_BY_FIELDS[self.group_by]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Aging as of %(date)s", date=fields.Date.to_string(self.date)),
            "res_model": "ar.aging.report.line",
            "view_mode": "pivot,graph,list",
            "views": [(False, "pivot"), (False, "graph"), (False, "list")],
            "domain": [("wizard_id", "=", self.id)],
            "context": {
                "pivot_row_groupby": [row],
                "pivot_column_groupby": ["bucket"],
                "pivot_measures": ["amount_residual"],
                "graph_groupbys": ["bucket"],
                "allowed_company_ids": [self.company_id.id],
            },
        }

    @api.model
    def _customer_rows(self, company, date):
        """``(labels, rows)``: per customer its name, the open amount of each bucket and the total (SQL)."""
        buckets = company._ar_aging_buckets()
        self.env.flush_all()  # the items are read in SQL
        self.env.cr.execute(customer_buckets_sql(company.id, date, buckets))
        rows, current, current_id = [], None, None
        for partner_id, name, bucket, amount in self.env.cr.fetchall():
            if partner_id != current_id:
                current_id, current = partner_id, [name] + [0.0] * (buckets.count + 1)
                rows.append(current)
            current[1 + bucket] = float(amount)
            current[-1] += float(amount)
        return company._ar_aging_labels(), rows

    def _xlsx_content(self):
        """Bytes of the aging workbook: one row per customer, a column per bucket, a total."""
        self.ensure_one()
        company, currency = self.company_id, self.company_id.currency_id
        labels, rows = self._customer_rows(company, self.date)
        headers = [self.env._("Customer"), *labels, self.env._("Total")]
        title = self.env._(
            "%(company)s: receivables aging as of %(date)s (%(currency)s)",
            company=company.name,
            date=fields.Date.to_string(self.date),
            currency=currency.name,
        )
        return table_xlsx(
            self.env._("Aging"),
            headers,
            rows,
            amount_columns=range(1, len(headers)),
            number_format=currency_format(currency.decimal_places),
            total_label=self.env._("Total"),
            title=title,
        )

    @api.model
    def _download_action(self, filename, content, record=None):
        """An attachment of ``content`` on ``record`` (default: this wizard) and its download action."""
        record = record if record is not None else self
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "raw": content,
                "res_model": record._name,
                "res_id": record.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_export_xlsx(self):
        """Download the aging per customer as an XLSX workbook."""
        self.ensure_one()
        filename = f"aging_{fields.Date.to_string(self.date)}.xlsx"
        return self._download_action(filename, self._xlsx_content())
