"""Permissions and isolation tried from outside, with real logins, as an attacker would.

- A salesperson cannot change a customer's credit settings, cannot call any
  method that changes credit state, and no context key lets an order skip the
  credit check.
- Every public method that changes credit state checks the group on the
  server: the maintained list below is called as users without the right
  group, and a scan of the sources fails on any new ``action_*`` /
  ``button_*`` method of those models until it is listed.
- A user of company A sees none of company B's credit records.
- A portal user of customer A cannot reach customer B's statement, invoices,
  disputes or dunning letters over HTTP.
"""

import ast
import re
import uuid
from datetime import date, timedelta

import pytest
from conftest import (
    REPO_ROOT,
    HttpSession,
    RpcError,
    create_user,
    goods,
    new_customer,
    new_insurance_policy,
    new_invoice,
)
from odoo_processes import as_superuser

SALESPERSON = ["sales_team.group_sale_salesman", "base.group_partner_manager"]
ACCESS_ERROR = "odoo.exceptions.AccessError"
BLOCK_MESSAGE = "cannot be confirmed: the customer's credit check failed"


def _tag():
    return uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def rep(admin, rpc):
    return create_user(admin, rpc, "sec-rep", SALESPERSON)


@pytest.fixture(scope="module")
def credit_user(admin, rpc):
    """A credit analyst: may prepare assessments, not decide them."""
    return create_user(admin, rpc, "sec-analyst", [*SALESPERSON, "ar_credit_control.group_ar_credit_user"])


@pytest.fixture(scope="module")
def credit_manager(admin, rpc):
    """Decides credit, but posting provisions is an accounting manager's."""
    return create_user(admin, rpc, "sec-manager", [*SALESPERSON, "ar_credit_control.group_ar_credit_manager"])


@pytest.fixture(scope="module")
def insurance_user(admin, rpc):
    """Reads the insurance records; the insurer's decisions are the insurance manager's."""
    return create_user(admin, rpc, "sec-insurance", ["ar_insurance.group_ar_insurance_user"])


def _order(user, customer, amount, context=None, **vals):
    line = {
        "name": "Sec goods",
        "product_id": goods(user),
        "product_uom_qty": 1,
        "price_unit": amount,
        "tax_id": [[6, 0, []]],
    }
    return user.execute(
        "sale.order",
        "create",
        {"partner_id": customer, "order_line": [[0, 0, line]], **vals},
        context=context or {},
    )


def _assert_refused(call, name=ACCESS_ERROR):
    with pytest.raises(RpcError) as caught:
        call()
    assert caught.value.name == name, caught.value
    return caught.value


# ----------------------------------------------------------------------
# Credit settings of a customer
# ----------------------------------------------------------------------
def _grade(admin):
    return admin.execute("ar.credit.grade", "search", [], limit=1)[0]


CREDIT_FIELD_CHANGES = {
    "credit_limit": lambda admin: {"credit_limit": 1_000_000},
    "credit_grade_id": lambda admin: {"credit_grade_id": _grade(admin)},
    "credit_score": lambda admin: {"credit_score": 99},
    "credit_hold": lambda admin: {"credit_hold": True, "credit_hold_reason": "rep says so"},
    "credit_review_date": lambda admin: {"credit_review_date": "2099-12-31"},
    "credit_limit_temp": lambda admin: {
        "credit_limit_temp": 1_000_000,
        "credit_limit_temp_until": (date.today() + timedelta(days=30)).isoformat(),
    },
}


@pytest.mark.parametrize("field", sorted(CREDIT_FIELD_CHANGES))
def test_salesperson_cannot_set_credit_fields(admin, rep, company_id, field):
    """Neither by writing an existing customer nor by creating one with the value."""
    hold = {"credit_hold": True, "credit_hold_reason": "Unpaid since spring"}
    customer = new_customer(admin, credit_limit=1000, credit_review_date="2030-01-31", **hold)
    change = CREDIT_FIELD_CHANGES[field](admin)
    # on an existing customer, the rep would rather lift the hold
    write = {"credit_hold": False} if field == "credit_hold" else change
    before = admin.execute("res.partner", "read", [customer], list(write))
    error = _assert_refused(lambda: rep.execute("res.partner", "write", [customer], write))
    assert "Only a Credit Manager" in error.message
    assert admin.execute("res.partner", "read", [customer], list(write)) == before
    name = f"Sec Created {_tag()}"
    _assert_refused(
        lambda: rep.execute("res.partner", "create", {"name": name, "is_company": True, **change})
    )
    assert not admin.execute("res.partner", "search", [["name", "=", name]])


# ----------------------------------------------------------------------
# No context key skips the credit check
# ----------------------------------------------------------------------
def _context_keys_read_by_the_credit_check():
    """Context keys the credit control code reads (none today): each is tried as an attacker would."""
    pattern = re.compile(r"context(?:\.get\(|\[)\s*[\"'](\w+)[\"']")
    keys = set()
    for path in (REPO_ROOT / "addons" / "ar_credit_control" / "models").glob("*.py"):
        keys.update(pattern.findall(path.read_text()))
    return keys


ATTACKER_KEYS = {
    "skip_credit_check",
    "ar_skip_credit_check",
    "ar_credit_skip",
    "ar_credit_released",
    "ar_credit_check_mode",
    "credit_check",
    "no_credit_check",
    "bypass_risk_validation",
    "bypass_credit_check",
    "force",
    "force_confirm",
    "tracking_disable",
    "mail_notrack",
    "install_mode",
    "import_file",
    "module",
    "active_test",
    "sale_no_credit_check",
} | _context_keys_read_by_the_credit_check()


def test_no_context_key_lets_an_order_skip_the_check(admin, rep, company_id):
    customer = new_customer(admin, credit_limit=100)
    order = _order(rep, customer, 500)
    for key in sorted(ATTACKER_KEYS):
        for value in (True, False, "off"):
            error = _assert_refused(
                lambda key=key, value=value: rep.execute(
                    "sale.order", "action_confirm", [order], context={key: value}
                ),
                "odoo.exceptions.UserError",
            )
            assert BLOCK_MESSAGE in error.message, (key, value, error.message)
    # nor a default value for the check's outcome given at creation
    released = _order(rep, customer, 500, context={"default_credit_check_state": "released"})
    _assert_refused(
        lambda: rep.execute("sale.order", "action_confirm", [released]), "odoo.exceptions.UserError"
    )
    states = admin.execute("sale.order", "read", [order, released], ["state"])
    assert {row["state"] for row in states} == {"draft"}


# ----------------------------------------------------------------------
# Every public method that changes credit state checks the group on the server
# ----------------------------------------------------------------------
CREDIT_STATE_MODELS = {
    "res.partner",
    "sale.order",
    "ar.credit.assessment",
    "ar.credit.release",
    "ar.credit.release.wizard",
    "ar.credit.grade",
    "ar.insurance.limit",
    "ar.dunning.communication",
    "ar.dunning.run",
    "ar.dunning.run.wizard",
    "ar.insolvency.case",
    "ar.write.off",
    "ar.provision.matrix",
    "ar.provision.run",
    "ar.payment.risk.model",
}

#: Public methods of those models that change no credit state (or only ask for a decision), and why.
NOT_CREDIT_STATE = {
    ("res.partner", "action_view_assessments"): "opens a list",
    ("res.partner", "action_ar_open_communications"): "opens a list",
    ("res.partner", "action_ar_open_disputes"): "opens a list",
    ("res.partner", "action_ar_open_collection_log"): "opens a list",
    ("res.partner", "action_view_insurance_limits"): "opens a list",
    ("res.partner", "action_ar_send_statement"): "sends the statement of account",
    ("ar.credit.grade", "action_view_partners"): "opens a list",
    ("sale.order", "action_request_credit_review"): "only marks the quotation blocked for a manager",
    ("ar.credit.assessment", "action_compute_behaviour"): "recomputes payment-history figures",
    ("ar.credit.assessment", "action_submit"): "sends the assessment to a credit manager",
    ("ar.credit.assessment", "action_reset_to_draft"): "reopens a proposal; no decision applied",
    ("res.partner", "action_new_insolvency_case"): "opens an empty case form (credit managers only)",
    ("res.partner", "action_view_insolvency_cases"): "opens a list",
    ("ar.insolvency.case", "action_view_insurance_notifications"): "opens a list",
    ("ar.insolvency.case", "action_view_insurance_claims"): "opens a list",
    ("ar.provision.run", "action_export_xlsx"): "downloads the lines",
    ("ar.provision.run", "action_open_lines"): "opens a list",
    ("ar.insolvency.case", "action_view_invoices"): "opens a list",
    ("ar.insolvency.case", "action_view_partner"): "opens the customer",
    ("ar.write.off", "action_view_entries"): "opens a list",
    ("ar.write.off", "action_open_recovery"): "opens the recovery wizard, whose creation checks the group",
    ("ar.credit.release.wizard", "action_open_customer"): "opens the customer of the orders to decide on",
}


def _blocked_order(admin):
    customer = new_customer(admin, credit_limit=100)
    order = _order(admin, customer, 500)
    return "sale.order", order, ["state", "credit_check_state", "credit_release_ids"]


def _release_wizard(admin):
    _model, order, fields = _blocked_order(admin)
    wizard = admin.execute(
        "ar.credit.release.wizard", "create", {"order_id": order, "decision": "released", "reason": "ok"}
    )
    return "ar.credit.release.wizard", wizard, ["order_id"], ("sale.order", order, fields)


def _submitted_assessment(admin):
    customer = new_customer(admin)
    assessment = admin.execute("ar.credit.assessment", "create", {"partner_id": customer})
    admin.execute("ar.credit.assessment", "action_submit", [assessment])
    admin.execute("ar.credit.assessment", "write", [assessment], {"rejection_reason": "weak"})
    return (
        "ar.credit.assessment",
        assessment,
        ["state", "approver_id"],
        ("res.partner", customer, ["credit_limit"]),
    )


def _insurance_limit(admin):
    policy = new_insurance_policy(admin)
    limit = admin.execute(
        "ar.insurance.limit",
        "create",
        {
            "policy_id": policy,
            "partner_id": new_customer(admin),
            "requested_amount": 5000,
            "granted_amount": 4000,
        },
    )
    return "ar.insurance.limit", limit, ["state", "granted_amount", "decision_date"]


def _dunning_level(admin, company=None):
    """A policy whose only level puts the customer on credit hold; returns (policy, level, company)."""
    policy = admin.execute(
        "ar.dunning.policy",
        "create",
        {
            "name": f"Sec policy {_tag()}",
            **({"company_id": company} if company else {}),
            "level_ids": [[0, 0, {"name": "Sec hold", "days": 10, "set_credit_hold": True}]],
        },
        **({"context": {"allowed_company_ids": [company]}} if company else {}),
    )
    [row] = admin.execute("ar.dunning.policy", "read", [policy], ["level_ids", "company_id"])
    return policy, row["level_ids"][0], row["company_id"][0]


def _communication(admin, company=None, customer=None, state="to_send"):
    _policy, level, company = _dunning_level(admin, company)
    customer = customer or new_customer(admin)
    vals = {
        "partner_id": customer,
        "company_id": company,
        "level_id": level,
        "date": date.today().isoformat(),
        "state": state,
    }
    comm = int(as_superuser(f"print(env['ar.dunning.communication'].create({vals!r}).id)"))
    return "ar.dunning.communication", comm, ["state"], ("res.partner", customer, ["credit_hold"])


def _dunning_run(admin):
    run = admin.execute("ar.dunning.run", "create", {})
    return "ar.dunning.run", run, ["state"]


def _dunning_run_wizard(admin):
    wizard = admin.execute("ar.dunning.run.wizard", "create", {})
    return "ar.dunning.run.wizard", wizard, []


def _insolvency_case(admin):
    customer = new_customer(admin)
    case = admin.execute("ar.insolvency.case", "create", {"partner_id": customer, "case_type": "bankruptcy"})
    effects = ("res.partner", customer, ["credit_hold", "credit_stop_delivery"])
    return "ar.insolvency.case", case, ["state", "amount_receivable", "date_claim_filed"], effects


def _write_off(admin):
    """A write-off of 500, above the threshold (100): waiting for a second credit manager."""
    invoice = new_invoice(admin, new_customer(admin), 500)
    context = {"active_model": "account.move", "active_ids": [invoice]}
    wizard = admin.execute("ar.write.off.wizard", "create", {"reason": "Insolvent"}, context=context)
    write_off = admin.execute("ar.write.off.wizard", "action_write_off", [wizard], context=context)["res_id"]
    return "ar.write.off", write_off, ["state", "move_id"], ("account.move", invoice, ["amount_residual"])


_write_off.fixtures = ("write_off_company",)


def _provision_matrix(admin):
    matrix = admin.execute(
        "ar.provision.matrix",
        "create",
        {
            "name": f"Sec matrix {_tag()}",
            "active": False,
            "line_ids": [[0, 0, {"days_from": 0, "base_rate": 5}]],
        },
    )
    return "ar.provision.matrix", matrix, ["method", "line_ids"]


def _provision_run(admin):
    _model, matrix, _fields = _provision_matrix(admin)
    run = admin.execute("ar.provision.run", "create", {"matrix_id": matrix})
    admin.execute("ar.provision.run", "action_compute", [run])
    return "ar.provision.run", run, ["state", "move_id", "line_ids"]


def _payment_risk_model(admin):
    [model] = admin.execute("ar.payment.risk.model", "search", [], limit=1) or [
        admin.execute("ar.payment.risk.model", "create", {})
    ]
    return "ar.payment.risk.model", model, ["training_date", "model_data"]


#: (model, method) -> (what a manager would act on, users who must be refused)
CREDIT_STATE_METHODS = {
    ("sale.order", "action_open_credit_release"): (_blocked_order, ["rep", "credit_user"]),
    ("ar.credit.release.wizard", "action_decide"): (_release_wizard, ["rep", "credit_user"]),
    ("ar.credit.assessment", "action_approve"): (_submitted_assessment, ["rep", "credit_user"]),
    ("ar.credit.assessment", "action_reject"): (_submitted_assessment, ["rep", "credit_user"]),
    ("ar.insurance.limit", "action_approve"): (_insurance_limit, ["rep", "insurance_user"]),
    ("ar.insurance.limit", "action_reduce"): (_insurance_limit, ["rep", "insurance_user"]),
    ("ar.insurance.limit", "action_refuse"): (_insurance_limit, ["rep", "insurance_user"]),
    ("ar.insurance.limit", "action_cancel"): (_insurance_limit, ["rep", "insurance_user"]),
    ("ar.insurance.limit", "action_reset"): (_insurance_limit, ["rep", "insurance_user"]),
    ("ar.dunning.communication", "action_execute"): (_communication, ["rep", "credit_user"]),
    ("ar.dunning.communication", "action_cancel"): (_communication, ["rep", "credit_user"]),
    ("ar.dunning.communication", "action_reset"): (_communication, ["rep", "credit_user"]),
    ("ar.dunning.run", "action_start"): (_dunning_run, ["rep", "credit_user"]),
    ("ar.dunning.run.wizard", "action_run"): (_dunning_run_wizard, ["rep", "credit_user"]),
    ("ar.insolvency.case", "action_open"): (_insolvency_case, ["rep", "credit_user"]),
    ("ar.insolvency.case", "action_file_claim"): (_insolvency_case, ["rep", "credit_user"]),
    ("ar.insolvency.case", "action_close"): (_insolvency_case, ["rep", "credit_user"]),
    ("ar.insolvency.case", "action_cancel"): (_insolvency_case, ["rep", "credit_user"]),
    ("ar.write.off", "action_submit"): (_write_off, ["rep", "credit_user"]),
    ("ar.write.off", "action_approve"): (_write_off, ["rep", "credit_user"]),
    ("ar.write.off", "action_reject"): (_write_off, ["rep", "credit_user"]),
    ("ar.write.off", "action_cancel"): (_write_off, ["rep", "credit_user"]),
    ("ar.provision.matrix", "action_load_cn_template"): (_provision_matrix, ["rep", "credit_user"]),
    ("ar.provision.matrix", "action_load_company_buckets"): (_provision_matrix, ["rep", "credit_user"]),
    ("ar.provision.matrix", "action_derive_rates"): (_provision_matrix, ["rep", "credit_user"]),
    ("ar.provision.run", "action_compute"): (_provision_run, ["rep", "credit_user"]),
    ("ar.provision.run", "action_post"): (_provision_run, ["rep", "credit_user", "credit_manager"]),
    ("ar.provision.run", "action_reverse"): (_provision_run, ["rep", "credit_user", "credit_manager"]),
    ("ar.provision.run", "action_reset_draft"): (_provision_run, ["rep", "credit_user"]),
    ("ar.payment.risk.model", "action_train"): (_payment_risk_model, ["rep", "credit_user"]),
    ("ar.payment.risk.model", "action_refresh_scores"): (_payment_risk_model, ["rep", "credit_user"]),
}


def _public_action_methods():
    """(model, method) of every action_*/button_* method defined on a credit-state model."""
    found = set()
    for path in (REPO_ROOT / "addons").glob("*/*/*.py"):
        if path.parent.name not in ("models", "wizards", "report"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            models = _class_models(node)
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name.startswith(("action_", "button_")):
                    found.update((model, item.name) for model in models & CREDIT_STATE_MODELS)
    return found


def _class_models(node):
    """Model names a class defines or extends (``_name`` and ``_inherit``)."""
    names = set()
    for item in node.body:
        if isinstance(item, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in ("_name", "_inherit") for target in item.targets
        ):
            value = ast.literal_eval(item.value)
            names.update([value] if isinstance(value, str) else value)
    return names


def test_every_credit_state_method_is_listed():
    """A new action on a credit-state model must be added to one of the two lists above."""
    methods = _public_action_methods()
    unlisted = methods - set(CREDIT_STATE_METHODS) - set(NOT_CREDIT_STATE)
    assert not unlisted, f"classify these methods in test_security_rpc.py: {sorted(unlisted)}"
    vanished = (set(CREDIT_STATE_METHODS) | set(NOT_CREDIT_STATE)) - methods
    assert not vanished, f"listed methods that no longer exist: {sorted(vanished)}"


@pytest.mark.parametrize(
    ("model", "method"),
    sorted(CREDIT_STATE_METHODS),
    ids=[".".join(key) for key in sorted(CREDIT_STATE_METHODS)],
)
def test_credit_state_method_checks_the_group(admin, request, model, method):
    setup, callers = CREDIT_STATE_METHODS[(model, method)]
    for fixture in getattr(setup, "fixtures", ()):
        request.getfixturevalue(fixture)  # e.g. the company settings the records need
    record_model, record, fields, *effects = setup(admin)
    assert record_model == model
    watched = [(model, record, fields), *effects]

    def snapshot():
        return [admin.execute(name, "read", [rid], watched_fields) for name, rid, watched_fields in watched]

    before = snapshot()
    for caller in callers:
        user = request.getfixturevalue(caller)
        _assert_refused(lambda user=user: user.execute(model, method, [record]))
    assert snapshot() == before, "a refused call changed nothing"


def test_salesperson_cannot_create_a_release(admin, rep, company_id):
    _model, order, _fields = _blocked_order(admin)
    _assert_refused(
        lambda: rep.execute(
            "ar.credit.release",
            "create",
            {
                "order_id": order,
                "partner_id": admin.execute("sale.order", "read", [order], ["partner_id"])[0]["partner_id"][
                    0
                ],
                "company_id": company_id,
                "decided_by_id": rep.uid,
                "decision": "released",
                "reason": "self-service",
            },
        )
    )
    _assert_refused(
        lambda: rep.execute("ar.credit.release.wizard", "create", {"order_id": order, "reason": "please"})
    )
    assert not admin.execute("ar.credit.release", "search", [["order_id", "=", order]])


# ----------------------------------------------------------------------
# Companies never see each other's credit data
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def company_b_records(admin, company_id):
    """Credit records of a second company B, created by the admin: {model: id}."""
    company_b = admin.execute("res.company", "create", {"name": f"Sec Company B {_tag()}"})
    admin.execute("res.users", "write", [admin.uid], {"company_ids": [[4, company_b]]})
    in_b = {"context": {"allowed_company_ids": [company_b]}}
    customer = new_customer(admin)
    records = {
        "ar.credit.assessment": admin.execute(
            "ar.credit.assessment", "create", {"partner_id": customer, "company_id": company_b}, **in_b
        )
    }
    order = _order(admin, customer, 100, company_id=company_b, **in_b)  # in_b: the context
    # a release is only ever the server's record of a manager's decision
    wizard = admin.execute(
        "ar.credit.release.wizard", "create", {"order_id": order, "reason": "B's decision"}, **in_b
    )
    admin.execute("ar.credit.release.wizard", "action_decide", [wizard], **in_b)
    records["ar.credit.release"] = admin.execute(
        "ar.credit.release", "search", [["order_id", "=", order]], **in_b
    )[0]
    _model, comm, _fields, _effect = _communication(admin, company_b, customer)
    records["ar.dunning.communication"] = comm
    [row] = admin.execute("ar.dunning.communication", "read", [comm], ["policy_id", "level_id"], **in_b)
    records["ar.dunning.level"] = row["level_id"][0]
    records["ar.dunning.policy"] = admin.execute(
        "ar.dunning.level", "read", [row["level_id"][0]], ["policy_id"], **in_b
    )[0]["policy_id"][0]
    policy = new_insurance_policy(admin, company_b)
    records["ar.insurance.policy"] = policy
    records["ar.insurance.claim"] = admin.execute(
        "ar.insurance.claim", "create", {"policy_id": policy, "partner_id": customer}, **in_b
    )
    return records


def test_company_a_user_sees_nothing_of_company_b(admin, rpc, company_b_records):
    user = create_user(
        admin,
        rpc,
        "sec-company-a",
        [
            "ar_credit_control.group_ar_credit_manager",
            "ar_dunning.group_ar_dunning_manager",
            "ar_insurance.group_ar_insurance_manager",
        ],
    )
    for model, record in company_b_records.items():
        user.execute(model, "search_count", [])  # the model is open to this user...
        assert user.execute(model, "search", [["id", "=", record]]) == [], model  # ...not B's record
        _assert_refused(lambda model=model, record=record: user.execute(model, "read", [record], ["id"]))


# ----------------------------------------------------------------------
# The customer portal: customer A never reaches customer B's documents
# ----------------------------------------------------------------------
def _portalnew_customer(admin, name):
    customer = new_customer(admin)
    login = f"sec-portal-{name}-{_tag()}"
    contact = admin.execute(
        "res.partner",
        "create",
        {"name": f"{name} contact", "parent_id": customer, "email": f"{login}@example.com"},
    )
    admin.execute(
        "res.users",
        "create",
        {
            "name": f"{name} portal",
            "login": login,
            "password": login,
            "partner_id": contact,
            "groups_id": [[6, 0, [admin.ref("base.group_portal")]]],
        },
    )
    return customer, login


def _posted_invoice(admin, partner, amount):
    """(name, id) of a posted invoice of ``partner``, 40 days overdue."""
    move = new_invoice(admin, partner, amount, days_overdue=40)
    return admin.execute("account.move", "read", [move], ["name"])[0]["name"], move


@pytest.fixture(scope="module")
def portal(admin, odoo_server):
    """Customers A and B with an open invoice each; B has a dispute and a sent dunning letter."""
    customer_a, login_a = _portalnew_customer(admin, "A")
    customer_b, _login_b = _portalnew_customer(admin, "B")
    invoice_a = _posted_invoice(admin, customer_a, 321)
    invoice_b = _posted_invoice(admin, customer_b, 654)
    dispute_reason = f"B disputes {_tag()}"
    admin.execute("ar.dispute", "create", {"move_id": invoice_b[1], "reason": dispute_reason})
    _model, comm_b, _fields, _effect = _communication(admin, customer=customer_b, state="sent")
    session = HttpSession(odoo_server, admin.rpc.db)
    session.login_form(login_a, login_a)
    return {
        "session": session,
        "customer_b": customer_b,
        "invoice_a": invoice_a,
        "invoice_b": invoice_b,
        "dispute_reason": dispute_reason,
        "comm_b": comm_b,
    }


def test_portal_customer_sees_its_own_invoice(portal):
    name, move = portal["invoice_a"]
    status, _location, body = portal["session"].get(f"/my/invoices/{move}")
    assert status == 200 and name in body
    status, _location, body = portal["session"].get("/my/statement")
    assert status == 200 and name in body


def _assert_kept_out(answer, *secrets):
    status, location, body = answer
    assert status in (403, 404) or (status in (301, 302, 303) and location), answer[:2]
    if location:
        assert "/my/invoices/" not in location and "/my/statement/pdf" not in location, location
    for secret in secrets:
        assert secret not in body


def test_portal_customer_cannot_reach_another_customers_documents(admin, portal):
    session = portal["session"]
    name_b, move_b = portal["invoice_b"]
    secrets = (name_b, portal["dispute_reason"])
    _assert_kept_out(session.get(f"/my/invoices/{move_b}"), *secrets)
    _assert_kept_out(session.get(f"/my/invoices/{move_b}?report_type=pdf"), *secrets)
    _assert_kept_out(session.get(f"/my/invoices/{move_b}?report_type=html"), *secrets)
    _assert_kept_out(session.get(f"/my/statement/pdf?partner_id={portal['customer_b']}"), *secrets)
    _assert_kept_out(session.get(f"/my/dunning/{portal['comm_b']}/pdf"), *secrets)
    disputes_before = admin.execute("ar.dispute", "search_count", [["move_id", "=", move_b]])
    token = session.csrf_token("/my/statement")
    _assert_kept_out(
        session.post_form(f"/my/statement/dispute/{move_b}", {"reason": "not mine", "csrf_token": token}),
        *secrets,
    )
    assert admin.execute("ar.dispute", "search_count", [["move_id", "=", move_b]]) == disputes_before
    for page in ("/my/statement", "/my/dunning", "/my/invoices", "/my/home"):
        status, _location, body = session.get(page)
        assert status == 200, page
        for secret in secrets:
            assert secret not in body, (page, secret)
