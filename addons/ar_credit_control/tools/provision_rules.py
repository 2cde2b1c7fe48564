"""Pure rules of expected credit loss provisions (IFRS 9 simplified approach; no ORM).

Rates are percentages (10.0 means 10 %). Amounts are in company currency.

Roll rates: ``balances[m][i]`` is the open amount in aging bucket ``i`` at
month end ``m`` (oldest month first). The roll rate from bucket ``i`` to
``i + 1`` is the share of bucket ``i`` that is still unpaid one month later,
one bucket older::

    roll(i) = sum over m of balances[m + 1][i + 1] / sum over m of balances[m][i]

i.e. the average of the monthly ratios ``balances[m + 1][i + 1] / balances[m][i]``
weighted by the opening balance ``balances[m][i]`` (a month with a large
balance counts more than a month with a small one; a month with nothing in
bucket ``i`` counts for nothing). A roll rate is capped at 100 %: amounts
entering bucket ``i + 1`` from elsewhere (month lengths differ from bucket
widths) cannot make a bucket lose more than it holds.

Loss rates: the last bucket is taken as lost at ``last_rate`` (default 100 %,
i.e. written off); the loss rate of bucket ``i`` is the product of the roll
rates from it to the last bucket times ``last_rate``.

Forward-looking adjustment: ``points`` adds that many percentage points to
every rate, ``factor`` multiplies every rate by that factor (1.1 = 10 % more);
the adjusted rate is kept between 0 and 100 % and rounded to ``RATE_DIGITS``
decimals.
"""

from calendar import monthrange
from datetime import date as date_type

from odoo.tools.float_utils import float_round

#: Rates are kept (and shown) with this many decimals, so the arithmetic shown reproduces the provision.
RATE_DIGITS = 4
#: Chinese practice template by age (账龄分析法): (lower bound in days past due, rate %).
CN_AGE_TEMPLATE = ((0, 5.0), (366, 10.0), (731, 30.0), (1096, 100.0))


class ProvisionError(ValueError):
    """Invalid provision input; ``args[0]`` says why."""


def bucket_bounds(days_from):
    """Aging bounds of buckets starting at ``days_from`` (lower bounds, days past due).

    Bucket ``i`` holds the items ``days_from[i] <= days <= days_from[i + 1] - 1``;
    the first bucket also holds everything below (not yet due), the last one
    everything above. Returns the upper bounds of all buckets but the last, as
    :class:`~.aging_rules.AgingBuckets` expects them.
    """
    if not days_from:
        raise ProvisionError("A provision matrix needs at least one bucket.")
    ordered = sorted(days_from)
    if len(set(ordered)) != len(ordered):
        raise ProvisionError("Two buckets of a provision matrix start on the same day.")
    return tuple(start - 1 for start in ordered[1:])


def month_ends(reference, months):
    """The ``months + 1`` month ends up to ``reference``, oldest first.

    The last one is ``reference`` itself when it is a month end, otherwise the
    end of the month before it.
    """
    if months < 1:
        raise ProvisionError("The history needs at least one month.")
    year, month = reference.year, reference.month
    if reference.day != monthrange(year, month)[1]:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    ends = []
    for _index in range(months + 1):
        ends.append(date_type(year, month, monthrange(year, month)[1]))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ends[::-1]


def roll_rates(balances):
    """Balance-weighted roll rates (%) from each bucket to the next, one fewer than buckets.

    ``balances``: one sequence of bucket balances per month end, oldest first.
    A bucket with no balance in any month but the last rolls at 0 %.
    """
    if len(balances) < 2:
        raise ProvisionError("Roll rates need the balances of at least two month ends.")
    count = len(balances[0])
    rates = []
    for index in range(count - 1):
        opening = sum(max(month[index], 0.0) for month in balances[:-1])
        rolled = sum(max(month[index + 1], 0.0) for month in balances[1:])
        rates.append(min(100.0, 100.0 * rolled / opening) if opening > 0 else 0.0)
    return rates


def loss_rates(rolls, last_rate=100.0):
    """Loss rate (%) of every bucket: product of the roll rates from it to the last bucket × ``last_rate``."""
    rates = [last_rate]
    for roll in reversed(rolls):
        rates.append(roll * rates[-1] / 100.0)
    return rates[::-1]


def adjusted_rate(rate, mode, value):
    """``rate`` (%) with the forward-looking adjustment, kept between 0 and 100 %.

    ``mode``: ``none``, ``points`` (add ``value`` percentage points) or
    ``factor`` (multiply by ``value``).
    """
    if mode == "points":
        rate = rate + value
    elif mode == "factor":
        rate = rate * value
    elif mode != "none":
        raise ProvisionError(f"Unknown adjustment {mode!r}.")
    return round(min(100.0, max(0.0, rate)), RATE_DIGITS)


def line_provision(amount, rate, rounding):
    """Provision of an open ``amount`` at ``rate`` %, rounded to the currency's ``rounding``.

    Credit balances (unapplied payments, credit notes) carry no provision.
    """
    return float_round(max(amount, 0.0) * rate / 100.0, precision_rounding=rounding)


def provision_difference(total, previous_total, rounding):
    """What to post: the new provision minus the last posted one (negative = release), rounded."""
    return float_round(total - previous_total, precision_rounding=rounding)


def entry_sides(difference):
    """``(debit_account, credit_account)`` keys of the adjusting entry, or None when nothing to post.

    A larger provision debits the bad-debt expense and credits the allowance;
    a smaller one the opposite.
    """
    if not difference:
        return None
    return ("expense", "allowance") if difference > 0 else ("allowance", "expense")


def format_amount(amount, decimals):
    """``12,000.00`` for ``12000`` with two decimals."""
    return f"{amount:,.{decimals}f}"


def arithmetic_text(amount, rate, provision, decimals):
    """The computation of a line as text, e.g. ``12,000.00 × 10 % = 1,200.00``."""
    rate_text = f"{rate:,.4f}".rstrip("0").rstrip(".")
    return f"{format_amount(amount, decimals)} × {rate_text} % = {format_amount(provision, decimals)}"
