from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..const import GROUP_CREDIT_MANAGER
from ..tools.write_off_rules import (
    WriteOffRuleError,
    check_recovery_amount,
    recovery_company_amount,
    remaining_recoverable,
)


class ArWriteOffRecovery(models.Model):
    """Money received for an invoice after it was written off: the receivable is reinstated
    against the allowance, then the customer's payment is reconciled with it as usual."""

    _name = "ar.write.off.recovery"
    _inherit = ["ar.input.bounds.mixin"]
    _description = "Bad-Debt Recovery"
    _order = "date desc, id desc"
    _rec_name = "line_id"
    _check_company_auto = True

    write_off_id = fields.Many2one(
        "ar.write.off", required=True, ondelete="restrict", index=True, readonly=True
    )
    line_id = fields.Many2one("ar.write.off.line", string="Invoice", required=True, readonly=True, index=True)
    company_id = fields.Many2one(related="write_off_id.company_id", store=True, index=True)
    company_currency_id = fields.Many2one(related="write_off_id.currency_id", string="Company Currency")
    partner_id = fields.Many2one(related="write_off_id.partner_id", string="Customer")
    date = fields.Date(required=True, readonly=True)
    currency_id = fields.Many2one(related="line_id.currency_id", string="Invoice Currency")
    amount = fields.Monetary(
        required=True, readonly=True, currency_field="currency_id", help="Invoice currency."
    )
    amount_company = fields.Monetary(
        string="Amount (Company Currency)",
        readonly=True,
        currency_field="company_currency_id",
        help="At the rate of the write-off: what goes back from the allowance to the receivable.",
    )
    move_id = fields.Many2one("account.move", string="Recovery Entry", readonly=True, check_company=True)
    user_id = fields.Many2one(
        "res.users", string="Recorded By", readonly=True, default=lambda self: self.env.user
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group(GROUP_CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can record recoveries."))
        if not self.env.su:
            raise AccessError(self.env._("Recoveries are recorded with the Record Recovery wizard."))
        return super().create(vals_list)

    @api.model
    def _ar_recovered(self, lines):
        """{write-off line id: (recovered amount, recovered company amount)}, aggregated in SQL."""
        self.flush_model(["line_id", "amount", "amount_company"])
        groups = self.sudo()._read_group(
            [("line_id", "in", lines.ids)], ["line_id"], ["amount:sum", "amount_company:sum"]
        )
        return {line.id: (amount, amount_company) for line, amount, amount_company in groups}

    @api.model
    def _ar_remaining(self, line):
        """What can still be recovered of ``line`` (invoice currency)."""
        recovered, _recovered_company = self._ar_recovered(line).get(line.id, (0.0, 0.0))
        return remaining_recoverable(line.amount_residual, recovered, line.currency_id.rounding)

    @api.model
    def _ar_record(self, line, amount, date):
        """Post the recovery of ``amount`` (invoice currency) on ``line`` dated ``date``; return it."""
        line.write_off_id._check_manager()
        line.write_off_id._lock()  # two recoveries at once cannot exceed what is left
        line.write_off_id._ar_check_state("posted")
        # checked above; the accounting reads and writes below need no accounting rights
        line = line.sudo()
        write_off = line.write_off_id
        recovered, recovered_company = self._ar_recovered(line).get(line.id, (0.0, 0.0))
        rounding = line.currency_id.rounding
        remaining = remaining_recoverable(line.amount_residual, recovered, rounding)
        try:
            check_recovery_amount(amount, remaining, rounding)
        except WriteOffRuleError as error:
            raise UserError(
                self.env._(
                    "The recovery must be more than zero and at most %(remaining)s for %(invoice)s.",
                    remaining=write_off._format_amount(remaining, line.currency_id),
                    invoice=line.move_id.display_name,
                )
            ) from error
        amount_company = recovery_company_amount(
            amount,
            line.amount_residual,
            recovered,
            (line.amount_company, recovered_company),
            rounding,
            line.company_currency_id.rounding,
        )
        return self._ar_post(line, amount, amount_company, date)

    def _ar_post(self, line, amount, amount_company, date):
        write_off = line.write_off_id
        _allowance, journal = write_off._ar_write_off_settings(write_off.company_id)
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(write_off.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": self.env._("Recovery %(name)s", name=write_off.name),
                    "line_ids": write_off._recovery_move_lines(line, amount, amount_company),
                }
            )
        )
        move.action_post()
        recovery = self.sudo().create(
            {
                "write_off_id": write_off.id,
                "line_id": line.id,
                "date": date,
                "amount": amount,
                "amount_company": amount_company,
                "move_id": move.id,
            }
        )
        write_off._post_summary_recovery(recovery)
        return recovery.sudo(False)

    def _receivable_line(self):
        """The reinstated receivable item, to reconcile the customer's payment with."""
        self.ensure_one()
        return self.move_id.line_ids.filtered(lambda item: item.account_id == self.line_id.account_id)
