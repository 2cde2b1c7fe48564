from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import receivables


class ArWriteOffWizard(models.TransientModel):
    """Write off the open amount of uncollectable invoices of one customer, with a mandatory reason."""

    _name = "ar.write.off.wizard"
    _inherit = ["ar.screen.mixin"]
    _description = "Write Off Receivables"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('company_id', '=', company_id), ('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    date = fields.Date(
        string="Accounting Date", required=True, default=lambda self: self.env.company._ar_today()
    )
    reason = fields.Text(
        required=True, help="Why the receivable cannot be collected (kept on the write-off)."
    )
    threshold = fields.Monetary(related="company_id.ar_write_off_threshold", string="Second Approval Above")

    @api.model
    def default_get(self, fields_list):
        self.env["ar.write.off"]._check_manager()
        values = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        if model == "account.move" and ids:
            invoices = self.env["account.move"].browse(ids)
            values.update(
                company_id=invoices.company_id[:1].id,
                partner_id=invoices.commercial_partner_id[:1].id,
                invoice_ids=[fields.Command.set(invoices.ids)],
            )
        elif model == "res.partner" and ids:
            partner = self.env["res.partner"].browse(ids[:1]).commercial_partner_id
            values.update(
                partner_id=partner.id, invoice_ids=[fields.Command.set(self._overdue_invoices(partner).ids)]
            )
        return values

    def _overdue_invoices(self, partner):
        """Posted invoices of ``partner`` in this company with an overdue instalment (``receivables``)."""
        company = self.env.company
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT items.move_id FROM (%s) items WHERE %s",
                receivables.open_items_sql(
                    company.id,
                    company._ar_today(),
                    as_of=False,
                    partner_ids=[partner.commercial_partner_id.id],
                ),
                receivables.overdue_sql("items"),
            )
        )
        return self.env["account.move"].search(
            [
                ("id", "in", [row[0] for row in self.env.cr.fetchall()]),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )

    def action_write_off(self):
        """Create the write-off and request it.

        At or below the company's threshold it is posted at once, above it waits for a second credit manager.
        """
        self.ensure_one()
        write_offs = self.env["ar.write.off"]
        write_offs._check_manager()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason for the write-off."))
        write_offs._ar_write_off_settings(self.company_id)
        write_offs._ar_check_invoices(
            self.invoice_ids, self.partner_id.commercial_partner_id, self.company_id
        )
        write_off = write_offs._ar_new_write_off(
            self.partner_id.commercial_partner_id, self.invoice_ids, self.reason, self.date
        )
        write_off.action_submit()
        return {
            "type": "ir.actions.act_window",
            "res_model": "ar.write.off",
            "res_id": write_off.id,
            "view_mode": "form",
            "target": "current",
        }
