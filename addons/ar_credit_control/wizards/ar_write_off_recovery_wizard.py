from odoo import api, fields, models


class ArWriteOffRecoveryWizard(models.TransientModel):
    """Record money received for a written-off invoice: reinstate the receivable against the allowance."""

    _name = "ar.write.off.recovery.wizard"
    _inherit = ["ar.screen.mixin"]
    _description = "Record Recovery"

    write_off_id = fields.Many2one("ar.write.off", required=True, readonly=True)
    company_id = fields.Many2one(related="write_off_id.company_id")
    line_id = fields.Many2one(
        "ar.write.off.line",
        string="Invoice",
        required=True,
        domain="[('write_off_id', '=', write_off_id)]",
    )
    currency_id = fields.Many2one(related="line_id.currency_id")
    remaining = fields.Monetary(
        string="Still Recoverable", compute="_compute_remaining", currency_field="currency_id"
    )
    amount = fields.Monetary(required=True, currency_field="currency_id", help="Invoice currency.")
    date = fields.Date(required=True, default=lambda self: self.env.company._ar_today())

    @api.model
    def default_get(self, fields_list):
        self.env["ar.write.off"]._check_manager()
        values = super().default_get(fields_list)
        write_off = self.env["ar.write.off"].browse(values.get("write_off_id"))
        if len(write_off.line_ids) == 1:
            values["line_id"] = write_off.line_ids.id
        return values

    @api.depends("line_id")
    def _compute_remaining(self):
        recoveries = self.env["ar.write.off.recovery"]
        for wizard in self:
            wizard.remaining = recoveries._ar_remaining(wizard.line_id) if wizard.line_id else 0.0

    @api.onchange("line_id")
    def _onchange_line_id(self):
        self.amount = self.remaining

    def action_record(self):
        """Post the recovery entry, then open the payment registration on the reinstated receivable."""
        self.ensure_one()
        recovery = self.env["ar.write.off.recovery"]._ar_record(self.line_id, self.amount, self.date)
        if not self.env.user.has_group("account.group_account_invoice"):
            return {"type": "ir.actions.act_window_close"}
        return recovery._receivable_line().action_register_payment()
