"""Odoo's multi-process server and driver scripts, started from the tests and the benchmarks.

Everything reads Odoo's command line from the environment that setup/test.sh
exports (AR_ODOO_PYTHON, AR_ODOO_ARGS: one argument a line)::

    with paused_crons(db, keep=cron_ids):                 # only these jobs run
        with PreforkServer(db, cron_workers=4) as server: # --workers=2 --max-cron-threads=4
            notify_crons(db)                             # wake the cron workers now
            wait_for(lambda: run_done(db), timeout=300, what="the run")
    print(server.log_path.read_text())

- ``odoo_command()``: ``(python, [args...])`` of the suite's Odoo.
- ``run_script(path, *args)``: run a driver script with Odoo's python; ``CompletedProcess``.
- ``PreforkServer(db, workers=2, cron_workers=2, port=None, log_path=None, extra_args=())``:
  ``start()`` (waits until ``/web/health`` answers), ``stop()`` (SIGTERM, then SIGKILL),
  ``url``, ``log_path``, ``errors(ignore=())`` (the ERROR/CRITICAL entries of its log),
  ``cron_jobs()`` (``{job name: [start, end]}`` from its log); a context manager.
- ``connect(db)``: a psycopg2 connection (autocommit) with the suite's database access.
- ``paused_crons(db, keep)``: context manager; deactivates every active scheduled action but
  those of ``keep`` (ids) and restores them on exit, so a server's cron workers run only the
  jobs under test.
- ``notify_crons(db)``: wake the cron workers (Odoo's ``cron_trigger`` notification).
- ``wait_for(condition, timeout, interval=0.5, what=...)``: poll ``condition()`` until it
  returns a truthy value (returned), ``TimeoutError`` after ``timeout`` seconds.
"""

import contextlib
import datetime
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOG_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ")
JOB_LINE = re.compile(
    r"^(?P<time>\S+ \S+) \d+ INFO \S+ odoo\.addons\.base\.models\.ir_cron: "
    r"Job '(?P<name>.*)' \(\d+\) (?P<event>starting|done in)"
)
LOG_LEVEL = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run the suite with setup/test.sh")
    return value


def odoo_command():
    """``(python, args)``: Odoo's python and its command line (addons path, database access)."""
    args = [arg for arg in _env("AR_ODOO_ARGS").splitlines() if arg.strip()]
    return _env("AR_ODOO_PYTHON"), args


def run_script(script, *args, timeout=900):
    """Run ``script`` with Odoo's python from the repository root; the ``CompletedProcess``."""
    python, _args = odoo_command()
    return subprocess.run(
        [python, str(script), *map(str, args)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "TZ": "UTC"},
        check=False,
    )


def free_port():
    """A free local TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout, interval=0.5, what="the condition"):
    """Poll ``condition()`` until it returns a truthy value (returned); ``TimeoutError`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout} s")
        time.sleep(interval)


class PreforkServer:
    """Odoo's multi-process server on one database: ``workers`` HTTP and ``cron_workers`` cron processes."""

    def __init__(self, db, workers=2, cron_workers=2, port=None, log_path=None, extra_args=()):
        self.db, self.workers, self.cron_workers = db, workers, cron_workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path or tempfile.mkstemp(prefix=f"odoo-{db}-", suffix=".log")[1])
        self.extra_args = list(extra_args)
        self.process = None

    def command(self):
        """The server's command line."""
        python, args = odoo_command()
        # odoo-bin, not ``-m odoo``: the server re-executes its command line for the gevent process
        return [
            python,
            str(Path(_env("AR_ODOO_ROOT")) / "odoo-bin"),
            *args,
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--workers={self.workers}",
            f"--max-cron-threads={self.cron_workers}",
            "--log-level=info",
            *self.extra_args,
        ]

    def start(self, timeout=120):
        """Start the server; return once it answers HTTP."""
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                self.command(), stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TZ": "UTC"}
            )
        wait_for(self._answers, timeout, what=f"Odoo on port {self.port}")
        return self

    def _answers(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"Odoo exited early:\n{self.log_path.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"{self.url}/web/health", timeout=5)  # noqa: S310 - local URL
        except urllib.error.HTTPError:
            return True  # it answers
        except OSError:
            return False
        return True

    def stop(self, timeout=60):
        """Stop the server gracefully (SIGTERM: running jobs are interrupted), SIGKILL after ``timeout``."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def errors(self, ignore=()):
        """The ERROR and CRITICAL entries of the server's log (with their following lines).

        ``ignore``: regular expressions; an entry matching one of them is left out.
        """
        entries = []
        for line in self.log_path.read_text().splitlines():
            if LOG_ENTRY.match(line):
                entries.append(line)
            elif entries:
                entries[-1] += "\n" + line
        return [
            entry
            for entry in entries
            if LOG_LEVEL.search(entry.split("\n", 1)[0])
            and not any(re.search(pattern, entry) for pattern in ignore)
        ]

    def cron_jobs(self):
        """``{job name: [start, end]}`` of the cron jobs the log shows (``datetime``, end None if running)."""
        jobs = {}
        for line in self.log_path.read_text().splitlines():
            match = JOB_LINE.match(line)
            if match:
                moment = datetime.datetime.strptime(match["time"], "%Y-%m-%d %H:%M:%S,%f")
                if match["event"] == "starting":
                    jobs[match["name"]] = [moment, None]
                elif match["name"] in jobs:
                    jobs[match["name"]][1] = moment
        return jobs

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _db_params():
    """psycopg2 keyword arguments from the ``--db_*`` options of AR_ODOO_ARGS."""
    _python, args = odoo_command()
    names = {"--db_host": "host", "--db_port": "port", "--db_user": "user", "--db_password": "password"}
    params = {}
    for arg in args:
        key, _sep, value = arg.partition("=")
        if key in names and value and value != "False":
            params[names[key]] = value
    return params


def connect(db):
    """A psycopg2 connection to ``db`` in autocommit mode."""
    import psycopg2  # noqa: PLC0415 - Odoo's virtualenv has it; imported only where used

    conn = psycopg2.connect(dbname=db, **_db_params())
    conn.autocommit = True
    return conn


@contextlib.contextmanager
def paused_crons(db, keep):
    """Deactivate every active scheduled action of ``db`` except ``keep``; restore them on exit."""
    with contextlib.closing(connect(db)) as conn, conn.cursor() as cr:
        cr.execute(
            "UPDATE ir_cron SET active = FALSE WHERE active AND NOT id = ANY(%s) RETURNING id", [list(keep)]
        )
        paused = [row[0] for row in cr.fetchall()]
        try:
            yield paused
        finally:
            cr.execute("UPDATE ir_cron SET active = TRUE WHERE id = ANY(%s)", [paused])


def notify_crons(db):
    """Wake the cron workers up now, as ``ir.cron._notifydb`` does (they listen on ``postgres``)."""
    with contextlib.closing(connect("postgres")) as conn, conn.cursor() as cr:
        cr.execute("SELECT pg_notify('cron_trigger', %s)", [db])


def as_superuser(code, db=None):
    """Run ``code`` in ``odoo shell`` (the superuser, like demo data); its last printed line.

    For test documents no client may create, e.g. a dunning communication
    (made by the dunning run only, see ``ar.server.fields.mixin``).  ``db``:
    the database (default: the test database).
    """
    python, args = odoo_command()
    odoo_bin = str(Path(os.environ["AR_ODOO_ROOT"]) / "odoo-bin")
    db = db or os.environ["AR_TEST_DB"]
    result = subprocess.run(
        [python, odoo_bin, "shell", "-d", db, *args, "--no-http", "--log-level=warn"],
        input=f"{code}\nenv.cr.commit()\n",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]
