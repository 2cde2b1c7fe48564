"""Pure rules of the predicted payment risk (no Odoo import: unit-testable anywhere).

Two ways to score an open invoice from its features (a ``{feature name: value}``
mapping built by one SQL query):

- the learned model: a logistic regression (probability of being paid more
  than N days late) and a linear regression (expected days late) on
  standardised features, stored as plain numbers, evaluated here without
  scikit-learn;
- the transparent rule score, used when scikit-learn is missing or the
  company's history is too short: points per feature, documented in
  :func:`rule_score`.

Both explain a prediction by its largest contributions.
"""

import math
from dataclasses import dataclass

#: A company needs at least this many paid invoices (with both on-time and late
#: ones) before a model is learned; below it the rule score is used.
MIN_TRAINING_SAMPLES = 60

#: Default N: an invoice paid more than N days after its due date counts as late.
DEFAULT_LATE_DAYS = 15

#: Reasons shown per prediction.
REASON_COUNT = 3

#: Rule score: points every invoice starts with.
RULE_BASE_POINTS = 5.0

#: Rule score: feature name -> (points per unit above the threshold, threshold, maximum points).
RULE_POINTS = {
    "avg_delay": (1.0, 0.0, 30.0),
    "share_late": (30.0, 0.0, 30.0),
    "amount_ratio": (10.0, 1.0, 15.0),
    "term_days": (0.25, 30.0, 10.0),
    "days_overdue": (2.0, 0.0, 50.0),
    "dunning_level": (5.0, 0.0, 15.0),
}

#: Rule score: grade points = (GRADE_NEUTRAL_SCORE - grade score) x GRADE_POINTS_PER_SCORE,
#: from 0 to GRADE_MAX_POINTS.
GRADE_NEUTRAL_SCORE = 70.0
GRADE_POINTS_PER_SCORE = 0.4
GRADE_MAX_POINTS = 20.0

#: Rule score: the probability never reaches certainty from points alone.
RULE_MAX_PROBABILITY = 0.95


@dataclass(frozen=True)
class RiskScore:
    """A prediction: probability of paying late, expected days late, contributions by feature."""

    probability: float
    expected_days_late: float
    contributions: tuple  # ((feature name, contribution), ...)


def clamp(value, low, high):
    """``value`` limited to [low, high]."""
    return max(low, min(high, value))


def sigmoid(value):
    """Logistic function, safe for large magnitudes."""
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def standardise(values, means, scales):
    """``(value - mean) / scale`` for each feature (a zero scale counts as 1)."""
    return [(value - mean) / (scale or 1.0) for value, mean, scale in zip(values, means, scales, strict=True)]


def model_score(model, values):
    """Score ``values`` (in ``model["features"]`` order) with a stored model (``payment_risk_learning.fit``).

    Probability from the logistic part, expected days late from the linear
    part (never negative); the contributions are coefficient x standardised
    value of the logistic part, in log-odds.
    """
    z = standardise(values, model["means"], model["scales"])
    contributions = tuple(
        (name, coef * value) for name, coef, value in zip(model["features"], model["coef"], z, strict=True)
    )
    log_odds = model["intercept"] + sum(contribution for _name, contribution in contributions)
    days = model["days_intercept"] + sum(c * v for c, v in zip(model["days_coef"], z, strict=True))
    return RiskScore(sigmoid(log_odds), max(0.0, days), contributions)


def _rule_points(name, value):
    if name == "grade_score":
        return clamp((GRADE_NEUTRAL_SCORE - value) * GRADE_POINTS_PER_SCORE, 0.0, GRADE_MAX_POINTS)
    rate, threshold, cap = RULE_POINTS.get(name, (0.0, 0.0, 0.0))
    return clamp((value - threshold) * rate, 0.0, cap)


def rule_score(values, late_days):
    """Transparent score of an invoice from ``values`` ({feature name: value}).

    Points (one point = one percentage point of probability), starting at 5:

    - customer's past average delay: 1 per day, at most 30;
    - customer's share of invoices paid late: 0.3 per percent, at most 30;
    - amount against the customer's usual (median) amount: 10 per unit above
      1x, at most 15 (2.5x the usual amount gives 15);
    - payment term: 0.25 per day beyond 30 days, at most 10;
    - days overdue so far: 2 per day, at most 50;
    - credit grade: 0.4 per point of grade score below 70, at most 20 (no
      grade counts as 50, i.e. 8 points);
    - dunning level (with ar_dunning): 5 per level, at most 15;
    - other features added by extensions: no points.

    Probability = points / 100, at most 95 %; an invoice already more than
    ``late_days`` overdue is late for sure (100 %). Expected days late = the
    larger of the days overdue so far and the customer's past average delay.
    """
    contributions = tuple((name, _rule_points(name, value)) for name, value in values.items())
    points = RULE_BASE_POINTS + sum(points for _name, points in contributions)
    probability = clamp(points / 100.0, 0.0, RULE_MAX_PROBABILITY)
    overdue = values.get("days_overdue", 0.0)
    if overdue > late_days:
        probability = 1.0
    expected = max(overdue, values.get("avg_delay", 0.0), 0.0)
    return RiskScore(probability, expected, contributions)


def top_reasons(contributions, count=REASON_COUNT):
    """The ``count`` contributions that raise the risk most (positive ones only), largest first."""
    positive = [(name, value) for name, value in contributions if value > 0]
    return sorted(positive, key=lambda item: (-item[1], item[0]))[:count]


def roc_auc(labels, scores):
    """Area under the ROC curve of ``scores`` for binary ``labels`` (Mann-Whitney rank sum, ties averaged).

    None when one class is missing.
    """
    pairs = sorted(zip(scores, labels, strict=True), key=lambda item: item[0])
    positives = sum(1 for _score, label in pairs if label)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return None
    rank_sum, start = 0.0, 0
    while start < len(pairs):
        end = start
        while end + 1 < len(pairs) and pairs[end + 1][0] == pairs[start][0]:
            end += 1
        average_rank = (start + end) / 2.0 + 1.0
        rank_sum += average_rank * sum(1 for _score, label in pairs[start : end + 1] if label)
        start = end + 1
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def is_holdout(record_id, share_in_four=1):
    """Deterministic held-out split: ``share_in_four`` quarters of the ids (by a multiplicative hash).

    Fibonacci hashing: the top two bits of ``id × 2654435761 mod 2³²``
    scatter consecutive ids; its low bits would only repeat ``id mod 4``.
    """
    return ((record_id * 2654435761) % 2**32) >> 30 < share_in_four


def trainable(labels, minimum=MIN_TRAINING_SAMPLES):
    """Whether a history with these late / on-time ``labels`` is long and varied enough to learn from."""
    late = sum(1 for label in labels if label)
    return len(labels) >= minimum and 0 < late < len(labels)
