from datetime import timedelta

from dateutil.relativedelta import relativedelta
from werkzeug.exceptions import Forbidden

from odoo.exceptions import UserError, ValidationError
from odoo.http import request, route

from odoo.addons.ar_credit_control.tools import input_rules
from odoo.addons.portal.controllers.portal import CustomerPortal

from ..const import COMMUNICATION_SENT_STATES


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
        today = request.env.company._ar_today()
        return today.replace(day=1) - relativedelta(months=2), today

    def _prepare_home_portal_values(self, counters):
        """Counter of the "Statement of Account" entry: the customer's open items."""
        values = super()._prepare_home_portal_values(counters)
        if "ar_open_item_count" in counters:
            customer = self._ar_customer()
            today = request.env.company._ar_today()
            values["ar_open_item_count"] = len(self._ar_statement()._open_items(customer, today))
        return values

    # ------------------------------------------------------------------
    # Statement
    # ------------------------------------------------------------------
    @route("/my/statement", type="http", auth="user", website=True)
    def portal_my_statement(self, **kw):
        """Current balance, open items and aging of the customer."""
        return self._ar_render_statement(message=kw.get("message"))

    def _ar_render_statement(self, message=None, error=None, status=200):
        """The statement page, with a success ``message`` code or the ``error`` of a refused form."""
        customer = self._ar_customer()
        today = request.env.company._ar_today()
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
                # the open disputes of the listed invoices: the page marks them instead of offering
                # a second dispute (its amount already left the dunning)
                "disputes": {
                    dispute.move_id.id: dispute
                    for dispute in request.env["ar.dispute"]
                    .sudo()
                    .search([("move_id", "in", moves.ids), ("state", "=", "open")], order="id")
                },
                "promise_max_date": today + timedelta(days=request.env.company.ar_promise_max_days or 0),
                "aging": statement._aging(customer, today, items=items),
                "message": message,
                "ar_error": error,
                "confirmation_request": request.env["ar.balance.confirmation"]
                .sudo()
                .search(
                    [
                        ("partner_id", "=", customer.id),
                        ("company_id", "=", request.env.company.id),
                        ("state", "=", "requested"),
                    ],
                    order="date desc, id desc",
                    limit=1,
                ),
            }
        )
        return request.render("ar_dunning.portal_my_statement", values, status=status)

    def _ar_form_error(self, error):
        """A refused form: the statement page again with the reason, answered 400 (nothing written)."""
        return self._ar_render_statement(error=error, status=400)

    def _ar_create(self, model, vals, company):
        """Create ``model`` in sudo; a value the model refuses is undone and raised as ``_FormError``.

        The savepoint makes sure a record refused after its INSERT (by a
        constraint) is not committed with the rest of the request.
        """
        try:
            with request.env.cr.savepoint():
                return request.env[model].sudo().with_company(company).create(vals)
        except (ValidationError, UserError) as refused:
            raise _FormError(refused.args[0]) from None

    @route("/my/statement/pdf", type="http", auth="user", website=True)
    def portal_my_statement_pdf(self, partner_id=None, date_from=None, date_to=None, **kw):
        """The statement PDF of the customer; another customer's statement is refused (403)."""
        customer = self._ar_customer()
        if partner_id and str(partner_id) != str(customer.id):
            raise Forbidden()
        default_from, default_to = self._ar_default_period()
        today = request.env.company._ar_today()
        try:
            date_from = input_rules.parse_date(date_from, today) or default_from
            date_to = input_rules.parse_date(date_to, today) or default_to
        except ValueError:
            return self._ar_form_error(self._ar_date_error(today))
        if date_from > date_to:
            return self._ar_form_error(request.env._("The statement period starts after it ends."))
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
        """The customer confirms its balance: its open request is answered (or a confirmation recorded)."""
        customer = self._ar_customer()
        try:
            with request.env.cr.savepoint():
                request.env["ar.balance.confirmation"]._ar_answer(
                    customer, request.env.company, agreed=True, note=(note or "").strip() or False
                )
        except (ValidationError, UserError) as refused:
            return self._ar_form_error(refused.args[0])
        return request.redirect("/my/statement?message=confirmed")

    @route("/my/statement/disagree", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_statement_disagree(self, customer_balance=None, note=None, **kw):
        """The customer disagrees: the balance in its books (optional) and a comment."""
        customer = self._ar_customer()
        company = request.env.company
        currency = company.currency_id
        try:
            theirs = input_rules.parse_amount(customer_balance, currency.decimal_places)
        except ValueError:
            return self._ar_form_error(
                request.env._(
                    "Please type the balance in your books as a number in %(currency)s with at most "
                    "%(decimals)s decimals.",
                    currency=currency.name,
                    decimals=currency.decimal_places,
                )
            )
        ours = self._ar_statement()._balance(customer, company._ar_today())
        difference = currency.round(theirs - ours) if theirs is not None else 0.0
        try:
            with request.env.cr.savepoint():
                request.env["ar.balance.confirmation"]._ar_answer(
                    customer, company, agreed=False, difference=difference, note=(note or "").strip() or False
                )
        except (ValidationError, UserError) as refused:
            return self._ar_form_error(refused.args[0])
        return request.redirect("/my/statement?message=disagreed")

    @route("/my/statement/dispute/<int:move_id>", type="http", auth="user", methods=["POST"], website=True)
    def portal_my_statement_dispute(self, move_id, reason=None, amount=None, **kw):
        """Open a dispute on one of the customer's own invoices."""
        move = self._ar_own_invoice(move_id)
        vals = {
            "move_id": move.id,
            "reason": (reason or "").strip() or request.env._("Disputed on the customer portal"),
            "owner_id": request.env["ar.dispute"].sudo()._ar_responsible_for(move).id,
        }
        try:
            amount = self._ar_amount(amount, move.currency_id)
            if amount is not None:  # left empty: the whole open amount
                vals["amount"] = amount
            dispute = self._ar_create("ar.dispute", vals, move.company_id)
        except _FormError as refused:
            return self._ar_form_error(refused.args[0])
        dispute.message_post(
            body=request.env._("Dispute raised by %(user)s on the portal.", user=request.env.user.name)
        )
        dispute._ar_customer_raised()
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
        today = request.env.company._ar_today()
        try:
            promised = input_rules.parse_date(date, today)
        except ValueError:
            return self._ar_form_error(self._ar_date_error(today))
        try:
            company = moves[:1].company_id or request.env.company
            amount = self._ar_amount(amount, company.currency_id)
            if not promised or not amount:
                return request.redirect("/my/statement?message=promise_invalid")
            vals = {
                "partner_id": customer.id,
                "company_id": company.id,
                "date": promised,
                "amount": amount,
                "move_ids": [(6, 0, moves.ids)],
                "user_id": request.env.user.id,
                "note": request.env._("Promised on the customer portal"),
            }
            self._ar_create("ar.payment.promise", vals, company)
        except _FormError as refused:
            return self._ar_form_error(refused.args[0])
        return request.redirect("/my/statement?message=promised")

    def _ar_amount(self, text, currency):
        """An amount in ``currency`` typed in a form, parsed strictly (``input_rules.parse_amount``).

        None when empty. Anything but a plain positive decimal with at most the
        currency's decimals (a sign, an exponent, ``inf``, ``nan``, letters,
        more than ``MAX_AMOUNT``, zero, 100.5 yen) raises ``_FormError``.
        """
        try:
            amount = input_rules.parse_amount(text, currency.decimal_places)
        except ValueError:
            amount = 0.0
        if amount is not None and amount <= 0:
            largest = f"{input_rules.MAX_AMOUNT:,}"
            example = f"{1250.5:.{currency.decimal_places}f}"
            raise _FormError(
                request.env._(
                    "Please type the amount as a positive number in %(currency)s with at most "
                    "%(decimals)s decimals, such as %(example)s (at most %(max)s).",
                    currency=currency.name,
                    decimals=currency.decimal_places,
                    example=example,
                    max=largest,
                )
            )
        return amount

    def _ar_date_error(self, today):
        first, last = input_rules.date_window(today)
        return request.env._(
            "Please give a date as YYYY-MM-DD between %(first)s and %(last)s.", first=first, last=last
        )

    # ------------------------------------------------------------------
    # Dunning letters
    # ------------------------------------------------------------------
    def _ar_communications(self):
        """The communications sent to the customer, in sudo."""
        return (
            request.env["ar.dunning.communication"]
            .sudo()
            .search([("partner_id", "=", self._ar_customer().id), ("state", "in", COMMUNICATION_SENT_STATES)])
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


class _FormError(Exception):
    """A value of a portal form refused; ``args[0]`` is the message shown to the customer."""
