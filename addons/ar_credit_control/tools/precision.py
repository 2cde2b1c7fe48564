"""How the suite rounds: money with its currency, other figures to a named precision.

Money is rounded only with the rounding of its currency (``res.currency.rounding``):
``currency.round(amount)`` on records, ``float_round(amount,
precision_rounding=rounding)`` (``odoo.tools.float_utils``) in the pure rules
of ``tools/``, which take the rounding as an argument and never assume two
decimals: a JPY company has none, a KWD company three, and Odoo rounds half
away from zero where Python's ``round`` rounds half to even.

Figures that are not money are rounded to a named precision below; the
display of money is left to Odoo (``format_amount``, monetary widgets).
"""

# percentages (credit usage, share of invoices paid late); the provision
# rates keep provision_rules.RATE_DIGITS so that the arithmetic shown reproduces the provision
PERCENT_DIGITS = 2
# credit scores (0-100)
SCORE_DIGITS = 2
# days (average days late, trend of the delay)
DAYS_DIGITS = 2
# predicted payment risk: probability of paying late, and days (expected days late, features)
PROBABILITY_DIGITS = 4
RISK_DAYS_DIGITS = 1
