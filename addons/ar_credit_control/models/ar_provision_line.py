from odoo import fields, models


class ArProvisionLine(models.Model):
    """Provision of one customer's open receivables in one aging bucket, with its arithmetic."""

    _name = "ar.provision.line"
    _description = "Provision Line"
    _inherit = ["ar.server.fields.mixin", "ar.input.bounds.mixin"]
    _order = "run_id, partner_id, bucket_index"
    _rec_name = "partner_id"
    _check_company_auto = True
    #: A line documents the run's computation: made, changed and dropped by the run only.
    _ar_server_fields = (
        "run_id",
        "company_id",
        "date",
        "state",
        "partner_id",
        "matrix_line_id",
        "bucket_index",
        "bucket",
        "amount",
        "rate",
        "provision",
        "arithmetic",
    )
    _ar_server_unlink = True

    run_id = fields.Many2one("ar.provision.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    date = fields.Date(related="run_id.date", store=True, string="As Of")
    state = fields.Selection(related="run_id.state", store=True, string="Run State")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, check_company=True
    )
    matrix_line_id = fields.Many2one("ar.provision.matrix.line", string="Bucket", ondelete="set null")
    bucket_index = fields.Integer(string="Bucket Number")
    bucket = fields.Char(string="Bucket Name")
    amount = fields.Monetary(
        string="Open Amount", help="Open receivables of the customer in the bucket, company currency."
    )
    rate = fields.Float(string="Rate (%)", digits=(16, 4), aggregator=False)
    provision = fields.Monetary()
    arithmetic = fields.Char(string="Computation")
