"""Money rules of insolvency cases, as pure functions (no ORM).

The case model gathers the figures (the receivable balance in SQL, the
amounts the credit manager enters) and calls these functions, so each rule is
computed in one place and tested on its own.  Amounts are rounded with the
company currency's ``rounding`` (see precision.py).
"""

from odoo.tools.float_utils import float_round


def expected_dividend(claim_amount, dividend_percent, rounding):
    """What the administrator is expected to pay on the claim: claim x dividend %, rounded."""
    value = (claim_amount or 0.0) * (dividend_percent or 0.0) / 100.0
    return float_round(value, precision_rounding=rounding)


def expected_loss(receivable, expected, recovered, rounding):
    """Receivable at opening not expected back: receivable - max(expected dividend, recovered), >= 0."""
    value = max((receivable or 0.0) - max(expected or 0.0, recovered or 0.0), 0.0)
    return float_round(value, precision_rounding=rounding)


def check_amounts(claim_amount, dividend_percent, recovered):
    """Return an error code for impossible amounts, or None.

    ``negative``: an amount below zero; ``percent``: a dividend outside 0-100 %.
    """
    if min(claim_amount or 0.0, recovered or 0.0) < 0:
        return "negative"
    if not 0.0 <= (dividend_percent or 0.0) <= 100.0:
        return "percent"
    return None
