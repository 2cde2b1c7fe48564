from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from odoo.addons.ar_credit_control.tools import receivables

from ..const import LIMIT_GRANTED_STATES
from ..tools.insurance_rules import stop_delivery_date

LIMIT_STATUS = [
    ("discretionary", "Discretionary Limit"),
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("partly_approved", "Partly Approved"),
    ("reduced", "Reduced"),
    ("refused", "Refused"),
    ("cancelled", "Cancelled"),
    ("expired", "Expired"),
    ("none", "Not Covered"),
]


class ResPartner(models.Model):
    """A buyer's credit insurance cover in the current company."""

    _inherit = "res.partner"

    insurance_policy_id = fields.Many2one("ar.insurance.policy", compute="_compute_insurance")
    insurance_currency_id = fields.Many2one("res.currency", compute="_compute_insurance")
    insurance_limit = fields.Monetary(
        string="Insured Limit",
        compute="_compute_insurance",
        currency_field="insurance_currency_id",
        help="Cover of the buyer in company currency: the limit granted by the insurer, or the policy's"
        " discretionary limit while no decision exists; 0 when refused or cancelled.",
    )
    insurance_limit_status = fields.Selection(
        LIMIT_STATUS, compute="_compute_insurance", string="Limit Status"
    )
    insurance_limit_granted = fields.Boolean(
        compute="_compute_insurance", help="The insurer granted a limit valid today."
    )
    insurance_stop_delivery_date = fields.Date(
        string="Stop Delivery Date",
        compute="_compute_insurance",
        help="Due date of the oldest unpaid invoice + the policy's maximum extension period.",
    )
    insurance_cover_lost = fields.Boolean(
        compute="_compute_insurance",
        help="A notification deadline was missed for this buyer.",
    )
    insurance_limit_count = fields.Integer(compute="_compute_insurance")

    @api.model
    def _insurance_active_policies(self, company, today):
        """The company's policies in force on ``today`` (sudo: the buyer's cover is read for anyone)."""
        return (
            self.env["ar.insurance.policy"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                    ("date_start", "<=", today),
                    ("date_end", ">=", today),
                ]
            )
        )

    @api.depends_context("company", "date")
    def _compute_insurance(self):
        today = self.env.company._ar_today()
        company = self.env.company
        policies = self._insurance_active_policies(company, today)
        commercials = self.commercial_partner_id
        oldest_due = self._insurance_oldest_due_dates(commercials, company)
        lost = set(
            self.env["ar.insurance.notification"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", commercials.ids),
                    ("state", "=", "lost"),
                    ("company_id", "=", company.id),
                ]
            )
            .partner_id.ids
        )
        counts = dict(
            self.env["ar.insurance.limit"]
            .sudo()
            ._read_group(
                [("partner_id", "in", commercials.ids), ("company_id", "=", company.id)],
                ["partner_id"],
                ["__count"],
            )
        )
        policy_of = {
            commercial.id: policies.filtered(lambda pol, buyer=commercial: pol._covers_partner(buyer))[:1]
            for commercial in commercials
        }
        covers = {}
        for policy in policies:
            buyer_ids = [buyer_id for buyer_id, pol in policy_of.items() if pol == policy and buyer_id]
            covers[policy] = policy._buyer_covers(buyer_ids, today) if buyer_ids else {}
        for partner in self:
            commercial = partner.commercial_partner_id
            policy = policy_of.get(commercial.id, policies.browse())
            cover = covers.get(policy, {}).get(commercial.id) if policy else None
            partner.update(partner._insurance_values(policy, cover, today))
            partner.insurance_currency_id = company.currency_id
            partner.insurance_stop_delivery_date = stop_delivery_date(
                oldest_due.get(commercial.id), policy.max_extension_days
            )
            partner.insurance_cover_lost = commercial.id in lost
            partner.insurance_limit_count = counts.get(commercial, 0)

    def _insurance_values(self, policy, cover, today):
        """Policy, insured limit (company currency) and status of a buyer given its ``cover``
        (cover amount, deciding limit) under ``policy``."""
        if not policy or cover is None:
            return {
                "insurance_policy_id": policy.id,
                "insurance_limit": 0.0,
                "insurance_limit_status": "none",
                "insurance_limit_granted": False,
            }
        amount, limit = cover
        if not limit or limit.state == "requested":
            status = "discretionary"
        elif limit.state in LIMIT_GRANTED_STATES and not limit.is_valid:
            status = "expired"
        else:
            status = limit.state
        return {
            "insurance_policy_id": policy.id,
            "insurance_limit": policy.currency_id._convert(
                amount, self.env.company.currency_id, self.env.company, today
            ),
            "insurance_limit_status": status,
            "insurance_limit_granted": status in LIMIT_GRANTED_STATES,
        }

    @api.model
    def _insurance_oldest_due_dates(self, commercials, company):
        """Commercial partner id -> due date of its oldest open item owed in ``company`` (``receivables``)."""
        if not commercials.ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT items.partner_id, MIN(items.date_maturity)
                     FROM (%s) items
                    WHERE items.residual > 0
                 GROUP BY items.partner_id""",
                receivables.open_items_sql(
                    company.id, company._ar_today(), as_of=False, partner_ids=commercials.ids
                ),
            )
        )
        return dict(self.env.cr.fetchall())

    def _ar_delivery_stops(self):
        """Add the insurer's stop: its stop-delivery date for the buyer has come (company's date).

        Past that date the insurer no longer covers new deliveries to the
        buyer (the oldest unpaid invoice is beyond the maximum extension
        period), so orders are refused as for an insolvency stop.
        """
        stops = super()._ar_delivery_stops()
        stop_date = self._ar_insurer_stop_date()
        if stop_date and stop_date <= self.env.company._ar_today():
            stops.append(
                self.env._(
                    "the insurer's stop-delivery date %(date)s has passed",
                    date=format_date(self.env, stop_date),
                )
            )
        return stops

    def _ar_insurer_stop_date(self):
        """The insurer's stop-delivery date of this buyer in the current company, or None.

        The same rule as ``insurance_stop_delivery_date`` (the first policy in force covering the
        buyer, the due date of its oldest open item plus the policy's maximum extension), read
        with as few queries as an order confirmation can afford: one when no policy is in force
        (most companies), without the rest of the insurance figures of the customer's form.
        """
        self.ensure_one()
        company = self.env.company
        today = company._ar_today()
        policies = self._insurance_active_policies(company, today)
        commercial = self.commercial_partner_id
        policy = policies.filtered(lambda pol: pol._covers_partner(commercial))[:1]
        if not policy or not policy.max_extension_days:
            return None
        oldest_due = self._insurance_oldest_due_dates(commercial, company).get(commercial.id)
        return stop_delivery_date(oldest_due, policy.max_extension_days)

    def action_view_insurance_limits(self):
        """The buyer limits of the customer's commercial entity."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Buyer Limits"),
            "res_model": "ar.insurance.limit",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_policy_id": self.insurance_policy_id.id,
            },
        }
