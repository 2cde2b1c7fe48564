import logging
from datetime import date as Date
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from odoo.addons.ar_credit_control.tools.aging_sql import open_items_sql

from ..tools import statement_sql

_logger = logging.getLogger(__name__)

#: Months in which the quarterly statements go out (for the quarter just ended).
QUARTER_MONTHS = (1, 4, 7, 10)


def statement_period(today, frequency):
    """``(date_from, date_to)`` of the statement due on ``today`` for ``frequency``, or ``None``.

    Monthly: the previous month. Quarterly: the previous quarter, in January,
    April, July and October only.
    """
    last = today.replace(day=1) - timedelta(days=1)
    if frequency == "monthly":
        return last.replace(day=1), last
    if frequency == "quarterly" and today.month in QUARTER_MONTHS:
        first_month = last.month - 2
        return Date(last.year, first_month, 1), last
    return None


class ArStatement(models.AbstractModel):
    """Statement of account of a customer: figures from SQL, PDF, email and the monthly schedule."""

    _name = "ar.statement"
    _description = "Statement of Account"

    @api.model
    def _statement_data(self, partner, date_from, date_to, company=None):
        """Opening balance, movements with running balance, closing balance and aging of ``partner``.

        All amounts in company currency; ``closing == opening + sum(line amounts)``.
        """
        company = company or self.env.company
        partner = partner.commercial_partner_id
        opening = self._balance(partner, date_from - timedelta(days=1), company)
        self.env.cr.execute(statement_sql.movements_sql(company.id, partner.id, date_from, date_to))
        lines = self.env.cr.dictfetchall()
        for line in lines:
            line["balance"] = opening + line["cumulated"]
            line["kind"] = self._line_kind(line)
        closing = lines[-1]["balance"] if lines else opening
        return {
            "partner": partner,
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
            "opening": opening,
            "lines": lines,
            "closing": closing,
            "aging": self._aging(partner, date_to, company),
        }

    @api.model
    def _balance(self, partner, date, company=None):
        """Receivable balance of the commercial ``partner`` at the end of ``date``."""
        company = company or self.env.company
        self.env.cr.execute(statement_sql.balance_sql(company.id, partner.commercial_partner_id.id, date))
        return self.env.cr.fetchone()[0]

    @api.model
    def _line_kind(self, line):
        """Label of a statement line: invoice, credit note, payment or other entry."""
        if line["move_type"] == "out_invoice":
            return self.env._("Invoice")
        if line["move_type"] == "out_refund":
            return self.env._("Credit Note")
        if line["is_payment"]:
            return self.env._("Payment")
        return self.env._("Entry")

    @api.model
    def _open_items(self, partner, date, company=None):
        """Open receivable items of ``partner`` at ``date`` with due date, days past due, bucket, residual."""
        company = company or self.env.company
        buckets = company._ar_aging_buckets()
        items = open_items_sql(company.id, date, buckets, [partner.commercial_partner_id.id])
        self.env.cr.execute(
            SQL(
                """SELECT items.*, m.name, m.move_type, m.invoice_date
                     FROM (%s) items JOIN account_move m ON m.id = items.move_id
                 ORDER BY items.date_maturity, items.move_id""",
                items,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _aging(self, partner, date, company=None, items=None):
        """``[(label, amount)]`` of the open items of ``partner`` at ``date`` per aging bucket."""
        company = company or self.env.company
        buckets = company._ar_aging_buckets()
        items = self._open_items(partner, date, company) if items is None else items
        amounts = [0.0] * buckets.count
        for item in items:
            amounts[item["bucket"]] += item["residual"]
        return list(zip(buckets.labels(self.env._("Current")), amounts, strict=True))

    # ------------------------------------------------------------------
    # PDF and email
    # ------------------------------------------------------------------
    @api.model
    def _render_pdf(self, partner, date_from, date_to):
        """PDF of the statement of ``partner`` for the period."""
        data = {"date_from": fields.Date.to_string(date_from), "date_to": fields.Date.to_string(date_to)}
        pdf, _format = (
            self.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf("ar_dunning.action_report_customer_statement", partner.ids, data=data)
        )
        return pdf

    @api.model
    def _queue_statement(self, partner, date_from, date_to):
        """Queue (not send) the statement email of ``partner`` with its PDF; returns the mail.mail."""
        partner = partner.commercial_partner_id
        contact = partner._ar_dunning_contact()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.env._(
                        "Statement %(partner)s %(date)s.pdf", partner=partner.name, date=date_to
                    ),
                    "raw": self._render_pdf(partner, date_from, date_to),
                    "res_model": "res.partner",
                    "res_id": partner.id,
                    "mimetype": "application/pdf",
                }
            )
        )
        template = self.env.ref("ar_dunning.mail_template_customer_statement").sudo()
        mail_id = template.with_context(
            ar_statement_date_from=date_from, ar_statement_date_to=date_to
        ).send_mail(contact.id, force_send=False, email_values={"attachment_ids": [(4, attachment.id)]})
        return self.env["mail.mail"].sudo().browse(mail_id)

    # ------------------------------------------------------------------
    # Schedule
    # ------------------------------------------------------------------
    @api.model
    def _cron_send_statements(self, batch_size=100, today=None):
        """Queue the statements due ``today``, once per period, committing after each batch."""
        self = self.sudo()  # noqa: PLW0642 - the cron covers every customer
        today = today or self.env.company._ar_today()
        for frequency in ("monthly", "quarterly"):
            period = statement_period(today, frequency)
            if not period:
                continue
            partners = self._due_partners(frequency, period[1])
            for batch in split_every(batch_size, partners.ids, self.env["res.partner"].browse):
                for partner in batch:
                    self._queue_statement(partner, *period)
                    partner.ar_statement_last_date = period[1]
                self._commit()
                _logger.info("Statements of account queued for %s customers", len(batch))

    @api.model
    def _due_partners(self, frequency, date_to):
        """Commercial customers with ``frequency`` whose statement up to ``date_to`` is not queued yet."""
        return self.env["res.partner"].search(
            [
                ("ar_statement_frequency", "=", frequency),
                ("parent_id", "=", False),
                "|",
                ("ar_statement_last_date", "=", False),
                ("ar_statement_last_date", "<", date_to),
            ],
            order="id",
        )

    def _commit(self):
        """Commit the batch; tests replace this to stay in their transaction."""
        self.env.cr.commit()  # pylint: disable=invalid-commit
