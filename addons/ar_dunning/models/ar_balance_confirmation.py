from odoo import api, fields, models


class ArBalanceConfirmation(models.Model):
    """A customer's confirmation of its balance, given on the portal."""

    _name = "ar.balance.confirmation"
    _inherit = ["ar.input.bounds.mixin"]
    _description = "Balance Confirmation"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=lambda self: self.env.company._ar_today(), readonly=True)
    balance = fields.Monetary(required=True, readonly=True, help="Balance the customer confirmed.")
    user_id = fields.Many2one(
        "res.users", string="Confirmed By", default=lambda self: self.env.user, readonly=True
    )
    note = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        """Record the confirmations and post them in the customers' chatter."""
        confirmations = super().create(vals_list)
        for confirmation in confirmations:
            confirmation.partner_id.message_post(
                body=self.env._(
                    "Balance of %(balance)s at %(date)s confirmed by %(user)s.",
                    balance=confirmation.currency_id.format(confirmation.balance),
                    date=confirmation.date,
                    user=confirmation.user_id.name,
                ),
            )
        return confirmations
