"""The three apps, seen from outside through JSON-RPC on a running server."""

import pytest
from conftest import ADDONS, RpcError, create_user


def test_three_apps_installed(admin):
    modules = admin.execute(
        "ir.module.module",
        "search_read",
        [["name", "in", list(ADDONS)]],
        fields=["name", "state", "application"],
    )
    assert {m["name"]: (m["state"], m["application"]) for m in modules} == {
        name: ("installed", True) for name in ADDONS
    }


def test_menus_reachable_for_admin(admin):
    menus = admin.execute("ir.ui.menu", "load_menus", False)
    names = {menu["name"] for menu in menus.values() if isinstance(menu, dict) and "name" in menu}
    assert {"Credit Control", "Credit Grades", "Dunning Policies", "Credit Insurance"} <= names


@pytest.fixture(scope="module")
def salesperson(admin, rpc):
    return create_user(admin, rpc, "rep", ["sales_team.group_sale_salesman", "base.group_partner_manager"])


def test_salesperson_cannot_raise_a_limit_over_rpc(admin, salesperson):
    partner_id = admin.execute("res.partner", "create", {"name": "RPC Customer", "is_company": True})
    with pytest.raises(RpcError) as caught:
        salesperson.execute(
            "res.partner", "write", [partner_id], {"credit_hold": False, "credit_limit_temp": 1e6}
        )
    assert caught.value.name == "odoo.exceptions.AccessError"
    assert "Credit Manager" in caught.value.message
    [values] = admin.execute("res.partner", "read", [partner_id], ["credit_limit_temp"])
    assert values["credit_limit_temp"] == 0


def test_manager_sets_limit_over_rpc(admin):
    partner_id = admin.execute("res.partner", "create", {"name": "RPC Rated", "is_company": True})
    admin.execute(
        "res.partner",
        "write",
        [partner_id],
        {"credit_limit": 12000, "credit_review_date": "2030-06-30"},
    )
    [values] = admin.execute("res.partner", "read", [partner_id], ["credit_limit", "credit_review_date"])
    assert (values["credit_limit"], values["credit_review_date"]) == (12000, "2030-06-30")


def test_negative_limit_refused_over_rpc(admin):
    partner_id = admin.execute("res.partner", "create", {"name": "RPC Negative", "is_company": True})
    with pytest.raises(RpcError) as caught:
        admin.execute("res.partner", "write", [partner_id], {"credit_limit": -1})
    assert caught.value.name == "odoo.exceptions.ValidationError"
