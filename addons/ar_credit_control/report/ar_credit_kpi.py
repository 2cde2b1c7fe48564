from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools.misc import format_date

from ..tools import kpi_rules
from ..tools.kpi_sql import collections_sql, grade_distribution_sql, monthly_sales_sql, receivables_sql
from ..tools.xlsx import table_xlsx

#: months of sales the countback DSO may walk back through
COUNTBACK_MONTHS = 24


class ArCreditKpi(models.TransientModel):
    """Receivables KPIs of a company, or of one customer, for a period (inputs gathered in SQL)."""

    _name = "ar.credit.kpi"
    _inherit = ["ar.screen.mixin"]
    _description = "Receivables KPIs"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", domain=[("is_company", "=", True)], help="Empty: the whole company."
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self.env.company._ar_today() - relativedelta(days=89),
    )
    date_to = fields.Date(string="To", required=True, default=lambda self: self.env.company._ar_today())
    days = fields.Integer(string="Days in Period", readonly=True)
    beginning_receivables = fields.Monetary(readonly=True, help="Receivables the day before the period.")
    credit_sales = fields.Monetary(
        readonly=True, help="Posted customer invoices minus refunds of the period."
    )
    collections = fields.Monetary(
        readonly=True, help="Receivables paid by payments and bank statement lines."
    )
    ending_receivables = fields.Monetary(readonly=True, help="Receivables at the end of the period.")
    ending_current = fields.Monetary(string="Ending Current Receivables", readonly=True)
    ending_overdue = fields.Monetary(string="Ending Overdue Receivables", readonly=True)
    dso = fields.Float(string="DSO (days)", digits=(16, 2), readonly=True)
    dso_countback = fields.Float(string="Countback DSO (days)", digits=(16, 2), readonly=True)
    best_dso = fields.Float(string="Best Possible DSO (days)", digits=(16, 2), readonly=True)
    average_days_delinquent = fields.Float(digits=(16, 2), readonly=True)
    cei = fields.Float(string="CEI (%)", digits=(16, 2), readonly=True)
    collection_rate = fields.Float(string="Collection Rate (%)", digits=(16, 2), readonly=True)
    share_overdue = fields.Float(string="Overdue Share (%)", digits=(16, 2), readonly=True)
    over_limit_count = fields.Integer(string="Customers Over Limit", readonly=True)
    grade_line_ids = fields.One2many("ar.credit.kpi.grade", "kpi_id", string="By Grade", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.action_compute()
        return records

    @api.depends_context("lang")
    @api.depends("company_id", "partner_id", "date_from", "date_to")
    def _compute_display_name(self):
        return super()._compute_display_name()

    def _ar_screen_title(self):
        """What and when: "Receivables KPIs: <customer or company>, <from> - <to>"."""
        if not (self.date_from and self.date_to):
            return super()._ar_screen_title()
        return self.env._(
            "Receivables KPIs: %(scope)s, %(date_from)s - %(date_to)s",
            scope=self.partner_id.display_name or self.company_id.name,
            date_from=format_date(self.env, self.date_from),
            date_to=format_date(self.env, self.date_to),
        )

    @api.model
    def action_open_kpis(self):
        """Compute the KPIs of the last 90 days of the current company and open them (never a blank form)."""
        kpi = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": kpi.display_name,
            "res_model": self._name,
            "res_id": kpi.id,
            "view_mode": "form",
            "target": "current",
        }

    def _partner_ids(self):
        """Commercial partner filter of the queries (``None``: the whole company)."""
        return self.partner_id.commercial_partner_id.ids or None

    def _fetch(self, query):
        """Rows of a query."""
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    def _monthly_sales(self):
        """``[(sales, days), ...]`` of the calendar months up to ``date_to``, most recent first."""
        start = self.date_to.replace(day=1) - relativedelta(months=COUNTBACK_MONTHS - 1)
        sales = dict(
            self._fetch(monthly_sales_sql(self.company_id.id, start, self.date_to, self._partner_ids()))
        )
        months, month = [], self.date_to.replace(day=1)
        for index in range(COUNTBACK_MONTHS):
            days = self.date_to.day if index == 0 else ((month + relativedelta(months=1)) - month).days
            months.append((float(sales.get(month, 0.0)), days))
            month -= relativedelta(months=1)
        return months

    def _inputs(self):
        """The KPI inputs as a dict, each gathered by one SQL statement."""
        company, partners = self.company_id, self._partner_ids()
        buckets = company._ar_aging_buckets()
        beginning = self._fetch(
            receivables_sql(company.id, self.date_from - relativedelta(days=1), buckets, partners)
        )
        total, current, overdue = self._fetch(receivables_sql(company.id, self.date_to, buckets, partners))[0]
        sales = self._fetch(monthly_sales_sql(company.id, self.date_from, self.date_to, partners))
        collected = self._fetch(collections_sql(company.id, self.date_from, self.date_to, partners))
        return {
            "days": (self.date_to - self.date_from).days + 1,
            "beginning_receivables": float(beginning[0][0]),
            "credit_sales": float(sum(amount for _month, amount in sales)),
            "collections": float(collected[0][0]),
            "ending_receivables": float(total),
            "ending_current": float(current),
            "ending_overdue": float(overdue),
        }

    @api.model
    def _kpis(self, inputs, monthly_sales):
        """The KPIs of ``inputs`` (see kpi_rules); ``0.0`` where a KPI is undefined."""
        dso = kpi_rules.dso_simple(inputs["ending_receivables"], inputs["credit_sales"], inputs["days"])
        best = kpi_rules.best_possible_dso(inputs["ending_current"], inputs["credit_sales"], inputs["days"])
        beginning, sales = inputs["beginning_receivables"], inputs["credit_sales"]
        values = {
            "dso": dso,
            "dso_countback": kpi_rules.dso_countback(inputs["ending_receivables"], monthly_sales),
            "best_dso": best,
            "average_days_delinquent": kpi_rules.average_days_delinquent(dso, best),
            "cei": kpi_rules.collection_effectiveness_index(
                beginning, sales, inputs["ending_receivables"], inputs["ending_current"]
            ),
            "collection_rate": kpi_rules.collection_rate(inputs["collections"], beginning, sales),
            "share_overdue": kpi_rules.share_overdue(inputs["ending_overdue"], inputs["ending_receivables"]),
        }
        return {name: value or 0.0 for name, value in values.items()}

    def _grade_lines(self):
        """Commands creating the distribution of customers and receivables per grade at ``date_to``."""
        query = grade_distribution_sql(
            self.company_id.id, self.date_to, self.company_id._ar_aging_buckets(), self._partner_ids()
        )
        return [fields.Command.clear()] + [
            fields.Command.create(
                {"grade_id": grade_id, "customer_count": count, "receivables": float(amount)}
            )
            for grade_id, count, amount in self._fetch(query)
        ]

    def _over_limit_count(self):
        """Customers over their credit limit (the partners' ``credit_over_limit`` search)."""
        domain = [("credit_over_limit", "=", True)]
        if self.partner_id:
            domain.append(("id", "=", self.partner_id.commercial_partner_id.id))
        return self.env["res.partner"].with_company(self.company_id).search_count(domain)

    def action_compute(self):
        """(Re)compute every figure of the period."""
        for kpi in self:
            inputs = kpi._inputs()
            kpi.write(
                {
                    **inputs,
                    **kpi._kpis(inputs, kpi._monthly_sales()),
                    "over_limit_count": kpi._over_limit_count(),
                    "grade_line_ids": kpi._grade_lines(),
                }
            )
        return True

    def _table_rows(self):
        """``(label, value)`` of every figure, in the order of the export."""
        names = [
            "beginning_receivables", "credit_sales", "collections", "ending_receivables", "ending_current",
            "ending_overdue", "days", "dso", "dso_countback", "best_dso", "average_days_delinquent", "cei",
            "collection_rate", "share_overdue", "over_limit_count",
        ]  # fmt: skip
        return [(self._fields[name].get_description(self.env)["string"], float(self[name])) for name in names]

    def action_export_xlsx(self):
        """Download the KPI table as an XLSX workbook."""
        self.ensure_one()
        scope = self.partner_id.display_name or self.company_id.name
        title = self.env._(
            "%(scope)s: receivables KPIs from %(start)s to %(end)s (%(currency)s)",
            scope=scope,
            start=fields.Date.to_string(self.date_from),
            end=fields.Date.to_string(self.date_to),
            currency=self.currency_id.name,
        )
        content = table_xlsx(
            self.env._("KPIs"),
            [self.env._("Indicator"), self.env._("Value")],
            self._table_rows(),
            amount_columns=[1],
            number_format="#,##0.00",
            title=title,
        )
        wizard = self.env["ar.aging.report.wizard"]
        filename = f"receivables_kpis_{fields.Date.to_string(self.date_to)}.xlsx"
        return wizard._download_action(filename, content, record=self)
