import json
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..const import GROUP_CREDIT_MANAGER
from ..tools import payment_risk_learning, payment_risk_sql
from ..tools.payment_risk_rules import (
    MIN_TRAINING_SAMPLES,
    model_score,
    rule_score,
    top_reasons,
    trainable,
)
from ..tools.precision import PROBABILITY_DIGITS, RISK_DAYS_DIGITS

_logger = logging.getLogger(__name__)

#: Open invoices scored per SQL batch.
SCORING_BATCH = 2000


class ArPaymentRiskModel(models.Model):
    """The payment risk model of a company: learned coefficients, or the rule score.

    The learned model is stored as JSON (coefficients, intercepts, feature
    means and scales, held-out AUC): scoring and explanations never need
    scikit-learn. Without scikit-learn, or with fewer than
    ``MIN_TRAINING_SAMPLES`` paid invoices (or no late / no on-time one), the
    transparent rule score of ``payment_risk_rules.rule_score`` is used.
    """

    _name = "ar.payment.risk.model"
    _inherit = ["ar.server.fields.mixin", "ar.input.bounds.mixin"]
    #: everything training and scoring decide: a client's value would fake the model's quality
    _ar_server_fields = (
        "company_id",  # one model per company, made by the server: moving it would leave its company without
        "method",
        "late_days",
        "training_date",
        "sample_count",
        "late_count",
        "auc",
        "note",
        "model_data",
        "scoring_date",
        "scored_count",
    )
    _ar_bounds_exempt = ("model_data",)
    _description = "Payment Risk Model"
    _rec_name = "company_id"
    _order = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade", default=lambda self: self.env.company
    )
    method = fields.Selection(
        [("model", "Learned model"), ("rules", "Rules")],
        default="rules",
        required=True,
        readonly=True,
        help="Learned model: logistic and linear regressions fitted on the company's paid invoices. "
        "Rules: the transparent points score, used without scikit-learn or with too short a history.",
    )
    late_days = fields.Integer(
        string="Late After (days)", readonly=True, help="Days after the due date the model was trained for."
    )
    training_date = fields.Datetime(readonly=True)
    sample_count = fields.Integer(string="Paid Invoices Used", readonly=True)
    late_count = fields.Integer(string="Of Which Late", readonly=True)
    auc = fields.Float(
        string="AUC (held out)",
        digits=(3, 3),
        readonly=True,
        help="Area under the ROC curve on a quarter of the invoices held out of the fit: "
        "1 ranks every late invoice above every on-time one, 0.5 is chance.",
    )
    note = fields.Char(readonly=True, help="Why the rule score is used, if it is.")
    model_data = fields.Text(string="Model (JSON)", readonly=True)
    coefficients = fields.Text(compute="_compute_coefficients")
    scoring_date = fields.Datetime(string="Last Scoring", readonly=True)
    scored_count = fields.Integer(string="Open Invoices Scored", readonly=True)

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "One payment risk model per company."),
    ]

    @api.depends("model_data")
    def _compute_coefficients(self):
        for record in self:
            model = record._ar_model()
            if not model:
                record.coefficients = False
                continue
            labels = {feature.name: feature.label for feature in record._ar_risk_features()}
            lines = [
                f"{labels.get(name, name)} ({name}): {coef:+.3f}"
                for name, coef in sorted(
                    zip(model["features"], model["coef"], strict=True), key=lambda item: -abs(item[1])
                )
            ]
            record.coefficients = "\n".join(lines)

    # ------------------------------------------------------------------
    # Features (extensible)
    # ------------------------------------------------------------------
    def _ar_risk_features(self):
        """The model's inputs (:class:`RiskFeature` list); extensions append theirs (e.g. ar_dunning)."""
        return payment_risk_sql.core_features(
            {
                "avg_delay": self.env._("Customer's past average delay (days)"),
                "share_late": self.env._("Customer's share of invoices paid late"),
                "amount_ratio": self.env._("Amount against the customer's usual amount"),
                "term_days": self.env._("Payment term (days)"),
                "days_overdue": self.env._("Days overdue so far"),
                "grade_score": self.env._("Credit grade (score)"),
                "month": self.env._("Month of the invoice"),
            }
        )

    def _ar_feature_rows(self, company, features, training=False, move_ids=()):
        """``[(invoice id, days late, [values])]`` of a batch, from one SQL query."""
        self.env.flush_all()
        today = self.env.company._ar_today()
        self.env.cr.execute(
            payment_risk_sql.feature_matrix_sql(features, company.id, training, move_ids, today)
        )
        return [(row[0], row[1], [value or 0.0 for value in row[2:]]) for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group(GROUP_CREDIT_MANAGER):
            raise AccessError(
                self.env._("Only a Credit Manager can train or refresh the payment risk model.")
            )

    @api.model
    def _for_company(self, company):
        """The company's model record, created when missing."""
        record = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if record:
            return record
        with self._ar_server_write():
            return self.sudo().create({"company_id": company.id})

    @api.model
    def _action_open(self):
        """Open the models of the user's companies (created when missing)."""
        self._check_manager()
        for company in self.env.companies:
            self._for_company(company)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_credit_control.ar_payment_risk_model_action"
        )
        return action

    def action_train(self):
        """Train the model of each selected company on its paid invoices, then score its open invoices."""
        self._check_manager()
        self.check_access("write")  # the work below is done in sudo: only models of the user's companies
        for record in self:
            record.sudo()._train()
            record.sudo()._score_open_invoices()
        return True

    def action_refresh_scores(self):
        """Score the open invoices of each selected company with its current model (or the rules)."""
        self._check_manager()
        self.check_access("write")
        for record in self:
            record.sudo()._score_open_invoices()
        return True

    def _train(self):
        """Fit the company's model (or fall back to the rules, saying why) and store it."""
        self.ensure_one()
        company = self.company_id
        late_days = company.ar_risk_late_days
        features = self.with_company(company)._ar_risk_features()
        samples = self._ar_feature_rows(company, features, training=True)
        labels = [days > late_days for _id, days, _values in samples]
        lib = payment_risk_learning.load_sklearn()
        vals = {
            "training_date": fields.Datetime.now(),
            "late_days": late_days,
            "sample_count": len(samples),
            "late_count": sum(labels),
        }
        if lib is None:
            vals.update(
                method="rules", model_data=False, auc=0.0, note=self.env._("scikit-learn is not installed.")
            )
        elif not trainable(labels):
            vals.update(
                method="rules",
                model_data=False,
                auc=0.0,
                note=self.env._(
                    "History too short: at least %(minimum)s paid invoices, late and on time, are needed.",
                    minimum=MIN_TRAINING_SAMPLES,
                ),
            )
        else:
            model = payment_risk_learning.fit(lib, [f.name for f in features], samples, late_days)
            vals.update(method="model", model_data=json.dumps(model), auc=model["auc"] or 0.0, note=False)
        with self._ar_server_write():
            self.write(vals)

    def _ar_model(self):
        """The stored model as a dict, or None when the rules apply (no model, or other features now)."""
        self.ensure_one()
        if self.method != "model" or not self.model_data:
            return None
        model = json.loads(self.model_data)
        if model.get("features") != [feature.name for feature in self._ar_risk_features()]:
            return None
        return model

    # ------------------------------------------------------------------
    # Scoring
    # ------------------------------------------------------------------
    def _score_open_invoices(self):
        """Score every open invoice of the company in SQL batches and store the results."""
        self.ensure_one()
        company = self.company_id
        self = self.with_company(company).with_context(lang=company.partner_id.lang or self.env.lang)  # noqa: PLW0642
        features = self._ar_risk_features()
        model = self._ar_model()
        self.env.flush_all()
        self.env.cr.execute(payment_risk_sql.open_invoices_sql(company.id))
        ids = [row[0] for row in self.env.cr.fetchall()]
        today = self.env.company._ar_today()
        for start in range(0, len(ids), SCORING_BATCH):
            rows = self._ar_feature_rows(company, features, move_ids=ids[start : start + SCORING_BATCH])
            scores = [self._ar_score_row(features, model, company, row) for row in rows]
            if scores:
                self.env.cr.execute(
                    payment_risk_sql.store_scores_sql(scores, company.currency_id.rounding, today)
                )
        self.env.cr.execute(payment_risk_sql.clear_stale_scores_sql(company.id))
        self.env["account.move"].invalidate_model(list(payment_risk_sql.RISK_FIELDS))
        with self._ar_server_write():
            self.write({"scoring_date": fields.Datetime.now(), "scored_count": len(ids)})
        self._ar_after_scoring(company)

    def _ar_score_row(self, features, model, company, row):
        """``(invoice id, probability, expected days late, reasons, method)`` of one feature row."""
        move_id, _days, values = row
        if model:
            score, method = model_score(model, values), "model"
        else:
            names = [feature.name for feature in features]
            score = rule_score(dict(zip(names, values, strict=True)), company.ar_risk_late_days)
            method = "rules"
        reasons = self._ar_reason_text(features, values, score.contributions, method)
        probability = round(score.probability, PROBABILITY_DIGITS)
        return (move_id, probability, round(score.expected_days_late, RISK_DAYS_DIGITS), reasons, method)

    def _ar_reason_text(self, features, values, contributions, method):
        """The main reasons, one per line: ``label: value (+contribution)``."""
        by_name = {feature.name: (feature, value) for feature, value in zip(features, values, strict=True)}
        lines = []
        for name, contribution in top_reasons(contributions):
            feature, value = by_name[name]
            shown = self._ar_format_value(feature.kind, value)
            impact = (
                self.env._("+%(points).1f points", points=contribution)
                if method == "rules"
                else f"{contribution:+.2f}"
            )
            lines.append(f"{feature.label}{': ' + shown if shown else ''} ({impact})")
        return "\n".join(lines) or self.env._("No risk factor stands out.")

    def _ar_format_value(self, kind, value):
        if kind == "days":
            return self.env._("%(days)s days", days=round(value, RISK_DAYS_DIGITS))
        if kind == "share":
            return f"{value * 100:.0f} %"
        if kind == "ratio":
            return f"{value:.1f}x"
        if kind == "number":
            return f"{value:.1f}"
        return ""

    def _ar_after_scoring(self, company):
        """Hook run once the open invoices of ``company`` are scored (ar_dunning refreshes its worklist)."""
        return None

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_train(self):
        """Weekly: train and score per company, committing after each one (a failure skips that company)."""
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            record = self._for_company(company)
            try:
                record._train()
                record._score_open_invoices()
                self.env.cr.commit()  # pylint: disable=invalid-commit
            except Exception:
                self.env.cr.rollback()
                _logger.exception("Payment risk training failed for company %s", company.name)
