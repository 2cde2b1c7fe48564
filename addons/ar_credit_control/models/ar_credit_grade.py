from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.grade_rules import find_overlap


class ArCreditGrade(models.Model):
    """A step of the company's credit rating scale (e.g. A to E).

    An assessment's total score falls in one grade's score range; the grade
    then suggests a credit limit, payment terms and how many days overdue
    the customer may be before new orders are blocked.
    """

    _name = "ar.credit.grade"
    _inherit = ["ar.input.bounds.mixin"]
    _description = "Credit Grade"
    _order = "sequence, min_score desc, id"
    _check_company_auto = True

    code = fields.Char(required=True, size=8)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the grade with every company.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="Currency of the default limit: the grade's company currency.",
    )
    min_score = fields.Float(required=True, help="Lowest total score of the grade (0-100), included.")
    max_score = fields.Float(
        required=True,
        help="Upper bound of the grade's scores (0-100), excluded except for 100.",
    )
    limit_factor = fields.Float(
        help="Suggested limit as a multiple of the customer's average monthly sales; "
        "used when no default limit is set.",
    )
    default_limit = fields.Monetary(help="Suggested credit limit for customers of this grade.")
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Default Payment Terms",
        check_company=True,
        help="Payment terms suggested for customers of this grade.",
    )
    overdue_tolerance_days = fields.Integer(
        help="Days past due an invoice may be before orders of the customer are blocked.",
    )
    requires_prepayment = fields.Boolean(
        help="Customers of this grade pay before delivery: orders on credit are blocked.",
    )
    color = fields.Integer()
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The grade code must be unique per company.",
        ),
    ]

    @api.depends("company_id")
    def _compute_currency_id(self):
        for grade in self:
            grade.currency_id = (grade.company_id or self.env.company).currency_id

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("credit_grade_id", "in", self.ids)], ["credit_grade_id"], ["__count"]
            )
        )
        for grade in self:
            grade.partner_count = counts.get(grade, 0)

    @api.constrains("min_score", "max_score", "default_limit", "limit_factor", "overdue_tolerance_days")
    def _check_values(self):
        for grade in self:
            if not 0 <= grade.min_score < grade.max_score <= 100:
                raise ValidationError(
                    self.env._(
                        "Grade %(code)s: the score range must lie within 0-100 and its minimum "
                        "must be below its maximum (got %(low)s-%(high)s).",
                        code=grade.code,
                        low=grade.min_score,
                        high=grade.max_score,
                    )
                )
            if min(grade.default_limit, grade.limit_factor, grade.overdue_tolerance_days) < 0:
                raise ValidationError(
                    self.env._(
                        "Grade %(code)s: limit, limit factor and tolerance days cannot be negative.",
                        code=grade.code,
                    )
                )

    @api.constrains("min_score", "max_score", "company_id", "active")
    def _check_no_overlap(self):
        """Grades of one scale (a company's own, or the shared one) may not overlap."""
        for company_id in {grade.company_id.id for grade in self}:
            scale = self.sudo().search([("company_id", "=", company_id)])
            clash = find_overlap([(g, g.min_score, g.max_score) for g in scale])
            if clash:
                raise ValidationError(
                    self.env._(
                        "The score ranges of grades %(first)s and %(second)s overlap.",
                        first=clash[0][0].code,
                        second=clash[1][0].code,
                    )
                )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for grade in self:
            grade.display_name = f"{grade.code} - {grade.name}" if grade.name else grade.code

    def action_view_partners(self):
        """Open the customers rated with this grade."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customers of grade %(code)s", code=self.code),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("credit_grade_id", "=", self.id)],
        }
