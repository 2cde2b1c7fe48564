"""Pure receivables KPIs (no ORM). Every function returns ``None`` when its denominator is zero.

Sources: the DSO, countback DSO, best possible DSO, average days delinquent and
CEI definitions are those of the Credit Research Foundation (CRF) and of the
standard credit-management literature (e.g. Schaeffer, *Essentials of Credit,
Collections and Accounts Receivable*, 2002; Salek, *Accounts Receivable
Management Best Practices*, 2005). Worked examples: readme/USAGE.md.
"""


def _ratio(numerator, denominator):
    """``numerator / denominator``, ``None`` when the denominator is zero."""
    return numerator / denominator if denominator else None


def dso_simple(ending_receivables, credit_sales, days):
    """Days sales outstanding, simple (CRF) method.

    DSO = ending receivables / credit sales of the period × days in the period.
    Example: 120,000 open at the end of a 90-day quarter with 360,000 of
    credit sales: 120,000 / 360,000 × 90 = 30 days.
    """
    ratio = _ratio(ending_receivables, credit_sales)
    return None if ratio is None else ratio * days


def dso_countback(ending_receivables, monthly_sales):
    """Days sales outstanding, countback method.

    ``monthly_sales``: ``[(sales, days), ...]`` of the most recent month first.
    Walk back month by month: while the receivables left exceed the month's
    sales, add the month's days and subtract its sales; then add the share of
    the last month still needed (receivables left / month's sales × days).
    Example: ending AR 150,000; March 100,000 (31 days), February 80,000 (28
    days): 31 + 50,000 / 80,000 × 28 = 31 + 17.5 = 48.5 days. ``None`` when
    the receivables outlast the months given.
    """
    left, days_total = ending_receivables, 0.0
    if left <= 0:
        return 0.0
    for sales, days in monthly_sales:
        if sales <= 0:
            days_total += days
            continue
        if left <= sales:
            return days_total + left / sales * days
        left -= sales
        days_total += days
    return None


def best_possible_dso(current_receivables, credit_sales, days):
    """Best possible DSO (CRF): current (not yet due) receivables / credit sales × days.

    Example: 90,000 not yet due, 360,000 of sales in 90 days: 22.5 days.
    """
    return dso_simple(current_receivables, credit_sales, days)


def average_days_delinquent(dso, best_dso):
    """Average days delinquent (CRF) = DSO − best possible DSO. Example: 30 − 22.5 = 7.5 days."""
    if dso is None or best_dso is None:
        return None
    return dso - best_dso


def collection_effectiveness_index(beginning, credit_sales, ending_total, ending_current):
    """Collection effectiveness index (CEI, CRF), in percent.

    CEI = (beginning receivables + credit sales − ending total receivables)
          / (beginning receivables + credit sales − ending current receivables) × 100.
    Example: beginning 100,000, sales 360,000, ending 120,000 of which 90,000
    current: (460,000 − 120,000) / (460,000 − 90,000) × 100 = 91.89 %.
    """
    ratio = _ratio(beginning + credit_sales - ending_total, beginning + credit_sales - ending_current)
    return None if ratio is None else ratio * 100


def collection_rate(collections, beginning, credit_sales):
    """Collection rate, in percent: collections of the period / (beginning receivables + credit sales) × 100.

    Example: 340,000 collected, 100,000 + 360,000 collectible: 73.91 %.
    """
    ratio = _ratio(collections, beginning + credit_sales)
    return None if ratio is None else ratio * 100


def share_overdue(overdue, total):
    """Share of the receivables past due, in percent: overdue / total receivables × 100.

    Example: 30,000 overdue of 120,000: 25 %.
    """
    ratio = _ratio(overdue, total)
    return None if ratio is None else ratio * 100
