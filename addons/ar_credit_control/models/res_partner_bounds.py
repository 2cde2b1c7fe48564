from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class ResPartner(models.Model):
    """Bounds on the credit fields of a customer (amounts, dates, reasons) and a temporary limit's expiry."""

    _name = "res.partner"
    _inherit = ["res.partner", "ar.input.bounds.mixin"]

    @api.constrains("credit_limit_temp_until")
    def _check_temp_limit_not_expired(self):
        """A temporary limit set today must run until today or later: an expiry in the past grants nothing."""
        for partner in self:
            until = partner.credit_limit_temp_until
            if until and until < partner._ar_bounds_today():
                raise ValidationError(
                    self.env._(
                        "The temporary credit limit of %(partner)s would expire on %(date)s, in the past: "
                        "give an expiry date of today or later.",
                        partner=partner.display_name,
                        date=format_date(self.env, until),
                    )
                )
