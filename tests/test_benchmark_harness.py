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
PLAIN = "plain (check off) median ms"
CHECK = "check (block) median ms"


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with setup/test.sh", pytrace=False)
    return value


def _table(markdown):
    """``{items: {column: cell}}`` of the report's markdown table."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True))
        rows[cells["items"]] = cells
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
    rows = _table(out.read_text())
    assert set(rows) == {"50"}
    assert float(rows["50"][PLAIN]) > 0
    assert float(rows["50"][CHECK]) > 0
