from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.aging_sql import bucket_totals_sql, top_overdue_sql
from ..tools.kpi_sql import receivables_sql

TOP_CUSTOMERS = 10


class ArCreditDashboard(models.TransientModel):
    """The credit manager's dashboard of a company, computed when opened."""

    _name = "ar.credit.dashboard"
    _description = "Credit Control Dashboard"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    total_receivables = fields.Monetary(string="Open Receivables", readonly=True)
    total_exposure = fields.Monetary(
        readonly=True,
        help="Open receivables and what the company counts on top of them.",
    )
    total_overdue = fields.Monetary(string="Overdue", readonly=True)
    blocked_order_count = fields.Integer(string="Blocked Orders", readonly=True)
    line_ids = fields.One2many("ar.credit.dashboard.line", "dashboard_id", readonly=True)
    bucket_line_ids = fields.One2many(
        "ar.credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "bucket")], readonly=True
    )
    top_line_ids = fields.One2many(
        "ar.credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "customer")], readonly=True
    )
    data_quality_report_id = fields.Many2one("ar.data.quality.report", readonly=True)
    quality_line_ids = fields.One2many(
        "ar.credit.dashboard.line", "dashboard_id", domain=[("kind", "=", "quality")], readonly=True
    )

    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._("Credit Dashboard")

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.action_refresh()
        return records

    def _exposure(self):
        """``(receivables, exposure)`` of every customer with a balance or an open order (one batch)."""
        company = self.company_id
        self.env.cr.execute(
            SQL(
                """SELECT partner_id FROM ar_credit_balance WHERE company_id = %s AND receivable <> 0
                   UNION
                   SELECT p.commercial_partner_id
                     FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
                    WHERE o.company_id = %s AND o.state = 'sale'
                      AND o.invoice_status IS DISTINCT FROM 'invoiced'""",
                company.id,
                company.id,
            )
        )
        partners = self.env["res.partner"].browse([partner_id for (partner_id,) in self.env.cr.fetchall()])
        figures = self.env["ar.credit.balance"]._figures(
            partners,
            company,
            include_orders=company.ar_exposure_include_orders,
            include_drafts=company.ar_exposure_include_drafts,
            overdue_amounts=False,
        )
        return (
            sum(figure.receivable for figure in figures.values()),
            sum(figure.exposure for figure in figures.values()),
        )

    def _overdue(self):
        """Past-due receivables today (aging query)."""
        company = self.company_id
        query = receivables_sql(company.id, company._ar_today(), company._ar_aging_buckets())
        self.env.cr.execute(query)
        return self.env.cr.fetchone()[2]

    @api.model
    def action_open_dashboard(self):
        """Compute a dashboard of the current company and open it."""
        dashboard = self.create({})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Dashboard"),
            "res_model": self._name,
            "res_id": dashboard.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_blocked_orders(self):
        """The orders waiting for a credit decision."""
        return self.env["ir.actions.act_window"]._for_xml_id(
            "ar_credit_control.sale_order_action_credit_blocked"
        )

    def _line_commands(self):
        """Lines of the open amounts per bucket and of the top overdue customers."""
        company = self.company_id
        today = company._ar_today()
        labels = company._ar_aging_labels()
        self.env.cr.execute(bucket_totals_sql(company.id, today, company._ar_aging_buckets()))
        commands = [fields.Command.clear()]
        commands += [
            fields.Command.create(
                {"kind": "bucket", "sequence": bucket, "name": labels[bucket], "amount": amount}
            )
            for bucket, amount in self.env.cr.fetchall()
        ]
        self.env.cr.execute(top_overdue_sql(company.id, today, company._ar_aging_buckets(), TOP_CUSTOMERS))
        commands += [
            fields.Command.create(
                {"kind": "customer", "sequence": rank, "partner_id": partner_id, "amount": amount}
            )
            for rank, (partner_id, amount) in enumerate(self.env.cr.fetchall())
        ]
        return commands + self._quality_line_commands()

    def _quality_line_commands(self):
        """Lines of the number of data-quality issues per check (a fresh report of the company)."""
        report = self.env["ar.data.quality.report"].create({"company_id": self.company_id.id})
        self.data_quality_report_id = report
        labels = dict(self.env["ar.data.quality.issue"]._selection_check())
        return [
            fields.Command.create(
                {
                    "kind": "quality",
                    "sequence": rank,
                    "check_code": code,
                    "name": labels[code],
                    "count": count,
                }
            )
            for rank, (code, count) in enumerate(report._counts_per_check())
        ]

    def action_open_data_quality(self):
        """All issues of the dashboard's data-quality report."""
        self.ensure_one()
        return self.data_quality_report_id.action_open_issues()

    def action_refresh(self):
        """Recompute every figure of the dashboard."""
        for dashboard in self:
            receivables, exposure = dashboard._exposure()
            blocked = self.env["sale.order"].search_count(
                [("company_id", "=", dashboard.company_id.id), ("credit_check_state", "=", "blocked")]
            )
            dashboard.write(
                {
                    "total_receivables": receivables,
                    "total_exposure": exposure,
                    "blocked_order_count": blocked,
                    "total_overdue": dashboard._overdue(),
                    "line_ids": dashboard._line_commands(),
                }
            )
        return True
