from odoo import fields, models


class ArInsuranceDeclarationLine(models.Model):
    """Insured turnover of one buyer (and country) in a declaration period."""

    _name = "ar.insurance.declaration.line"
    _description = "Credit Insurance Declaration Line"
    _order = "declaration_id, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True
    _inherit = ["ar.server.fields.mixin", "ar.input.bounds.mixin"]
    #: Computed by the declaration's action only (see ``ar.server.fields.mixin``).
    _ar_server_fields = (
        "declaration_id",
        "company_id",
        "partner_id",
        "country_id",
        "invoice_count",
        "turnover",
        "premium",
    )
    _ar_server_unlink = True

    declaration_id = fields.Many2one(
        "ar.insurance.declaration", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="declaration_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="declaration_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Buyer", required=True, check_company=True)
    vat = fields.Char(related="partner_id.vat", string="Buyer VAT")
    country_id = fields.Many2one("res.country")
    invoice_count = fields.Integer(string="Invoices")
    turnover = fields.Monetary(
        string="Insured Turnover", help="Invoiced net of credit notes, in policy currency."
    )
    premium = fields.Monetary(string="Premium Due")
