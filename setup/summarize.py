"""Add up Odoo's and pytest's test results into one closing line.

Prints per-runner details, then ``N passed, N failed`` as the very last line,
and exits 1 when anything failed.  Beyond the runners' own counts, it fails
the run when Odoo logged an ERROR/CRITICAL outside a counted test (e.g. a
module that did not load), when an addon ran no Odoo test at all, when a test
was skipped (the suite has none on purpose), or when a runner crashed without
reporting.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET

ODOO_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
ODOO_STARTED = re.compile(r" odoo\.addons\.(\w+)\.tests\S*: Starting \S+")
ODOO_PROBLEM = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


def odoo_counts(log_path, rc, addons):
    """Return (passed, failed, notes) for the Odoo test run in ``log_path``."""
    notes = []
    try:
        with open(log_path, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return 0, 1, ["Odoo test log missing: the Odoo run did not start"]
    failed = errors = total = 0
    started = {addon: 0 for addon in addons}
    problems = 0
    for line in lines:
        match = ODOO_RESULT.search(line)
        if match and "when loading database" in line:
            failed, errors, total = (int(group) for group in match.groups())
        match = ODOO_STARTED.search(line)
        if match and match.group(1) in started:
            started[match.group(1)] += 1
        if ODOO_PROBLEM.match(line):
            problems += 1
    passed = total - failed - errors
    bad = failed + errors
    for addon, count in started.items():
        notes.append(f"  {addon}: {count} Odoo tests run")
        if not count:
            notes.append(f"  FAIL: no Odoo test ran for {addon}")
            bad += 1
    if problems and not bad:
        notes.append(f"  FAIL: {problems} ERROR/CRITICAL log lines outside counted tests")
        bad += 1
    if rc and not bad:
        notes.append(f"  FAIL: Odoo exited with code {rc}")
        bad += 1
    return passed, bad, notes


def pytest_counts(junit_path, rc):
    """Return (passed, failed, notes) from pytest's JUnit XML report."""
    try:
        root = ET.parse(junit_path).getroot()
    except (OSError, ET.ParseError):
        return 0, 1, [f"  FAIL: pytest wrote no report (exit code {rc})"]
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = failures = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    notes = []
    passed = tests - failures - skipped
    bad = failures
    if skipped:
        notes.append(f"  FAIL: {skipped} pytest tests skipped (the suite skips nothing)")
        bad += skipped
    if rc not in (0, 1) and not bad:
        notes.append(f"  FAIL: pytest exited with code {rc}")
        bad += 1
    if not tests:
        notes.append("  FAIL: pytest collected no test")
        bad += 1
    return passed, bad, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--odoo-log", required=True)
    parser.add_argument("--odoo-rc", type=int, default=0)
    parser.add_argument("--junit", required=True)
    parser.add_argument("--pytest-rc", type=int, default=0)
    parser.add_argument("--addons", required=True)
    args = parser.parse_args()
    addons = args.addons.split(",")
    o_pass, o_fail, o_notes = odoo_counts(args.odoo_log, args.odoo_rc, addons)
    p_pass, p_fail, p_notes = pytest_counts(args.junit, args.pytest_rc)
    print(f"Odoo tests:   {o_pass} passed, {o_fail} failed")
    print("\n".join(o_notes))
    print(f"pytest tests: {p_pass} passed, {p_fail} failed")
    if p_notes:
        print("\n".join(p_notes))
    print(f"{o_pass + p_pass} passed, {o_fail + p_fail} failed")
    return 1 if o_fail + p_fail else 0


if __name__ == "__main__":
    sys.exit(main())
