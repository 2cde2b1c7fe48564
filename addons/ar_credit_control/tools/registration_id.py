"""Validation of company registration and VAT numbers with python-stdnum (no Odoo import).

Both helpers return the number in its compact form, or raise ``ValueError``
whose message says why the number is wrong. Countries without a validator
accept the number as typed (only surrounding spaces removed).
"""

from stdnum.cn import uscc
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret
from stdnum.util import get_cc_module

try:  # python-stdnum >= 1.2
    from stdnum.au import abn, acn
except ImportError:  # pragma: no cover - very old stdnum
    abn = acn = None

#: Company registration number validators: country code -> {length of the compact number: module}.
#: ``None`` as length means "any length".
REGISTRATION_VALIDATORS = {
    "CN": {None: uscc},  # unified social credit code (统一社会信用代码), 18 characters
    "FR": {9: siren, 14: siret},
}
if acn and abn:
    REGISTRATION_VALIDATORS["AU"] = {9: acn, 11: abn}

#: Two-letter prefixes of EU VAT numbers (Greece uses EL, Northern Ireland XI).
EU_VAT_PREFIXES = frozenset(cc.upper() for cc in eu_vat.MEMBER_STATES) | {"EL"}


def _clean(number):
    return (number or "").strip()


def _compact(number):
    return "".join(_clean(number).split()).replace("-", "").replace(".", "").upper()


def _validate_with(module, number):
    """Validate with a stdnum module, turning its errors into a ValueError with a readable reason."""
    try:
        return module.validate(number)
    except StdnumError as error:
        raise ValueError(error.message) from error


def has_registration_validator(country_code):
    """True when registration numbers of the country are checked."""
    return (country_code or "").upper() in REGISTRATION_VALIDATORS


def validate_registration_id(country_code, number):
    """Return the compact company registration number, or raise ValueError.

    CN: unified social credit code; FR: SIREN (9 digits) or SIRET (14);
    AU: ACN (9) or ABN (11). Other countries are accepted as typed.
    """
    number = _clean(number)
    validators = REGISTRATION_VALIDATORS.get((country_code or "").upper())
    if not number or not validators:
        return number
    module = validators.get(None) or validators.get(len(_compact(number)))
    if not module:
        lengths = " or ".join(str(length) for length in sorted(validators))
        raise ValueError(f"The number must have {lengths} digits.")
    return _validate_with(module, number)


def validate_tax_id(country_code, number):
    """Return the compact VAT / tax number, or raise ValueError.

    A number starting with an EU country prefix (e.g. ``DE``, ``EL``) is
    checked as an EU VAT number of that country; otherwise the VAT validator
    of ``country_code`` is used (``stdnum.util.get_cc_module``). Numbers of
    countries without a validator are accepted as typed.
    """
    number = _clean(number)
    if not number:
        return number
    if _compact(number)[:2] in EU_VAT_PREFIXES:
        return _validate_with(eu_vat, number)
    module = get_cc_module(country_code.lower(), "vat") if country_code else None
    if not module:
        return number
    return _validate_with(module, number)
