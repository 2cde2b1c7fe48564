"""The credit check at confirmation, driven from outside through JSON-RPC as an integration would."""

import uuid

import pytest
from conftest import RpcError, create_user


@pytest.fixture(scope="module")
def rep(admin, rpc):
    return create_user(
        admin, rpc, "rpc-rep", ["sales_team.group_sale_salesman", "base.group_partner_manager"]
    )


@pytest.fixture
def blocked_order(admin, rep, company_id):
    """A rep's quotation of 600 for a customer with a limit of 1,000 and an order of 500 confirmed."""
    customer = admin.execute(
        "res.partner",
        "create",
        {"name": f"RPC Customer {uuid.uuid4().hex[:6]}", "is_company": True, "credit_limit": 1000},
    )
    product = admin.execute("product.product", "create", {"name": "RPC goods", "list_price": 100})

    def order(amount):
        return rep.execute(
            "sale.order",
            "create",
            {
                "partner_id": customer,
                "order_line": [[0, 0, {"product_id": product, "price_unit": amount, "tax_id": [[6, 0, []]]}]],
            },
        )

    first = order(500)
    rep.execute("sale.order", "action_confirm", [first])
    return order(600)


def test_rep_is_refused_with_the_figures_and_the_order_is_marked_blocked(admin, rep, blocked_order):
    with pytest.raises(RpcError) as caught:
        rep.execute("sale.order", "action_confirm", [blocked_order])
    assert caught.value.name == "odoo.exceptions.UserError"
    for text in ("Over the credit limit", "500.00", "600.00", "1,100.00", "1,000.00"):
        assert text in caught.value.message
    [order] = admin.execute(
        "sale.order", "read", [blocked_order], ["state", "credit_check_state", "activity_ids"]
    )
    assert order["state"] == "draft"
    assert order["credit_check_state"] == "blocked", "the refusal's rollback must not lose the blocked state"
    assert order["activity_ids"], "credit managers get an activity"


def test_salesperson_release_attempt_raises_access_error(rep, blocked_order):
    for call in (
        lambda: rep.execute("sale.order", "action_open_credit_release", [blocked_order]),
        lambda: rep.execute(
            "ar.credit.release.wizard",
            "create",
            {"order_id": blocked_order, "decision": "released", "reason": "please"},
        ),
        lambda: rep.execute("sale.order", "write", [blocked_order], {"credit_check_state": "released"}),
    ):
        with pytest.raises(RpcError) as caught:
            call()
        assert caught.value.name == "odoo.exceptions.AccessError"
    with pytest.raises(RpcError):
        rep.execute("sale.order", "action_confirm", [blocked_order])


def test_manager_release_lets_the_rep_confirm(admin, rep, blocked_order):
    with pytest.raises(RpcError):
        rep.execute("sale.order", "action_confirm", [blocked_order])
    wizard = admin.execute(
        "ar.credit.release.wizard",
        "create",
        {"order_id": blocked_order, "decision": "released", "reason": "Deposit received"},
    )
    admin.execute("ar.credit.release.wizard", "action_decide", [wizard])
    rep.execute("sale.order", "action_confirm", [blocked_order])
    [order] = admin.execute(
        "sale.order", "read", [blocked_order], ["state", "credit_check_state", "credit_release_ids"]
    )
    assert (order["state"], order["credit_check_state"]) == ("sale", "released")
    [release] = admin.execute(
        "ar.credit.release",
        "read",
        order["credit_release_ids"],
        ["decision", "reason", "decided_by_id", "amount_over_limit"],
    )
    assert (release["decision"], release["reason"], release["decided_by_id"][0]) == (
        "released",
        "Deposit received",
        admin.uid,
    )
    assert release["amount_over_limit"] == 100
