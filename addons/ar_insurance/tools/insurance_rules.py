"""Money and date rules of credit insurance, as pure functions.

Models gather the figures (in SQL) and the policy terms, then call these
functions; nothing here touches the database, so each rule is tested on its
own and computed in exactly one place.

Vocabulary used throughout the addon:

- *open amount*: what the buyer still owes on an invoice, in policy currency,
  after payments, credit notes and open disputes;
- *covered amount*: the part of the open amount within the buyer's cover
  (its limit), before the indemnity percentage;
- *insured amount*: covered amount x indemnity %, what the insurer would pay
  before the deductible.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo.tools.float_utils import float_round

from ..const import LIMIT_GRANTED_STATES

#: Limit states in which the insurer granted an amount.


def limit_is_valid(state, valid_until, on_date):
    """True when a limit in ``state`` granting cover is still valid on ``on_date``."""
    return state in LIMIT_GRANTED_STATES and (not valid_until or on_date <= valid_until)


def buyer_cover(limit_state, granted_amount, valid_until, discretionary_limit, on_date):
    """The amount up to which a buyer's receivables are covered on ``on_date``.

    ``limit_state`` is the state of the buyer's current limit on the policy,
    ``None`` when the insured never asked for one.

    - a granted limit (approved, partly approved, reduced) still valid: the granted amount;
    - no decision yet (no limit, or a request without answer): the policy's
      discretionary limit;
    - refused, cancelled, or a granted limit past its validity: 0.
    """
    if limit_state is None or limit_state == "requested":
        return max(0.0, discretionary_limit or 0.0)
    if limit_is_valid(limit_state, valid_until, on_date):
        return max(0.0, granted_amount or 0.0)
    return 0.0


def net_open_amounts(amounts):
    """Offset unallocated credits (negative amounts) against the debts, oldest debt first.

    ``amounts`` are the open amounts of a buyer's documents, oldest first;
    unreconciled credit notes and payments appear as negative amounts. The
    credits are pooled and reduce the invoices in order, like a payment
    applied to the oldest invoice. Returns the list of open amounts, credits
    at 0, never negative.

    >>> net_open_amounts([1000.0, 500.0, -1200.0])
    [0.0, 300.0, 0.0]
    """
    credit = -sum(amount for amount in amounts if amount < 0)
    result = []
    for amount in amounts:
        if amount <= 0:
            result.append(0.0)
            continue
        used = min(amount, credit)
        credit -= used
        result.append(amount - used)
    return result


def allocate_cover(cover, open_amounts):
    """Share a buyer's cover among its open invoices, oldest first.

    ``open_amounts`` are ordered oldest first (due date, then invoice date).
    Each invoice takes what it needs from the cover left by the older ones:
    the oldest receivables, which are the likeliest to turn into a claim,
    are insured first. Returns the covered amount of each invoice.

    >>> allocate_cover(10000.0, [6000.0, 3000.0, 4000.0])
    [6000.0, 3000.0, 1000.0]
    """
    left = max(0.0, cover or 0.0)
    covered = []
    for amount in open_amounts:
        share = min(max(0.0, amount), left)
        left -= share
        covered.append(share)
    return covered


def insured_amount(covered, indemnity_percent):
    """Covered amount times the indemnity percentage."""
    return covered * (indemnity_percent or 0.0) / 100.0


def notification_deadline(due_date, basis, notification_days, max_extension_days=0):
    """Last day to declare an overdue invoice to the insurer.

    ``basis`` 'due_date': due date + notification days; 'extension': due
    date + maximum extension period + notification days.
    """
    if not due_date:
        return None
    days = notification_days or 0
    if basis == "extension":
        days += max_extension_days or 0
    return due_date + timedelta(days=days)


def reminder_date(deadline, reminder_days):
    """Day from which the insurance users are reminded of a coming deadline."""
    return deadline and deadline - timedelta(days=max(0, reminder_days or 0))


def stop_delivery_date(oldest_due_date, max_extension_days):
    """Day deliveries on credit must stop: oldest unpaid due date + maximum extension.

    ``None`` when the policy has no extension period or nothing is unpaid.
    """
    if not oldest_due_date or not max_extension_days:
        return None
    return oldest_due_date + timedelta(days=max_extension_days)


def claim_deadline(notification_date, claim_days):
    """Last day to file a claim: notification date + claim deadline days."""
    return notification_date and notification_date + timedelta(days=claim_days or 0)


def expected_indemnity(covered_amount, deductible, indemnity_percent, rounding):
    """What the insurer is expected to pay on a claim.

    indemnity = max(0, covered amount of the claimed invoices - deductible) x indemnity %

    The covered amount is the part of the claimed invoices within the
    buyer's cover (before the percentage): the deductible is borne first by
    the insured, and the insurer pays its percentage of the rest.

    Worked example: invoices of 30,000 + 25,000 for a buyer with a limit of
    50,000, deductible 1,000, indemnity 90 %: covered 50,000, indemnity
    (50,000 - 1,000) x 90 % = 44,100.

    ``rounding`` is the policy currency's (res.currency.rounding).

    >>> expected_indemnity(50000.0, 1000.0, 90.0, 0.01)
    44100.0
    """
    value = max(0.0, (covered_amount or 0.0) - (deductible or 0.0)) * (indemnity_percent or 0.0) / 100.0
    return float_round(value, precision_rounding=rounding)


def owed_to_insurer(recovered, indemnity_percent, already_returned, rounding):
    """Share of later recoveries to pay back to the insurer after an indemnity.

    The insurer bore ``indemnity_percent`` of the loss, so it gets that share of
    what is recovered afterwards, minus what was already returned; never negative.

    >>> owed_to_insurer(10000.0, 90.0, 4000.0, 0.01)
    5000.0
    """
    value = max(0.0, (recovered or 0.0) * (indemnity_percent or 0.0) / 100.0 - (already_returned or 0.0))
    return float_round(value, precision_rounding=rounding)


def premium(turnover, premium_rate, rounding):
    """Premium due on an insured turnover at ``premium_rate`` percent, rounded to the currency."""
    return float_round((turnover or 0.0) * (premium_rate or 0.0) / 100.0, precision_rounding=rounding)


_PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def declaration_period(on_date, frequency):
    """(first day, last day) of the declaration period of ``frequency`` containing ``on_date``."""
    months = _PERIOD_MONTHS[frequency]
    first_month = (on_date.month - 1) // months * months + 1
    start = date(on_date.year, first_month, 1)
    return start, start + relativedelta(months=months, days=-1)


def previous_declaration_period(on_date, frequency):
    """The last complete declaration period before the one containing ``on_date``."""
    start, _end = declaration_period(on_date, frequency)
    return declaration_period(start - timedelta(days=1), frequency)
