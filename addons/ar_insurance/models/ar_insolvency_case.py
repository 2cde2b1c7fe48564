from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_amount

from ..const import NOTIFICATION_OPEN_STATES


class ArInsolvencyCase(models.Model):
    """Insolvency of an insured buyer: the insurer's notification and a draft claim are prepared.

    When the case opens, the buyer's insured receivables are refreshed under
    the company's active policy covering it; the open notification of the
    buyer (created if needed) lists them all (insolvency makes them due), and
    a draft claim is created for them, both linked to the case.
    """

    _inherit = "ar.insolvency.case"

    insurance_notification_ids = fields.One2many(
        "ar.insurance.notification",
        "insolvency_case_id",
        string="Insurer Notifications",
        groups="ar_insurance.group_ar_insurance_user",
    )
    insurance_claim_ids = fields.One2many(
        "ar.insurance.claim",
        "insolvency_case_id",
        string="Insurance Claims",
        groups="ar_insurance.group_ar_insurance_user",
    )
    insurance_notification_count = fields.Integer(
        compute="_compute_insurance_counts", groups="ar_insurance.group_ar_insurance_user"
    )
    insurance_claim_count = fields.Integer(
        compute="_compute_insurance_counts", groups="ar_insurance.group_ar_insurance_user"
    )

    @api.depends("insurance_notification_ids", "insurance_claim_ids")
    def _compute_insurance_counts(self):
        for case in self:
            case.insurance_notification_count = len(case.insurance_notification_ids)
            case.insurance_claim_count = len(case.insurance_claim_ids)

    def _after_open(self):
        result = super()._after_open()
        for case in self:
            case._prepare_insurance_claim()
        return result

    def _insured_receivables(self, policy):
        """The buyer's receivables covered by ``policy`` today (refreshed first)."""
        receivables = self.env["ar.insurance.receivable"].sudo()
        receivables._refresh(policy, [self.partner_id.id])
        return receivables.search(
            [
                ("policy_id", "=", policy.id),
                ("partner_id", "=", self.partner_id.id),
                ("covered_amount", ">", 0),
            ]
        )

    def _prepare_insurance_claim(self):
        """Prepare the insurer notification and a draft claim for the insured receivables, if any.

        The case's link on both is the server's (``ar.server.fields.mixin``).
        """
        self.ensure_one()
        with self.env["ar.insurance.claim"]._ar_server_write("ar.insurance.notification"):
            self._prepare_insurance_documents()

    def _prepare_insurance_documents(self):
        policy = self.env["ar.insurance.policy"]._policy_for(
            self.partner_id, self.company_id, self.date_opening
        )
        if not policy:
            return
        lines = self._insured_receivables(policy)
        if not lines:
            return
        notification = (
            self.env["ar.insurance.notification"]
            .sudo()
            .search(
                [
                    ("policy_id", "=", policy.id),
                    ("partner_id", "=", self.partner_id.id),
                    ("state", "in", NOTIFICATION_OPEN_STATES),
                ],
                limit=1,
            )
        )
        notification = notification._sync_lines(policy, self.partner_id.id, lines, whole=True)
        notification.insolvency_case_id = self
        claim = (
            self.env["ar.insurance.claim"]
            .sudo()
            .create(
                {
                    "policy_id": policy.id,
                    "partner_id": self.partner_id.id,
                    "notification_id": notification.id,
                    "move_ids": [fields.Command.set(lines.move_id.ids)],
                    "insolvency_case_id": self.id,
                }
            )
        )
        self._post_insurance_message(notification, claim)

    def _post_insurance_message(self, notification, claim):
        currency = claim.currency_id
        body = self.env._(
            "Insured buyer (policy %(policy)s): notification %(notification)s of %(amount)s to send "
            "to the insurer; draft claim %(claim)s prepared (covered %(covered)s, "
            "expected indemnity %(indemnity)s).",
            policy=claim.policy_id.number,
            notification=notification.display_name,
            amount=format_amount(self.env, notification.amount_overdue, currency),
            claim=claim.name,
            covered=format_amount(self.env, claim.covered_amount, currency),
            indemnity=format_amount(self.env, claim.expected_indemnity, currency),
        )
        self.message_post(body=Markup("%s") % body)
        note = self.env._("Prepared for insolvency case %(case)s.", case=self.name)
        notification.message_post(body=note)
        claim.message_post(body=note)

    def action_view_insurance_notifications(self):
        """The insurer notifications prepared for the case."""
        return self._insurance_action("ar.insurance.notification", self.env._("Insurer Notifications"))

    def action_view_insurance_claims(self):
        """The insurance claims prepared for the case."""
        return self._insurance_action("ar.insurance.claim", self.env._("Insurance Claims"))

    def _insurance_action(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("insolvency_case_id", "=", self.id)],
            "context": {"create": False},
        }
