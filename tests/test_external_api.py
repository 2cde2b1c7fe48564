"""The external API (ar.credit.api), called over JSON-RPC and XML-RPC as an integration would."""

import os
import uuid
import xmlrpc.client
from datetime import date, timedelta

import pytest
from conftest import RpcError, create_user


def _user(admin, rpc, name, groups):
    return create_user(admin, rpc, f"api-{name}", groups)


@pytest.fixture(scope="module")
def integration(admin, rpc):
    """An integration user with the Credit User group."""
    return _user(admin, rpc, "integration", ["ar_credit_control.group_ar_credit_user"])


@pytest.fixture(scope="module")
def collector(admin, rpc):
    """A collector working in Invoicing (reads the invoices)."""
    groups = ["ar_dunning.group_ar_dunning_user", "account.group_account_invoice"]
    return _user(admin, rpc, "collector", groups)


@pytest.fixture(scope="module")
def salesman(admin, rpc):
    return _user(admin, rpc, "salesman", ["sales_team.group_sale_salesman"])


def _customer(admin, limit=1000.0):
    return admin.execute(
        "res.partner",
        "create",
        {"name": f"API Customer {uuid.uuid4().hex[:6]}", "is_company": True, "credit_limit": limit},
    )


def _invoice(admin, partner, amount, days_ago=0):
    invoice_date = (date.today() - timedelta(days=days_ago)).isoformat()
    move = admin.execute(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "invoice_date": invoice_date,
            "invoice_date_due": invoice_date,
            "invoice_line_ids": [
                [0, 0, {"name": "API goods", "quantity": 1, "price_unit": amount, "tax_ids": [[6, 0, []]]}]
            ],
        },
    )
    admin.execute("account.move", "action_post", [move])
    return move


def test_check_credit_allowed_then_blocked_with_the_ui_figures(admin, integration, company_id):
    customer = _customer(admin)
    _invoice(admin, customer, 800)
    [ui] = admin.execute(
        "res.partner", "read", [customer], ["credit_exposure", "credit_available", "credit_limit_effective"]
    )
    [currency] = admin.execute("res.company", "read", [company_id], ["currency_id"])

    allowed = integration.execute("ar.credit.api", "check_credit", customer, 150)
    assert allowed["allowed"] is True
    assert allowed["mode"] == "block"
    assert allowed["reasons"] == []
    assert allowed["exposure"] == ui["credit_exposure"] == 800.0
    assert allowed["limit"] == ui["credit_limit_effective"] == 1000.0
    assert allowed["available"] == ui["credit_available"] == 200.0
    assert allowed["currency"] == currency["currency_id"][1]

    blocked = integration.execute("ar.credit.api", "check_credit", customer, 300, company_id=company_id)
    assert blocked["allowed"] is False
    assert [reason["code"] for reason in blocked["reasons"]] == ["over_limit"]
    assert "Over the credit limit" in blocked["reasons"][0]["message"]
    assert blocked["exposure"] == 800.0


def test_get_exposure_matches_the_customer_form(admin, salesman):
    customer = _customer(admin, limit=2000)
    _invoice(admin, customer, 500, days_ago=45)
    _invoice(admin, customer, 300)
    fields = ["credit_exposure", "credit_overdue_amount", "credit_overdue_days", "credit_usage"]
    [ui] = admin.execute("res.partner", "read", [customer], fields)

    [row] = salesman.execute("ar.credit.api", "get_exposure", [customer])
    assert row["partner_id"] == customer
    assert row["exposure"] == ui["credit_exposure"] == 800.0
    assert row["receivable"] == 800.0
    assert row["orders"] == 0.0
    assert row["overdue_amount"] == ui["credit_overdue_amount"] == 500.0
    assert row["overdue_days"] == ui["credit_overdue_days"] == 45
    assert row["limit"] == 2000.0
    assert row["available"] == 1200.0
    assert row["usage"] == round(ui["credit_usage"], 2) == 40.0


def test_access_is_refused_without_group_or_company(admin, rpc, integration):
    customer = _customer(admin)
    nobody = _user(admin, rpc, "nogroup", ["base.group_user"])
    with pytest.raises(RpcError) as error:
        nobody.execute("ar.credit.api", "check_credit", customer, 10)
    assert error.value.name == "odoo.exceptions.AccessError"

    other = admin.execute("res.company", "create", {"name": f"API Other {uuid.uuid4().hex[:6]}"})
    with pytest.raises(RpcError) as error:
        integration.execute("ar.credit.api", "get_exposure", [customer], company_id=other)
    assert error.value.name == "odoo.exceptions.AccessError"


def test_list_overdue_shows_the_dunning_level_after_a_run(admin, collector, company_id):
    customer = _customer(admin)
    late = _invoice(admin, customer, 400, days_ago=20)
    _invoice(admin, customer, 100)  # not due yet: not listed
    policy = admin.execute(
        "ar.dunning.policy",
        "create",
        {
            "name": f"API policy {uuid.uuid4().hex[:6]}",
            "company_id": company_id,
            "level_ids": [[0, 0, {"name": "API first reminder", "days": 10, "auto_execute": True}]],
        },
    )
    admin.execute("res.partner", "write", [customer], {"ar_dunning_policy_id": policy})

    [before] = collector.execute("ar.credit.api", "list_overdue", partner_id=customer)
    assert before["id"] == late
    assert before["days_overdue"] == 20
    assert before["open_amount"] == 400.0
    assert before["due_date"] == (date.today() - timedelta(days=20)).isoformat()
    assert (before["dunning_level"], before["last_reminder_date"], before["disputed"]) == (
        False,
        False,
        False,
    )

    run = admin.execute(
        "ar.dunning.run", "create", {"company_id": company_id, "partner_ids": [[6, 0, [customer]]]}
    )
    admin.execute("ar.dunning.run", "action_start", [run])

    [after] = collector.execute("ar.credit.api", "list_overdue", customer, company_id)
    assert after["dunning_level"] == "API first reminder"
    assert after["last_reminder_date"] == date.today().isoformat()


def test_record_promise_needs_the_collector_group(admin, collector, salesman):
    customer = _customer(admin)
    invoice = _invoice(admin, customer, 250, days_ago=15)
    promised = (date.today() + timedelta(days=7)).isoformat()

    promise_id = collector.execute(
        "ar.credit.api", "record_promise", customer, promised, 250, invoice_ids=[invoice], note="By wire"
    )
    [promise] = admin.execute(
        "ar.payment.promise",
        "read",
        [promise_id],
        ["partner_id", "date", "amount", "move_ids", "state", "note"],
    )
    assert promise["partner_id"][0] == customer
    assert (promise["date"], promise["amount"], promise["state"]) == (promised, 250.0, "open")
    assert promise["move_ids"] == [invoice]
    assert promise["note"] == "By wire"

    with pytest.raises(RpcError) as error:
        salesman.execute("ar.credit.api", "record_promise", customer, promised, 250)
    assert error.value.name == "odoo.exceptions.AccessError"


def test_xmlrpc_client(admin, integration, odoo_server):
    customer = _customer(admin, limit=500)
    _invoice(admin, customer, 200)
    models = xmlrpc.client.ServerProxy(f"{odoo_server}/xmlrpc/2/object")
    [row] = models.execute_kw(
        os.environ["AR_TEST_DB"],
        integration.uid,
        integration.password,
        "ar.credit.api",
        "get_exposure",
        [[customer]],
        {},
    )
    assert (row["exposure"], row["available"], row["usage"]) == (200.0, 300.0, 40.0)
