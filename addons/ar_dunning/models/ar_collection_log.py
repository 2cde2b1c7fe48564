from odoo import fields, models


class ArCollectionLog(models.Model):
    """A contact made with a customer about its overdue invoices."""

    _name = "ar.collection.log"
    _inherit = ["ar.input.bounds.mixin"]
    _description = "Collection Log"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index="btree_not_null",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice')]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    channel = fields.Selection(
        [
            ("call", "Call"),
            ("email", "Email"),
            ("visit", "Visit"),
            ("letter", "Letter"),
            ("lawyer_letter", "Lawyer's Letter"),
        ],
        required=True,
        default="call",
    )
    result = fields.Text()
    next_step_date = fields.Date()
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user, required=True)
