from odoo import fields, models


class ArDunningCustomer(models.Model):
    """Dunning status of a customer in a company: one row per commercial partner and company.

    The daily run locks these rows (``FOR UPDATE SKIP LOCKED``) to share the
    customers between cron workers, records on them that the customer was
    processed on a date (so a re-run resumes where it stopped), and keeps the
    figures the worklist shows.
    """

    _name = "ar.dunning.customer"
    _description = "Customer Dunning Status"
    _order = "overdue_amount desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("ar.dunning.policy", readonly=True)
    level_id = fields.Many2one("ar.dunning.level", string="Current Level", readonly=True)
    overdue_amount = fields.Monetary(string="Total Overdue", readonly=True)
    oldest_due_date = fields.Date(readonly=True)
    last_reminder_date = fields.Date(string="Last Reminder", readonly=True)
    last_run_date = fields.Date(
        readonly=True, help="Date of the last dunning run that processed the customer."
    )
    last_run_id = fields.Many2one(
        "ar.dunning.run", readonly=True, index="btree_not_null", ondelete="set null"
    )
    collector_id = fields.Many2one("res.users", readonly=True)
    expected_loss = fields.Monetary(
        readonly=True,
        help="Open invoices of the customer times their probability of being paid late "
        "(refreshed with the payment risk scores).",
    )
    risk_reasons = fields.Text(
        string="Main Risk Reasons",
        readonly=True,
        help="Reasons of the invoice with the largest expected loss.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "One dunning status per customer and company.",
        ),
    ]

    def action_open_partner(self):
        """Open the customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def _for_many(self, pairs):
        """``{(commercial partner id, company id): status}`` of ``pairs`` of ids, missing rows created."""
        pairs = set(pairs)
        statuses = self.search(
            [
                ("partner_id", "in", list({pid for pid, _cid in pairs})),
                ("company_id", "in", list({cid for _pid, cid in pairs})),
            ]
        )
        found = {(status.partner_id.id, status.company_id.id): status for status in statuses}
        missing = sorted(pair for pair in pairs if pair not in found)
        created = self.create([{"partner_id": pid, "company_id": cid} for pid, cid in missing])
        for pair, status in zip(missing, created, strict=True):
            found[pair] = status
        return found
