"""Amounts and dates of a reminder, formatted as Odoo's ``formatLang`` and ``format_date`` do.

Odoo's helpers look the language up on every call (cached lookups whose
argument binding costs more than the formatting); a reminder formats some
forty figures, a dunning run hundreds of thousands. ``Formatter`` reads the
language once and gives the same text (``tests/test_formatting.py`` compares
them).
"""

import babel.dates

from odoo.tools import float_round
from odoo.tools.misc import NON_BREAKING_SPACE, babel_locale_parse, posix_to_ldml


class Formatter:
    """Odoo's amount and date formats in one language (a ``res.lang`` record)."""

    def __init__(self, lang):
        self.lang = lang
        self.locale = babel_locale_parse(lang.code)
        self.date_pattern = posix_to_ldml(lang.date_format, locale=self.locale)

    def money(self, amount, currency):
        """``formatLang(env, amount, currency_obj=currency)``: the currency's decimals and symbol."""
        digits = currency.decimal_places
        rounded = float_round(amount, precision_digits=digits, rounding_method="HALF-EVEN")
        text = self.lang.format(f"%.{digits}f", rounded, grouping=True)
        if not currency.symbol:
            return text
        parts = (text, NON_BREAKING_SPACE, currency.symbol)
        return "".join(parts if currency.position == "after" else parts[::-1])

    def date(self, value):
        """``format_date(env, value)`` of a date."""
        return babel.dates.format_date(value, format=self.date_pattern, locale=self.locale) if value else ""
