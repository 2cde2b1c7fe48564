"""Fixtures for the tests that drive Odoo from outside.

setup/test.sh exports the database it has just built (AR_TEST_DB) and the
Odoo command line (AR_ODOO_PYTHON, AR_ODOO_ARGS); the ``odoo_server`` fixture
starts a real Odoo server on that database on a free local port and stops it
after the session; ``odoo_workers_server`` starts Odoo's multi-process server
(several HTTP workers) on it for the concurrency tests.  Run through
setup/test.sh, never on its own.  ``--long`` adds the long variants (tests
marked ``long``), which the default run leaves out.
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta
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
        return body.get("result")  # absent when the method returned None

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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # hand the 3xx answer back to the caller


class HttpSession:
    """A browser-like HTTP client with its own cookie jar (so its own Odoo session).

    Redirects are not followed: each answer is returned as
    ``(status, location, body)`` so a test sees where the server sends it.
    """

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, path, data=None, headers=None):
        request = urllib.request.Request(f"{self.url}{path}", data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.headers.get("Location"), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), error.read().decode(errors="replace")

    def get(self, path):
        return self.request(path)

    def post_form(self, path, fields):
        return self.request(path, urllib.parse.urlencode(fields).encode())

    def csrf_token(self, path="/web/login"):
        """The CSRF token of this session, read from a page's form."""
        status, _location, body = self.get(path)
        assert status == 200, f"{path} answered {status}"
        match = re.search(r'name="csrf_token" value="([^"]+)"', body)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login_form(self, login, password):
        """Log in through the /web/login form, as a person does."""
        fields = {"login": login, "password": password, "csrf_token": self.csrf_token(), "redirect": ""}
        status, location, _body = self.post_form("/web/login", fields)
        assert status in (302, 303) and "/web/login" not in (location or ""), f"login {login} refused"

    def call_json(self, path, params):
        """A JSON-RPC call to a web route of this session; returns its result or raises RpcError."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        status, _location, body = self.request(
            path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        assert status == 200, f"{path} answered {status}: {body[:500]}"
        answer = json.loads(body)
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer.get("result")

    def authenticate(self, login, password):
        """Open a web session as the web client does (/web/session/authenticate)."""
        params = {"db": self.db, "login": login, "password": password}
        info = self.call_json("/web/session/authenticate", params)
        assert info.get("uid"), f"login {login} refused"
        return info["uid"]

    def call_kw(self, model, method, *args, **kwargs):
        """Call a model method in this session, as the web client does."""
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        return self.call_json(f"/web/dataset/call_kw/{model}/{method}", params)


def create_user(admin, rpc, prefix, groups):
    """Create an internal user in ``groups`` (XML ids) through RPC and log in as it."""
    login = f"{prefix}-{uuid.uuid4().hex[:8]}"
    group_ids = [admin.ref(xmlid) for xmlid in groups]
    admin.execute(
        "res.users",
        "create",
        {
            "name": prefix,
            "login": login,
            "password": login,
            "email": f"{login}@example.com",  # Odoo refuses to post a message for a user without one
            "groups_id": [[6, 0, group_ids]],
        },
    )
    return rpc.login(login, login)


def new_customer(admin, **vals):
    """A new customer company (unique name), created by ``admin``."""
    return admin.execute(
        "res.partner", "create", {"name": f"Customer {uuid.uuid4().hex[:8]}", "is_company": True, **vals}
    )


_GOODS = {}


def goods(user):
    """A product for the tests' order lines (Odoo confirms no line without one), made by the admin."""
    if user.rpc.url not in _GOODS:
        admin = user.rpc.login("admin", "admin")
        _GOODS[user.rpc.url] = admin.execute(
            "product.product", "create", {"name": f"Test goods {uuid.uuid4().hex[:6]}", "list_price": 1}
        )
    return _GOODS[user.rpc.url]


def new_invoice(admin, partner, amount, days_overdue=30, post=True, company=None, **vals):
    """A customer invoice of ``amount`` (no tax) due ``days_overdue`` days ago, posted unless ``post``.

    ``company``: made and posted in that company (default: the admin's current one).
    """
    due = (date.today() - timedelta(days=days_overdue)).isoformat()
    line = {"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": [[6, 0, []]]}
    in_company = {"context": {"allowed_company_ids": [company]}} if company else {}
    move = admin.execute(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "invoice_date": due,
            "invoice_date_due": due,
            "invoice_line_ids": [[0, 0, line]],
            **vals,
        },
        **in_company,
    )
    if post:
        admin.execute("account.move", "action_post", [move], **in_company)
    return move


def new_insurance_policy(admin, company=None, **vals):
    """A credit insurance policy of ``company`` (default: the admin's) running for the year around today."""
    if not company:
        company = admin.execute("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    currency = admin.execute("res.company", "read", [company], ["currency_id"])[0]["currency_id"][0]
    values = {
        "number": f"POL-{uuid.uuid4().hex[:8]}",
        "insurer_id": new_customer(admin),
        "company_id": company,
        "currency_id": currency,
        "date_start": (date.today() - timedelta(days=180)).isoformat(),
        "date_end": (date.today() + timedelta(days=180)).isoformat(),
        **vals,
    }
    return admin.execute("ar.insurance.policy", "create", values, context={"allowed_company_ids": [company]})


def _require_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with setup/test.sh", pytrace=False)
    return value


def pytest_addoption(parser):
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help="also run the long variants of the reliability tests (more clients, more rounds)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "long: long variant, collected only with --long")


def pytest_collection_modifyitems(config, items):
    """Without --long, leave the long variants out (deselected, not skipped)."""
    if config.getoption("--long"):
        return
    long_items = [item for item in items if item.get_closest_marker("long")]
    if long_items:
        config.hook.pytest_deselected(items=long_items)
        items[:] = [item for item in items if not item.get_closest_marker("long")]


def _start_server(tmp_path_factory, name, server_args):
    """Start Odoo on the test database with ``server_args``; return (process, url)."""
    db = _require_env("AR_TEST_DB")
    python = _require_env("AR_ODOO_PYTHON")
    args = _require_env("AR_ODOO_ARGS").splitlines()
    port = _free_port()
    log = tmp_path_factory.mktemp(name) / "server.log"
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
        *server_args,
        "--log-level=warn",
    ]
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            cmd, stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, "TZ": "UTC"}
        )
    url = f"http://127.0.0.1:{port}"
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
                _stop_server(process)
                pytest.fail("Odoo server did not answer within 120 s", pytrace=False)
            time.sleep(0.5)
    return process, url


def _stop_server(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def odoo_server(tmp_path_factory):
    """Start Odoo (threaded, no workers) on the test database; yield its base URL."""
    process, url = _start_server(tmp_path_factory, "odoo", ["--workers=0", "--max-cron-threads=0"])
    try:
        yield url
    finally:
        _stop_server(process)


@pytest.fixture(scope="session")
def odoo_workers_server(tmp_path_factory):
    """Start Odoo's multi-process server (4 HTTP workers, no cron) on the test database.

    Each request is served by one of several processes, each with its own
    database connection, as in production; yields the base URL.
    """
    server_args = ["--workers=4", "--max-cron-threads=0", f"--gevent-port={_free_port()}"]
    process, url = _start_server(tmp_path_factory, "odoo-workers", server_args)
    try:
        yield url
    finally:
        _stop_server(process)


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


@pytest.fixture(scope="module")
def write_off_company(admin):
    """The admin's company with an allowance account, the provision journal and a threshold of 100."""
    [user] = admin.execute("res.users", "read", [admin.uid], ["company_id"])
    company = user["company_id"][0]
    fields = ["ar_allowance_account_id", "ar_provision_journal_id", "ar_write_off_threshold"]
    previous = admin.execute("res.company", "read", [company], fields)[0]
    allowance = admin.execute(
        "account.account",
        "create",
        {
            "code": f"1231{uuid.uuid4().int % 10000:04d}",
            "name": "RPC allowance",
            "account_type": "asset_current",
        },
    )
    [journal] = admin.execute(
        "account.journal", "search", [("type", "=", "general"), ("company_id", "=", company)], limit=1
    )
    admin.execute(
        "res.company",
        "write",
        [company],
        {
            "ar_allowance_account_id": allowance,
            "ar_provision_journal_id": journal,
            "ar_write_off_threshold": 100,
        },
    )
    yield company
    admin.execute(
        "res.company",
        "write",
        [company],
        {
            name: value[0] if isinstance(value, list) else value
            for name, value in previous.items()
            if name != "id"
        },
    )
