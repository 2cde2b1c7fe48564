"""Bounds on what a person or a client may enter in the suite (pure functions; no ORM).

Each ``*_problem`` function returns ``None`` when the value is acceptable, or
a short code saying what is wrong with it; the ORM layer
(``ar.input.bounds.mixin``) turns the code into a translated message naming
the record and the field.  The limits are constants so that the tests, the
portal and the models agree on them:

- ``MAX_AMOUNT`` (10 000 000 000 000, ten trillion): above any receivable,
  limit or fee in any currency (even in the currencies with the smallest unit,
  such as IDR or VND, it is some hundreds of millions of US dollars), and below
  2**53 / 100 (about 9e13), the largest amount a double still holds exactly to
  the cent: every accepted amount stays exact.
- ``MAX_INTEGER`` (1 000 000 000): counts, days and sequences; below the
  PostgreSQL ``integer`` limit (2**31 - 1), whose overflow is a raw database
  error otherwise.
- ``MAX_DAYS`` (3 660, ten years): a number of days in a rule (dunning
  levels, tolerances); anything longer is a typing mistake.
- ``MAX_PERCENT`` (100): a percentage of an amount (fee, dividend,
  indemnity, loss rate) never exceeds the amount.
- ``DATE_YEARS_BACK`` (50) and ``DATE_YEARS_AHEAD`` (20): a date of a credit
  document lies within 50 years before today (the longest record retention)
  and 20 years after it (the longest insolvency proceedings and payment
  plans); 0001-01-01 or 9999-12-31 are typing mistakes, and break the date
  arithmetic of reports.
- ``MAX_TEXT_LENGTH`` (10 000 characters, some four pages) for plain text
  (reasons, notes, resolutions), ``MAX_CHAR_LENGTH`` (1 000) for one-line
  fields and ``MAX_HTML_LENGTH`` (100 000) for formatted text (letters).
- ``PROMISE_MAX_DAYS`` (90): the default horizon of a promise to pay
  (``res.company.ar_promise_max_days``).
"""

import math
import re
from datetime import date, datetime

MAX_AMOUNT = 10**13
MAX_INTEGER = 10**9
MAX_DAYS = 3660
MAX_PERCENT = 100.0
DATE_YEARS_BACK = 50
DATE_YEARS_AHEAD = 20
MAX_TEXT_LENGTH = 10_000
MAX_CHAR_LENGTH = 1_000
MAX_HTML_LENGTH = 100_000
PROMISE_MAX_DAYS = 90

#: An amount typed in a form: ASCII digits (at most 14 before the point), then decimals (as many as
#: the currency has at most, see parse_amount; Odoo's currencies have up to 6).
PLAIN_AMOUNT = re.compile(r"[0-9]{1,14}(\.([0-9]{1,6}))?")

#: Problem codes returned by the functions below.
NOT_A_NUMBER = "not_a_number"
NOT_FINITE = "not_finite"
TOO_LARGE = "too_large"
NEGATIVE = "negative"
ABOVE_100 = "above_100"
NOT_A_DATE = "not_a_date"
DATE_OUT_OF_WINDOW = "date_out_of_window"
TOO_LONG = "too_long"


def _is_number(value):
    """True for int and float values, but not for booleans (``True`` is not an amount)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def number_problem(value, limit=MAX_AMOUNT, allow_negative=True):
    """What is wrong with a number: not a number, NaN/Infinity, beyond ``±limit``, negative; or None.

    ``False`` and ``None`` (an empty field) are acceptable: emptiness is the
    business of ``required``.
    """
    if value is None or value is False:
        return None
    if not _is_number(value):
        return NOT_A_NUMBER
    if not math.isfinite(value):
        return NOT_FINITE
    if abs(value) > limit:
        return TOO_LARGE
    if value < 0 and not allow_negative:
        return NEGATIVE
    return None


def percent_problem(value):
    """What is wrong with a percentage (0 to 100): see ``number_problem``; ``ABOVE_100``; or None."""
    problem = number_problem(value, limit=math.inf, allow_negative=False)
    if problem:
        return problem
    if value and value > MAX_PERCENT:
        return ABOVE_100
    return None


def date_window(today):
    """(first, last) date accepted on ``today``: ``DATE_YEARS_BACK`` before to ``DATE_YEARS_AHEAD`` after."""
    return _add_years(today, -DATE_YEARS_BACK), _add_years(today, DATE_YEARS_AHEAD)


def _add_years(day, years):
    """``day`` moved by ``years`` (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def date_problem(value, today, first=None, last=None):
    """What is wrong with a date: not a date, outside ``[first, last]`` (default: the window); or None."""
    if value is None or value is False:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return NOT_A_DATE
    default_first, default_last = date_window(today)
    if value < (first or default_first) or value > (last or default_last):
        return DATE_OUT_OF_WINDOW
    return None


def text_problem(value, limit=MAX_TEXT_LENGTH):
    """``TOO_LONG`` when the text has more than ``limit`` characters; else None."""
    if isinstance(value, str) and len(value) > limit:
        return TOO_LONG
    return None


def parse_amount(text, decimals, limit=MAX_AMOUNT):
    """A positive amount typed in a form, parsed strictly; raise ValueError with a problem code.

    Only plain decimal notation is accepted (digits, one point, at most
    ``decimals`` decimals after it, the ``decimal_places`` of the amount's
    currency: none for JPY, three for KWD; surrounding spaces): no sign, no
    exponent, no ``inf``/``nan``, no thousands separators.  Empty text gives
    ``None``.
    """
    text = (text or "").strip()
    if not text:
        return None
    match = PLAIN_AMOUNT.fullmatch(text)
    if not match or len(match.group(2) or "") > decimals:
        raise ValueError(NOT_A_NUMBER)
    amount = float(text)
    problem = number_problem(amount, limit=limit, allow_negative=False)
    if problem:
        raise ValueError(problem)
    return amount


def parse_date(text, today, first=None, last=None):
    """A date typed in a form or a URL (ISO ``YYYY-MM-DD``), within the window; raise ValueError.

    Empty text gives ``None``.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValueError(NOT_A_DATE) from None
    if len(text) != 10:
        raise ValueError(NOT_A_DATE)
    problem = date_problem(value, today, first, last)
    if problem:
        raise ValueError(problem)
    return value


def parse_float(text):
    """``text`` as a float as the ORM would read it, or None when it is not a number."""
    try:
        return float(text)
    except ValueError:
        return None


def parse_iso_date(text):
    """``text`` (``YYYY-MM-DD...``) as a date as the ORM would read it, or None when it is not one."""
    try:
        return datetime.strptime(text[:10], "%Y-%m-%d").date()
    except ValueError:
        return None
