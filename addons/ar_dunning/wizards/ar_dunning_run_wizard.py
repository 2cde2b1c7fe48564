from odoo import fields, models

from odoo.addons.ar_credit_control.tools.access import check_group

from ..const import GROUP_DUNNING_MANAGER


class ArDunningRunWizard(models.TransientModel):
    """Start a dunning run by hand: a date, a company, optionally some customers, or a dry run."""

    _name = "ar.dunning.run.wizard"
    _inherit = ["ar.screen.mixin"]
    _description = "Start a Dunning Run"
    _check_company_auto = True

    date = fields.Date(required=True, default=lambda self: self.env.company._ar_today())
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_ids = fields.Many2many(
        "res.partner",
        string="Only Customers",
        domain="[('parent_id', '=', False)]",
        check_company=True,
        help="Leave empty to run over every customer with overdue invoices.",
    )
    dry_run = fields.Boolean(help="Only list what the run would do; nothing is created or sent.")

    def action_run(self):
        """Create the run, execute it and show it."""
        self.ensure_one()
        check_group(self.env, GROUP_DUNNING_MANAGER)
        run = self.env["ar.dunning.run"].create(
            {
                "date": self.date,
                "company_id": self.company_id.id,
                "partner_ids": [fields.Command.set(self.partner_ids.ids)],
                "dry_run": self.dry_run,
            }
        )
        run.action_start()
        return {
            "type": "ir.actions.act_window",
            "res_model": "ar.dunning.run",
            "res_id": run.id,
            "view_mode": "form",
        }
