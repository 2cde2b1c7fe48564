"""The credit promise over plain JSON-RPC, as the issue reproduced its breaches.

No order goes over a customer's limit without a credit manager's documented
release, whatever a client sends: a write of the state, a confirmed order
created directly, forged totals and rates, a later rise of a confirmed order,
a change of customer, a release forged or given before a hold, the client's
time zone.
"""

from datetime import date

import pytest
from conftest import RpcError, create_user, goods, new_customer

SALESPERSON = ["sales_team.group_sale_salesman", "base.group_partner_manager"]
BLOCKED = "cannot be confirmed: the customer's credit check failed"


@pytest.fixture(scope="module")
def rep(admin, rpc):
    return create_user(admin, rpc, "promise-rep", SALESPERSON)


@pytest.fixture(scope="module")
def manager(admin, rpc):
    return create_user(admin, rpc, "promise-mgr", [*SALESPERSON, "ar_credit_control.group_ar_credit_manager"])


def _line(user, amount, qty=1):
    return {
        "name": "Promise goods",
        "product_id": goods(user),
        "product_uom_qty": qty,
        "price_unit": amount,
        "tax_id": [[6, 0, []]],
    }


def _quotation(user, customer, amount, **vals):
    line = _line(user, amount)
    return user.execute(
        "sale.order", "create", {"partner_id": customer, "order_line": [[0, 0, line]], **vals}
    )


def _refused(call, text=BLOCKED, name="odoo.exceptions.UserError"):
    with pytest.raises(RpcError) as caught:
        call()
    assert caught.value.name == name, caught.value
    assert text in caught.value.message, caught.value.message
    return caught.value.message


def _state(admin, order):
    [row] = admin.execute("sale.order", "read", [order], ["state", "credit_check_state", "amount_total"])
    return row


def test_writing_the_state_runs_the_check(admin, rep, company_id):
    customer = new_customer(admin, credit_limit=1000)
    order = _quotation(rep, customer, 1500)
    _refused(lambda: rep.execute("sale.order", "write", [order], {"state": "sale"}))
    assert _state(admin, order)["state"] == "draft"
    assert _state(admin, order)["credit_check_state"] == "blocked"


def test_creating_a_confirmed_order_runs_the_check(admin, rep, company_id):
    customer = new_customer(admin, credit_limit=1000)
    _refused(lambda: _quotation(rep, customer, 1500, state="sale"))
    assert not admin.execute("sale.order", "search", [["partner_id", "=", customer]])


@pytest.mark.parametrize(
    ("model", "vals"),
    [
        ("sale.order", {"amount_total": 1}),
        ("sale.order", {"currency_rate": 1e6}),
        ("sale.order", {"credit_check_state": "released"}),
        ("sale.order.line", {"price_total": 1}),
        ("sale.order.line", {"price_subtotal": 1}),
    ],
)
def test_forged_totals_are_refused(admin, rep, company_id, model, vals):
    customer = new_customer(admin, credit_limit=1000)
    order = _quotation(rep, customer, 1500)
    record = order if model == "sale.order" else _state_lines(admin, order)[0]
    _refused(
        lambda: rep.execute(model, "write", [record], vals),
        "computed by the server",
        "odoo.exceptions.AccessError",
    )
    _refused(lambda: rep.execute("sale.order", "action_confirm", [order]))
    assert _state(admin, order)["amount_total"] == 1500


def _state_lines(admin, order):
    return admin.execute("sale.order", "read", [order], ["order_line"])[0]["order_line"]


def test_a_confirmed_order_is_checked_again_when_it_grows(admin, rep, company_id):
    customer = new_customer(admin, credit_limit=1000)
    order = _quotation(rep, customer, 600)
    rep.execute("sale.order", "action_confirm", [order])
    [line] = _state_lines(admin, order)
    message = _refused(
        lambda: rep.execute("sale.order.line", "write", [line], {"product_uom_qty": 2, "price_unit": 600}),
        "Over the credit limit",
    )
    assert "1,200.00" in message
    _refused(
        lambda: rep.execute("sale.order", "write", [order], {"order_line": [[0, 0, _line(rep, 700)]]}),
        "Over the credit limit",
    )
    held = new_customer(admin, credit_limit=100000, credit_hold=True, credit_hold_reason="Unpaid")
    _refused(lambda: rep.execute("sale.order", "write", [order], {"partner_id": held}), "on credit hold")
    assert _state(admin, order)["amount_total"] == 600


def test_a_release_is_the_servers_record(admin, rep, manager, company_id):
    customer = new_customer(admin, credit_limit=1000)
    order = _quotation(rep, customer, 1500)
    forged = {
        "order_id": order,
        "partner_id": customer,
        "company_id": company_id,
        "decided_by_id": rep.uid,
        "decision": "released",
        "reason": "forged",
        "order_amount": 1e9,
        "date": "2000-01-01 00:00:00",
    }
    _refused(
        lambda: manager.execute("ar.credit.release", "create", forged),
        "set by the server",
        "odoo.exceptions.AccessError",
    )
    _refused(lambda: rep.execute("sale.order", "action_confirm", [order]))
    wizard = manager.execute(
        "ar.credit.release.wizard", "create", {"order_id": order, "reason": "Deposit received"}
    )
    manager.execute("ar.credit.release.wizard", "action_decide", [wizard])
    [release] = admin.execute(
        "ar.credit.release",
        "search_read",
        [["order_id", "=", order]],
        ["decided_by_id", "order_amount", "date"],
    )
    assert release["decided_by_id"][0] == manager.uid and release["order_amount"] == 1500
    assert release["date"][:10] >= date.today().isoformat()
    _refused(
        lambda: manager.execute("ar.credit.release", "write", [release["id"]], {"order_amount": 1e9}),
        "set by the server",
        "odoo.exceptions.AccessError",
    )
    # the customer is put on hold after the release: the release no longer covers the order
    admin.execute("res.partner", "write", [customer], {"credit_hold": True, "credit_hold_reason": "Bounced"})
    _refused(lambda: rep.execute("sale.order", "action_confirm", [order]), "on credit hold")
    # ...nor once the hold is lifted: the release given before it was revoked
    admin.execute("res.partner", "write", [customer], {"credit_hold": False})
    _refused(lambda: rep.execute("sale.order", "action_confirm", [order]), "Over the credit limit")
    [release] = admin.execute(
        "ar.credit.release", "read", [release["id"]], ["revoked_date", "revoked_reason"]
    )
    assert release["revoked_date"] and "credit hold" in release["revoked_reason"]


def test_the_clients_time_zone_does_not_decide_today(admin, rep, company_id):
    """A temporary limit is in force until its expiry on the company's date, in any caller's zone."""
    [company] = admin.execute("res.company", "read", [company_id], ["partner_id"])
    [partner] = admin.execute("res.partner", "read", [company["partner_id"][0]], ["tz"])
    assert not partner["tz"], "the test company has no time zone: its date is UTC's"
    today = date.today()  # the test server runs in UTC
    customer = new_customer(
        admin, credit_limit=1000, credit_limit_temp=5000, credit_limit_temp_until=today.isoformat()
    )
    for tz in ("Etc/GMT+12", "Etc/GMT-14"):
        [row] = rep.execute("res.partner", "read", [customer], ["credit_limit_effective"], context={"tz": tz})
        assert row["credit_limit_effective"] == 5000, tz
    order = _quotation(rep, customer, 1500)
    rep.execute("sale.order", "action_confirm", [order], context={"tz": "Etc/GMT+12"})
    assert _state(admin, order)["state"] == "sale"
