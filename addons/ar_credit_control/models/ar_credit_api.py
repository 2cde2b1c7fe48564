"""External API of credit control, for integrations calling ``execute_kw``.

Every public method takes plain values and returns plain, JSON-serialisable
values (dates as ISO strings, amounts as floats in the company currency).
The figures come from the very helpers the credit check and the customer
form use, so an integration sees exactly what a user sees in Odoo.
"""

from odoo import api, models
from odoo.exceptions import AccessError, MissingError, UserError

from ..const import GROUP_CREDIT_USER, GROUP_SALESMAN
from ..tools import credit_rules
from ..tools.precision import PERCENT_DIGITS

#: Groups that may call the API (any one of them).
API_GROUPS = (GROUP_CREDIT_USER, GROUP_SALESMAN)


class ArCreditApi(models.AbstractModel):
    """Credit check and exposure for external systems (JSON-RPC / XML-RPC)."""

    _name = "ar.credit.api"
    _description = "AR Credit External API"

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    @api.model
    def _ar_api_company(self, company_id=None, groups=API_GROUPS):
        """Check the caller's rights and return the company to work in.

        The caller must be an internal user of one of ``groups`` and allowed
        in ``company_id`` (default: the caller's current company).
        """
        user = self.env.user
        if not user._is_internal() or not any(user.has_group(group) for group in groups):
            raise AccessError(self.env._("You are not allowed to use the credit API."))
        if not company_id:
            return self.env.company
        if company_id not in user.company_ids.ids:
            raise AccessError(
                self.env._("You are not allowed to work in company %(company)s.", company=company_id)
            )
        return self.env["res.company"].browse(company_id)

    @api.model
    def _ar_api_partners(self, partner_ids, company):
        """The partners, read as the caller (access rights and record rules apply)."""
        partners = self.env["res.partner"].with_company(company).browse(partner_ids)
        missing = set(partner_ids) - set(partners.exists().ids)
        if missing:
            raise MissingError(
                self.env._("Customer(s) %(ids)s do not exist.", ids=", ".join(map(str, sorted(missing))))
            )
        partners.check_access("read")
        partners.fetch(["name", "commercial_partner_id"])
        return partners

    @api.model
    def _ar_api_amount(self, amount, currency_code, company):
        """``amount`` in ``currency_code`` converted to (and rounded in) the company currency."""
        currency = company.currency_id
        if not currency_code or currency_code == currency.name:
            return currency.round(float(amount))
        source = self.env["res.currency"].sudo().search([("name", "=", currency_code)], limit=1)
        if not source:
            raise UserError(self.env._("Unknown currency %(code)s.", code=currency_code))
        return source._convert(float(amount), currency, company, company._ar_today())

    # ------------------------------------------------------------------
    # Public methods
    # ------------------------------------------------------------------
    @api.model
    def check_credit(self, partner_id, amount, currency_code=None, company_id=None):
        """Would an order of ``amount`` for ``partner_id`` pass the credit check now?

        Returns ``{"allowed", "mode", "reasons": [{"code", "message"}], "exposure",
        "limit", "available", "currency"}``; ``allowed`` is False when the
        company's check blocks (mode ``block``) and there is a reason, and in
        every mode when deliveries to the customer are stopped (``res.partner._ar_delivery_stops``),
        as the order's confirmation would be refused.
        """
        company = self._ar_api_company(company_id)
        partner = self._ar_api_partners([partner_id], company)
        order_amount = self._ar_api_amount(amount, currency_code, company)
        # computed as the system, like the sale order check: the caller may not see every figure
        commercial = partner.commercial_partner_id.with_company(company).sudo()
        figures = commercial._ar_credit_figures(company)
        stops = commercial._ar_delivery_stops()
        customer = commercial._ar_customer_credit(stops)
        currency = company.currency_id
        partner_model = self.env["res.partner"].with_company(company)
        reasons = partner_model._ar_credit_reasons(
            company, customer, figures, order_amount, rounding=currency.rounding
        )
        messages = partner_model._ar_reason_lines(reasons, currency)
        mode = company.ar_credit_check_mode
        return {
            "allowed": not (stops or (mode == "block" and reasons)),
            "mode": mode,
            "reasons": [
                {"code": code, "message": message}
                for (code, _info), message in zip(reasons, messages, strict=True)
            ],
            "exposure": currency.round(figures.exposure),
            "limit": customer.limit,
            "available": currency.round(customer.limit - figures.exposure) if customer.limit else 0.0,
            "currency": currency.name,
        }

    @api.model
    def get_exposure(self, partner_ids, company_id=None):
        """Exposure figures of each customer of ``partner_ids``, as on the customer form."""
        company = self._ar_api_company(company_id)
        partners = self._ar_api_partners(list(partner_ids), company)
        commercial = partners.commercial_partner_id.with_company(company).sudo()
        figures = commercial._ar_credit_figures_batch(company)
        currency = company.currency_id
        empty = credit_rules.CreditFigures()
        result = []
        for partner in partners.with_company(company).sudo():
            data = figures.get(partner.commercial_partner_id.id, empty)
            result.append(
                {
                    "partner_id": partner.id,
                    "exposure": currency.round(partner.credit_exposure),
                    "receivable": currency.round(data.receivable),
                    "orders": currency.round(data.orders),
                    "draft_invoices": currency.round(data.draft_invoices),
                    "overdue_amount": currency.round(partner.credit_overdue_amount),
                    "overdue_days": partner.credit_overdue_days,
                    "limit": partner.credit_limit_effective,
                    "available": currency.round(partner.credit_available),
                    "usage": round(partner.credit_usage, PERCENT_DIGITS),
                    "currency": currency.name,
                }
            )
        return result
