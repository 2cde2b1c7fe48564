"""Checks on the addons as files: manifests, assets, translations."""

import ast
import re

import pytest
from conftest import ADDONS, REPO_ROOT
from translatable_terms import addon_terms, po_translations

DESIGN_DEPENDS = {
    "ar_credit_control": {"sale_management", "account", "mail"},
    "ar_dunning": {"ar_credit_control", "mail", "portal", "base_automation", "account_payment", "sms"},
    "ar_insurance": {"ar_credit_control"},
}


def manifest(addon):
    return ast.literal_eval((REPO_ROOT / "addons" / addon / "__manifest__.py").read_text())


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(addon):
    data = manifest(addon)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "LGPL-3"
    assert set(data["depends"]) == DESIGN_DEPENDS[addon]
    assert data["application"] is True
    for key in ("name", "summary", "category", "author", "website"):
        assert data.get(key), f"{addon}: manifest lacks {key}"
    for path in data.get("data", []) + data.get("demo", []):
        assert (REPO_ROOT / "addons" / addon / path).is_file(), f"{addon}: {path} missing"


@pytest.mark.parametrize("addon", ADDONS)
def test_app_store_assets(addon):
    description = REPO_ROOT / "addons" / addon / "static" / "description"
    assert (description / "icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<" in (description / "index.html").read_text()
    assert (REPO_ROOT / "addons" / addon / "readme" / "DESCRIPTION.md").is_file()


@pytest.mark.parametrize("addon", ADDONS)
def test_chinese_translation_complete(addon):
    """Every term Odoo exports for the addon, extracted from its code and data, has a Chinese translation.

    The terms are extracted from the sources (tests/translatable_terms.py, with
    Odoo's own extractors), not read from the .pot, so a message added without
    refreshing the catalogues (setup/i18n.sh) is caught.
    """
    catalogue = REPO_ROOT / "addons" / addon / "i18n" / "zh_CN.po"
    translations = po_translations(catalogue)
    assert len(translations) > 10, f"{addon}: zh_CN.po looks empty"
    untranslated = [msgid for msgid, msgstr in translations.items() if msgid and not msgstr]
    assert not untranslated, f"{addon}: {len(untranslated)} strings untranslated, e.g. {untranslated[:3]}"
    terms = addon_terms(addon, REPO_ROOT / "addons")
    missing = {term: where for term, where in terms.items() if not translations.get(term)}
    shown = "\n".join(f"  {term!r} ({where})" for term, where in sorted(missing.items())[:20])
    assert not missing, f"{addon}: {len(missing)} of {len(terms)} terms missing from i18n/zh_CN.po:\n{shown}"
