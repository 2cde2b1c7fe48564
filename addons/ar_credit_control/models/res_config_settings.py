from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_credit_check_mode = fields.Selection(related="company_id.ar_credit_check_mode", readonly=False)
    ar_credit_check_limit = fields.Boolean(related="company_id.ar_credit_check_limit", readonly=False)
    ar_credit_grace_percent = fields.Float(related="company_id.ar_credit_grace_percent", readonly=False)
    ar_credit_zero_limit = fields.Selection(related="company_id.ar_credit_zero_limit", readonly=False)
    ar_credit_check_overdue = fields.Boolean(related="company_id.ar_credit_check_overdue", readonly=False)
    ar_credit_overdue_tolerance_days = fields.Integer(
        related="company_id.ar_credit_overdue_tolerance_days", readonly=False
    )
    ar_credit_check_hold = fields.Boolean(related="company_id.ar_credit_check_hold", readonly=False)
    ar_credit_check_prepayment = fields.Boolean(
        related="company_id.ar_credit_check_prepayment", readonly=False
    )
    ar_credit_check_review = fields.Boolean(related="company_id.ar_credit_check_review", readonly=False)
    ar_exposure_include_orders = fields.Boolean(
        related="company_id.ar_exposure_include_orders", readonly=False
    )
    ar_exposure_include_drafts = fields.Boolean(
        related="company_id.ar_exposure_include_drafts", readonly=False
    )
    ar_credit_check_on_post = fields.Boolean(related="company_id.ar_credit_check_on_post", readonly=False)
    ar_weight_character = fields.Float(related="company_id.ar_weight_character", readonly=False)
    ar_weight_capacity = fields.Float(related="company_id.ar_weight_capacity", readonly=False)
    ar_weight_capital = fields.Float(related="company_id.ar_weight_capital", readonly=False)
    ar_weight_collateral = fields.Float(related="company_id.ar_weight_collateral", readonly=False)
    ar_weight_conditions = fields.Float(related="company_id.ar_weight_conditions", readonly=False)
    ar_weight_behaviour = fields.Float(related="company_id.ar_weight_behaviour", readonly=False)
    ar_aging_buckets = fields.Char(related="company_id.ar_aging_buckets", readonly=False)
    ar_allowance_account_id = fields.Many2one(related="company_id.ar_allowance_account_id", readonly=False)
    ar_bad_debt_account_id = fields.Many2one(related="company_id.ar_bad_debt_account_id", readonly=False)
    ar_provision_journal_id = fields.Many2one(related="company_id.ar_provision_journal_id", readonly=False)
    ar_write_off_threshold = fields.Monetary(related="company_id.ar_write_off_threshold", readonly=False)
    ar_dq_unreconciled_days = fields.Integer(related="company_id.ar_dq_unreconciled_days", readonly=False)
    ar_risk_late_days = fields.Integer(related="company_id.ar_risk_late_days", readonly=False)

    def action_ar_open_payment_risk(self):
        """Open the payment risk models of the user's companies."""
        return self.env["ar.payment.risk.model"]._action_open()
