"""The credit check benchmark still runs: a tiny configuration on the test database.

tests/benchmarks/bench_credit_check.py is not part of the test command; this
runs it with 50 open items and 3 runs per mode on AR_TEST_DB (no second
database install), with ``--cleanup`` so its customer, items and company
settings leave no trace for the other tests.
"""

import os
import subprocess

import pytest
from conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "tests" / "benchmarks" / "bench_credit_check.py"


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with setup/test.sh", pytrace=False)
    return value


def _table(markdown, *keys):
    """``{key: {column: cell}}`` of the report's markdown table; the key is the ``keys`` columns' cells."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
        key = tuple(cells[name] for name in keys or ("items",))
        rows[key if len(key) > 1 else key[0]] = cells
    return rows


def test_credit_check_benchmark_runs(tmp_path):
    out = tmp_path / "bench_credit_check.md"
    _env("AR_ODOO_ARGS")  # the script reads Odoo's command line from it
    cmd = [_env("AR_ODOO_PYTHON"), str(SCRIPT), "--db", _env("AR_TEST_DB")]
    cmd += ["--items", "50", "--runs", "3", "--out", str(out), "--cleanup"]
    result = subprocess.run(
        cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "TZ": "UTC"}
    )
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    rows = _table(out.read_text(), "items", "confirmation")
    assert {items for items, _mode in rows} == {"50"}
    assert len(rows) == 2, rows  # ours: check off (the baseline) and block mode
    for row in rows.values():
        assert float(row["median ms"]) > 0
        assert int(float(row["queries"])) > 0
    baseline = [row for row in rows.values() if row["ratio to baseline"] == "1.00"]
    assert len(baseline) == 1, rows


DUNNING_SCRIPT = REPO_ROOT / "tests" / "benchmarks" / "bench_dunning_run.py"


def test_dunning_run_benchmark_runs(tmp_path):
    """bench_dunning_run.py with 5 customers of 2 invoices in batches of 2, cleaned up after."""
    out = tmp_path / "bench_dunning_run.md"
    _env("AR_ODOO_ARGS")
    cmd = [_env("AR_ODOO_PYTHON"), str(DUNNING_SCRIPT), "--db", _env("AR_TEST_DB")]
    cmd += ["--customers", "5", "--invoices", "2", "--batch-size", "2", "--out", str(out), "--cleanup"]
    result = subprocess.run(
        cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "TZ": "UTC"}
    )
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    lines = [line for line in out.read_text().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    row = dict(zip(header, (cell.strip() for cell in lines[2].strip("|").split("|")), strict=True))
    assert (row["customers"], row["invoices"], row["communications"]) == ("5", "10", "5")
    assert (row["one comm + one email"], row["duplicates"]) == ("5 / 5", "0")
    assert float(row["wall s"]) > 0
