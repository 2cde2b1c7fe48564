from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.ar_credit_control.tools.access import check_receivable_access


class ReportCustomerStatement(models.AbstractModel):
    """Values of the statement of account PDF: the period comes from ``data`` or the context."""

    _name = "report.ar_dunning.report_customer_statement"
    _description = "Statement of Account Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        """One statement per customer of ``docids`` for the period.

        The figures are read in SQL, past the access rules: the caller must be
        allowed to read these customers' receivables (``/report/html|pdf/...``
        is open to every logged-in user). Each customer's figures are built in
        that customer's language, the one the template prints it in (the line
        types and aging labels are words of the statement, not of the user).
        """
        partners = self.env["res.partner"].browse(docids)
        check_receivable_access(partners)
        date_from, date_to = self._period(data or {})
        statement = self.env["ar.statement"]
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": {
                p.id: statement.with_context(lang=p.lang or self.env.lang)._statement_data(
                    p, date_from, date_to
                )
                for p in partners
            },
        }

    @api.model
    def _period(self, data):
        """``(date_from, date_to)``: from ``data``, else the context, else the current month to date."""
        context = self.env.context
        date_to = fields.Date.to_date(
            data.get("date_to") or context.get("ar_statement_date_to") or self.env.company._ar_today()
        )
        date_from = fields.Date.to_date(
            data.get("date_from") or context.get("ar_statement_date_from") or date_to.replace(day=1)
        )
        return date_from, max(date_to, date_from - timedelta(days=1))
