"""The aging XLSX benchmark still runs: a tiny configuration on the test database.

tests/benchmarks/bench_aging_xlsx.py is not part of the test command; this
runs it with 60 open items over 6 customers and 2 runs on AR_TEST_DB, with
``--cleanup`` so its customers and items leave no trace for the other tests.
"""

import os
import subprocess

from conftest import REPO_ROOT
from test_benchmark_harness import _env, _table

SCRIPT = REPO_ROOT / "tests" / "benchmarks" / "bench_aging_xlsx.py"


def test_aging_xlsx_benchmark_runs(tmp_path):
    out = tmp_path / "bench_aging_xlsx.md"
    _env("AR_ODOO_ARGS")  # the script reads Odoo's command line from it
    cmd = [_env("AR_ODOO_PYTHON"), str(SCRIPT), "--db", _env("AR_TEST_DB")]
    cmd += ["--items", "60", "--customers", "6", "--runs", "2", "--out", str(out), "--cleanup"]
    result = subprocess.run(
        cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "TZ": "UTC"}
    )
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    text = out.read_text().replace("| open items |", "| items |")
    rows = _table(text)
    assert set(rows) == {"60"}
    assert rows["60"]["customers"] == "6"
    assert float(rows["60"]["median s"]) >= 0
    assert float(rows["60"]["XLSX KB"]) > 0
