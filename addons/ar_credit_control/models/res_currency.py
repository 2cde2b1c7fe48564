from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date


class ResCurrency(models.Model):
    """Refuse to count a foreign amount when its currency has no exchange rate."""

    _inherit = "res.currency"

    def _ar_check_rate(self, company, date):
        """Raise a UserError if this foreign currency has no rate in ``company``.

        Without any rate Odoo converts at 1:1, which would silently put a wrong
        amount in the customer's exposure.
        """
        self.ensure_one()
        if self == company.currency_id:
            return
        has_rate = (
            self.env["res.currency.rate"]
            .sudo()
            .search_count(
                [("currency_id", "=", self.id), ("company_id", "in", [False, company.root_id.id])], limit=1
            )
        )
        if not has_rate:
            raise UserError(
                self.env._(
                    "There is no exchange rate for %(currency)s on %(date)s in %(company)s: enter the rate "
                    "first, or the amount would count 1:1 in %(company_currency)s.",
                    currency=self.name,
                    date=format_date(self.env, date),
                    company=company.name,
                    company_currency=company.currency_id.name,
                )
            )
