from odoo import fields, models
from odoo.exceptions import UserError

from .ar_credit_release import MANAGER_GROUP


class AccountMove(models.Model):
    """Optional credit re-check when a customer invoice is posted."""

    _inherit = "account.move"

    def _post(self, soft=True):
        for move in self.filtered(lambda m: m.is_sale_document() and m.state == "draft"):
            move.currency_id._ar_check_rate(
                move.company_id, move.invoice_date or fields.Date.context_today(move)
            )
        for move in self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "draft"):
            move._ar_credit_check_on_post()
        return super()._post(soft=soft)

    def _ar_credit_check_on_post(self):
        """Check invoices that add exposure: those not created from sale orders.

        An invoice from an order only moves the order's amount into the
        receivables, so it does not change the exposure.
        """
        company = self.company_id
        if not company.ar_credit_check_on_post or company.ar_credit_check_mode == "off":
            return
        if self.line_ids.sale_line_ids:
            return
        partner = self.commercial_partner_id.with_company(company)
        partner._ar_lock_credit()
        currency = company.currency_id
        amount = currency.round(abs(self.amount_total_signed))
        figures = partner._ar_credit_figures(company)
        reasons = partner._ar_credit_reasons(
            company, partner._ar_customer_credit(), figures, amount, rounding=currency.rounding
        )
        if not reasons:
            return
        text = "\n".join("- " + line for line in partner._ar_reason_lines(reasons, currency))
        if company.ar_credit_check_mode == "block" and not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(
                self.env._(
                    "Invoice of %(partner)s cannot be posted: the credit check failed.\n%(reasons)s\n"
                    "Ask a credit manager to post it.",
                    partner=partner.display_name,
                    reasons=text,
                )
            )
        self.message_post(
            body=self.env._("Posted despite the credit check:\n%(reasons)s", reasons=text),
        )
