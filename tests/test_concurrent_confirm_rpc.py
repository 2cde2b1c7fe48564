"""Concurrent confirmations of one customer's orders on Odoo's multi-process server.

Twenty salespeople, each in its own web session, confirm at the same moment
one quotation each for the same customer, whose limit leaves room for only a
few of them.  The server runs with several HTTP worker processes (each with
its own database connection), as in production.  The credit check locks and
touches the customer's row in the statement that reads its exposure
(FIGURES_FUNCTION_SQL in ar_credit_balance.py); if it did not, several
confirmations would pass on the same headroom and the confirmed total would
exceed the limit.
"""

import threading
import time
import uuid

import pytest
from conftest import HttpSession, RpcError

CLIENTS = 20
#: salespeople; each logs in several times (one web session per client), which keeps the
#: setup short: creating a user and hashing its password cost about a second each
REPS = 5
ORDER_AMOUNT = 100.0
BLOCK_MESSAGE = "cannot be confirmed: the customer's credit check failed"
OVER_LIMIT = "Over the credit limit"


@pytest.fixture(scope="module")
def rep_sessions(admin, odoo_workers_server):
    """CLIENTS web sessions of REPS salespeople on the multi-worker server, one session per client."""
    group_ids = [admin.ref("sales_team.group_sale_salesman"), admin.ref("base.group_partner_manager")]
    tag = uuid.uuid4().hex[:8]
    logins = [f"race-{tag}-{index}" for index in range(REPS)]
    admin.execute(
        "res.users",
        "create",
        [
            {"name": f"Race rep {index}", "login": login, "password": login, "groups_id": [[6, 0, group_ids]]}
            for index, login in enumerate(logins)
        ],
    )
    sessions = [HttpSession(odoo_workers_server, admin.rpc.db) for _index in range(CLIENTS)]

    def log_in(index):
        login = logins[index % REPS]
        return sessions[index].authenticate(login, login)

    uids = _in_parallel(log_in, CLIENTS)
    assert all(isinstance(uid, int) for uid in uids), uids
    return sessions


def _in_parallel(work, count):
    """Run ``work(index)`` in ``count`` threads released together; return results or exceptions."""
    results = [None] * count
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the caller inspects every outcome
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def _race(admin, company_id, sessions, fitting):
    """Each session confirms a quotation of ORDER_AMOUNT for one customer whose limit fits ``fitting``.

    Returns the accepted ceiling (the limit plus the company's grace percentage),
    the outcome of each client and the orders.
    """
    [company] = admin.execute("res.company", "read", [company_id], ["ar_credit_grace_percent"])
    grace = 1 + company["ar_credit_grace_percent"] / 100
    limit = round((fitting + 0.5) * ORDER_AMOUNT / grace, 2)
    customer = admin.execute(
        "res.partner",
        "create",
        {"name": f"Race Customer {uuid.uuid4().hex[:6]}", "is_company": True, "credit_limit": limit},
    )
    product = admin.execute("product.product", "create", {"name": "Race goods", "list_price": ORDER_AMOUNT})
    line = {"product_id": product, "price_unit": ORDER_AMOUNT, "tax_id": [[6, 0, []]]}

    def quote(index):
        return sessions[index].call_kw(
            "sale.order", "create", {"partner_id": customer, "order_line": [[0, 0, line]]}
        )

    order_ids = _in_parallel(quote, len(sessions))
    assert all(isinstance(order_id, int) for order_id in order_ids), order_ids

    def confirm(index):
        return sessions[index].call_kw("sale.order", "action_confirm", [order_ids[index]])

    outcomes = _in_parallel(confirm, len(sessions))
    orders = admin.execute("sale.order", "read", order_ids, ["state", "amount_total"])  # with "id"
    return limit * grace, outcomes, orders


def _assert_limit_held(ceiling, fitting, outcomes, orders):
    confirmed = [order for order in orders if order["state"] == "sale"]
    total = sum(order["amount_total"] for order in confirmed)
    assert total <= ceiling, f"{len(confirmed)} orders confirmed for {total}, over the limit ({ceiling})"
    assert confirmed, "at least one confirmation must pass"
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    for error in refused:
        assert isinstance(error, RpcError), f"client failed outside Odoo: {error!r}"
        assert error.name == "odoo.exceptions.UserError", f"refused with {error}"
        assert BLOCK_MESSAGE in error.message and OVER_LIMIT in error.message, error.message
    assert len(confirmed) + len(refused) == len(orders)
    assert len(confirmed) == fitting, "every refusal is the credit check's: the orders that fit all pass"


def _assert_every_refusal_recorded(admin, orders):
    """Each refused order is marked blocked, with its chatter note and an activity for the managers.

    The refusal is rolled back, so the recording runs in a transaction of its
    own right after; under this much concurrency it fails to serialize and
    must be retried, never dropped.
    """
    refused_ids = [order["id"] for order in orders if order["state"] != "sale"]
    activity_type = admin.ref("ar_credit_control.mail_activity_credit_review")
    deadline = time.monotonic() + 30
    while True:
        rows = admin.execute("sale.order", "read", refused_ids, ["credit_check_state", "activity_ids"])
        unrecorded = [row["id"] for row in rows if row["credit_check_state"] != "blocked"]
        if not unrecorded or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not unrecorded, f"{len(unrecorded)} of {len(refused_ids)} refused orders never marked blocked"
    for row in rows:
        activities = admin.execute("mail.activity", "read", row["activity_ids"], ["activity_type_id"])
        assert any(a["activity_type_id"][0] == activity_type for a in activities), row
        notes = admin.execute(
            "mail.message",
            "search_count",
            [
                ["model", "=", "sale.order"],
                ["res_id", "=", row["id"]],
                ["body", "ilike", "Confirmation blocked"],
            ],
        )
        assert notes == 1, (row["id"], notes)


def test_parallel_confirmations_never_exceed_the_limit(admin, company_id, rep_sessions):
    ceiling, outcomes, orders = _race(admin, company_id, rep_sessions, fitting=5)
    _assert_limit_held(ceiling, 5, outcomes, orders)
    _assert_every_refusal_recorded(admin, orders)


@pytest.mark.long
@pytest.mark.parametrize("fitting", [1, 3, 10, 19])
def test_parallel_confirmations_long(admin, company_id, rep_sessions, fitting):
    """--long: more rounds, from one order that fits to all but one."""
    ceiling, outcomes, orders = _race(admin, company_id, rep_sessions, fitting)
    _assert_limit_held(ceiling, fitting, outcomes, orders)
    _assert_every_refusal_recorded(admin, orders)
