from odoo import Command, api, fields, models


class ArWriteOffLine(models.Model):
    """One invoice of a write-off: its open amount in the invoice currency and in company currency."""

    _name = "ar.write.off.line"
    _inherit = ["ar.input.bounds.mixin"]
    _description = "Bad-Debt Write-off Line"
    _order = "write_off_id, id"
    _check_company_auto = True

    write_off_id = fields.Many2one(
        "ar.write.off", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="write_off_id.company_id", store=True, index=True)
    company_currency_id = fields.Many2one(related="write_off_id.currency_id", string="Company Currency")
    state = fields.Selection(related="write_off_id.state")
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, readonly=True, index=True, check_company=True
    )
    partner_id = fields.Many2one(related="move_id.partner_id", string="Customer")
    invoice_date = fields.Date(related="move_id.invoice_date")
    invoice_date_due = fields.Date(related="move_id.invoice_date_due", string="Due Date")
    account_id = fields.Many2one(
        "account.account", string="Receivable Account", required=True, readonly=True, check_company=True
    )
    currency_id = fields.Many2one("res.currency", string="Invoice Currency", required=True, readonly=True)
    amount_residual = fields.Monetary(
        string="Open Amount", currency_field="currency_id", readonly=True, help="Invoice currency."
    )
    amount_company = fields.Monetary(
        string="Open Amount (Company Currency)", currency_field="company_currency_id", readonly=True
    )
    recovery_ids = fields.One2many("ar.write.off.recovery", "line_id", string="Recoveries", readonly=True)

    @api.model
    def _prepare_from_invoice(self, invoice):
        """Values of the line writing off what is still open on ``invoice``."""
        return {
            "move_id": invoice.id,
            "account_id": invoice._ar_open_receivable_lines().account_id[:1].id,
            "currency_id": invoice.currency_id.id,
            "amount_residual": invoice.amount_residual,
            "amount_company": invoice.amount_residual_signed,
        }

    @api.depends("move_id", "amount_residual", "currency_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.move_id.name or ""

    def _matches_invoice(self):
        """True while the invoice still has exactly this line's open amounts."""
        self.ensure_one()
        invoice = self.move_id
        return not (
            self.currency_id.compare_amounts(invoice.amount_residual, self.amount_residual)
            or self.company_currency_id.compare_amounts(invoice.amount_residual_signed, self.amount_company)
        )

    def _write_off_label(self):
        return self.env._(
            "Write-off of %(invoice)s (%(write_off)s)",
            invoice=self.move_id.name,
            write_off=self.write_off_id.name,
        )

    def _write_off_move_lines(self, allowance):
        """Entry lines of the write-off: for each open receivable item, credit it and debit the allowance."""
        commands = []
        for line in self:
            label = line._write_off_label()
            for item in line.move_id._ar_open_receivable_lines():
                common = {"partner_id": item.partner_id.id, "currency_id": item.currency_id.id, "name": label}
                commands += [
                    Command.create(
                        {
                            **common,
                            "account_id": item.account_id.id,
                            "amount_currency": -item.amount_residual_currency,
                            "balance": -item.amount_residual,
                        }
                    ),
                    Command.create(
                        {
                            **common,
                            "account_id": allowance.id,
                            "amount_currency": item.amount_residual_currency,
                            "balance": item.amount_residual,
                        }
                    ),
                ]
        return commands

    def _reconcile_with(self, move):
        """Reconcile each invoice with its credit lines of the write-off entry ``move``."""
        for line in self:
            open_items = line.move_id._ar_open_receivable_lines()
            label = line._write_off_label()
            credits = move.line_ids.filtered(lambda item, text=label: item.name == text)
            for account in open_items.account_id:
                (open_items | credits).filtered(lambda item, acc=account: item.account_id == acc).reconcile()
