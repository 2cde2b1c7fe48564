"""Money rules of bad-debt write-offs and recoveries (pure functions, no ORM)."""

from odoo.tools.float_utils import float_compare, float_round


class WriteOffRuleError(ValueError):
    """An amount a write-off rule refuses; ``args[0]`` is a short reason code."""


def needs_second_approval(total, threshold, rounding):
    """True when a write-off of ``total`` (company currency) needs a second credit manager.

    The threshold is inclusive for the requester: at or below it he posts alone;
    a threshold of zero sends every write-off to a second approval.
    """
    return float_compare(total, threshold, precision_rounding=rounding) > 0


def remaining_recoverable(written_off, recovered, rounding):
    """What can still be recovered of an amount written off (same currency)."""
    return max(float_round(written_off - recovered, precision_rounding=rounding), 0.0)


def check_recovery_amount(amount, remaining, rounding):
    """Raise :class:`WriteOffRuleError` unless ``0 < amount <= remaining``."""
    if float_compare(amount, 0.0, precision_rounding=rounding) <= 0:
        raise WriteOffRuleError("not_positive")
    if float_compare(amount, remaining, precision_rounding=rounding) > 0:
        raise WriteOffRuleError("above_remaining")


def recovery_company_amount(amount, written_off, recovered, company_amounts, rounding, company_rounding):
    """Company-currency value of a recovery of ``amount`` (document currency).

    ``written_off`` and ``recovered`` are in the document currency (``rounding``),
    ``company_amounts`` is the pair (written off, recovered) in company currency
    (``company_rounding``). A recovery reinstates the receivable at the rate of
    the write-off (its carrying amount), so the allowance gets back exactly what
    it gave; the last recovery takes what is left, so rounding never leaves a
    cent behind. Exchange differences arise later, when the payment is reconciled.
    """
    written_off_company, recovered_company = company_amounts
    remaining = remaining_recoverable(written_off, recovered, rounding)
    if float_compare(amount, remaining, precision_rounding=rounding) >= 0:
        return float_round(written_off_company - recovered_company, precision_rounding=company_rounding)
    return float_round(amount * written_off_company / written_off, precision_rounding=company_rounding)
