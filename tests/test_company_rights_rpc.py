"""Rights and companies, tried over JSON-RPC and HTTP with real logins (issue 15, item 6).

- The refresh of insured receivables (deletes and recreates them in sudo) is an
  insurance manager's, on the policies of its own companies.
- The statement of account and the dunning letter, through Odoo's generic
  ``/report/html|pdf/...`` routes (open to every logged-in user), are refused to
  an internal user without accounting or credit rights, to a user of another
  company and to a portal user asking for another customer.
- A user of company B cannot link company A's invoices (or A's customers) to a
  payment plan, a promise to pay or a collection log, so cannot pause A's dunning.
- A dunning level that puts the customer on credit hold does it in the
  communication's company only (``credit_hold`` is company-dependent).
- The dunning run is started by a collections manager, on runs of its companies.
"""

import json
import urllib.parse
import uuid
from datetime import date, timedelta

import pytest
from conftest import HttpSession, RpcError, create_user, new_customer, new_invoice
from odoo_processes import as_superuser

ACCESS_ERROR = "odoo.exceptions.AccessError"
USER_ERROR = "odoo.exceptions.UserError"
SALESPERSON = ["sales_team.group_sale_salesman", "base.group_partner_manager"]
#: A collector as the worklist needs one: collections and invoices (promises and letters read them).
COLLECTOR = ["ar_dunning.group_ar_dunning_user", "account.group_account_invoice"]
STATEMENT = "ar_dunning.report_customer_statement"
LETTER = "ar_dunning.report_dunning_letter"


def _tag():
    return uuid.uuid4().hex[:6]


def _in(company):
    return {"context": {"allowed_company_ids": [company]}}


def _assert_refused(call, name=ACCESS_ERROR):
    """``call`` must be refused with the exception ``name`` (or one of the names in a tuple)."""
    with pytest.raises(RpcError) as caught:
        call()
    assert caught.value.name in ((name,) if isinstance(name, str) else name), caught.value
    return caught.value


def _user(admin, rpc, prefix, groups, company, companies=None):
    """An internal user of ``company`` (and ``companies``) in ``groups``; returns (RpcUser, login)."""
    user = create_user(admin, rpc, prefix, groups)
    companies = companies or [company]
    admin.execute(
        "res.users", "write", [user.uid], {"company_ids": [[6, 0, companies]], "company_id": company}
    )
    login = admin.execute("res.users", "read", [user.uid], ["login"])[0]["login"]
    return user, login


def _invoice(admin, partner, amount, company, days_overdue=40):
    """A posted customer invoice of ``company``: (id, name)."""
    move = new_invoice(admin, partner, amount, days_overdue, company=company)
    return move, admin.execute("account.move", "read", [move], ["name"])[0]["name"]


@pytest.fixture(scope="module")
def companies(admin):
    """(A, B): the admin's company and a second company with a chart of accounts, both the admin's."""
    company_a = admin.execute("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    company_b = admin.execute("res.company", "create", {"name": f"Rights Company B {_tag()}"})
    admin.execute("res.users", "write", [admin.uid], {"company_ids": [[4, company_b]]})
    admin.execute("account.chart.template", "try_loading", [], "generic_coa", company_b, install_demo=False)
    return company_a, company_b


# ----------------------------------------------------------------------
# Insured receivables: refresh only by an insurance manager, own companies
# ----------------------------------------------------------------------
def _active_policy(admin, company):
    currency = admin.execute("res.company", "read", [company], ["currency_id"])[0]["currency_id"][0]
    policy = admin.execute(
        "ar.insurance.policy",
        "create",
        {
            "number": f"POL-R-{_tag()}",
            "insurer_id": new_customer(admin),
            "company_id": company,
            "currency_id": currency,
            "date_start": (date.today() - timedelta(days=180)).isoformat(),
            "date_end": (date.today() + timedelta(days=180)).isoformat(),
            "discretionary_limit": 1000,
        },
        **_in(company),
    )
    admin.execute("ar.insurance.policy", "action_activate", [policy], **_in(company))
    return policy


@pytest.fixture(scope="module")
def insured_b(admin, companies):
    """An active policy of company B with insured receivables (an open invoice of B)."""
    _company_a, company_b = companies
    policy = _active_policy(admin, company_b)
    _invoice(admin, new_customer(admin), 500, company_b)
    admin.execute("ar.insurance.policy", "action_refresh_receivables", [policy], **_in(company_b))
    return policy


def _lines(admin, policy):
    return admin.execute("ar.insurance.receivable", "search", [["policy_id", "=", policy]])


def test_refresh_of_insured_receivables_is_an_insurance_managers_own_company(
    admin, rpc, companies, insured_b
):
    company_a, company_b = companies
    before = _lines(admin, insured_b)
    assert before, "the policy of company B insures an invoice"
    rep, _login = _user(admin, rpc, "rights-rep", SALESPERSON, company_a)
    insurance_user, _login = _user(
        admin, rpc, "rights-ins", ["ar_insurance.group_ar_insurance_user"], company_b
    )
    manager_a, _login = _user(
        admin, rpc, "rights-insmgr-a", ["ar_insurance.group_ar_insurance_manager"], company_a
    )
    for user in (rep, insurance_user, manager_a):
        _assert_refused(
            lambda user=user: user.execute("ar.insurance.policy", "action_refresh_receivables", [insured_b])
        )
    for user in (rep, insurance_user):
        _assert_refused(lambda user=user: user.execute("ar.insurance.receivable", "action_refresh", []))
    # an insurance manager of A refreshes its own companies' policies, never B's
    manager_a.execute("ar.insurance.receivable", "action_refresh", [])
    assert _lines(admin, insured_b) == before, "B's insured receivables were not deleted and recreated"
    # the manager of B may
    manager_b, _login = _user(
        admin, rpc, "rights-insmgr-b", ["ar_insurance.group_ar_insurance_manager"], company_b
    )
    manager_b.execute("ar.insurance.policy", "action_refresh_receivables", [insured_b])
    after = _lines(admin, insured_b)
    assert after and set(after).isdisjoint(before)


# ----------------------------------------------------------------------
# Reports: statement of account and dunning letter
# ----------------------------------------------------------------------
def _hold_level(admin, company):
    policy = admin.execute(
        "ar.dunning.policy",
        "create",
        {
            "name": f"Rights policy {_tag()}",
            "company_id": company,
            "level_ids": [[0, 0, {"name": "Rights hold", "days": 10, "set_credit_hold": True}]],
        },
        **_in(company),
    )
    return admin.execute("ar.dunning.policy", "read", [policy], ["level_ids"], **_in(company))[0][
        "level_ids"
    ][0]


def _communication(admin, company, customer, moves=(), state="to_send"):
    """A communication as the dunning run makes it: no client may create one (ar.server.fields.mixin)."""
    vals = {
        "partner_id": customer,
        "company_id": company,
        "level_id": _hold_level(admin, company),
        "date": date.today().isoformat(),
        "move_ids": [[6, 0, list(moves)]],
        "state": state,
    }
    return int(as_superuser(f"print(env['ar.dunning.communication'].create({vals!r}).id)"))


@pytest.fixture(scope="module")
def reports(admin, rpc, odoo_server, companies):
    """A customer of company A only, its invoice and a letter; sessions of users with and without rights."""
    company_a, company_b = companies
    customer = new_customer(admin, company_id=company_a)
    move, name = _invoice(admin, customer, 777, company_a)
    comm = _communication(admin, company_a, customer, [move], state="sent")
    other = new_customer(admin)
    portal_login = f"rights-portal-{_tag()}"
    contact = admin.execute(
        "res.partner",
        "create",
        {"name": "Rights portal", "parent_id": other, "email": f"{portal_login}@ex.com"},
    )
    admin.execute(
        "res.users",
        "create",
        {
            "name": "Rights portal",
            "login": portal_login,
            "password": portal_login,
            "partner_id": contact,
            "groups_id": [[6, 0, [admin.ref("base.group_portal")]]],
        },
    )
    users = {
        "employee": _user(admin, rpc, "rights-employee", ["base.group_user"], company_a)[1],
        "rep": _user(admin, rpc, "rights-rep-report", SALESPERSON, company_a)[1],
        "accountant_b": _user(admin, rpc, "rights-acc-b", ["account.group_account_invoice"], company_b)[1],
        "collector_b": _user(admin, rpc, "rights-coll-b", COLLECTOR, company_b)[1],
        "accountant_a": _user(admin, rpc, "rights-acc-a", ["account.group_account_invoice"], company_a)[1],
        "collector_a": _user(admin, rpc, "rights-coll-a", COLLECTOR, company_a)[1],
        "portal": portal_login,
    }
    sessions = {}
    for key, login in users.items():
        sessions[key] = HttpSession(odoo_server, admin.rpc.db)
        sessions[key].login_form(login, login)
    return {"customer": customer, "invoice": name, "comm": comm, "sessions": sessions}


def _statement_url(converter, customer):
    """The statement of ``customer`` over the last 90 days (so its invoice is one of the lines)."""
    options = urllib.parse.quote(json.dumps({"date_from": (date.today() - timedelta(days=90)).isoformat()}))
    return f"/report/{converter}/{STATEMENT}/{customer}?options={options}"


def _refused(answer, secret):
    status, _location, body = answer
    assert status == 403, (status, body[:300])
    assert secret not in body


@pytest.mark.parametrize("converter", ["html", "pdf"])
@pytest.mark.parametrize("who", ["employee", "rep", "accountant_b", "collector_b", "portal"])
def test_statement_report_refused_without_rights_or_in_another_company(reports, who, converter):
    answer = reports["sessions"][who].get(_statement_url(converter, reports["customer"]))
    _refused(answer, reports["invoice"])


@pytest.mark.parametrize("converter", ["html", "pdf"])
@pytest.mark.parametrize("who", ["employee", "rep", "accountant_b", "collector_b", "portal"])
def test_dunning_letter_report_refused_without_rights_or_in_another_company(reports, who, converter):
    answer = reports["sessions"][who].get(f"/report/{converter}/{LETTER}/{reports['comm']}")
    _refused(answer, reports["invoice"])


def test_reports_open_to_the_customers_own_company_with_rights(reports):
    """The refusals above are the check, not a broken report: the same URLs work for A's staff."""
    status, _location, body = reports["sessions"]["accountant_a"].get(
        _statement_url("html", reports["customer"])
    )
    assert status == 200 and reports["invoice"] in body
    status, _location, body = reports["sessions"]["collector_a"].get(
        f"/report/html/{LETTER}/{reports['comm']}"
    )
    assert status == 200 and reports["invoice"] in body
    session = reports["sessions"]["collector_a"]  # a PDF: read as bytes
    with session.opener.open(f"{session.url}/report/pdf/{LETTER}/{reports['comm']}", timeout=120) as response:
        assert response.status == 200 and response.read(5) == b"%PDF-"


def test_statement_wizard_refuses_a_customer_of_another_company(admin, rpc, companies, reports):
    """The wizard renders the statement in sudo: the customers are checked before."""
    _company_a, company_b = companies
    collector_b, _login = _user(admin, rpc, "rights-wiz-b", COLLECTOR, company_b)
    wizard = collector_b.execute(
        "ar.statement.wizard", "create", {"partner_ids": [[6, 0, [reports["customer"]]]]}
    )
    mails = admin.execute("mail.mail", "search_count", [])
    for method in ("action_send", "action_print"):
        _assert_refused(lambda method=method: collector_b.execute("ar.statement.wizard", method, [wizard]))
    assert admin.execute("mail.mail", "search_count", []) == mails


# ----------------------------------------------------------------------
# Company B cannot pause company A's dunning with A's invoices
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def invoice_a(admin, companies):
    company_a, _company_b = companies
    customer = new_customer(admin)
    move, _name = _invoice(admin, customer, 300, company_a)
    return customer, move


#: An unset relation, per field type.
EMPTY = {"move_ids": [[5]], "move_id": False}


def _cross_company_links(customer, move, company_b):
    in_30_days = (date.today() + timedelta(days=30)).isoformat()
    return {
        "ar.payment.plan": {
            "partner_id": customer,
            "company_id": company_b,
            "move_ids": [[6, 0, [move]]],
            "installment_count": 1,
        },
        "ar.payment.promise": {
            "partner_id": customer,
            "company_id": company_b,
            "move_ids": [[6, 0, [move]]],
            "date": in_30_days,
            "amount": 100,
        },
        "ar.collection.log": {
            "partner_id": customer,
            "company_id": company_b,
            "move_id": move,
            "result": "called",
        },
    }


@pytest.mark.parametrize("model", ["ar.payment.plan", "ar.payment.promise", "ar.collection.log"])
def test_company_b_cannot_link_company_a_invoices(admin, rpc, companies, invoice_a, model):
    _company_a, company_b = companies
    customer, move = invoice_a
    collector_b, _login = _user(admin, rpc, "rights-link-b", COLLECTOR, company_b)
    vals = _cross_company_links(customer, move, company_b)[model]
    field = "move_ids" if "move_ids" in vals else "move_id"
    before = admin.execute(model, "search_count", [[field, "=", move]])
    # refused by the company check, or earlier by the record rules when the model reads the invoice
    error = _assert_refused(lambda: collector_b.execute(model, "create", vals), (USER_ERROR, ACCESS_ERROR))
    assert "Incompatible companies" in error.message or "multi-company" in error.message, error.message
    # nor by the admin, who works in both companies
    _assert_refused(
        lambda: admin.execute(model, "create", vals, **_in(company_b)), (USER_ERROR, ACCESS_ERROR)
    )
    # nor by pointing an own record at A's invoice afterwards (a plan cannot exist without invoices, nor
    # a promise without an open amount in its company; their invoices are frozen anyway once made)
    if model not in ("ar.payment.plan", "ar.payment.promise"):
        own = collector_b.execute(model, "create", {**vals, field: EMPTY[field]})
        _assert_refused(
            lambda: collector_b.execute(model, "write", [own], {field: vals[field]}),
            (USER_ERROR, ACCESS_ERROR),
        )
    assert admin.execute(model, "search_count", [[field, "=", move]]) == before


def test_company_b_cannot_link_a_customer_of_company_a(admin, rpc, companies):
    company_a, company_b = companies
    customer_a_only = new_customer(admin, company_id=company_a)
    collector_b, _login = _user(admin, rpc, "rights-cust-b", COLLECTOR, company_b)
    _assert_refused(
        lambda: collector_b.execute(
            "ar.collection.log", "create", {"partner_id": customer_a_only, "company_id": company_b}
        ),
        USER_ERROR,
    )


# ----------------------------------------------------------------------
# The dunning hold is written in the communication's company only
# ----------------------------------------------------------------------
def _hold(admin, customer, company):
    return admin.execute("res.partner", "read", [customer], ["credit_hold"], **_in(company))[0]["credit_hold"]


def test_dunning_hold_only_in_the_communications_company(admin, companies):
    company_a, company_b = companies
    customer = new_customer(admin)
    comm = _communication(admin, company_b, customer)
    # executed from company A (the admin's current company): the hold still lands in B
    admin.execute(
        "ar.dunning.communication",
        "action_execute",
        [comm],
        context={"allowed_company_ids": [company_a, company_b]},
    )
    assert admin.execute("ar.dunning.communication", "read", [comm], ["state"])[0]["state"] == "sent"
    assert _hold(admin, customer, company_b) is True
    assert _hold(admin, customer, company_a) is False


# ----------------------------------------------------------------------
# Dunning runs: a collections manager's, in its companies
# ----------------------------------------------------------------------
def test_dunning_run_started_by_a_collections_manager_of_its_company(admin, rpc, companies):
    company_a, company_b = companies
    run_b = admin.execute(
        "ar.dunning.run", "create", {"company_id": company_b, "dry_run": True}, **_in(company_b)
    )
    collector_b, _login = _user(
        admin, rpc, "rights-run-coll", ["ar_dunning.group_ar_dunning_user"], company_b
    )
    manager_a, _login = _user(
        admin, rpc, "rights-run-mgr-a", ["ar_dunning.group_ar_dunning_manager"], company_a
    )
    _assert_refused(lambda: collector_b.execute("ar.dunning.run", "action_start", [run_b]))
    _assert_refused(lambda: manager_a.execute("ar.dunning.run", "action_start", [run_b]))
    assert admin.execute("ar.dunning.run", "read", [run_b], ["state"])[0]["state"] == "draft"
    manager_b, _login = _user(
        admin, rpc, "rights-run-mgr-b", ["ar_dunning.group_ar_dunning_manager"], company_b
    )
    manager_b.execute("ar.dunning.run", "action_start", [run_b])
    assert admin.execute("ar.dunning.run", "read", [run_b], ["state"])[0]["state"] == "done"


def test_payment_risk_model_of_another_company_is_refused(admin, rpc, companies):
    company_a, company_b = companies
    models_b = admin.execute(
        "ar.payment.risk.model", "search", [["company_id", "=", company_b]], **_in(company_b)
    )
    model_b = (
        models_b[0]
        if models_b
        else admin.execute("ar.payment.risk.model", "create", {"company_id": company_b}, **_in(company_b))
    )
    manager_a, _login = _user(
        admin, rpc, "rights-risk-a", ["ar_credit_control.group_ar_credit_manager"], company_a
    )
    before = admin.execute("ar.payment.risk.model", "read", [model_b], ["training_date"], **_in(company_b))
    for method in ("action_train", "action_refresh_scores"):
        _assert_refused(lambda method=method: manager_a.execute("ar.payment.risk.model", method, [model_b]))
    assert (
        admin.execute("ar.payment.risk.model", "read", [model_b], ["training_date"], **_in(company_b))
        == before
    )
