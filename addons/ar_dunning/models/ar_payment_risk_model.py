from odoo import models
from odoo.tools import SQL

from odoo.addons.ar_credit_control.tools.payment_risk_sql import RiskFeature

#: Dunning level an invoice had reached on the prediction date (``b.as_of``): the rank (1, 2, ...) in
#: its policy of the highest level of the reminders sent for it up to that date, 0 without reminder.
DUNNING_LEVEL_SQL = SQL(
    """
    COALESCE((SELECT MAX(rank.position)
                FROM ar_dunning_communication_move_rel rel
                JOIN ar_dunning_communication c ON c.id = rel.communication_id
                JOIN LATERAL (
                      SELECT COUNT(*) AS position
                        FROM ar_dunning_level l2
                        JOIN ar_dunning_level l ON l.id = c.level_id
                       WHERE l2.policy_id = l.policy_id AND (l2.sequence, l2.id) <= (l.sequence, l.id)
                ) rank ON TRUE
               WHERE rel.move_id = b.move_id AND c.state = 'sent' AND c.date <= b.as_of), 0)
    """
)

#: The worklist figures of a company's customers from the scores stored on their open invoices:
#: total expected loss, and the reasons of the invoice with the largest expected loss.
WORKLIST_SQL = """
UPDATE ar_dunning_customer s
   SET expected_loss = COALESCE(risk.loss, 0), risk_reasons = risk.reasons
  FROM ar_dunning_customer s2
  LEFT JOIN LATERAL (
        SELECT SUM(m.ar_expected_loss) AS loss,
               (ARRAY_AGG(m.ar_risk_reasons ORDER BY m.ar_expected_loss DESC NULLS LAST, m.id))[1] AS reasons
          FROM account_move m
         WHERE m.commercial_partner_id = s2.partner_id AND m.company_id = s2.company_id
           AND m.ar_risk_method IS NOT NULL
  ) risk ON TRUE
 WHERE s.id = s2.id AND s2.company_id = %s
"""


class ArPaymentRiskModel(models.Model):
    """The dunning level joins the risk model's features; scoring refreshes the dunning worklist."""

    _inherit = "ar.payment.risk.model"

    def _ar_risk_features(self):
        return super()._ar_risk_features() + [
            RiskFeature("dunning_level", self.env._("Dunning level reached"), DUNNING_LEVEL_SQL, "number")
        ]

    def _ar_after_scoring(self, company):
        result = super()._ar_after_scoring(company)
        self.env["ar.dunning.customer"].flush_model()
        self.env.cr.execute(WORKLIST_SQL, [company.id])
        self.env["ar.dunning.customer"].invalidate_model(["expected_loss", "risk_reasons"])
        return result
