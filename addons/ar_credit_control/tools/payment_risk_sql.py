"""Parameterised SQL building the feature matrix of the payment risk model (no ORM).

One statement per batch returns, for every invoice, its id, its days late
(training only) and one column per feature. The features are SQL
expressions over three aliases:

- ``b``: the invoice (``move_id``, ``company_id``, ``partner_id`` (commercial
  partner), ``invoice_date``, ``date_due``, ``amount`` (total, company
  currency), ``as_of`` (the date the prediction is made for), ``overdue_from``
  (due date of its oldest instalment open on ``as_of``));
- ``h``: the customer's paid invoices *before the invoice date* (``n``,
  ``avg_delay``, ``share_late``, ``median_amount``), so no feature leaks the
  outcome being predicted;
- ``g``: the customer's credit grade in the invoice's company.

Training rows are paid invoices seen on a snapshot date between the invoice
date and the payment date (a fixed hash of the invoice id picks the day), so
"days overdue so far" is what it was while the invoice was still open.
"""

from dataclasses import dataclass

from odoo.tools import SQL

from . import receivables

#: The invoice month as an angle (radians).
#: The invoice columns the scoring writes (``store_scores_sql``, ``clear_stale_scores_sql``): read
#: from the ORM after a scoring, and never written by a client (``account.move``).
RISK_FIELDS = (
    "ar_late_probability",
    "ar_expected_days_late",
    "ar_expected_loss",
    "ar_risk_reasons",
    "ar_risk_method",
    "ar_risk_date",
)

MONTH_ANGLE_SQL = SQL("2 * PI() * EXTRACT(MONTH FROM b.invoice_date) / 12")


@dataclass(frozen=True)
class RiskFeature:
    """One model input: a name (stable, stored with the model), a label, an SQL expression, a display kind.

    ``kind`` tells how a value is shown in the reasons: ``days``, ``share``
    (0-1 shown in %), ``ratio`` (shown as 2.5x), ``number`` or ``none``.
    """

    name: str
    label: str
    sql: SQL
    kind: str = "number"


def core_features(labels):
    """The features of ar_credit_control, labelled with ``labels`` ({name: translated label})."""
    return [
        RiskFeature("avg_delay", labels["avg_delay"], SQL("COALESCE(h.avg_delay, 0)"), "days"),
        RiskFeature("share_late", labels["share_late"], SQL("COALESCE(h.share_late, 0)"), "share"),
        RiskFeature(
            "amount_ratio",
            labels["amount_ratio"],
            SQL("CASE WHEN h.median_amount > 0 THEN LEAST(b.amount / h.median_amount, 10) ELSE 1 END"),
            "ratio",
        ),
        RiskFeature("term_days", labels["term_days"], SQL("(b.date_due - b.invoice_date)"), "days"),
        RiskFeature(
            "days_overdue", labels["days_overdue"], SQL("GREATEST(b.as_of - b.overdue_from, 0)"), "days"
        ),
        RiskFeature("grade_score", labels["grade_score"], SQL("COALESCE(g.min_score, 50)"), "number"),
        # the month as a point on a circle: December is next to January
        RiskFeature("month_sin", labels["month"], SQL("SIN(%s)", MONTH_ANGLE_SQL), "none"),
        RiskFeature("month_cos", labels["month"], SQL("COS(%s)", MONTH_ANGLE_SQL), "none"),
    ]


def _base_sql(company_id, training, move_ids, today):
    """The invoices of the batch (alias ``b``): paid ones for training, the given open ones for scoring.

    ``overdue_from``: the due date of the oldest instalment still open on ``as_of``
    (``tools/receivables.py``: each instalment from its own due date), what "days overdue so far"
    counts from; for a paid invoice, the oldest instalment settled after ``as_of``.
    """
    if training:
        return SQL(
            """
            SELECT t.*, COALESCE((SELECT MIN(items.date_maturity) FROM (%s) items
                                   WHERE items.settled_on > t.as_of), t.date_due) AS overdue_from
              FROM (
                SELECT m.id AS move_id, m.company_id, m.commercial_partner_id AS partner_id, m.invoice_date,
                       COALESCE(m.invoice_date_due, m.invoice_date) AS date_due,
                       ABS(m.amount_total_signed) AS amount,
                       m.invoice_date
                           + MOD(m.id::bigint * 7919, GREATEST(p.days_to_pay, 0) + 1)::int AS as_of,
                       p.days_late
                  FROM account_move m
                  JOIN ar_payment_behaviour p ON p.move_id = m.id
                 WHERE m.company_id = %s
              ) t
            """,
            receivables.settled_items_sql(move_ref=SQL("t.move_id")),
            company_id,
        )
    return SQL(
        """
        SELECT m.id AS move_id, m.company_id, m.commercial_partner_id AS partner_id, m.invoice_date,
               COALESCE(m.invoice_date_due, m.invoice_date) AS date_due, ABS(m.amount_total_signed) AS amount,
               %(today)s::date AS as_of, NULL::int AS days_late,
               COALESCE(open_items.due, m.invoice_date_due, m.invoice_date) AS overdue_from
          FROM account_move m
          LEFT JOIN (SELECT items.move_id, MIN(items.date_maturity) AS due
                       FROM (%(items)s) items
                      WHERE items.residual > 0
                   GROUP BY items.move_id) open_items ON open_items.move_id = m.id
         WHERE m.company_id = %(company)s AND m.id = ANY(%(ids)s) AND m.invoice_date IS NOT NULL
        """,
        today=today,
        items=receivables.open_items_sql(company_id, today, as_of=False, move_ids=list(move_ids)),
        company=company_id,
        ids=list(move_ids),
    )


def feature_matrix_sql(features, company_id, training=False, move_ids=(), today=None):
    """Rows ``(move_id, days_late, feature 1, feature 2, ...)`` of a batch, ordered by invoice id."""
    columns = SQL(", ").join(SQL("(%s)::float", feature.sql) for feature in features)
    return SQL(
        """
        WITH b AS (%(base)s)
        SELECT b.move_id, b.days_late, %(columns)s
          FROM b
          LEFT JOIN LATERAL (
                SELECT COUNT(*) AS n, AVG(hp.days_late) AS avg_delay,
                       AVG(CASE WHEN hp.days_late > 0 THEN 1.0 ELSE 0.0 END) AS share_late,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY hp.amount) AS median_amount
                  FROM ar_payment_behaviour hp
                 WHERE hp.partner_id = b.partner_id AND hp.company_id = b.company_id
                   AND hp.payment_date < b.invoice_date
          ) h ON TRUE
          LEFT JOIN res_partner rp ON rp.id = b.partner_id
          LEFT JOIN ar_credit_grade g ON g.id = (rp.credit_grade_id ->> b.company_id::text)::int
      ORDER BY b.move_id
        """,
        base=_base_sql(company_id, training, move_ids, today),
        columns=columns,
    )


def open_invoices_sql(company_id):
    """Ids of the company's open posted customer invoices, in id order."""
    return SQL(
        """
        SELECT id FROM account_move
         WHERE company_id = %s AND move_type = 'out_invoice' AND state = 'posted'
           AND payment_state IN ('not_paid', 'partial') AND amount_residual <> 0
      ORDER BY id
        """,
        company_id,
    )


def store_scores_sql(rows, rounding, today):
    """Write a batch of scores on the invoices in one statement.

    ``rows``: (invoice id, probability, expected days late, reasons text,
    method). The expected loss is the open amount (company currency) times the
    probability, rounded to the company currency's ``rounding`` (half away
    from zero, as Odoo's float_round).
    """
    ids, probabilities, days, reasons, methods = (list(column) for column in zip(*rows, strict=True))
    return SQL(
        """
        UPDATE account_move m
           SET ar_late_probability = v.probability, ar_expected_days_late = v.days,
               ar_expected_loss = ROUND((ABS(m.amount_residual_signed) * v.probability)::numeric / %s) * %s,
               ar_risk_reasons = v.reasons, ar_risk_method = v.method, ar_risk_date = %s
          FROM unnest(%s::int[], %s::float[], %s::float[], %s::text[], %s::varchar[])
               AS v(id, probability, days, reasons, method)
         WHERE m.id = v.id
        """,
        rounding,
        rounding,
        today,
        ids,
        probabilities,
        days,
        reasons,
        methods,
    )


def clear_stale_scores_sql(company_id):
    """Remove the scores of the company's invoices that are no longer open."""
    return SQL(
        """
        UPDATE account_move
           SET ar_late_probability = NULL, ar_expected_days_late = NULL, ar_expected_loss = NULL,
               ar_risk_reasons = NULL, ar_risk_method = NULL, ar_risk_date = NULL
         WHERE company_id = %s AND ar_risk_method IS NOT NULL
           AND (state <> 'posted' OR payment_state NOT IN ('not_paid', 'partial') OR amount_residual = 0)
        """,
        company_id,
    )
