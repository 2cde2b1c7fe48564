from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArInsuranceRecovery(models.Model):
    """Money recovered from the buyer after a claim; the insurer's share goes back to it."""

    _name = "ar.insurance.recovery"
    _inherit = ["ar.input.bounds.mixin"]
    _description = "Credit Insurance Recovery"
    _order = "date, id"
    _rec_name = "claim_id"

    claim_id = fields.Many2one("ar.insurance.claim", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    date = fields.Date(required=True, default=lambda self: self.env.company._ar_today())
    amount = fields.Monetary(string="Recovered", help="Amount recovered from the buyer (or its estate).")
    returned_amount = fields.Monetary(
        string="Returned to Insurer", help="Part of it already paid to the insurer."
    )
    note = fields.Char()

    @api.constrains("amount", "returned_amount")
    def _check_amounts(self):
        for recovery in self:
            if recovery.amount < 0 or recovery.returned_amount < 0:
                raise ValidationError(self.env._("Recovered and returned amounts cannot be negative."))
