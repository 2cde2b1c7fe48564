from odoo import api, fields, models

BUCKET_KEYS = [f"b{index}" for index in range(7)]


class ArAgingReportLine(models.TransientModel):
    """One open receivable item as of the wizard's date, with its aging bucket.

    Filled with one ``INSERT ... SELECT`` by :class:`ArAgingReportWizard`; the
    list, pivot and graph views group the rows by customer, salesperson,
    grade, country or bucket.
    """

    _name = "ar.aging.report.line"
    _description = "Receivables Aging Line"
    _order = "partner_id, date_maturity, id"
    _rec_name = "move_id"

    wizard_id = fields.Many2one("ar.aging.report.wizard", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    date = fields.Date(string="As Of", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    grade_id = fields.Many2one("ar.credit.grade", string="Credit Grade", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(string="Days Past Due", readonly=True, aggregator="max")
    bucket = fields.Selection(selection="_selection_bucket", readonly=True)
    amount_residual = fields.Monetary(
        string="Open Amount",
        currency_field="company_currency_id",
        readonly=True,
        help="Open amount at the report date, company currency.",
    )

    @api.model
    def _selection_bucket(self):
        """Buckets of the current company, labelled from its settings."""
        labels = self.env.company._ar_aging_labels()
        return list(zip(BUCKET_KEYS, labels, strict=False))

    def action_open_move(self):
        """Open the journal entry (invoice) of the line."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
