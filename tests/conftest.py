"""Fixtures for the tests that drive Odoo from outside.

setup/test.sh exports the database it has just built (AR_TEST_DB) and the
Odoo command line (AR_ODOO_PYTHON, AR_ODOO_ARGS); the ``odoo_server`` fixture
starts a real Odoo server on that database on a free local port and stops it
after the session.  Run through setup/test.sh, never on its own.
"""

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("ar_credit_control", "ar_dunning", "ar_insurance")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JsonRpc:
    """A minimal JSON-RPC client, as an integration would write it."""

    def __init__(self, url, db):
        self.url, self.db = url, db

    def call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"service": service, "method": method, "args": args},
        }
        request = urllib.request.Request(
            f"{self.url}/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
        if "error" in body:
            raise RpcError(body["error"])
        return body["result"]

    def login(self, login, password):
        uid = self.call("common", "login", self.db, login, password)
        assert uid, f"login {login} refused"
        return RpcUser(self, uid, password)


class RpcError(Exception):
    """An error returned by the server, with Odoo's exception name."""

    def __init__(self, error):
        data = error.get("data", {})
        self.name = data.get("name", "")
        self.message = data.get("message", error.get("message", ""))
        super().__init__(f"{self.name}: {self.message}")


class RpcUser:
    def __init__(self, rpc, uid, password):
        self.rpc, self.uid, self.password = rpc, uid, password

    def execute(self, model, method, *args, **kwargs):
        return self.rpc.call(
            "object",
            "execute_kw",
            self.rpc.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def ref(self, xmlid):
        """Database id of the record with this XML id."""
        module, name = xmlid.split(".")
        return self.execute("ir.model.data", "check_object_reference", module, name)[1]


def create_user(admin, rpc, prefix, groups):
    """Create an internal user in ``groups`` (XML ids) through RPC and log in as it."""
    login = f"{prefix}-{uuid.uuid4().hex[:8]}"
    group_ids = [admin.ref(xmlid) for xmlid in groups]
    admin.execute(
        "res.users",
        "create",
        {"name": prefix, "login": login, "password": login, "groups_id": [[6, 0, group_ids]]},
    )
    return rpc.login(login, login)


def _require_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with setup/test.sh", pytrace=False)
    return value


@pytest.fixture(scope="session")
def odoo_server(tmp_path_factory):
    """Start Odoo on the test database; yield its base URL."""
    db = _require_env("AR_TEST_DB")
    python = _require_env("AR_ODOO_PYTHON")
    args = _require_env("AR_ODOO_ARGS").splitlines()
    port = _free_port()
    log = tmp_path_factory.mktemp("odoo") / "server.log"
    cmd = [
        python,
        "-m",
        "odoo",
        *args,
        "-d",
        db,
        f"--db-filter=^{db}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            cmd, stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, "TZ": "UTC"}
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"Odoo server exited early:\n{log.read_text()[-3000:]}", pytrace=False)
            try:
                urllib.request.urlopen(f"{url}/web/health", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # the server answers
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("Odoo server did not answer within 120 s", pytrace=False)
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def rpc(odoo_server):
    return JsonRpc(odoo_server, os.environ["AR_TEST_DB"])


@pytest.fixture(scope="session")
def admin(rpc):
    return rpc.login("admin", "admin")


@pytest.fixture(scope="module")
def company_id(admin):
    """The admin's company, in block mode for the tests of a module (restored after)."""
    [user] = admin.execute("res.users", "read", [admin.uid], ["company_id"])
    company = user["company_id"][0]
    previous = admin.execute("res.company", "read", [company], ["ar_credit_check_mode"])[0]
    admin.execute("res.company", "write", [company], {"ar_credit_check_mode": "block"})
    yield company
    admin.execute(
        "res.company", "write", [company], {"ar_credit_check_mode": previous["ar_credit_check_mode"]}
    )
