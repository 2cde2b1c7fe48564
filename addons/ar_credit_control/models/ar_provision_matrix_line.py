from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.provision_rules import adjusted_rate


class ArProvisionMatrixLine(models.Model):
    """An aging bucket of a provision matrix and its expected loss rate."""

    _name = "ar.provision.matrix.line"
    _inherit = ["ar.server.fields.mixin", "ar.input.bounds.mixin"]
    #: the roll rate is derived from the history; the company follows the matrix (a related field:
    #: a client's write would move the matrix itself to another company)
    _ar_server_fields = ("roll_rate", "company_id")
    _description = "Provision Matrix Bucket"
    _order = "matrix_id, days_from, id"

    matrix_id = fields.Many2one("ar.provision.matrix", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="matrix_id.company_id", store=True, index=True)
    days_from = fields.Integer(
        string="From (days past due)",
        required=True,
        help="First day past due of the bucket; the first bucket also holds the items not yet due.",
    )
    days_to = fields.Integer(
        string="To (days past due)",
        compute="_compute_bucket",
        help="Last day past due of the bucket, the day before the next one starts (none for the last one).",
    )
    name = fields.Char(string="Bucket", compute="_compute_bucket")
    roll_rate = fields.Float(
        string="Roll Rate (%)",
        digits=(16, 4),
        readonly=True,
        help="Share of the bucket found one bucket older a month later (derived from the history).",
    )
    base_rate = fields.Float(string="Loss Rate (%)", digits=(16, 4), required=True)
    rate = fields.Float(
        string="Adjusted Rate (%)",
        digits=(16, 4),
        compute="_compute_rate",
        help="Loss rate with the matrix's forward-looking adjustment: the rate provisions use.",
    )

    @api.depends("matrix_id.line_ids.days_from")
    def _compute_bucket(self):
        for line in self:
            later = line.matrix_id.line_ids.filtered(
                lambda other, line=line: other.days_from > line.days_from
            )
            line.days_to = min(later.mapped("days_from")) - 1 if later else 0
            if later and line.days_to <= 0:
                line.name = self.env._("Not due")
            elif later:
                line.name = self.env._("%(start)s-%(end)s days", start=line.days_from, end=line.days_to)
            elif line.days_from <= 0:
                line.name = self.env._("All receivables")
            else:
                line.name = self.env._("Over %(start)s days", start=line.days_from - 1)

    @api.depends("base_rate", "matrix_id.adjustment_mode", "matrix_id.adjustment_value")
    def _compute_rate(self):
        for line in self:
            matrix = line.matrix_id
            line.rate = adjusted_rate(
                line.base_rate, matrix.adjustment_mode or "none", matrix.adjustment_value
            )

    @api.constrains("base_rate", "days_from")
    def _check_line(self):
        for line in self:
            if not 0 <= line.base_rate <= 100 or line.days_from < 0:
                raise ValidationError(
                    self.env._("Loss rates lie between 0 and 100 % and buckets start at 0 days or later.")
                )
            if (
                len(
                    line.matrix_id.line_ids.filtered(
                        lambda other, line=line: other.days_from == line.days_from
                    )
                )
                > 1
            ):
                raise ValidationError(self.env._("Two buckets of a provision matrix start on the same day."))
