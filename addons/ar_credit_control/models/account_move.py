from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import GROUP_CREDIT_MANAGER
from ..tools import payment_risk_sql


class AccountMove(models.Model):
    """Optional credit re-check when a customer invoice is posted."""

    _inherit = "account.move"

    # Predicted payment risk, written in SQL batches by ar.payment.risk.model (cron and button)
    ar_late_probability = fields.Float(
        string="Late Payment Probability",
        readonly=True,
        copy=False,
        help="Probability that the invoice is paid more than the company's late threshold "
        "after its due date.",
    )
    ar_expected_days_late = fields.Float(
        string="Expected Days Late", digits=(16, 1), readonly=True, copy=False
    )
    ar_expected_loss = fields.Monetary(
        string="Expected Loss",
        currency_field="company_currency_id",
        readonly=True,
        copy=False,
        help="Open amount (company currency) times the late payment probability.",
    )
    ar_risk_reasons = fields.Text(string="Main Risk Reasons", readonly=True, copy=False)
    ar_risk_method = fields.Selection(
        [("model", "Learned model"), ("rules", "Rules")], string="Risk Method", readonly=True, copy=False
    )
    ar_risk_date = fields.Date(string="Risk Scored On", readonly=True, copy=False)

    @api.model
    def _ar_server_field_names(self):
        """Invoice fields only the suite's server code sets (in SQL): a client's value would fake
        a figure other screens and runs read. ar_dunning adds the dunning level and date."""
        return set(payment_risk_sql.RISK_FIELDS)

    @api.model_create_multi
    def create(self, vals_list):
        guard = self.env["ar.server.fields.mixin"]
        guard._ar_guard_core_fields(self, vals_list, self._ar_server_field_names())
        return super().create(vals_list)

    def write(self, vals):
        self.env["ar.server.fields.mixin"]._ar_guard_core_fields(self, [vals], self._ar_server_field_names())
        return super().write(vals)

    # ------------------------------------------------------------------
    # Disputed amounts (a hook: the addon that records disputes overrides it)
    # ------------------------------------------------------------------
    @api.model
    def _ar_disputed_amount_sql(self):
        """SQL subquery of the disputed part of invoices: rows ``(move_id, amount)``, company currency.

        The one source of "disputed" for every figure of the suite that leaves
        the disputed part of an invoice out (dunning, insured cover): an addon
        recording disputes (ar_dunning) overrides it and adds its rows to
        ``super()``'s, so an addon reading the figure never needs to know which
        addon records disputes, nor read its tables. Only disputes still open
        count; amounts are rounded to the company currency. An invoice may
        have several rows (one per overriding addon): callers sum them per
        invoice. Nothing is disputed here.
        """
        return SQL("SELECT NULL::integer AS move_id, 0::numeric AS amount WHERE FALSE")

    @api.model
    def _ar_disputed_amounts(self, move_ids):
        """``{invoice id: disputed amount}`` of ``move_ids``, company currency (see the SQL hook).

        Invoices without a dispute are left out.
        """
        if not move_ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT d.move_id, m.company_id, SUM(d.amount)
                     FROM (%s) d
                     JOIN account_move m ON m.id = d.move_id
                    WHERE d.move_id = ANY(%s)
                 GROUP BY d.move_id, m.company_id""",
                self._ar_disputed_amount_sql(),
                list(move_ids),
            )
        )
        rows = self.env.cr.fetchall()
        companies = self.env["res.company"].sudo().browse({company_id for _move, company_id, _amount in rows})
        result = {}
        for move_id, company_id, amount in rows:
            amount = companies.browse(company_id).currency_id.round(float(amount or 0.0))
            if amount:
                result[move_id] = amount
        return result

    def _post(self, soft=True):
        for move in self.filtered(lambda m: m.is_sale_document() and m.state == "draft"):
            move.currency_id._ar_check_rate(move.company_id, move.invoice_date or move.company_id._ar_today())
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
        currency = company.currency_id
        amount = currency.round(abs(self.amount_total_signed))
        figures = partner._ar_credit_figures(company, lock=True)  # the customer's row locked first
        reasons = partner._ar_credit_reasons(
            company, partner._ar_customer_credit(), figures, amount, rounding=currency.rounding
        )
        if not reasons:
            return
        text = "\n".join("- " + line for line in partner._ar_reason_lines(reasons, currency))
        if company.ar_credit_check_mode == "block" and not self.env.user.has_group(GROUP_CREDIT_MANAGER):
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

    def _ar_open_receivable_lines(self):
        """The receivable items of these moves not fully reconciled yet."""
        return self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
