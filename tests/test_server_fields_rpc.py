"""States and server-computed values change only through the documents' actions, over plain JSON-RPC.

The two reported cases: a payment plan written ``active`` with installments
that do not add up, and a provision run written ``posted`` with a made-up
total and no journal entry. Even the admin (not the superuser) is refused,
whatever the context says; the actions themselves still work and check their
invariants. The enumerating Odoo test (``TestServerFields``) covers every
server field of every guarded model.
"""

import pytest
from conftest import RpcError, create_user, new_customer, new_invoice

ACCESS_ERROR = "odoo.exceptions.AccessError"
USER_ERROR = "odoo.exceptions.UserError"
CONTEXT_TRICKS = {"ar_server_write": True, "install_mode": True, "tracking_disable": True}


def _refused(call, name, text):
    with pytest.raises(RpcError) as caught:
        call()
    assert caught.value.name == name, caught.value
    assert text in caught.value.message, caught.value.message


@pytest.fixture(scope="module")
def collector(admin, rpc):
    return create_user(
        admin,
        rpc,
        "rpc-guard-collector",
        ["ar_dunning.group_ar_dunning_manager", "account.group_account_invoice"],
    )


def test_payment_plan_state_only_through_activation(admin, collector):
    customer = new_customer(admin)
    invoices = [new_invoice(admin, customer, amount) for amount in (600, 400)]
    plan = collector.execute(
        "ar.payment.plan",
        "create",
        {
            "partner_id": customer,
            "move_ids": [[6, 0, invoices]],
            "installment_ids": [[0, 0, {"date": "2030-01-31", "amount": 10}]],
        },
    )
    read = lambda: admin.execute(  # noqa: E731
        "ar.payment.plan", "read", [plan], ["state", "residual_at_start", "total_amount"]
    )[0]
    before = read()
    for user in (collector, admin):
        _refused(
            lambda u=user: u.execute(
                "ar.payment.plan", "write", [plan], {"state": "active"}, context=CONTEXT_TRICKS
            ),
            ACCESS_ERROR,
            "(state)",
        )
    _refused(
        lambda: collector.execute("ar.payment.plan", "write", [plan], {"total_amount": 1000}),
        ACCESS_ERROR,
        "(total_amount)",
    )
    _refused(
        lambda: collector.execute(
            "ar.payment.plan",
            "create",
            {"partner_id": customer, "move_ids": [[6, 0, invoices]], "state": "active"},
        ),
        ACCESS_ERROR,
        "(state)",
    )
    assert read() == before
    # the action refuses installments that do not add up to the open 1,000
    _refused(lambda: collector.execute("ar.payment.plan", "action_activate", [plan]), USER_ERROR, "add up")
    assert read()["state"] == "draft"
    collector.execute("ar.payment.plan", "action_generate_installments", [plan])
    collector.execute("ar.payment.plan", "action_activate", [plan])
    after = read()
    assert after["state"] == "active"
    assert after["residual_at_start"] == after["total_amount"] == 1000
    # the agreed installments are frozen once active
    [installment] = admin.execute("ar.payment.plan.installment", "search", [["plan_id", "=", plan]], limit=1)
    _refused(
        lambda: collector.execute("ar.payment.plan.installment", "write", [installment], {"amount": 1}),
        USER_ERROR,
        "no longer a draft",
    )


def test_provision_run_posted_only_through_posting(admin, rpc):
    manager = create_user(
        admin,
        rpc,
        "rpc-guard-provision",
        ["ar_credit_control.group_ar_credit_manager", "account.group_account_manager"],
    )
    matrix = admin.execute(
        "ar.provision.matrix",
        "create",
        {
            "name": "RPC guard matrix",
            "active": False,
            "line_ids": [[0, 0, {"days_from": 0, "base_rate": 5.0}]],
        },
    )
    run = manager.execute("ar.provision.run", "create", {"matrix_id": matrix})
    fields = ["state", "total_provision", "move_id", "difference"]
    try:
        manager.execute("ar.provision.run", "action_compute", [run])
        before = admin.execute("ar.provision.run", "read", [run], fields)[0]
        for user in (manager, admin):
            _refused(
                lambda u=user: u.execute(
                    "ar.provision.run",
                    "write",
                    [run],
                    {"state": "posted", "total_provision": 123456789},
                    context=CONTEXT_TRICKS,
                ),
                ACCESS_ERROR,
                "of Provision Run is set by the server",
            )
        _refused(
            lambda: manager.execute(
                "ar.provision.run", "create", {"matrix_id": matrix, "state": "posted", "total_provision": 5}
            ),
            ACCESS_ERROR,
            "is set by the server",
        )
        _refused(
            lambda: manager.execute(
                "ar.provision.run", "create", {"matrix_id": matrix}, context={"default_state": "posted"}
            ),
            ACCESS_ERROR,
            "(state)",
        )
        lines = admin.execute("ar.provision.line", "search", [["run_id", "=", run]])
        if lines:
            _refused(
                lambda: manager.execute("ar.provision.line", "write", lines[:1], {"provision": 1e9}),
                ACCESS_ERROR,
                "(provision)",
            )
            _refused(
                lambda: manager.execute("ar.provision.line", "unlink", lines[:1]),
                ACCESS_ERROR,
                "by the server",
            )
        assert admin.execute("ar.provision.run", "read", [run], fields)[0] == before
        assert before["state"] == "computed" and not before["move_id"]
    finally:
        admin.execute("ar.provision.run", "unlink", [run])
        admin.execute("ar.provision.matrix", "unlink", [matrix])
