"""Exactly-once dunning: a run killed with SIGKILL and resumed, and several cron workers at once.

Each customer of a scenario must end with exactly one communication (sent, at
the level its invoice reached), one queued email, one activity, and at the
final level one posted fee invoice, one letter and one credit hold (tracked
once); nothing missing, nothing twice. The data live in a company of their
own (tests/dunning_chaos.py), so the other tests of the shared database are
not disturbed.

Long variants (more customers, bigger batches): ``AR_LONG_TESTS=1`` or the
pytest option ``--long`` when conftest.py defines it.
"""

import contextlib
import json
import os
import time
import uuid

import pytest
from conftest import REPO_ROOT
from odoo_processes import PreforkServer, connect, notify_crons, paused_crons, run_script, wait_for

DRIVER = REPO_ROOT / "tests" / "dunning_chaos.py"
#: Two workers creating the customers' status rows at once: one gets this error, retried by design.
RETRIED = r"ERROR: could not serialize access due to concurrent update"

#: Scenario name: kill points, one per killed process (the last one resumes without a kill).
SCENARIOS = {
    "start": ["start"],
    "inside_batch": ["in_batch"],
    "mails_queued_before_commit": ["mails_queued"],
    "batch_done_before_commit": ["batch_done"],
    "between_batches": ["between_batches"],
    "credit_hold": ["credit_hold"],
    "fee_created_before_post": ["fee_before_post"],
    "activity": ["activity"],
    "letter": ["letter"],
    "before_run_done": ["before_done"],
    "during_resume": ["in_batch", "in_batch"],
}


def long_tests(config):
    """Whether the long variants run: ``--long`` (if conftest.py defines it) or AR_LONG_TESTS=1."""
    try:
        option = config.getoption("--long")
    except ValueError:
        option = False
    return bool(option) or os.environ.get("AR_LONG_TESTS") == "1"


def _db():
    db = os.environ.get("AR_TEST_DB")
    if not db:
        pytest.fail("AR_TEST_DB is not set: run the suite with setup/test.sh", pytrace=False)
    return db


def _driver(*args, timeout=1800):
    """Run the driver; its JSON report (last line of its output)."""
    result = run_script(DRIVER, "--db", _db(), *args, timeout=timeout)
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_exactly_once(report):
    """Every customer reached once, each action done once; the message lists what is wrong."""
    final = report["final_level"]
    expected = {
        "communications": [["Chaos final:sent"] if f else ["Chaos reminder:sent"] for f in final],
        "mails": [1] * len(final),
        "mails_to_customer": [1] * len(final),
        "activities": [1] * len(final),
        "fees": [int(f) for f in final],
        "fees_linked": [int(f) for f in final],
        "draft_fees": [0] * len(final),
        "holds": list(final),
        "hold_trackings": [int(f) for f in final],
    }
    if "letters" in report:
        expected["letters"] = [int(f) for f in final]
    wrong = {
        key: [
            (n, got, want)
            for n, (got, want) in enumerate(zip(report[key], value, strict=True))
            if got != want
        ]
        for key, value in expected.items()
    }
    wrong = {key: value for key, value in wrong.items() if value}
    assert not wrong, f"(customer, found, expected) per check: {wrong}"
    customers = len(final)
    assert report["runs"] == [{"state": "done", "processed": customers, "communications": customers}]


@pytest.fixture(scope="module")
def chaos_reports(request):
    """All the kill scenarios, run by one driver process (one registry load): ``{scenario: report}``."""
    size = ["--customers", "200", "--batch-size", "9"] if long_tests(request.config) else []
    args = ["scenario", "--tag", f"k{uuid.uuid4().hex[:6]}", *size]
    for name, points in SCENARIOS.items():
        args += ["--scenario", f"{name}={'+'.join(points)}"]
    return _driver(*args)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_killed_run_resumes_exactly_once(chaos_reports, scenario):
    """SIGKILL at the scenario's point(s), then a run to the end: each customer reached exactly once."""
    report = chaos_reports[scenario]
    assert report["endings"] == ["SIGKILL"] * len(SCENARIOS[scenario]), "the kill point was never reached"
    assert_exactly_once(report)


def _cron_state(db, cron_ids, partner_ids):
    """``(copies that ran, customers processed)`` read from the database."""
    with contextlib.closing(connect(db)) as conn, conn.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM ir_cron WHERE id = ANY(%s) AND lastcall IS NOT NULL", [cron_ids])
        ran = cr.fetchone()[0]
        cr.execute(
            """SELECT COUNT(*) FROM ar_dunning_customer
                WHERE partner_id = ANY(%s) AND last_run_date IS NOT NULL""",
            [partner_ids],
        )
        return ran, cr.fetchone()[0]


def overlapping(jobs):
    """Whether two of the cron ``jobs`` (``{name: [start, end]}``) ran at the same time."""
    spans = sorted(span for span in jobs.values() if span[1])
    return any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))


@pytest.mark.parametrize("cron_workers", [2, 4])
def test_cron_workers_share_the_run(request, tmp_path, capsys, record_property, cron_workers):
    """N copies of the dunning cron on a prefork server with N cron workers: each customer reached once."""
    db = _db()
    customers, batch = (2000, 25) if long_tests(request.config) else (60, 3)
    tag = f"w{cron_workers}-{uuid.uuid4().hex[:6]}"
    data = _driver(
        "prepare", "--tag", tag, "--customers", customers, "--batch-size", batch, "--no-letters",
        "--crons", cron_workers,
    )  # fmt: skip
    cron_ids, partner_ids = data["cron_ids"], data["partner_ids"]
    server = PreforkServer(db, workers=2, cron_workers=cron_workers, log_path=tmp_path / "server.log")
    try:
        with paused_crons(db, keep=cron_ids), server:

            def finished():
                errors = server.errors(ignore=[RETRIED])
                assert not errors, "\n".join(errors)
                ran, processed = _cron_state(db, cron_ids, partner_ids)
                if ran < cron_workers:
                    notify_crons(db)
                return ran == cron_workers and processed == customers

            started = time.monotonic()
            wait_for(finished, timeout=1800 if long_tests(request.config) else 600, what="every cron copy")
            wall = time.monotonic() - started
    finally:
        report = _driver("check", "--tag", tag, "--no-letters")
    assert_exactly_once(report)
    assert all(report["cron_lastcalls"]), "a cron copy never ran"
    assert overlapping(server.cron_jobs()), f"the cron jobs never ran at the same time: {server.cron_jobs()}"
    rate = customers / report["seconds"]
    record_property("communications_per_second", round(rate, 1))
    with capsys.disabled():  # shown in the suite's output, not captured
        print(
            f"\n{cron_workers} cron workers: {customers} communications in {report['seconds']:.1f} s "
            f"= {rate:.1f} communications/s (wall with server start {wall:.1f} s)"
        )


def test_worker_losing_the_race_for_a_batch_retries_it():
    """A worker whose snapshot predates another worker's commit of its batch skips it and finishes.

    In repeatable read, locking rows another transaction changed after the
    snapshot fails to serialize: the batch must be rolled back and retried
    with a fresh snapshot (the customers then show as done), not end the cron
    job with an error.
    """
    report = _driver("race", "--tag", f"r{uuid.uuid4().hex[:6]}", "--no-letters")
    assert report["ending"] == "done", report["ending"]
    assert_exactly_once(report)
