"""External API of collections: overdue invoices and promises to pay."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import GROUP_DUNNING_USER


class ArCreditApi(models.AbstractModel):
    """Adds the dunning state of overdue invoices and promises to pay."""

    _inherit = "ar.credit.api"

    @api.model
    def _ar_api_overdue_domain(self, company, partner=None):
        today = self.env.company._ar_today()
        domain = [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", 0),
            ("invoice_date_due", "<", today),
        ]
        if partner:
            domain.append(("commercial_partner_id", "=", partner.commercial_partner_id.id))
        return domain

    @api.model
    def _ar_api_overdue_values(self, move, today):
        """One overdue invoice as a plain dict."""
        return {
            "id": move.id,
            "number": move.name,
            "partner_id": move.commercial_partner_id.id,
            "partner_name": move.commercial_partner_id.name,
            "due_date": fields.Date.to_string(move.invoice_date_due),
            "days_overdue": (today - move.invoice_date_due).days,
            "open_amount": move.company_currency_id.round(move.amount_residual_signed),
            "currency": move.company_currency_id.name,
            "dunning_level": move.dunning_level_id.name or False,
            "last_reminder_date": fields.Date.to_string(move.dunning_last_date) or False,
            "disputed": bool(move.dispute_id),
        }

    @api.model
    def list_overdue(self, partner_id=None, company_id=None, limit=500):
        """Open overdue customer invoices the caller may see, oldest due date first."""
        company = self._ar_api_company(company_id)
        partner = self._ar_api_partners([partner_id], company) if partner_id else None
        # searched as the caller: record rules decide which invoices it sees
        moves = (
            self.env["account.move"]
            .with_company(company)
            .search(
                self._ar_api_overdue_domain(company, partner),
                order="invoice_date_due, id",
                limit=limit,
            )
        )
        today = self.env.company._ar_today()
        return [self._ar_api_overdue_values(move, today) for move in moves.sudo()]

    @api.model
    def record_promise(self, partner_id, date, amount, invoice_ids=None, note=None):
        """Record a customer's promise to pay ``amount`` by ``date`` (ISO); return its id.

        Without ``invoice_ids`` the promise covers every open invoice of the customer.
        """
        company = self._ar_api_company(groups=(GROUP_DUNNING_USER,))
        partner = self._ar_api_partners([partner_id], company).commercial_partner_id
        moves = self.env["account.move"].browse(invoice_ids or [])
        if moves:
            moves.check_access("read")
            if moves.filtered(
                lambda m: m.commercial_partner_id != partner
                or m.company_id != company
                or m.move_type != "out_invoice"
                or m.state != "posted"
            ):
                raise UserError(
                    self.env._(
                        "A promise covers posted invoices of %(partner)s in %(company)s only.",
                        partner=partner.display_name,
                        company=company.name,
                    )
                )
        promise = (
            self.env["ar.payment.promise"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date": fields.Date.to_date(date),
                    "amount": float(amount),
                    "move_ids": [(6, 0, moves.ids)],
                    "note": note or False,
                }
            )
        )
        return promise.id
