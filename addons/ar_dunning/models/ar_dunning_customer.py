from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.ar_credit_control.const import INSOLVENCY_ACTIVE_STATES


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
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", readonly=True, check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("ar.dunning.policy", readonly=True, check_company=True)
    level_id = fields.Many2one("ar.dunning.level", string="Current Level", readonly=True, check_company=True)
    overdue_amount = fields.Monetary(string="Total Overdue", readonly=True)
    oldest_due_date = fields.Date(readonly=True)
    last_reminder_date = fields.Date(string="Last Reminder", readonly=True)
    last_run_date = fields.Date(
        readonly=True, help="Date of the last dunning run that processed the customer."
    )
    last_run_id = fields.Many2one(
        "ar.dunning.run", readonly=True, index="btree_not_null", ondelete="set null", check_company=True
    )
    collector_id = fields.Many2one("res.users", readonly=True)
    insolvency_case_id = fields.Many2one(
        "ar.insolvency.case",
        string="Dunning Stopped By",
        compute="_compute_insolvency_case_id",
        search="_search_insolvency_case_id",
        help="Open insolvency case of the customer: the dunning run skips it until the case is closed.",
    )
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

    def _compute_insolvency_case_id(self):
        cases = (
            self.env["ar.insolvency.case"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("state", "in", INSOLVENCY_ACTIVE_STATES),
                ]
            )
        )
        by_key = {(case.partner_id.id, case.company_id.id): case.id for case in cases}
        for status in self:
            status.insolvency_case_id = by_key.get((status.partner_id.id, status.company_id.id), False)

    def _search_insolvency_case_id(self, operator, value):
        if operator not in ("!=", "=") or value is not False:
            raise UserError(
                self.env._("Only 'set' and 'not set' searches on the insolvency case are supported.")
            )
        self.env["ar.insolvency.case"].flush_model(["partner_id", "company_id", "state"])
        self.env.cr.execute(
            """SELECT s.id FROM ar_dunning_customer s
                 JOIN ar_insolvency_case ic ON ic.partner_id = s.partner_id AND ic.company_id = s.company_id
                WHERE ic.state = ANY(%s)""",
            [list(INSOLVENCY_ACTIVE_STATES)],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return [("id", "in" if operator == "!=" else "not in", ids)]

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

    def action_ar_send_statement(self):
        """Open the statement wizard for the customers of these worklist rows."""
        return self.env["ar.statement.wizard"]._open_for(self.partner_id)
