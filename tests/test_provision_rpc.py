"""Provision approval rights, checked through JSON-RPC as any client would call the server."""

import pytest
from conftest import RpcError, create_user


def test_only_accountants_post_provisions(admin, rpc):
    manager = create_user(admin, rpc, "rpc-provision-manager", ["ar_credit_control.group_ar_credit_manager"])
    user = create_user(admin, rpc, "rpc-provision-user", ["ar_credit_control.group_ar_credit_user"])
    matrix = admin.execute(
        "ar.provision.matrix",
        "create",
        {"name": "RPC matrix", "active": False, "line_ids": [[0, 0, {"days_from": 0, "base_rate": 5.0}]]},
    )
    run = manager.execute("ar.provision.run", "create", {"matrix_id": matrix})
    try:
        assert manager.execute("ar.provision.run", "action_compute", [run]) is True
        for caller in (manager, user):
            with pytest.raises(RpcError) as caught:
                caller.execute("ar.provision.run", "action_post", [run])
            assert caught.value.name == "odoo.exceptions.AccessError"
        with pytest.raises(RpcError) as caught:
            user.execute("ar.provision.run", "action_compute", [run])
        assert caught.value.name == "odoo.exceptions.AccessError"
        [record] = admin.execute("ar.provision.run", "read", [run], ["state", "move_id"])
        assert record["state"] == "computed"
        assert not record["move_id"]
    finally:
        admin.execute("ar.provision.run", "unlink", [run])
        admin.execute("ar.provision.matrix", "unlink", [matrix])
