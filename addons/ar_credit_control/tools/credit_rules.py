"""Money and date rules of credit control, as pure functions.

Models gather the figures (in SQL) and the settings, then call these
functions; nothing here touches the database, so every rule is tested on its
own and computed in exactly one place.
"""

from dataclasses import dataclass
from datetime import date

import pytz

from . import receivables

OVER_LIMIT = "over_limit"
OVERDUE = "overdue"
ON_HOLD = "on_hold"
PREPAYMENT = "prepayment"
REVIEW_DUE = "review_due"
DELIVERIES_STOPPED = "deliveries_stopped"


@dataclass(frozen=True)
class CreditFigures:
    """What a customer owes or has committed, in company currency."""

    receivable: float = 0.0
    orders: float = 0.0
    draft_invoices: float = 0.0
    overdue_amount: float | None = 0.0  # None: not computed
    oldest_due_date: date | None = None

    @property
    def exposure(self):
        """Open receivables + confirmed orders not invoiced + counted draft invoices."""
        return self.receivable + self.orders + self.draft_invoices

    def overdue_days(self, today):
        """Days the oldest open item is past its due date (0 when nothing is overdue)."""
        if not self.oldest_due_date:
            return 0
        return max(0, receivables.days_past_due(self.oldest_due_date, today))


@dataclass(frozen=True)
class CreditPolicy:
    """A company's credit-check settings."""

    check_limit: bool = True
    grace_percent: float = 0.0
    zero_limit_blocks: bool = False
    check_overdue: bool = True
    default_tolerance_days: int = 30
    check_hold: bool = True
    check_prepayment: bool = True
    check_review: bool = False


@dataclass(frozen=True)
class CustomerCredit:
    """A customer's credit settings in one company."""

    limit: float = 0.0
    on_hold: bool = False
    tolerance_days: int | None = None
    requires_prepayment: bool = False
    review_date: date | None = None
    deliveries_stopped: bool = False
    stop_reason: str = ""


def local_today(now_utc, tz_name):
    """The calendar date at ``now_utc`` (a naive UTC datetime) in the time zone ``tz_name``.

    Credit rules (limits in force, review dates, days past due) use the
    company's date, never the caller's context or user time zone: a client
    that sends another ``tz`` must not move an expiry. Unknown or empty
    zones count as UTC.
    """
    try:
        zone = pytz.timezone(tz_name or "UTC")
    except pytz.UnknownTimeZoneError:
        zone = pytz.utc
    return pytz.utc.localize(now_utc).astimezone(zone).date()


def effective_limit(limit, temp_limit, temp_until, today):
    """The limit in force: the temporary limit until its expiry date (included), else the limit."""
    if temp_limit and temp_until and today <= temp_until:
        return temp_limit
    return limit


def allowed_exposure(limit, grace_percent):
    """Exposure accepted before an order is refused: the limit plus the grace percentage."""
    return limit * (1 + (grace_percent or 0.0) / 100.0)


def usage_percent(exposure, limit):
    """Exposure as a percentage of the limit; 0 without a limit."""
    return exposure / limit * 100.0 if limit > 0 else 0.0


def credit_reasons(policy, customer, figures, order_amount, today, *, rounding):
    """Return the reasons an order of ``order_amount`` breaks the credit policy.

    ``rounding``: the company currency's rounding (no default: a limit is passed by more
    than half its smallest unit, which is 1 in JPY and 0.001 in KWD, never a fixed cent).

    Each reason is ``(code, details)``; an empty list means the order passes.
    A limit of 0 means "no limit" unless ``policy.zero_limit_blocks``, in which
    case it means "no credit": any order on credit is refused.
    """
    reasons = []
    if customer.deliveries_stopped:
        # not a setting: a stop of deliveries (e.g. insolvency) always stops new orders
        reasons.append((DELIVERIES_STOPPED, {"reason": customer.stop_reason}))
    if policy.check_hold and customer.on_hold:
        reasons.append((ON_HOLD, {}))
    if policy.check_prepayment and customer.requires_prepayment and order_amount > 0:
        reasons.append((PREPAYMENT, {}))
    if policy.check_limit and (customer.limit > 0 or policy.zero_limit_blocks):
        total = figures.exposure + order_amount
        allowed = allowed_exposure(customer.limit, policy.grace_percent)
        if total - allowed > rounding / 2:
            reasons.append(
                (
                    OVER_LIMIT,
                    {
                        "exposure": figures.exposure,
                        "order": order_amount,
                        "total": total,
                        "limit": customer.limit,
                        "allowed": allowed,
                        "over": total - customer.limit,
                    },
                )
            )
    if policy.check_overdue:
        tolerance = (
            policy.default_tolerance_days if customer.tolerance_days is None else customer.tolerance_days
        )
        days = figures.overdue_days(today)
        if days > tolerance:
            reasons.append(
                (OVERDUE, {"days": days, "tolerance": tolerance, "amount": figures.overdue_amount})
            )
    if policy.check_review and customer.review_date and customer.review_date < today:
        reasons.append((REVIEW_DUE, {"date": customer.review_date}))
    return reasons
