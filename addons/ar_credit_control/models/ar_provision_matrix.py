from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.aging_rules import AgingBuckets
from ..tools.aging_sql import bucket_totals_sql
from ..tools.provision_rules import (
    CN_AGE_TEMPLATE,
    ProvisionError,
    bucket_bounds,
    loss_rates,
    month_ends,
    roll_rates,
)


class ArProvisionMatrix(models.Model):
    """Expected credit loss rates per aging bucket of a company (one active matrix per company)."""

    _name = "ar.provision.matrix"
    _inherit = ["ar.server.fields.mixin", "ar.input.bounds.mixin"]
    #: when the rates were derived from the history: the derivation's own stamp
    _ar_server_fields = ("history_computed_on",)
    _description = "Provision Matrix"
    _order = "company_id, active desc, id desc"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    line_ids = fields.One2many("ar.provision.matrix.line", "matrix_id", string="Buckets", copy=True)
    method = fields.Selection(
        [("manual", "By Hand"), ("roll_rate", "Roll Rates From History")],
        required=True,
        default="manual",
        help="By hand: enter the loss rate of each bucket. Roll rates: derive them from the company's "
        "month-end aging over the history months (IFRS 9 simplified approach).",
    )
    history_date = fields.Date(
        string="History Up To",
        default=lambda self: self.env.company._ar_today(),
        help="The history ends on this date when it is a month end, else on the month end before it.",
    )
    history_months = fields.Integer(default=12)
    last_bucket_rate = fields.Float(
        string="Loss Rate of the Last Bucket (%)",
        default=100.0,
        digits=(16, 4),
        help="The last bucket is treated as lost at this rate; the roll rates lead every other bucket to it.",
    )
    adjustment_mode = fields.Selection(
        [("none", "None"), ("points", "Percentage Points"), ("factor", "Factor")],
        string="Forward-Looking Adjustment",
        required=True,
        default="none",
        help="Percentage points: add the value to every rate. Factor: multiply every rate by the value "
        "(1.1 raises the rates by a tenth). Rates stay between 0 and 100 %.",
    )
    adjustment_value = fields.Float(string="Adjustment", digits=(16, 4))
    history_computed_on = fields.Datetime(string="Rates Derived On", readonly=True, copy=False)

    @api.constrains("active", "company_id")
    def _check_one_active(self):
        for matrix in self.filtered("active"):
            if self.search_count([("company_id", "=", matrix.company_id.id), ("active", "=", True)]) > 1:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has an active provision matrix; archive it first.",
                        company=matrix.company_id.name,
                    )
                )

    @api.constrains("history_months", "last_bucket_rate", "adjustment_mode", "adjustment_value")
    def _check_parameters(self):
        for matrix in self:
            if matrix.history_months < 1 or not 0 <= matrix.last_bucket_rate <= 100:
                raise ValidationError(
                    self.env._("The history needs at least one month and rates lie between 0 and 100 %.")
                )
            if matrix.adjustment_mode == "factor" and matrix.adjustment_value < 0:
                raise ValidationError(self.env._("The adjustment factor cannot be negative."))

    @api.model
    def _active_for(self, company):
        """The active matrix of ``company`` (empty when none)."""
        return self.search([("company_id", "=", company.id)], limit=1)

    def _ordered_lines(self):
        """The buckets, youngest first."""
        self.ensure_one()
        return self.line_ids.sorted(lambda line: (line.days_from, line.id))

    def _aging_buckets(self):
        """The buckets as :class:`AgingBuckets` for the aging SQL; UserError when invalid."""
        self.ensure_one()
        try:
            return AgingBuckets(bucket_bounds(self.line_ids.mapped("days_from")))
        except ProvisionError as error:
            raise UserError(
                self.env._("Provision matrix %(name)s: %(reason)s", name=self.name, reason=error.args[0])
            ) from error

    def _replace_lines(self, rows):
        """Replace the buckets by ``rows`` of ``(days_from, base_rate)``."""
        self.ensure_one()
        self.line_ids.unlink()
        self.write({"line_ids": [fields.Command.create({"days_from": d, "base_rate": r}) for d, r in rows]})

    def action_load_cn_template(self):
        """Load the Chinese-practice age buckets (under 1 year, 1-2, 2-3, over 3 years) and rates."""
        for matrix in self:
            matrix._replace_lines(CN_AGE_TEMPLATE)
            matrix.method = "manual"
        return True

    def action_load_company_buckets(self):
        """Load the company's aging buckets (rates 0 %), e.g. to derive their rates from the history."""
        for matrix in self:
            bounds = matrix.company_id._ar_aging_buckets().bounds
            matrix._replace_lines([(0, 0.0)] + [(bound + 1, 0.0) for bound in bounds])
        return True

    def _month_end_balances(self):
        """``(ends, balances)``: the open amount per bucket at each month end of the history (SQL)."""
        self.ensure_one()
        buckets = self._aging_buckets()
        ends = month_ends(self.history_date or self.env.company._ar_today(), self.history_months)
        balances = []
        self.env.flush_all()
        for end in ends:
            self.env.cr.execute(bucket_totals_sql(self.company_id.id, end, buckets))
            totals = dict(self.env.cr.fetchall())
            balances.append([float(totals.get(index) or 0.0) for index in range(buckets.count)])
        return ends, balances

    def action_derive_rates(self):
        """Set every bucket's rate from the company's roll rates over the history months."""
        for matrix in self:
            if not matrix.line_ids:
                raise UserError(self.env._("Add the buckets before deriving their rates."))
            _ends, balances = matrix._month_end_balances()
            rolls = roll_rates(balances)
            losses = loss_rates(rolls, matrix.last_bucket_rate)
            with matrix._ar_server_write("ar.provision.matrix.line"):
                for line, roll, loss in zip(matrix._ordered_lines(), [*rolls, None], losses, strict=True):
                    line.write({"roll_rate": roll or 0.0, "base_rate": loss})
                matrix.write({"method": "roll_rate", "history_computed_on": fields.Datetime.now()})
        return True
