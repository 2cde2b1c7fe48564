from dateutil.relativedelta import relativedelta
from werkzeug.exceptions import Forbidden

from odoo import fields
from odoo.http import request, route
from odoo.tools import float_round

from odoo.addons.portal.controllers.portal import CustomerPortal

#: Communications a customer sees on the portal: the ones that went out.
SENT_STATES = ("sent",)


class ArStatementPortal(CustomerPortal):
    """Statement of account, balance confirmation, disputes, promises and dunning letters on /my.

    Every route works on the portal user's own commercial entity: records are
    read with ``sudo`` only after checking they belong to it; anything else is
    answered with 404 (not found) or 403.
    """

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _ar_customer(self):
        """The commercial entity of the logged-in user."""
        return request.env.user.partner_id.commercial_partner_id

    def _ar_statement(self):
        """The ``ar.statement`` service, in sudo (call only for the user's own customer)."""
        return request.env["ar.statement"].sudo()

    def _ar_own_invoice(self, move_id):
        """The customer's posted invoice ``move_id`` in sudo, or raise 404."""
        move = request.env["account.move"].sudo().browse(move_id).exists()
        if (
            not move
            or move.commercial_partner_id != self._ar_customer()
            or move.move_type != "out_invoice"
            or move.state != "posted"
        ):
            raise request.not_found()
        return move

    def _ar_default_period(self):
        """The period of the downloadable statement: the last three months to today."""
        today = fields.Date.context_today(request.env.user)
        return today.replace(day=1) - relativedelta(months=2), today

    def _prepare_home_portal_values(self, counters):
        """Counter of the "Statement of Account" entry: the customer's open items."""
        values = super()._prepare_home_portal_values(counters)
        if "ar_open_item_count" in counters:
            customer = self._ar_customer()
            today = fields.Date.context_today(request.env.user)
            values["ar_open_item_count"] = len(self._ar_statement()._open_items(customer, today))
        return values

    # ------------------------------------------------------------------
    # Statement
    # ------------------------------------------------------------------
    @route("/my/statement", type="http", auth="user", website=True)
    def portal_my_statement(self, **kw):
        """Current balance, open items and aging of the customer."""
        customer = self._ar_customer()
        today = fields.Date.context_today(request.env.user)
        statement = self._ar_statement()
        items = statement._open_items(customer, today)
        moves = request.env["account.move"].sudo().browse([item["move_id"] for item in items])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "ar_statement",
                "customer": customer,
                "currency": request.env.company.currency_id,
                "today": today,
                "balance": statement._balance(customer, today),
                "items": items,
                "moves": {move.id: move for move in moves},
                "aging": statement._aging(customer, today, items=items),
                "message": kw.get("message"),
            }
        )
        return request.render("ar_dunning.portal_my_statement", values)

    @route("/my/statement/pdf", type="http", auth="user", website=True)
    def portal_my_statement_pdf(self, partner_id=None, date_from=None, date_to=None, **kw):
        """The statement PDF of the customer; another customer's statement is refused (403)."""
        customer = self._ar_customer()
        if partner_id and str(partner_id) != str(customer.id):
            raise Forbidden()
        default_from, default_to = self._ar_default_period()
        try:
            date_from = fields.Date.to_date(date_from) or default_from
            date_to = fields.Date.to_date(date_to) or default_to
        except ValueError:
            date_from, date_to = default_from, default_to
        pdf = self._ar_statement()._render_pdf(customer, date_from, date_to)
        filename = f"statement-{date_to}.pdf"
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", f'attachment; filename="{filename}"'),
            ],
        )

    @route("/my/statement/confirm", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_statement_confirm(self, note=None, **kw):
        """Record that the customer confirms its current balance."""
        customer = self._ar_customer()
        today = fields.Date.context_today(request.env.user)
        request.env["ar.balance.confirmation"].sudo().create(
            {
                "partner_id": customer.id,
                "date": today,
                "balance": self._ar_statement()._balance(customer, today),
                "user_id": request.env.user.id,
                "note": note or False,
            }
        )
        return request.redirect("/my/statement?message=confirmed")

    @route("/my/statement/dispute/<int:move_id>", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_statement_dispute(self, move_id, reason=None, amount=None, **kw):
        """Open a dispute on one of the customer's own invoices."""
        move = self._ar_own_invoice(move_id)
        vals = {
            "move_id": move.id,
            "reason": (reason or "").strip() or request.env._("Disputed on the customer portal"),
            "owner_id": (move.invoice_user_id or request.env.ref("base.user_root")).id,
        }
        amount = self._ar_amount(amount)
        if amount:
            vals["amount"] = min(amount, move.amount_total)
        dispute = request.env["ar.dispute"].sudo().with_company(move.company_id).create(vals)
        dispute.message_post(
            body=request.env._("Dispute raised by %(user)s on the portal.", user=request.env.user.name)
        )
        return request.redirect("/my/statement?message=disputed")

    @route("/my/statement/promise", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_statement_promise(self, date=None, amount=None, move_ids=None, **kw):
        """Record the customer's promise to pay some of its invoices by a date."""
        customer = self._ar_customer()
        moves = request.env["account.move"].sudo()
        for move_id in request.httprequest.form.getlist("move_ids"):
            if not move_id.isdigit():
                raise request.not_found()
            moves |= self._ar_own_invoice(int(move_id))
        try:
            promised = fields.Date.to_date(date)
        except ValueError:
            promised = None
        amount = self._ar_amount(amount)
        if not promised or not amount or promised < fields.Date.context_today(request.env.user):
            return request.redirect("/my/statement?message=promise_invalid")
        request.env["ar.payment.promise"].sudo().create(
            {
                "partner_id": customer.id,
                "company_id": (moves[:1].company_id or request.env.company).id,
                "date": promised,
                "amount": amount,
                "move_ids": [(6, 0, moves.ids)],
                "user_id": request.env.user.id,
                "note": request.env._("Promised on the customer portal"),
            }
        )
        return request.redirect("/my/statement?message=promised")

    def _ar_amount(self, amount):
        """``amount`` posted by a form as a positive float, or 0."""
        try:
            return max(float_round(float(amount or 0), 2), 0.0)
        except ValueError:
            return 0.0

    # ------------------------------------------------------------------
    # Dunning letters
    # ------------------------------------------------------------------
    def _ar_communications(self):
        """The communications sent to the customer, in sudo."""
        return (
            request.env["ar.dunning.communication"]
            .sudo()
            .search([("partner_id", "=", self._ar_customer().id), ("state", "in", SENT_STATES)])
        )

    @route("/my/dunning", type="http", auth="user", website=True)
    def portal_my_dunning(self, **kw):
        """The reminders and letters sent to the customer."""
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "ar_dunning", "communications": self._ar_communications()})
        return request.render("ar_dunning.portal_my_dunning", values)

    @route("/my/dunning/<int:comm_id>/pdf", type="http", auth="user", website=True)
    def portal_my_dunning_letter(self, comm_id, **kw):
        """The letter PDF of one of the customer's own communications, else 404."""
        comm = self._ar_communications().filtered(lambda c: c.id == comm_id)
        if not comm:
            raise request.not_found()
        pdf, _format = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf("ar_dunning.action_report_dunning_letter", comm.ids)
        )
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", f'attachment; filename="dunning-letter-{comm.id}.pdf"'),
            ],
        )
