"""Bad input, sent over RPC as a client would: each row gets a clear message and writes nothing.

One row per mistake.  A row builds what it needs as the admin, then makes the
mistake; the test asserts the UserError/ValidationError (or, for the dunning
email, the failure recorded on the communication) carries the row's message,
and that a snapshot of what the mistake would have changed is the same after.
"""

import random
import string
import uuid
from datetime import date, timedelta

import pytest
from conftest import RpcError, new_customer, new_insurance_policy, new_invoice

TODAY = date.today()
USER_ERROR = "odoo.exceptions.UserError"
VALIDATION_ERROR = "odoo.exceptions.ValidationError"


def _tag():
    return uuid.uuid4().hex[:6]


def _read(admin, model, record, fields):
    return admin.execute(model, "read", [record], fields)


def _count(admin, model, domain):
    return lambda: admin.execute(model, "search_count", domain)


# Each row: admin -> (mistake, expected text, snapshot of what must not change).
# A mistake refused outright raises; a mistake a batch records returns the recorded error.
def negative_limit(admin):
    customer = new_customer(admin, credit_limit=1000)
    return (
        lambda: admin.execute("res.partner", "write", [customer], {"credit_limit": -1}),
        "A credit limit cannot be negative",
        lambda: _read(admin, "res.partner", customer, ["credit_limit"]),
    )


def temporary_limit_without_expiry(admin):
    customer = new_customer(admin, credit_limit=1000)
    return (
        lambda: admin.execute("res.partner", "write", [customer], {"credit_limit_temp": 5000}),
        "Give the temporary credit limit of",
        lambda: _read(admin, "res.partner", customer, ["credit_limit_temp", "credit_limit_temp_until"]),
    )


def overlapping_dunning_levels(admin):
    name = f"Bad levels {_tag()}"
    levels = [[0, 0, {"name": f"{name} {index}", "days": 10}] for index in (1, 2)]
    return (
        lambda: admin.execute("ar.dunning.policy", "create", {"name": name, "level_ids": levels}),
        "start on the same day",
        _count(admin, "ar.dunning.level", [["name", "like", name]]),
    )


def _assessment_with(admin, country, **vals):
    customer = new_customer(admin, country_id=admin.ref(country))
    return (
        lambda: admin.execute("ar.credit.assessment", "create", {"partner_id": customer, **vals}),
        _count(admin, "ar.credit.assessment", [["partner_id", "=", customer]]),
    )


def invalid_cn_unified_social_credit_code(admin):
    create, snapshot = _assessment_with(admin, "base.cn", registration_id="91350100M000100Y4B")
    return create, "is not a valid unified social credit code", snapshot


def invalid_eu_vat(admin):
    create, snapshot = _assessment_with(admin, "base.de", tax_id="DE123456789")
    return create, "is not a valid VAT number", snapshot


def level_emails_a_customer_without_email(admin):
    """A run cannot email a customer without an address: the communication fails, no mail is queued."""
    customer = new_customer(admin)
    new_invoice(admin, customer, 400, days_overdue=20)
    template = admin.ref("ar_dunning.mail_template_dunning_reminder")
    level = {"name": "Bad email", "days": 10, "send_email": True, "mail_template_id": template}
    policy = admin.execute(
        "ar.dunning.policy", "create", {"name": f"Bad email {_tag()}", "level_ids": [[0, 0, level]]}
    )
    admin.execute("res.partner", "write", [customer], {"ar_dunning_policy_id": policy})

    def run():
        run_id = admin.execute("ar.dunning.run", "create", {"partner_ids": [[6, 0, [customer]]]})
        admin.execute("ar.dunning.run", "action_start", [run_id])
        comms = admin.execute(
            "ar.dunning.communication", "search_read", [["partner_id", "=", customer]], ["state", "error"]
        )
        assert [comm["state"] for comm in comms] == ["failed"]
        return comms[0]["error"]

    queued = [["model", "=", "res.partner"], ["res_id", "=", customer], ["message_type", "=", "email"]]
    return run, "No email address on the dunning contact", _count(admin, "mail.message", queued)


def claim_above_the_insured_amount(admin):
    policy = new_insurance_policy(admin, discretionary_limit=0)
    admin.execute("ar.insurance.policy", "action_activate", [policy])
    buyer = new_customer(admin)
    limit = admin.execute(
        "ar.insurance.limit", "create", {"policy_id": policy, "partner_id": buyer, "requested_amount": 1000}
    )
    admin.execute("ar.insurance.limit", "action_approve", [limit])
    invoice = new_invoice(admin, buyer, 5000, days_overdue=10)
    admin.execute("ar.insurance.policy", "action_refresh_receivables", [policy])
    claim = {
        "policy_id": policy,
        "partner_id": buyer,
        "move_ids": [[6, 0, [invoice]]],
        "covered_amount": 4000,
    }
    return (
        lambda: admin.execute("ar.insurance.claim", "create", claim),
        "is above the insured cover of its invoices",
        _count(admin, "ar.insurance.claim", [["partner_id", "=", buyer]]),
    )


def promise_dated_in_the_past(admin):
    customer = new_customer(admin)
    new_invoice(admin, customer, 300)
    promise = {"partner_id": customer, "date": (TODAY - timedelta(days=1)).isoformat(), "amount": 300}
    return (
        lambda: admin.execute("ar.payment.promise", "create", promise),
        "is in the past",
        _count(admin, "ar.payment.promise", [["partner_id", "=", customer]]),
    )


def plan_installments_not_summing_to_the_balance(admin):
    customer = new_customer(admin)
    invoice = new_invoice(admin, customer, 900)
    installments = [
        [0, 0, {"date": (TODAY + timedelta(days=30 * index)).isoformat(), "amount": 300}] for index in (0, 1)
    ]
    plan = admin.execute(
        "ar.payment.plan",
        "create",
        {"partner_id": customer, "move_ids": [[6, 0, [invoice]]], "installment_ids": installments},
    )
    return (
        lambda: admin.execute("ar.payment.plan", "action_activate", [plan]),
        "add up to",
        lambda: _read(admin, "ar.payment.plan", plan, ["state", "residual_at_start"]),
    )


def invoice_in_a_currency_without_rate(admin):
    code = "Q" + "".join(random.choices(string.ascii_uppercase, k=2))
    currency = admin.execute(
        "res.currency", "create", {"name": code, "symbol": code, "rounding": 0.01, "active": True}
    )
    customer = new_customer(admin, credit_limit=100000)
    invoice = new_invoice(admin, customer, 700, post=False, currency_id=currency)
    return (
        lambda: admin.execute("account.move", "action_post", [invoice]),
        f"There is no exchange rate for {code}",
        lambda: (
            _read(admin, "account.move", invoice, ["state"]),
            _read(admin, "res.partner", customer, ["credit_exposure"]),
        ),
    )


ROWS = [
    negative_limit,
    temporary_limit_without_expiry,
    overlapping_dunning_levels,
    invalid_cn_unified_social_credit_code,
    invalid_eu_vat,
    level_emails_a_customer_without_email,
    claim_above_the_insured_amount,
    promise_dated_in_the_past,
    plan_installments_not_summing_to_the_balance,
    invoice_in_a_currency_without_rate,
]


@pytest.mark.parametrize("row", ROWS, ids=[row.__name__ for row in ROWS])
def test_bad_input_is_refused_with_a_clear_message(admin, row):
    mistake, message, snapshot = row(admin)
    before = snapshot()
    try:
        # a batch (the dunning run) records the failure and goes on: the row returns it
        error = mistake()
    except RpcError as refused:
        assert refused.name in (USER_ERROR, VALIDATION_ERROR), refused
        error = refused.message
    assert isinstance(error, str) and message in error, f"expected {message!r}, got {error!r}"
    assert snapshot() == before, "the refused input wrote nothing"
