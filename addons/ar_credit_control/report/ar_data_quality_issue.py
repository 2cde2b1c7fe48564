from odoo import api, fields, models


class ArDataQualityIssue(models.TransientModel):
    """One issue found by the AR data-quality report, pointing at the record it is about."""

    _name = "ar.data.quality.issue"
    _description = "AR Data Quality Issue"
    _order = "check_code, partner_id, id"
    _rec_name = "check_code"

    report_id = fields.Many2one("ar.data.quality.report", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    check_code = fields.Selection(selection="_selection_check", string="Check", required=True, readonly=True)
    severity = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")], required=True, readonly=True
    )
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", required=True, readonly=True
    )
    record_name = fields.Char(string="Record", compute="_compute_record_name")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    amount = fields.Monetary(readonly=True, help="Open amount concerned, company currency.")
    reference = fields.Char(readonly=True, help="Shared VAT number, payment date or invoice number.")
    detail = fields.Char(readonly=True)
    can_fix = fields.Boolean(compute="_compute_can_fix")

    @api.model
    def _selection_check(self):
        """The checks of the report (extensible)."""
        return [
            (check.code, check.label) for check in self.env["ar.data.quality.report"]._data_quality_checks()
        ]

    def _check_definitions(self):
        """The report's checks by code."""
        return {check.code: check for check in self.env["ar.data.quality.report"]._data_quality_checks()}

    def _check_definition(self):
        self.ensure_one()
        return self._check_definitions().get(self.check_code)

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        # the names only (one read per model): the record itself opens with the user's own rights
        names = {}
        for model in set(self.mapped("res_model")):
            records = (
                self.env[model]
                .sudo()
                .browse(self.filtered(lambda i, m=model: i.res_model == m).mapped("res_id"))
            )
            names.update({(model, record.id): record.display_name for record in records.exists()})
        for issue in self:
            issue.record_name = names.get((issue.res_model, issue.res_id), False)

    @api.depends("check_code")
    def _compute_can_fix(self):
        checks = self._check_definitions()
        for issue in self:
            check = checks.get(issue.check_code)
            issue.can_fix = bool(check and (check.fix_view or check.fix_method))

    def _record_action(self, view=None, target="current"):
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(view.id if view else False, "form")],
            "target": target,
        }

    def action_open_record(self):
        """Open the record the issue is about."""
        self.ensure_one()
        return self._record_action()

    def action_fix(self):
        """Open what fixes the issue: a small form with the fields to fill, or the check's own fix."""
        self.ensure_one()
        check = self._check_definition()
        if not check:
            return self.action_open_record()
        if check.fix_method:
            return getattr(self, check.fix_method)()
        if check.fix_view:
            return self._record_action(self.env.ref(check.fix_view), target="new")
        return self.action_open_record()

    def _fix_duplicate_tax_id(self):
        """The partners of the report sharing this issue's VAT number."""
        partners = self.report_id.issue_ids.filtered(
            lambda issue: issue.check_code == self.check_code and issue.reference == self.reference
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Partners with VAT %(vat)s", vat=self.reference),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", partners.mapped("res_id"))],
        }
