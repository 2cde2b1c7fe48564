"""External API of collections: overdue invoices and promises to pay."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.ar_credit_control.tools import receivables

from ..const import GROUP_DUNNING_USER


class ArCreditApi(models.AbstractModel):
    """Adds the dunning state of overdue invoices and promises to pay."""

    _inherit = "ar.credit.api"

    @api.model
    def _ar_api_overdue_rows(self, company, partner, limit):
        """``(move id, oldest overdue due date, overdue amount, open amount)`` of the entries the caller
        may see that have an overdue item (``receivables``: each instalment from its own due date),
        oldest overdue due date first; aggregated in SQL.
        """
        self.env.flush_all()
        # the caller's record rules decide which entries it sees
        visible = self.env["account.move"].with_company(company)._search([("company_id", "=", company.id)])
        overdue = receivables.overdue_sql("items")
        self.env.cr.execute(
            SQL(
                """
                SELECT items.move_id, MIN(items.date_maturity) FILTER (WHERE %(overdue)s),
                       SUM(items.residual) FILTER (WHERE %(overdue)s), SUM(items.residual)
                  FROM (%(items)s) items
                 WHERE items.move_id IN %(visible)s
              GROUP BY items.move_id
                HAVING bool_or(%(overdue)s)
              ORDER BY 2, 1
                 LIMIT %(limit)s
                """,
                overdue=overdue,
                items=receivables.open_items_sql(
                    company.id,
                    company._ar_today(),
                    as_of=False,
                    partner_ids=[partner.commercial_partner_id.id] if partner else None,
                ),
                visible=visible.subselect(),
                limit=limit,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _ar_api_overdue_values(self, move, oldest_due, overdue_amount, open_amount, today):
        """One entry with overdue items as a plain dict: from its oldest overdue instalment."""
        currency = move.company_currency_id
        return {
            "id": move.id,
            "number": move.name,
            "partner_id": move.commercial_partner_id.id,
            "partner_name": move.commercial_partner_id.name,
            "due_date": fields.Date.to_string(oldest_due),
            "days_overdue": receivables.days_past_due(oldest_due, today),
            "overdue_amount": currency.round(float(overdue_amount)),
            "open_amount": currency.round(float(open_amount)),
            "currency": currency.name,
            "dunning_level": move.dunning_level_id.name or False,
            "last_reminder_date": fields.Date.to_string(move.dunning_last_date) or False,
            "disputed": bool(move.dispute_id),
        }

    @api.model
    def list_overdue(self, partner_id=None, company_id=None, limit=500):
        """Open entries with an overdue item the caller may see, oldest overdue due date first.

        An invoice on instalments is listed from its oldest overdue instalment:
        ``due_date`` and ``days_overdue`` are that instalment's, ``overdue_amount``
        the open amount of its overdue instalments (their sum over a customer is
        the ``overdue_amount`` of ``get_exposure``), ``open_amount`` its whole
        open amount.
        """
        company = self._ar_api_company(company_id)
        partner = self._ar_api_partners([partner_id], company) if partner_id else None
        rows = self._ar_api_overdue_rows(company, partner, limit)
        moves = self.env["account.move"].browse([row[0] for row in rows]).sudo()
        today = company._ar_today()
        return [
            self._ar_api_overdue_values(move, *row[1:], today) for move, row in zip(moves, rows, strict=True)
        ]

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
