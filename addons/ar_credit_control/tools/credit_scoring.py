"""Pure scoring rules of credit assessments (no Odoo import: unit-testable anywhere)."""

from .precision import SCORE_DIGITS

#: Score of a customer without any paid invoice in the period: neither good nor bad.
NEUTRAL_BEHAVIOUR_SCORE = 50.0

#: (points lost per unit, maximum points lost) for each behavioural input.
PENALTY_AVG_DAYS_LATE = (1.0, 40.0)
PENALTY_SHARE_PAID_LATE = (0.3, 30.0)
PENALTY_WORST_DAYS_LATE = (0.1, 15.0)
PENALTY_TREND_DAYS = (0.5, 15.0)

#: Assessment factor -> default weight in the company's scorecard.
DEFAULT_WEIGHTS = {
    "character": 20.0,
    "capacity": 20.0,
    "capital": 20.0,
    "collateral": 10.0,
    "conditions": 10.0,
    "behaviour": 20.0,
}


def clamp(value, low=0.0, high=100.0):
    """Return ``value`` limited to the interval [low, high]."""
    return max(low, min(high, value))


def _penalty(value, rule):
    """Points lost for ``value`` (negative values cost nothing) under a (rate, cap) rule."""
    rate, cap = rule
    return min(cap, max(0.0, value) * rate)


def behaviour_score(avg_days_late, share_paid_late, worst_days_late, trend_days, paid_invoice_count):
    """Score (0-100) of a customer's payment behaviour over the last 12 months.

    Without any paid invoice the score is neutral: 50. Otherwise it starts
    at 100 and loses:

    - 1 point per day of average delay, at most 40 (40 days late on average);
    - 0.3 point per percent of invoices paid after their due date, at most 30;
    - 0.1 point per day of the worst delay, at most 15 (150 days);
    - 0.5 point per day the delay worsened (average delay of the last 3 months
      minus the average of the 9 months before), at most 15; an improving
      trend earns nothing.

    The result is clamped to 0-100 and rounded to 2 decimals. Every penalty
    grows with its input, so a worse history never scores better.
    """
    if not paid_invoice_count:
        return NEUTRAL_BEHAVIOUR_SCORE
    score = 100.0 - (
        _penalty(avg_days_late, PENALTY_AVG_DAYS_LATE)
        + _penalty(share_paid_late, PENALTY_SHARE_PAID_LATE)
        + _penalty(worst_days_late, PENALTY_WORST_DAYS_LATE)
        + _penalty(trend_days, PENALTY_TREND_DAYS)
    )
    return round(clamp(score), SCORE_DIGITS)


def weighted_score(pairs):
    """Weighted average of (score, weight) pairs, rounded to 2 decimals.

    Weights are relative (they need not add up to 100). Raises ValueError
    when a weight is negative or when all weights are zero.
    """
    pairs = list(pairs)
    if any(weight < 0 for _score, weight in pairs):
        raise ValueError("weights cannot be negative")
    total_weight = sum(weight for _score, weight in pairs)
    if total_weight <= 0:
        raise ValueError("the weights must add up to more than zero")
    return round(sum(score * weight for score, weight in pairs) / total_weight, SCORE_DIGITS)


def trend(recent_avg, earlier_avg):
    """Change of the average delay: recent minus earlier, 0 when either period is empty."""
    if recent_avg is None or earlier_avg is None:
        return 0.0
    return recent_avg - earlier_avg


def recommended_limit(
    default_limit=0.0, limit_factor=0.0, avg_monthly_invoiced=0.0, override_limit=None, **_other_inputs
):
    """Credit limit suggested for a customer.

    An ``override_limit`` (e.g. the buyer limit granted by a credit insurer)
    wins when given. Otherwise the grade's default limit applies; a grade with
    only a limit factor suggests factor x the average monthly invoiced amount.
    Never negative. Other keyword arguments (inputs added by extensions for
    their own use) are ignored.
    """
    if override_limit is not None:
        return max(0.0, override_limit)
    if default_limit:
        return max(0.0, default_limit)
    return max(0.0, (limit_factor or 0.0) * (avg_monthly_invoiced or 0.0))


def as_float(value):
    """SQL numeric (Decimal) or NULL as a float or None."""
    return None if value is None else float(value)
