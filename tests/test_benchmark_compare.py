"""The side-by-side benchmark harness still runs end to end: its tiny configuration.

tests/benchmarks/compare.py (README "Performance") is too slow for the test
command at full size; ``--tiny`` runs every part of it on a few hundred
invoices: three fresh databases (plain Odoo, ours, the OCA peers fetched by
setup/lib.sh ensure_oca_peers), the same generated ledger in each, the credit
check in every mode, both dunning runs, the aging XLSX and our dunning cron on
a multi-process server with one and two cron workers.  The figures are not
judged here (this machine is shared with the other tests); what is checked is
that every part ran and the exactly-once counts of the figures hold.
"""

import json
import os
import subprocess

import pytest
from conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "tests" / "benchmarks" / "compare.py"


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with setup/test.sh", pytrace=False)
    return value


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """Run ``compare.py --tiny`` once; its JSON figures and markdown report."""
    if "oca-peers" not in _env("AR_ODOO_ARGS"):
        pytest.fail(
            "the OCA peers are not on the addons path (setup/test.sh ensure_oca_peers)", pytrace=False
        )
    tmp = tmp_path_factory.mktemp("compare")
    cmd = [_env("AR_ODOO_PYTHON"), str(SCRIPT), "--tiny", "--prefix", f"{_env('AR_TEST_DB')}_cmp"]
    cmd += ["--json", str(tmp / "figures.json"), "--out", str(tmp / "report.md")]
    result = subprocess.run(
        cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=3000, env={**os.environ, "TZ": "UTC"}
    )
    assert result.returncode == 0, f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return json.loads((tmp / "figures.json").read_text()), (tmp / "report.md").read_text()


def test_same_ledger_in_every_database(figures):
    made = figures[0]["made"]
    assert (made["customers"], made["invoices"], made["orders"]) == (30, 300, 5)


def test_credit_check_measured_in_every_mode(figures):
    check = figures[0]["credit_check"]
    assert set(check) == {"50"}
    assert set(check["50"]) == {"plain", "off", "block", "oca"}
    for median, p90, queries in check["50"].values():
        assert 0 < median <= p90
        assert queries > 0
    # the credit check reads something: block mode runs more queries than plain Odoo
    assert check["50"]["block"][2] > check["50"]["plain"][2]


def test_both_dunning_runs_reach_the_overdue_customers(figures):
    ours, oca = figures[0]["dunning_ours"], figures[0]["dunning_oca"]
    made = figures[0]["made"]
    assert 0 < ours["customers"] <= made["customers"]
    assert ours["communications"] == ours["customers"]
    assert ours["duplicates"] == 0
    assert oca["customers"] == ours["customers"]  # the same overdue customers on the same ledger
    assert oca["mails"] >= oca["customers"]
    for fig in (ours, oca):
        assert fig["seconds"] > 0 and fig["queries"] > 0 and fig["rss_mb"] > 0


def test_aging_export_and_cron_workers(figures):
    data, report = figures
    assert data["aging"][0] == "500"
    assert [fig["workers"] for fig in data["workers"]] == [1, 2]
    for fig in data["workers"]:
        assert fig["communications"] == fig["customers"] > 0
        assert fig["duplicates"] == 0
    for title in ("## Credit check", "## Dunning run", "## Aging XLSX", "## Our dunning cron"):
        assert title in report
