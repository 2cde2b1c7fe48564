"""Write-off permissions, driven from outside through JSON-RPC with real logins."""

import uuid

import pytest
from conftest import RpcError, create_user

MANAGER_GROUPS = ["ar_credit_control.group_ar_credit_manager", "account.group_account_invoice"]


@pytest.fixture
def invoice(admin, write_off_company):
    """A posted customer invoice of 500 (no tax) for a new customer."""
    customer = admin.execute(
        "res.partner", "create", {"name": f"RPC Insolvent {uuid.uuid4().hex[:6]}", "is_company": True}
    )
    move = admin.execute(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": customer,
            "company_id": write_off_company,
            "invoice_line_ids": [
                [0, 0, {"name": "Goods", "quantity": 1, "price_unit": 500, "tax_ids": [[6, 0, []]]}]
            ],
        },
    )
    admin.execute("account.move", "action_post", [move])
    return move


def _request(user, invoice):
    context = {"active_model": "account.move", "active_ids": [invoice]}
    wizard = user.execute("ar.write.off.wizard", "create", {"reason": "Insolvent"}, context=context)
    return user.execute("ar.write.off.wizard", "action_write_off", [wizard], context=context)["res_id"]


def test_salesperson_cannot_write_off(admin, rpc, invoice):
    rep = create_user(
        admin, rpc, "rpc-wo-rep", ["sales_team.group_sale_salesman", "account.group_account_invoice"]
    )
    with pytest.raises(RpcError) as caught:
        _request(rep, invoice)
    assert caught.value.name == "odoo.exceptions.AccessError"
    [state] = admin.execute("account.move", "read", [invoice], ["payment_state"])
    assert state["payment_state"] == "not_paid"


def test_requester_cannot_approve_his_own_even_with_context_keys(admin, rpc, invoice):
    requester = create_user(admin, rpc, "rpc-wo-manager-a", MANAGER_GROUPS)
    approver = create_user(admin, rpc, "rpc-wo-manager-b", MANAGER_GROUPS)
    write_off = _request(requester, invoice)
    tricks = {"ar_skip_approval": True, "force": True, "bypass_approval": True, "approved": True}
    for call in (
        lambda: requester.execute("ar.write.off", "action_approve", [write_off], context=tricks),
        lambda: requester.execute("ar.write.off", "write", [write_off], {"state": "posted"}, context=tricks),
    ):
        with pytest.raises(RpcError) as caught:
            call()
        # the approval is refused (UserError), the state itself by ar.server.fields.mixin (AccessError)
        assert caught.value.name in ("odoo.exceptions.UserError", "odoo.exceptions.AccessError")
    assert admin.execute("ar.write.off", "read", [write_off], ["state"])[0]["state"] == "to_approve"
    approver.execute("ar.write.off", "action_approve", [write_off])
    [record] = admin.execute("ar.write.off", "read", [write_off], ["state", "decided_by_id", "amount_total"])
    assert record["state"] == "posted"
    assert record["decided_by_id"][0] == approver.uid
    assert record["amount_total"] == 500
    [state] = admin.execute("account.move", "read", [invoice], ["payment_state"])
    assert state["payment_state"] == "paid"
