"""Rules of the AR data-quality report (no Odoo import): the check declaration,
tax / registration ID problems, the unreconciled-payment cutoff and the counts per check."""

from datetime import timedelta
from typing import NamedTuple

from .registration_id import validate_registration_id, validate_tax_id

#: Severities of data-quality issues, most serious first.
SEVERITIES = ("high", "medium", "low")


class DataQualityCheck(NamedTuple):
    """One check of the report.

    ``method``: name of the report method returning the issues (list of dicts with
    ``res_id``, ``partner_id`` and optionally ``amount``, ``reference``, ``detail``);
    ``fix_view``: xml id of the small form that fixes the record; ``fix_method``: name of
    the issue method opening the fix instead; neither: opening the record is the fix.
    """

    code: str
    label: str
    severity: str
    res_model: str
    method: str
    fix_view: str | None = None
    fix_method: str | None = None


def id_problems(country_code, vat, registry):
    """Reasons why the VAT number and the company registration number are invalid (empty list: valid).

    Both numbers go through the validators of :mod:`registration_id` (python-stdnum);
    empty numbers are not checked here.
    """
    problems = []
    for kind, validator, number in (
        ("VAT", validate_tax_id, vat),
        ("Registration ID", validate_registration_id, registry),
    ):
        if not (number or "").strip():
            continue
        try:
            validator(country_code, number)
        except ValueError as error:
            problems.append(f"{kind} {number.strip()}: {error}")
    return problems


def unreconciled_cutoff(today, days):
    """Last date of the payments counted as left unreconciled for more than ``days`` days."""
    if days < 0:
        raise ValueError("The number of days cannot be negative.")
    return today - timedelta(days=days)


def counts_per_check(codes, counts):
    """``[(code, count)]`` in the order of ``codes``, zero for checks without issues."""
    return [(code, counts.get(code, 0)) for code in codes]
