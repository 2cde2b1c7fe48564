"""The attack surface of the suite, enumerated and compared with one allowlist.

For every role below, the test tries, with a real login (a web session calling
models as the web client does, ``/web/dataset/call_kw``, and plain HTTP),
everything a client can send:

- a write of a plausible different value to every field (from ``fields_get``)
  of every model of the three addons and of every core model they extend
  with fields;
- a call of every public method (``def`` without a leading underscore) that
  the addons' sources define on a model;
- a request to every HTTP route of the addons' controllers and to
  ``/report/html|pdf/<report>/<id>`` of every report the addons register.

Nothing is listed here: models, fields, methods, routes and reports are found
on their own, so new code is tried without editing this file.  The outcome of
each attempt is ``ok`` (the server did it: a written value reads back changed,
a method returned, a route answered 2xx or redirected elsewhere than the login
page) or refused (an Odoo exception, 4xx, a redirect to the login page, or a
write that changed nothing).  The successes are compared with
``tests/attack_surface_allowlist.txt`` (its header says the format): a success
that no line allows fails the test, and so does a line that no success matches
any more (a stale allowlist), all listed at once.

The allowlist is calibrated (issue 15, item 8): the test runs in the default
run of ``setup/test.sh``; a new field, method or route that a role can use
fails it until a guard refuses it or a reviewed allowlist line allows it.
Records no client may create (dunning communications and statuses, balance
confirmations, declaration and provision lines, recoveries) are made by the
superuser in ``odoo shell`` (``SUPERUSER_MODELS``), as the suite's own runs
make them.

The attempts commit, so they run on a copy of the test database with a server
of their own (both dropped at the end); each role works on its own copy of each
record (its own quotation, its own wizard, ...), and every successful write is
undone by the administrator, so the attempts don't depend on each other.

How the records and values are chosen (``Targets``, ``_write_value``) and what
counts as refused is documented in the allowlist's header.  Models without
demo records get one from ``FACTORIES``; a model left without a record, a
route parameter without a record (``ROUTE_RECORDS``) or a route answering 5xx
fails the test as a problem, so nothing is skipped silently.  Set
``AR_SURFACE_REPORT=path`` to get every outcome in a file (tab-separated).
"""

import ast
import base64
import contextlib
import fnmatch
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import ADDONS, REPO_ROOT, HttpSession, RpcError
from odoo_processes import PreforkServer, _db_params, as_superuser, connect, free_port

ALLOWLIST = Path(__file__).with_name("attack_surface_allowlist.txt")
THREADS = 4

SALES = ["sales_team.group_sale_salesman", "base.group_partner_manager"]
#: role -> groups (XML ids) of its user; the two portal roles and the other company's user are special
ROLES = {
    "salesperson": SALES,
    "sales_invoicing": [*SALES, "account.group_account_invoice"],
    "credit_user": [*SALES, "ar_credit_control.group_ar_credit_user"],
    "credit_manager": [*SALES, "ar_credit_control.group_ar_credit_manager"],
    "collector": [*SALES, "account.group_account_invoice", "ar_dunning.group_ar_dunning_user"],
    "accountant": [*SALES, "account.group_account_manager"],
    # every right of the suite, but only in company B: only the company should stop it
    "other_company": [
        "sales_team.group_sale_manager",
        "account.group_account_manager",
        "ar_credit_control.group_ar_credit_manager",
        "ar_dunning.group_ar_dunning_manager",
        "ar_insurance.group_ar_insurance_manager",
    ],
    "portal_a": ["base.group_portal"],  # contact of customer A
    "portal_b": ["base.group_portal"],  # contact of customer B: A's records are someone else's
}

REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.RedirectWarning",
}

#: values of method arguments, by parameter name (None for any other)
ARGUMENT_VALUES = {
    "partner_id": lambda ctx: ctx.customer_a,
    "partner_ids": lambda ctx: [ctx.customer_a],
    "amount": lambda ctx: 1.0,
    "date": lambda ctx: (date.today() + timedelta(days=7)).isoformat(),
    "invoice_ids": lambda ctx: [ctx.invoice_a],
    "move_ids": lambda ctx: [ctx.invoice_a],
    "note": lambda ctx: "surface",
    "reason": lambda ctx: "surface",
}

#: record ids in route paths, by converter argument name: the record of customer A
ROUTE_RECORDS = {"move_id": "account.move", "comm_id": "ar.dunning.communication"}

#: form/query values sent to routes, by parameter name (customer A's records)
ROUTE_VALUES = {
    "partner_id": lambda ctx: str(ctx.customer_a),
    "move_ids": lambda ctx: str(ctx.invoice_a),
    "reason": lambda ctx: "surface",
    "note": lambda ctx: "surface",
    "amount": lambda ctx: "1",
    "date": lambda ctx: (date.today() + timedelta(days=7)).isoformat(),
    "date_from": lambda ctx: (date.today() - timedelta(days=60)).isoformat(),
    "date_to": lambda ctx: date.today().isoformat(),
}


# ----------------------------------------------------------------------
# The allowlist
# ----------------------------------------------------------------------
class Allowlist:
    """``allow``/``skip`` lines of the allowlist file, with role aliases (``define``)."""

    def __init__(self, path):
        self.allow, self.skip, self.errors = [], [], []
        self.optional = set()  # numbers of the ``may`` lines: allowed, never stale
        aliases = {"*": sorted(ROLES)}
        for number, raw in enumerate(path.read_text().splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            if words[0] == "define" and len(words) == 4 and words[2] == "=":
                aliases["@" + words[1]] = self._roles(words[3], aliases, number)
                continue
            if words[0] not in ("allow", "may", "skip") or len(words) != 5:
                self.errors.append(f"line {number}: cannot read {raw!r}")
                continue
            verb, roles, model, kind, name = words
            entry = (number, self._roles(roles, aliases, number), model, kind, name)
            (self.skip if verb == "skip" else self.allow).append(entry)
            if verb == "may":
                self.optional.add(number)

    def _roles(self, text, aliases, number):
        roles = []
        for word in text.split(","):
            if word in aliases:
                roles += aliases[word]
            elif word in ROLES:
                roles.append(word)
            else:
                self.errors.append(f"line {number}: unknown role {word!r}")
        return roles

    @staticmethod
    def _items(entry):
        """(model glob, name glob) pairs of a line: MODEL and NAME are comma-separated lists."""
        _number, _roles, models, _kind, names = entry
        return [(model, name) for model in models.split(",") for name in names.split(",")]

    def _matches(self, entry, role, model, kind, name):
        """Indexes of the line's items that match, if the role and kind do."""
        _number, roles, _models, kind_glob, _names = entry
        if role not in roles or not fnmatch.fnmatchcase(kind, kind_glob):
            return []
        return [
            index
            for index, (model_glob, name_glob) in enumerate(self._items(entry))
            if fnmatch.fnmatchcase(model, model_glob) and fnmatch.fnmatchcase(name, name_glob)
        ]

    def skipped(self, role, model, kind, name):
        return any(self._matches(entry, role, model, kind, name) for entry in self.skip)

    def allowed(self, role, model, kind, name):
        """[(line number, item index)] of the allow lines that allow this success."""
        return [
            (entry[0], index)
            for entry in self.allow
            for index in self._matches(entry, role, model, kind, name)
        ]

    def stale(self, matched):
        """(line, roles, model, kind, name) of each item still refused for some of its roles.

        ``matched``: {(line, item index): roles with a success it allows}.
        """
        found = []
        for entry in self.allow:
            number, roles, _models, kind, _names = entry
            if number in self.optional:
                continue
            for index, (model, name) in enumerate(self._items(entry)):
                missing = sorted(set(roles) - matched.get((number, index), set()))
                if missing:
                    found.append((number, missing, model, kind, name))
        return found


# ----------------------------------------------------------------------
# Enumeration
# ----------------------------------------------------------------------
def suite_models(admin):
    """{model: ir.model row} of the addons' models and of the core models they add fields to."""
    data = admin.execute(
        "ir.model.data",
        "search_read",
        [["module", "in", list(ADDONS)], ["model", "=", "ir.model"]],
        ["res_id"],
    )
    names = {
        row["model"] for row in admin.execute("ir.model", "read", [row["res_id"] for row in data], ["model"])
    }
    field_data = admin.execute(
        "ir.model.data",
        "search_read",
        [["module", "in", list(ADDONS)], ["model", "=", "ir.model.fields"]],
        ["res_id"],
    )
    names |= {
        row["model"]
        for row in admin.execute("ir.model.fields", "read", [row["res_id"] for row in field_data], ["model"])
    }
    rows = admin.execute("ir.model", "search_read", [["model", "in", sorted(names)]], ["model", "transient"])
    models = {row["model"]: row for row in rows}
    for model, row in models.items():
        # an abstract model (a service such as ar.credit.api) has no fields: methods only
        row["fields"] = admin.execute(model, "fields_get", [], attributes=["type", "relation", "selection"])
        row["abstract"] = not row["fields"]
    return models


def _class_models(node):
    """Models a class's methods belong to: its ``_name``, else what it ``_inherit``s."""
    values = {}
    for item in node.body:
        if isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name) and target.id in ("_name", "_inherit"):
                    with contextlib.suppress(ValueError):
                        values[target.id] = ast.literal_eval(item.value)
    value = values.get("_name") or values.get("_inherit") or []
    return {value} if isinstance(value, str) else set(value)


def _decorators(function):
    names = set()
    for decorator in function.decorator_list:
        node = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", ""))
    return names


def public_methods():
    """{(model, method): (model-level?, names of required arguments)} from the addons' sources."""
    found = {}
    for addon in ADDONS:
        for path in sorted((REPO_ROOT / "addons" / addon).glob("*/*.py")):
            if path.parent.name not in ("models", "wizards", "report"):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.ClassDef):
                    continue
                for item in node.body:
                    if not isinstance(item, ast.FunctionDef) or item.name.startswith("_"):
                        continue
                    decorators = _decorators(item)
                    if "property" in decorators:
                        continue
                    args = item.args.args[1:]
                    required = [arg.arg for arg in args[: len(args) - len(item.args.defaults)]]
                    model_level = bool(decorators & {"model", "model_create_multi"})
                    for model in _class_models(node):
                        found[(model, item.name)] = (model_level, required)
    return found


def sudo_writes():
    """Models whose ``write()`` in the addons calls ``sudo()``: every field is tried there."""
    found = set()
    for path in sorted((REPO_ROOT / "addons").glob("*/*/*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "write":
                    calls = [
                        sub for sub in ast.walk(item) if isinstance(sub, ast.Attribute) and sub.attr == "sudo"
                    ]
                    if calls:
                        found |= _class_models(node)
    return found


def http_routes():
    """[(path template, methods, parameter names)] of every ``@route`` of the addons' controllers."""
    routes = []
    for path in sorted((REPO_ROOT / "addons").glob("*/controllers/*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                if not isinstance(decorator, ast.Call):
                    continue
                func = decorator.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name != "route":
                    continue
                paths = ast.literal_eval(decorator.args[0]) if decorator.args else []
                keywords = {kw.arg: kw.value for kw in decorator.keywords}
                if "route" in keywords:
                    paths = ast.literal_eval(keywords["route"])
                methods = ast.literal_eval(keywords["methods"]) if "methods" in keywords else ["GET"]
                params = [arg.arg for arg in node.args.args[1:]]
                for template in [paths] if isinstance(paths, str) else paths:
                    routes.append((template, methods, params))
    return routes


def suite_reports(admin):
    data = admin.execute(
        "ir.model.data",
        "search_read",
        [["module", "in", list(ADDONS)], ["model", "=", "ir.actions.report"]],
        ["res_id"],
    )
    return admin.execute(
        "ir.actions.report", "read", [row["res_id"] for row in data], ["report_name", "model"]
    )


# ----------------------------------------------------------------------
# The copy of the database and its server
# ----------------------------------------------------------------------
def _filestore(db):
    return Path.home() / ".local" / "share" / "Odoo" / "filestore" / db


def _copy_database(source, target):
    """``target`` as a copy of ``source``; ``pg_dump`` when another server holds ``source`` open."""
    with contextlib.closing(connect("postgres")) as conn, conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        try:
            cr.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
            copied = True
        except Exception:  # noqa: BLE001 - the template is in use: copy with pg_dump
            copied = False
            cr.execute(f'CREATE DATABASE "{target}"')
    if not copied:
        params = _db_params()
        env = {**os.environ, "PGPASSWORD": params.get("password", "")}
        conn_args = [f"--host={params.get('host', 'localhost')}", f"--port={params.get('port', '5432')}"]
        conn_args.append(f"--username={params.get('user', 'odoo')}")
        dump = subprocess.Popen(
            ["pg_dump", *conn_args, "--no-owner", source], stdout=subprocess.PIPE, env=env
        )
        subprocess.run(
            ["psql", *conn_args, "-q", "-v", "ON_ERROR_STOP=1", "-d", target],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            env=env,
            check=True,
        )
        assert dump.wait() == 0, "pg_dump failed"
    if _filestore(source).is_dir():
        shutil.rmtree(_filestore(target), ignore_errors=True)
        shutil.copytree(_filestore(source), _filestore(target))


def _drop_database(db):
    with contextlib.closing(connect("postgres")) as conn, conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    shutil.rmtree(_filestore(db), ignore_errors=True)


@pytest.fixture(scope="module")
def surface_server():
    """A multi-worker Odoo on a copy of the test database (dropped at the end): (url, db)."""
    source = os.environ.get("AR_TEST_DB")
    if not source:
        pytest.fail("AR_TEST_DB is not set: run the suite with setup/test.sh", pytrace=False)
    db = f"{source}_surface"
    _copy_database(source, db)
    server = PreforkServer(
        db,
        # wkhtmltopdf fetches the report's assets from the server while a worker waits for it
        workers=THREADS + 3,
        cron_workers=0,
        extra_args=[f"--gevent-port={free_port()}", "--log-level=warn", "--limit-time-real=600"],
    )
    try:
        server.start()
        yield server.url, db
    finally:
        server.stop()
        _drop_database(db)


# ----------------------------------------------------------------------
# The world the roles act in
# ----------------------------------------------------------------------
class Session:
    """A logged-in web session calling models as the web client does (``/web/dataset/call_kw``).

    A session, not ``/jsonrpc``: ``execute_kw`` checks the password on every call (a slow
    hash by design), the session only once.
    """

    def __init__(self, url, db, login, password):
        self.http = HttpSession(url, db)
        self.uid = self.http.authenticate(login, password)

    def execute(self, model, method, *args, **kwargs):
        return self.http.call_kw(model, method, *args, **kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        return self.execute("ir.model.data", "check_object_reference", module, name)[1]


class World:
    """Admin session, company B, the role users, customers A and B and their records."""

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.admin = Session(url, db, "admin", "admin")
        # the PDF reports fetch their assets from this server, not from web.base.url's
        self.admin.execute("ir.config_parameter", "set_param", "report.url", url)
        self.company_a = self.admin.execute("res.users", "read", [self.admin.uid], ["company_id"])[0][
            "company_id"
        ][0]
        self.company_b = self.admin.execute("res.company", "create", {"name": "Surface Company B"})
        self.admin.execute("res.users", "write", [self.admin.uid], {"company_ids": [[4, self.company_b]]})
        self.ctx_a = {"allowed_company_ids": [self.company_a]}
        self.ctx_ab = {"allowed_company_ids": [self.company_a, self.company_b]}
        self.customer_a = self._customer("Surface Customer A")
        self.customer_b = self._customer("Surface Customer B")
        self.users, self.logins = {}, {}
        for role, groups in ROLES.items():
            self._user(role, groups)
        self.invoice_a = self._invoice(self.customer_a)
        self.invoice_b = self._invoice(self.customer_b)

    def execute(self, model, method, *args, context=None, **kwargs):
        return self.admin.execute(model, method, *args, context=context or self.ctx_ab, **kwargs)

    def ref(self, xmlid):
        return self.admin.ref(xmlid)

    def _customer(self, name):
        return self.execute("res.partner", "create", {"name": name, "is_company": True, "credit_limit": 1000})

    def _user(self, role, groups):
        login = f"surface-{role}-{uuid.uuid4().hex[:6]}"
        vals = {
            "name": f"Surface {role}",
            "login": login,
            "password": login,
            "groups_id": [[6, 0, [self.ref(xmlid) for xmlid in groups]]],
        }
        if role == "other_company":
            vals.update(company_id=self.company_b, company_ids=[[6, 0, [self.company_b]]])
        if role.startswith("portal_"):
            customer = self.customer_a if role == "portal_a" else self.customer_b
            vals["partner_id"] = self.execute(
                "res.partner",
                "create",
                {"name": f"{role} contact", "parent_id": customer, "email": f"{login}@example.com"},
            )
        uid = self.execute("res.users", "create", vals)
        self.logins[role] = login
        self.users[role] = Session(self.url, self.db, login, login)
        assert self.users[role].uid == uid

    def _invoice(self, customer):
        due = (date.today() - timedelta(days=40)).isoformat()
        line = {"name": "Surface goods", "quantity": 1, "price_unit": 500, "tax_ids": [[6, 0, []]]}
        move = self.execute(
            "account.move",
            "create",
            {
                "move_type": "out_invoice",
                "partner_id": customer,
                "invoice_date": due,
                "invoice_date_due": due,
                "invoice_line_ids": [[0, 0, line]],
            },
            context=self.ctx_a,
        )
        self.execute("account.move", "action_post", [move], context=self.ctx_a)
        return move


# ----------------------------------------------------------------------
# Records to act on
# ----------------------------------------------------------------------
def _today(days=0):
    return (date.today() + timedelta(days=days)).isoformat()


def _first(world, model, domain=()):
    ids = world.execute(model, "search", list(domain), limit=1, order="id desc", context=world.ctx_a)
    return ids[0] if ids else None


def _level(world):
    return _first(world, "ar.dunning.level")


def _write_off(world):
    """A write-off of a new invoice of customer A through its wizard (the only way to make one).

    Company A gets an allowance account and the provision journal first; 500 is above the
    threshold (100), so the write-off waits for a second credit manager.
    """
    account = world.execute(
        "account.account",
        "create",
        {"code": "123499", "name": "Surface allowance", "account_type": "asset_current"},
        context=world.ctx_a,
    )
    journal = _first(
        world, "account.journal", [["type", "=", "general"], ["company_id", "=", world.company_a]]
    )
    world.execute(
        "res.company",
        "write",
        [world.company_a],
        {
            "ar_allowance_account_id": account,
            "ar_provision_journal_id": journal,
            "ar_write_off_threshold": 100,
        },
    )
    invoice = world._invoice(world.customer_a)
    context = {**world.ctx_a, "active_model": "account.move", "active_ids": [invoice]}
    wizard = world.execute("ar.write.off.wizard", "create", {"reason": "Surface"}, context=context)
    return world.execute("ar.write.off.wizard", "action_write_off", [wizard], context=context)["res_id"]


def _data_quality_issue(world):
    """An issue of the administrator's data-quality report (one it found, else one made up)."""
    report = world.target_id("ar.data.quality.report")
    issues = world.execute("ar.data.quality.report", "read", [report], ["issue_ids"])[0]["issue_ids"]
    if issues:
        return issues[0]
    check = world.execute("ar.data.quality.issue", "fields_get", ["check_code"], attributes=["selection"])
    return {
        "report_id": report,
        "company_id": world.company_a,
        "check_code": check["check_code"]["selection"][0][0],
        "severity": "low",
        "res_model": "res.partner",
        "res_id": world.customer_a,
    }


def _write_off_line(world):
    lines = world.execute("ar.write.off", "read", [world.target_id("ar.write.off")], ["line_ids"])[0]
    return lines["line_ids"][0]


#: how the administrator creates a record of a model that has none in the demo data:
#: model -> function(world) returning the values (or the id of a record it made itself)
FACTORIES = {
    "ar.aging.report.line": lambda w: {
        "wizard_id": w.target_id("ar.aging.report.wizard"),
        "company_id": w.company_a,
    },
    "ar.credit.dashboard.line": lambda w: {
        "dashboard_id": w.target_id("ar.credit.dashboard"),
        "kind": "bucket",
    },
    "ar.credit.kpi.grade": lambda w: {"kpi_id": w.target_id("ar.credit.kpi")},
    "ar.data.quality.issue": lambda w: _data_quality_issue(w),
    "ar.write.off.wizard": lambda w: {"partner_id": w.customer_a, "reason": "Surface"},
    "ar.balance.confirmation": lambda w: {"partner_id": w.customer_a, "balance": 500},
    "ar.dunning.communication": lambda w: {
        "partner_id": w.customer_a,
        "company_id": w.company_a,
        "level_id": _level(w),
        "date": _today(),
        "state": "sent",
        "move_ids": [[6, 0, [w.invoice_a]]],
    },
    "ar.dunning.customer": lambda w: {"partner_id": w.customer_a, "company_id": w.company_a},
    "ar.dunning.run": lambda w: {},
    # an open dispute of part of the world's own invoice (the demo's last dispute may be closed, or
    # of a whole invoice, where one more unit of amount is refused)
    "ar.dispute": lambda w: {"move_id": w.invoice_a, "amount": 100, "reason": "Surface dispute"},
    "ar.insolvency.case": lambda w: {"partner_id": w.customer_a, "case_type": "bankruptcy"},
    "ar.insurance.declaration": lambda w: {
        "policy_id": _first(w, "ar.insurance.policy"),
        "date_from": _today(-30),
        "date_to": _today(-1),
    },
    "ar.insurance.declaration.line": lambda w: {
        "declaration_id": w.target_id("ar.insurance.declaration"),
        "partner_id": w.customer_a,
    },
    "ar.insurance.recovery": lambda w: {"claim_id": _first(w, "ar.insurance.claim"), "amount": 10},
    "ar.payment.plan": lambda w: {"partner_id": w.customer_a, "move_ids": [[6, 0, [w.invoice_a]]]},
    "ar.payment.plan.installment": lambda w: {
        "plan_id": w.target_id("ar.payment.plan"),
        "date": _today(30),
        "amount": 100,
    },
    "ar.payment.promise": lambda w: {
        "partner_id": w.customer_a,
        "date": _today(7),
        "amount": 100,
        "move_ids": [[6, 0, [w.invoice_a]]],
    },
    "ar.payment.risk.model": lambda w: {},
    "ar.provision.run": lambda w: {"matrix_id": _first(w, "ar.provision.matrix")},
    "ar.provision.line": lambda w: {"run_id": w.target_id("ar.provision.run"), "partner_id": w.customer_a},
    "ar.write.off": _write_off,
    "ar.write.off.line": _write_off_line,
    "ar.credit.release.wizard": lambda w: {
        "order_id": _first(w, "sale.order", [["state", "=", "draft"]]),
        "reason": "Surface",
    },
    "ar.write.off.recovery.wizard": lambda w: {
        "write_off_id": w.target_id("ar.write.off"),
        "line_id": w.target_id("ar.write.off.line"),
        "amount": 1,
    },
    "ar.write.off.recovery": lambda w: {
        "write_off_id": w.target_id("ar.write.off"),
        "line_id": w.target_id("ar.write.off.line"),
        "date": _today(),
        "amount": 1,
    },
}

#: models whose records only the server makes (a run, a report, a wizard): the factory's values
#: are created by the superuser in ``odoo shell``, inside the model's server-write block, as the
#: suite's own code does; the roles then act on that record
SUPERUSER_MODELS = {
    "ar.balance.confirmation",
    "ar.dunning.communication",
    "ar.dunning.customer",
    "ar.insurance.declaration.line",
    "ar.provision.line",
    "ar.write.off.recovery",
}

_SUPERUSER_CREATE = """
import contextlib, json
Model = env[{model!r}].with_context(allowed_company_ids=[{company}])
block = Model._ar_server_write() if hasattr(Model, "_ar_server_write") else contextlib.nullcontext()
with block:
    record = Model.create(json.loads({vals!r}))
print(record.id)
"""


def _superuser_create(world, model, vals):
    """Create ``model`` with ``vals`` as the superuser (see ``SUPERUSER_MODELS``); its id."""
    code = _SUPERUSER_CREATE.format(model=model, company=world.company_a, vals=json.dumps(vals))
    return int(as_superuser(code, db=world.db))


#: records every role acts on as they are (not a copy of its own): the role's own user, the company
SHARED_TARGETS = {
    "res.company": lambda w, role: w.company_a,
    "res.users": lambda w, role: w.users[role].uid,
    "res.currency": lambda w, role: w.execute("res.company", "read", [w.company_a], ["currency_id"])[0][
        "currency_id"
    ][0],
}


class Targets:
    """The record of each model each role acts on, and the values written."""

    def __init__(self, world, models, fields):
        self.world, self.models, self.fields = world, models, fields
        self.base, self.per_role, self.problems = {}, {}, []
        world.target_id = self.base_id
        self._values = {}

    def base_id(self, model):
        """The administrator's record of ``model`` in company A (demo data, else made by a factory)."""
        if model not in self.base:
            self.base[model] = self._make_base(model)
        return self.base[model]

    def _make_base(self, model):
        world = self.world
        if self.models[model]["abstract"]:
            return None
        factory = FACTORIES.get(model)
        if model == "res.partner":
            return world.customer_a
        if model == "account.move":
            return world.invoice_a
        if not factory and not self.models[model]["transient"]:
            found = _first(world, model, self._company_domain(model))
            if found:
                return found
            self.problems.append(f"{model}: no record to act on; add a factory to FACTORIES")
            return None
        try:
            vals = factory(world) if factory else {}
            if isinstance(vals, int):
                return vals  # the factory made the record itself
            if model in SUPERUSER_MODELS:
                return _superuser_create(world, model, vals)
            return world.execute(model, "create", vals, context=world.ctx_a)
        except (RpcError, AssertionError) as error:
            self.problems.append(f"{model}: the administrator could not create a record: {error}")
            return None

    def _company_domain(self, model):
        if "company_id" in self.fields[model]:
            return [["company_id", "in", [self.world.company_a, False]]]
        return []

    def target(self, role, model):
        """The record ``role`` acts on: its own copy (its own wizard), else the administrator's."""
        key = (role, model)
        if key not in self.per_role:
            self.per_role[key] = self._make_target(role, model)
        return self.per_role[key]

    def _make_target(self, role, model):
        world, info = self.world, self.models[model]
        if info["abstract"]:
            return None
        if model in SHARED_TARGETS:
            return SHARED_TARGETS[model](world, role)
        if info["transient"]:
            try:
                return world.users[role].execute(model, "create", {})
            except RpcError:
                return self.base_id(model)  # the administrator's wizard: the role cannot use its own
        base = self.base_id(model)
        if base is None:
            return None
        defaults = self._copy_defaults(role, model)
        try:
            return world.execute(model, "copy", [base], defaults, context=world.ctx_ab)[0]
        except RpcError:
            return base

    def _copy_defaults(self, role, model):
        """The role's own copy: it is the record's user; company B's for company B's user."""
        fields, world = self.fields[model], self.world
        defaults = {}
        for name in ("user_id", "invoice_user_id"):
            if fields.get(name, {}).get("relation") == "res.users" and not role.startswith("portal_"):
                defaults[name] = world.users[role].uid
        if role.startswith("portal_") and fields.get("partner_id", {}).get("relation") == "res.partner":
            defaults["partner_id"] = world.customer_a
        if role == "other_company" and fields.get("company_id", {}).get("type") == "many2one":
            defaults["company_id"] = world.company_b
        return defaults

    def other_ids(self, comodel, current):
        """Records of ``comodel`` in company A other than ``current`` (for relational writes)."""
        if comodel not in self._values:
            try:
                self._values[comodel] = self.world.execute(
                    comodel, "search", [], limit=3, order="id desc", context=self.world.ctx_a
                )
            except RpcError:
                self._values[comodel] = []
        if comodel == "res.company":
            return [self.world.company_b]
        return [record for record in self._values[comodel] if record not in current]


# ----------------------------------------------------------------------
# The attempts
# ----------------------------------------------------------------------
def _write_value(targets, desc, current, role=""):
    """A plausible value for a field of type ``desc['type']`` that differs from ``current``.

    Texts name the role: two roles never write the same value (unique fields such as a barcode).
    """
    kind = desc["type"]
    if kind == "boolean":
        return not current
    if kind in ("char", "text", "html"):
        return f"{current or ''} surface {role}"
    if kind in ("integer", "many2one_reference"):
        return (current or 0) + 1
    if kind in ("float", "monetary"):
        return (current or 0) + 1.5
    if kind == "selection":
        options = [value for value, _label in desc.get("selection") or []]
        if not options:
            return False
        return options[(options.index(current) + 1) % len(options)] if current in options else options[0]
    if kind == "date":
        return (date.fromisoformat(current) + timedelta(days=1)).isoformat() if current else _today()
    if kind == "datetime":
        return f"{current[:10] if current else _today()} 08:00:00"
    if kind == "binary":
        return base64.b64encode(b"surface").decode()
    if kind == "many2one":
        current_id = current[0] if current else None
        others = targets.other_ids(desc["relation"], [current_id])
        return others[0] if others else False
    if kind == "many2many":
        others = targets.other_ids(desc["relation"], current or [])
        return [[6, 0, [*(current or []), others[0]]]] if others else [[5, 0, 0]]
    if kind == "one2many":
        return [[2, current[-1], 0]] if current else [[0, 0, {}]]
    if kind in ("json", "properties", "properties_definition"):
        return {}
    if kind == "reference":
        return current or False
    return current


def _same(desc, before, after):
    if desc["type"] in ("float", "monetary"):
        return abs((before or 0) - (after or 0)) < 1e-6
    if desc["type"] in ("many2many", "one2many"):
        return sorted(before or []) == sorted(after or [])
    return before == after


def _outcome(error):
    """'refused' for Odoo's refusals, 'error' for anything else (a traceback)."""
    if "is not JSON serializable" in error.message:
        return "ok", "ran (its result could not be sent back)"
    return ("refused" if error.name in REFUSALS else "error"), f"{error.name}: {error.message[:160]}"


class Attempts:
    """Runs the attempts of one role on one model; outcomes as (role, model, kind, name, outcome, detail)."""

    def __init__(self, world, targets, allowlist, methods):
        self.world, self.targets, self.allowlist, self.methods = world, targets, allowlist, methods
        self.full_writes = {"res.users"} | sudo_writes()
        self.outcomes, self.skipped = [], []

    def run_writes(self, role, model):
        """The writes of ``role`` on ``model`` (all writes run before any method is called)."""
        results, skipped = [], []
        try:
            record = self.targets.target(role, model)
        except RpcError as error:
            return [(role, model, "setup", "target", "error", str(error))], []
        fields = self.targets.fields[model]
        writes = []
        for name in sorted(fields, key=lambda name: (fields[name]["type"] == "one2many", name)):
            if self.allowlist.skipped(role, model, "write", name):
                skipped.append((role, model, "write", name))
            else:
                writes.append(name)
        if record is not None and writes:
            results += self._writes(role, model, record, writes)
        _report(results)
        return results, skipped

    def run_calls(self, role, model):
        """The method calls of ``role`` on ``model``."""
        results, skipped = [], []
        record = self.targets.target(role, model)
        for (method_model, method), (model_level, required) in sorted(self.methods.items()):
            if method_model != model:
                continue
            if self.allowlist.skipped(role, model, "call", method):
                skipped.append((role, model, "call", method))
            else:
                outcome = self._call(role, model, record, method, model_level, required)
                results.append((role, model, "call", method, *outcome))
        _report(results)
        return results, skipped

    def _writes(self, role, model, record, names):
        """One attempt per field, or none when the ORM refuses the role any write on the record.

        ``write()`` checks the model's access rights and record rules before anything else, so
        when ``has_access('write')`` says no, every field is refused; except on models whose
        ``write()`` works in sudo for some fields (res.users for the user's own preferences, and
        any model of the addons whose ``write`` calls ``sudo()``): there every field is tried.
        """
        world = self.world
        try:
            before = world.execute(model, "read", [record], names)
            if not before:
                return [(role, model, "setup", "target", "error", f"record {record} is gone")]
            before = before[0]
        except RpcError:
            before = {}
            for name in names:
                with contextlib.suppress(RpcError):
                    before.update(world.execute(model, "read", [record], [name])[0])
        if model not in self.full_writes:
            try:
                writable = world.users[role].execute(model, "has_access", [record], "write")
            except RpcError as error:
                writable, _detail = False, error
            if not writable:
                return [(role, model, "write", name, "refused", "no write access") for name in names]
        results = []
        for name in names:
            if name not in before:
                results.append((role, model, "write", name, "error", "the administrator cannot read it"))
            else:
                results.append((role, model, "write", name, *self._write(role, model, record, name, before)))
        return results

    def _write(self, role, model, record, name, before):
        world, desc = self.world, self.targets.fields[model][name]
        value = _write_value(self.targets, desc, before[name], role)
        if desc["type"] == "one2many" and record == self.targets.base.get(model):
            value = [[0, 0, {}]]  # the administrator's record, shared: add a line, delete none
        try:
            world.users[role].execute(model, "write", [record], {name: value})
        except RpcError as error:
            return _outcome(error)
        try:
            [after] = world.execute(model, "read", [record], [name])
        except RpcError as error:
            return "ok", f"written; the record is gone for the administrator ({error.name})"
        if _same(desc, before[name], after[name]):
            return "refused", "accepted but nothing changed"
        if desc["type"] in ("char", "text", "html") and "surf" not in str(after[name] or ""):
            # changed, but not to what this role wrote (texts end with " surface <role>", maybe cut
            # to the field's size): another role's action changed it meanwhile
            return "refused", f"accepted; changed by something else: {after[name]!r}"[:200]
        self._restore(model, record, name, desc, before[name])
        return "ok", f"{before[name]!r} -> {after[name]!r}"[:200]

    def _restore(self, model, record, name, desc, value):
        if desc["type"] == "one2many":
            return  # the line deleted or added stays so
        if desc["type"] == "many2one":
            value = value[0] if value else False
        elif desc["type"] == "many2many":
            value = [[6, 0, value or []]]
        with contextlib.suppress(RpcError):
            self.world.execute(model, "write", [record], {name: value})

    def _call(self, role, model, record, method, model_level, required):
        world = self.world
        args = [ARGUMENT_VALUES.get(arg, lambda ctx: None)(world) for arg in required]
        if not model_level:
            args = [[record] if record else [], *args]
        try:
            world.users[role].execute(model, method, *args)
        except RpcError as error:
            return _outcome(error)
        return "ok", "returned"


def _route_attempts(world, role, routes, reports, targets):
    """Every route and report as ``role`` (its own browser session): outcomes."""
    session = world.users[role].http
    token = _csrf_token(session)
    results = []
    for template, methods, params in routes:
        path = template
        for converter in re.findall(r"<(?:\w+:)?(\w+)>", template):
            model = ROUTE_RECORDS.get(converter)
            if not model:
                results.append(
                    (role, "http", "route", template, "error", f"map <{converter}> in ROUTE_RECORDS")
                )
                break
            record = world.invoice_a if model == "account.move" else targets.base_id(model)
            path = re.sub(rf"<(?:\w+:)?{converter}>", str(record), path)
        else:
            values = {name: ROUTE_VALUES[name](world) for name in params if name in ROUTE_VALUES}
            for method in methods:
                results.append(
                    (role, "http", method.lower(), template, *_request(session, path, method, values, token))
                )
    for report in reports:
        record = world.customer_a if report["model"] == "res.partner" else targets.base_id(report["model"])
        for kind in ("html", "pdf"):
            name = f"/report/{kind}/{report['report_name']}/<id>"
            path = name.replace("<id>", str(record))
            results.append((role, "http", "get", name, *_request(session, path, "GET", {}, token)))
    return results


def _csrf_token(session):
    _status, _location, body = session.get("/my")
    match = re.search(r'csrf_token["\']?\s*[:=]\s*["\']([0-9a-f]+o?[0-9]*)["\']', body)
    return match.group(1) if match else ""


def _request(session, path, method, values, token):
    """(outcome, detail) of one request in ``session`` (a PDF body is not text: bytes are read)."""
    if method == "POST":
        data = urllib.parse.urlencode({**values, "csrf_token": token}).encode()
    else:
        query = urllib.parse.urlencode(values)
        path, data = (f"{path}?{query}" if query else path), None
    request = urllib.request.Request(f"{session.url}{path}", data=data)
    try:
        with session.opener.open(request, timeout=300) as response:
            status, location, body = response.status, response.headers.get("Location"), response.read()
    except urllib.error.HTTPError as error:
        status, location, body = error.code, error.headers.get("Location"), error.read()
    body = body.decode(errors="replace")
    if 200 <= status < 300:
        return "ok", f"{status}"
    if (
        status in (301, 302, 303, 307)
        and location
        and "/web/login" not in location
        and "invalid" not in location
    ):
        return "ok", f"{status} -> {location}"
    if status >= 500:
        return "error", f"{status}: {body[:160]}"
    return "refused", f"{status} {location or ''}".strip()


# ----------------------------------------------------------------------
# The test
# ----------------------------------------------------------------------
def _compare(allowlist, outcomes):
    """(unexpected successes, stale allowlist lines)."""
    unexpected = []
    matched = defaultdict(set)  # (line, item) -> roles with a success it allows
    for role, model, kind, name, outcome, detail in outcomes:
        if outcome != "ok":
            continue
        items = allowlist.allowed(role, model, kind, name)
        for item in items:
            matched[item].add(role)
        if not items:
            unexpected.append((role, model, kind, name, detail))
    return unexpected, allowlist.stale(matched)


def _describe(unexpected, stale, errors):
    lines = []
    if unexpected:
        lines.append(f"{len(unexpected)} successes that no line of {ALLOWLIST.name} allows:")
        grouped = defaultdict(list)
        for role, model, kind, name, _detail in unexpected:
            grouped[(role, model, kind)].append(name)
        for (role, model, kind), names in sorted(grouped.items()):
            lines.append(f"  {role} {model} {kind}: {' '.join(sorted(names))}")
    if stale:
        lines.append(f"{len(stale)} lines of {ALLOWLIST.name} that allow something now refused (stale):")
        for number, roles, model, kind, name in stale:
            lines.append(f"  line {number}: {model} {kind} {name} -- refused for {','.join(roles)}")
    if errors:
        lines.append("Problems:")
        lines.extend(f"  {error}" for error in errors)
    return "\n".join(lines)


def _report(rows):
    """Append outcomes to the file AR_SURFACE_REPORT names (tab-separated), if any."""
    path = os.environ.get("AR_SURFACE_REPORT")
    if path:
        with open(path, "a") as report:
            report.writelines("\t".join(" ".join(str(cell).split()) for cell in row) + "\n" for row in rows)


def test_attack_surface_matches_the_allowlist(surface_server):
    """Every write, call and request of every role is refused unless the allowlist allows it."""
    started = time.monotonic()
    allowlist = Allowlist(ALLOWLIST)
    world = World(*surface_server)
    admin = world.admin
    models = suite_models(admin)
    fields = {model: info["fields"] for model, info in models.items()}
    methods = {key: value for key, value in public_methods().items() if key[0] in models}
    unknown = sorted({model for model, _method in public_methods()} - set(models))
    targets = Targets(world, models, fields)
    for model in sorted(models):  # the administrator's records first, in a known order
        targets.base_id(model)
    attempts = Attempts(world, targets, allowlist, methods)
    outcomes, skipped = [], []
    with ThreadPoolExecutor(THREADS) as pool:
        # the largest models first, so that the pool ends together
        ordered = sorted(models, key=lambda model: -len(fields[model]))
        jobs = [pool.submit(attempts.run_writes, role, model) for model in ordered for role in ROLES]
        for job in jobs:
            done, skips = job.result()
            outcomes += done
            skipped += skips
        jobs = [pool.submit(attempts.run_calls, role, model) for model in ordered for role in ROLES]
        route_jobs = [
            pool.submit(_route_attempts, world, role, http_routes(), suite_reports(admin), targets)
            for role in ROLES
        ]
        for job in jobs:
            done, skips = job.result()
            outcomes += done
            skipped += skips
        for job in route_jobs:
            requests = job.result()
            _report(requests)
            outcomes += requests
    counts = defaultdict(lambda: defaultdict(int))
    for role, _model, _kind, _name, outcome, _detail in outcomes:
        counts[role][outcome] += 1
    summary = ", ".join(f"{role}: {dict(counts[role])}" for role in ROLES)
    print(
        f"\nattack surface: {len(outcomes)} attempts, {len(skipped)} skipped by the allowlist, "
        f"{time.monotonic() - started:.0f} s; {summary}"
    )
    unexpected, stale = _compare(allowlist, outcomes)
    errors = allowlist.errors + targets.problems
    errors += [f"methods of models outside the suite's: {unknown}"] if unknown else []
    errors += [
        f"{role} {model} {kind} {name}: {detail}"
        for role, model, kind, name, outcome, detail in outcomes
        if (kind == "setup" or model == "http") and outcome == "error"
    ]
    assert not (unexpected or stale or errors), _describe(unexpected, stale, errors)
