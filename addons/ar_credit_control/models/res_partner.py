from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

#: Partner fields only a credit manager may change.
CREDIT_MANAGED_FIELDS = frozenset(
    {
        "credit_limit",
        "use_partner_credit_limit",
        "credit_grade_id",
        "credit_score",
        "credit_hold",
        "credit_hold_reason",
        "credit_review_date",
        "credit_limit_temp",
        "credit_limit_temp_until",
    }
)


class ResPartner(models.Model):
    """Credit rating, hold and temporary limit of a customer, per company.

    The permanent limit is Odoo's own ``credit_limit``; this model adds what a
    credit manager decides around it and keeps every change in the chatter.
    """

    _inherit = "res.partner"

    # Credit users (and so the credit managers) may read the core limit too.
    credit_limit = fields.Float(
        tracking=True,
        groups="account.group_account_invoice,account.group_account_readonly,"
        "ar_credit_control.group_ar_credit_user",
    )
    credit_grade_id = fields.Many2one(
        "ar.credit.grade",
        company_dependent=True,
        tracking=True,
        help="Rating given by the last approved credit assessment.",
    )
    credit_score = fields.Float(
        company_dependent=True,
        tracking=True,
        help="Total score (0-100) of the last approved credit assessment.",
    )
    credit_hold = fields.Boolean(
        string="On Credit Hold",
        company_dependent=True,
        tracking=True,
        help="No new order of this customer is confirmed while on hold.",
    )
    credit_hold_reason = fields.Char(company_dependent=True, tracking=True)
    credit_review_date = fields.Date(
        string="Next Credit Review",
        company_dependent=True,
        tracking=True,
    )
    credit_limit_temp = fields.Float(
        string="Temporary Credit Limit",
        company_dependent=True,
        tracking=True,
        help="Replaces the credit limit until its expiry date (e.g. for a seasonal peak).",
    )
    credit_limit_temp_until = fields.Date(
        string="Temporary Limit Until",
        company_dependent=True,
        tracking=True,
    )

    credit_is_manager = fields.Boolean(
        compute="_compute_credit_is_manager",
        help="Technical: the current user may change this customer's credit settings.",
    )

    @api.depends_context("uid")
    def _compute_credit_is_manager(self):
        is_manager = self.env.user.has_group("ar_credit_control.group_ar_credit_manager")
        for partner in self:
            partner.credit_is_manager = is_manager

    @api.constrains("credit_limit", "credit_limit_temp")
    def _check_credit_limits_positive(self):
        for partner in self:
            if partner.credit_limit < 0 or partner.credit_limit_temp < 0:
                raise ValidationError(
                    self.env._(
                        "A credit limit cannot be negative (%(partner)s).",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("credit_hold", "credit_hold_reason")
    def _check_hold_reason(self):
        for partner in self:
            if partner.credit_hold and not (partner.credit_hold_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why %(partner)s is put on credit hold: the reason is mandatory.",
                        partner=partner.display_name,
                    )
                )

    def _check_credit_write_access(self, vals, creating=False):
        """Refuse changes of credit settings by anyone but a credit manager.

        On creation, empty values (what the form sends by default) are allowed.
        """
        changed = {name for name in CREDIT_MANAGED_FIELDS.intersection(vals) if vals[name] or not creating}
        if self.env.su or not changed:
            return
        if not self.env.user.has_group("ar_credit_control.group_ar_credit_manager"):
            raise AccessError(
                self.env._("Only a Credit Manager can change credit limits, grades, holds and review dates.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_credit_write_access(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_credit_write_access(vals)
        return super().write(vals)
