from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..const import GROUP_CREDIT_USER
from ..tools import data_quality_sql as dq_sql
from ..tools.data_quality_rules import DataQualityCheck, counts_per_check, id_problems, unreconciled_cutoff


class ArDataQualityReport(models.TransientModel):
    """Data-quality issues of a company's receivables, computed when opened.

    The checks come from :meth:`_data_quality_checks` (extended by other addons,
    e.g. ``ar_dunning`` for the dunning contact); each check is one SQL query
    or ``_read_group`` over the company's customers or documents.
    """

    _name = "ar.data.quality.report"
    _description = "AR Data Quality"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    issue_ids = fields.One2many("ar.data.quality.issue", "report_id", readonly=True)
    issue_count = fields.Integer(string="Issues", compute="_compute_issue_count")

    @api.depends("issue_ids")
    def _compute_issue_count(self):
        for report in self:
            report.issue_count = len(report.issue_ids)

    def _compute_display_name(self):
        for report in self:
            report.display_name = self.env._("AR Data Quality")

    def _data_quality_checks(self):
        """The checks of the report in display order (list of :class:`DataQualityCheck`)."""
        _ = self.env._
        return [
            DataQualityCheck(
                "no_payment_term",
                _("Receivables without payment term"),
                "medium",
                "res.partner",
                "_dq_no_payment_term",
                "ar_credit_control.res_partner_view_form_ar_dq_payment_term",
            ),
            DataQualityCheck(
                "no_invoice_email",
                _("No email on the invoice address"),
                "high",
                "res.partner",
                "_dq_no_invoice_email",
                "ar_credit_control.res_partner_view_form_ar_dq_email",
            ),
            DataQualityCheck(
                "no_tax_id",
                _("No tax or registration ID"),
                "low",
                "res.partner",
                "_dq_no_tax_id",
                "ar_credit_control.res_partner_view_form_ar_dq_tax_id",
            ),
            DataQualityCheck(
                "invalid_tax_id",
                _("Invalid tax or registration ID"),
                "medium",
                "res.partner",
                "_dq_invalid_tax_id",
                "ar_credit_control.res_partner_view_form_ar_dq_tax_id",
            ),
            DataQualityCheck(
                "duplicate_tax_id",
                _("Duplicate tax ID"),
                "medium",
                "res.partner",
                "_dq_duplicate_tax_id",
                fix_method="_fix_duplicate_tax_id",
            ),
            DataQualityCheck(
                "unreconciled_payment",
                _("Unreconciled customer payment"),
                "high",
                "account.payment",
                "_dq_unreconciled_payment",
            ),
            DataQualityCheck(
                "no_due_date",
                _("Posted invoice without due date"),
                "high",
                "account.move",
                "_dq_no_due_date",
            ),
        ]

    def _fetch(self, query):
        """Rows of a check query as dicts (``res_id, partner_id, amount, reference``)."""
        self.env.cr.execute(query)
        return self.env.cr.dictfetchall()

    def _dq_no_payment_term(self):
        """Customers with open posted invoices in the company but no payment term there."""
        company = self.company_id
        groups = (
            self.env["account.move"]
            .with_company(company)
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "=", "out_invoice"),
                    ("amount_residual", "!=", 0),
                    ("commercial_partner_id.property_payment_term_id", "=", False),
                ],
                ["commercial_partner_id"],
                ["amount_residual_signed:sum"],
            )
        )
        return [
            {"res_id": partner.id, "partner_id": partner.id, "amount": amount} for partner, amount in groups
        ]

    def _dq_contact_email(self, contact_types):
        """Debtors whose contact of the first of ``contact_types`` found (else themselves) has no email."""
        return self._fetch(dq_sql.contact_without_email_sql(self.company_id.id, contact_types))

    def _dq_no_invoice_email(self):
        """Debtors whose invoice address (or the customer itself) has no email."""
        return self._dq_contact_email(["invoice"])

    def _dq_no_tax_id(self):
        """Company customers with neither VAT nor registration number."""
        return self._fetch(dq_sql.missing_tax_id_sql(self.company_id.id))

    def _dq_invalid_tax_id(self):
        """Customers whose VAT or registration number fails the python-stdnum validators."""
        issues = []
        for partner_id, country, vat, registry in self._fetch_rows(
            dq_sql.customer_ids_sql(self.company_id.id)
        ):
            problems = id_problems(country, vat, registry)
            if problems:
                issues.append({"res_id": partner_id, "partner_id": partner_id, "detail": "; ".join(problems)})
        return issues

    def _fetch_rows(self, query):
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    def _dq_duplicate_tax_id(self):
        """Commercial partners of the company sharing a VAT number."""
        return self._fetch(dq_sql.duplicate_tax_id_sql(self.company_id.id))

    def _dq_unreconciled_payment(self):
        """Customer payments left unreconciled longer than the company's setting."""
        company = self.company_id
        cutoff = unreconciled_cutoff(self.env.company._ar_today(), company.ar_dq_unreconciled_days)
        return self._fetch(dq_sql.unreconciled_payments_sql(company.id, cutoff))

    def _dq_no_due_date(self):
        """Posted customer invoices without due date."""
        return self._fetch(dq_sql.invoices_without_due_date_sql(self.company_id.id))

    def _issue_vals(self, check):
        """Values of the issues found by ``check``."""
        return [
            {
                "report_id": self.id,
                "company_id": self.company_id.id,
                "check_code": check.code,
                "severity": check.severity,
                "res_model": check.res_model,
                "res_id": row["res_id"],
                "partner_id": row.get("partner_id"),
                "amount": row.get("amount"),
                "reference": row.get("reference"),
                "detail": row.get("detail"),
            }
            for row in getattr(self, check.method)()
        ]

    def _run_checks(self):
        """(Re)compute the issues of the report, one query per check."""
        self.ensure_one()
        self.issue_ids.unlink()
        vals_list = []
        for check in self._data_quality_checks():
            vals_list += self._issue_vals(check)
        self.env["ar.data.quality.issue"].create(vals_list)
        self.invalidate_recordset(["issue_ids"])

    def _check_access_ar_data_quality(self):
        if not self.env.user.has_group(GROUP_CREDIT_USER):
            raise AccessError(self.env._("Only credit users can run the AR data-quality report."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_access_ar_data_quality()
        reports = super().create(vals_list)
        for report in reports:
            report._run_checks()
        return reports

    def _counts_per_check(self):
        """``[(check, count)]`` of the report in the checks' order, zero included (one _read_group)."""
        self.ensure_one()
        groups = self.env["ar.data.quality.issue"]._read_group(
            [("report_id", "=", self.id)], ["check_code"], ["__count"]
        )
        codes = [check.code for check in self._data_quality_checks()]
        return counts_per_check(codes, dict(groups))

    @api.model
    def action_open_report(self):
        """Run the checks for the current company and list the issues grouped by check."""
        return self.create({}).action_open_issues()

    def action_open_issues(self, check=None):
        """List of the report's issues, of one check if given."""
        self.ensure_one()
        domain = [("report_id", "=", self.id)]
        if check:
            domain.append(("check_code", "=", check))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("AR Data Quality"),
            "res_model": "ar.data.quality.issue",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": domain,
            "context": {"search_default_group_check_code": 1, "create": False},
        }
