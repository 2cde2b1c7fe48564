"""Bad input, sent over RPC as a client would: each row gets a clear message and writes nothing.

One row per mistake.  A row builds what it needs as the admin, then makes the
mistake; the test asserts the UserError/ValidationError (or, for the dunning
email, the failure recorded on the communication) carries the row's message,
and that a snapshot of what the mistake would have changed is the same after.
"""

import html
import random
import re
import string
import uuid
from datetime import date, timedelta

import pytest
from conftest import HttpSession, RpcError, new_customer, new_insurance_policy, new_invoice

TODAY = date.today()
USER_ERROR = "odoo.exceptions.UserError"
VALIDATION_ERROR = "odoo.exceptions.ValidationError"
# What the bounds answer (limits in addons/ar_credit_control/models/input_rules.py)
NOT_FINITE = "must be a finite number"
BEYOND_LIMIT = "is beyond the limit of 10,000,000,000,000"
OUTSIDE_DATES = "is outside the accepted dates"
PORTAL_AMOUNT = "Please type the amount as a positive number"
PORTAL_DATE = "Please give a date as YYYY-MM-DD"


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


# ----------------------------------------------------------------------
# Bounds on input (issue 15 item 7): amounts, dates, percentages, texts
# ----------------------------------------------------------------------
def _write_partner(admin, vals, **create_vals):
    customer = new_customer(admin, credit_limit=1000, **create_vals)
    fields = ["credit_limit", "credit_limit_temp", "credit_limit_temp_until", "credit_hold_reason"]
    return (
        lambda: admin.execute("res.partner", "write", [customer], vals),
        lambda: _read(admin, "res.partner", customer, fields),
    )


def temporary_limit_expired_on_setting(admin):
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    write, snapshot = _write_partner(admin, {"credit_limit_temp": 5000, "credit_limit_temp_until": yesterday})
    return write, "in the past: give an expiry date of today or later", snapshot


def limit_of_1e308(admin):
    write, snapshot = _write_partner(admin, {"credit_limit": 1e308})
    return write, BEYOND_LIMIT, snapshot


def limit_of_nan(admin):
    """JSON-RPC carries NaN (Python's json reads it): refused before PostgreSQL, not a psycopg2 error."""
    write, snapshot = _write_partner(admin, {"credit_limit": float("nan")})
    return write, NOT_FINITE, snapshot


def temporary_limit_of_infinity(admin):
    until = (TODAY + timedelta(days=10)).isoformat()
    write, snapshot = _write_partner(
        admin, {"credit_limit_temp": float("inf"), "credit_limit_temp_until": until}
    )
    return write, NOT_FINITE, snapshot


def new_customer_with_a_limit_of_infinity(admin):
    name = f"Customer {_tag()}"
    return (
        lambda: admin.execute("res.partner", "create", {"name": name, "credit_limit": float("inf")}),
        NOT_FINITE,
        _count(admin, "res.partner", [["name", "=", name]]),
    )


def hold_reason_of_100000_characters(admin):
    write, snapshot = _write_partner(admin, {"credit_hold": True, "credit_hold_reason": "x" * 100_000})
    return write, "is 100,000 characters long", snapshot


def insurance_limit_requested_nan(admin):
    policy = new_insurance_policy(admin)
    buyer = new_customer(admin)
    vals = {"policy_id": policy, "partner_id": buyer, "requested_amount": float("nan")}
    return (
        lambda: admin.execute("ar.insurance.limit", "create", vals),
        NOT_FINITE,
        _count(admin, "ar.insurance.limit", [["partner_id", "=", buyer]]),
    )


def _policy_with_levels(admin):
    policy = admin.execute("ar.dunning.policy", "create", {"name": f"Bounds {_tag()}"})
    return policy, _count(admin, "ar.dunning.level", [["policy_id", "=", policy]])


def dunning_level_without_days(admin):
    policy, snapshot = _policy_with_levels(admin)
    level = {"policy_id": policy, "name": "No days"}
    return (
        lambda: admin.execute("ar.dunning.level", "create", level),
        "give its number of days from the due date",
        snapshot,
    )


def dunning_fee_of_a_million_percent(admin):
    policy, snapshot = _policy_with_levels(admin)
    level = {
        "policy_id": policy,
        "name": "Greedy",
        "days": 10,
        "fee_type": "percent",
        "fee_percent": 1_000_000,
    }
    return (
        lambda: admin.execute("ar.dunning.level", "create", level),
        "a percentage is between 0 and 100",
        snapshot,
    )


def dunning_fixed_fee_of_infinity(admin):
    policy, snapshot = _policy_with_levels(admin)
    level = {
        "policy_id": policy,
        "name": "Infinite",
        "days": 10,
        "fee_type": "fixed",
        "fee_amount": float("inf"),
    }
    return lambda: admin.execute("ar.dunning.level", "create", level), NOT_FINITE, snapshot


def _promise(admin, invoice_amount=300, **vals):
    customer = new_customer(admin)
    invoice = new_invoice(admin, customer, invoice_amount)
    promise = {
        "partner_id": customer,
        "date": (TODAY + timedelta(days=10)).isoformat(),
        "amount": invoice_amount,
        "move_ids": [[6, 0, [invoice]]],
        **vals,
    }
    return (
        lambda: admin.execute("ar.payment.promise", "create", promise),
        _count(admin, "ar.payment.promise", [["partner_id", "=", customer]]),
    )


def promise_dated_9999_12_31(admin):
    create, snapshot = _promise(admin, date="9999-12-31")
    return create, OUTSIDE_DATES, snapshot


def promise_beyond_the_company_horizon(admin):
    create, snapshot = _promise(admin, date=(TODAY + timedelta(days=91)).isoformat())
    return create, "is more than 90 days away", snapshot


def promise_of_1e15(admin):
    create, snapshot = _promise(admin, amount=1e15)
    return create, BEYOND_LIMIT, snapshot


def promise_above_the_open_amount(admin):
    create, snapshot = _promise(admin, invoice_amount=300, amount=301)
    return create, "is more than the open amount of the promised invoices", snapshot


def payment_plan_installment_dated_year_1(admin):
    customer = new_customer(admin)
    invoice = new_invoice(admin, customer, 900)
    plan = {
        "partner_id": customer,
        "move_ids": [[6, 0, [invoice]]],
        "installment_ids": [[0, 0, {"date": "0001-01-01", "amount": 900}]],
    }
    return (
        lambda: admin.execute("ar.payment.plan", "create", plan),
        OUTSIDE_DATES,
        _count(admin, "ar.payment.plan", [["partner_id", "=", customer]]),
    )


def dispute_reason_of_100000_characters(admin):
    customer = new_customer(admin)
    invoice = new_invoice(admin, customer, 500)
    return (
        lambda: admin.execute("ar.dispute", "create", {"move_id": invoice, "reason": "x" * 100_000}),
        "is 100,000 characters long",
        _count(admin, "ar.dispute", [["move_id", "=", invoice]]),
    )


def claim_amount_far_above_its_invoices(admin):
    policy = new_insurance_policy(admin, discretionary_limit=0)
    admin.execute("ar.insurance.policy", "action_activate", [policy])
    buyer = new_customer(admin)
    limit = admin.execute(
        "ar.insurance.limit", "create", {"policy_id": policy, "partner_id": buyer, "requested_amount": 1000}
    )
    admin.execute("ar.insurance.limit", "action_approve", [limit])
    invoice = new_invoice(admin, buyer, 5000, days_overdue=10)
    admin.execute("ar.insurance.policy", "action_refresh_receivables", [policy])
    claim = admin.execute(
        "ar.insurance.claim",
        "create",
        {"policy_id": policy, "partner_id": buyer, "move_ids": [[6, 0, [invoice]]]},
    )
    return (
        lambda: admin.execute("ar.insurance.claim", "write", [claim], {"claimed_amount": 1e9}),
        "is above the unpaid amount of its insured invoices",
        lambda: _read(admin, "ar.insurance.claim", claim, ["claimed_amount", "covered_amount"]),
    )


# The customer portal, over HTTP as a browser: a refused form answers 400 with the reason.
def _portal_customer(admin):
    """A customer with an open invoice of 500 and a portal session of its contact."""
    customer = new_customer(admin)
    login = f"bounds-portal-{_tag()}"
    contact = admin.execute(
        "res.partner",
        "create",
        {"name": "Portal contact", "parent_id": customer, "email": f"{login}@example.com"},
    )
    admin.execute(
        "res.users",
        "create",
        {
            "name": login,
            "login": login,
            "password": login,
            "partner_id": contact,
            "groups_id": [[6, 0, [admin.ref("base.group_portal")]]],
        },
    )
    invoice = new_invoice(admin, customer, 500)
    session = HttpSession(admin.rpc.url, admin.rpc.db)
    session.login_form(login, login)
    return customer, invoice, session


def _refused_page(answer):
    """The text of the error a refused portal request shows; it must be a 400, not a 500 or a redirect."""
    status, _location, body = answer
    assert status == 400, f"expected 400, got {status}: {body[:300]}"
    match = re.search(r"o_ar_form_error[^>]*>([^<]*)<", body)
    assert match, body[:500]
    return html.unescape(match.group(1))


def _portal_dispute_amount(amount):
    def row(admin):
        _customer, invoice, session = _portal_customer(admin)
        fields = {
            "reason": "Wrong price",
            "amount": amount,
            "csrf_token": session.csrf_token("/my/statement"),
        }
        return (
            lambda: _refused_page(session.post_form(f"/my/statement/dispute/{invoice}", fields)),
            PORTAL_AMOUNT,
            _count(admin, "ar.dispute", [["move_id", "=", invoice]]),
        )

    row.__name__ = f"portal_dispute_amount_{amount}"
    return row


def portal_promise_amount_inf(admin):
    customer, invoice, session = _portal_customer(admin)
    fields = {
        "date": (TODAY + timedelta(days=10)).isoformat(),
        "amount": "inf",
        "move_ids": str(invoice),
        "csrf_token": session.csrf_token("/my/statement"),
    }
    return (
        lambda: _refused_page(session.post_form("/my/statement/promise", fields)),
        PORTAL_AMOUNT,
        _count(admin, "ar.payment.promise", [["partner_id", "=", customer]]),
    )


def portal_promise_dated_9999_12_31(admin):
    customer, invoice, session = _portal_customer(admin)
    fields = {
        "date": "9999-12-31",
        "amount": "100",
        "move_ids": str(invoice),
        "csrf_token": session.csrf_token("/my/statement"),
    }
    return (
        lambda: _refused_page(session.post_form("/my/statement/promise", fields)),
        PORTAL_DATE,
        _count(admin, "ar.payment.promise", [["partner_id", "=", customer]]),
    )


def portal_promise_above_the_open_amount(admin):
    customer, invoice, session = _portal_customer(admin)
    fields = {
        "date": (TODAY + timedelta(days=10)).isoformat(),
        "amount": "1000000",
        "move_ids": str(invoice),
        "csrf_token": session.csrf_token("/my/statement"),
    }
    return (
        lambda: _refused_page(session.post_form("/my/statement/promise", fields)),
        "is more than the open amount of the promised invoices",
        _count(admin, "ar.payment.promise", [["partner_id", "=", customer]]),
    )


def portal_dispute_reason_of_100000_characters(admin):
    _customer, invoice, session = _portal_customer(admin)
    fields = {"reason": "x" * 100_000, "csrf_token": session.csrf_token("/my/statement")}
    return (
        lambda: _refused_page(session.post_form(f"/my/statement/dispute/{invoice}", fields)),
        "is 100,000 characters long",
        _count(admin, "ar.dispute", [["move_id", "=", invoice]]),
    )


def portal_statement_pdf_dated_year_1(admin):
    customer, _invoice, session = _portal_customer(admin)
    return (
        lambda: _refused_page(session.get("/my/statement/pdf?date_to=0001-01-01")),
        PORTAL_DATE,
        _count(admin, "ar.balance.confirmation", [["partner_id", "=", customer]]),
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
    temporary_limit_expired_on_setting,
    limit_of_1e308,
    limit_of_nan,
    temporary_limit_of_infinity,
    new_customer_with_a_limit_of_infinity,
    hold_reason_of_100000_characters,
    insurance_limit_requested_nan,
    dunning_level_without_days,
    dunning_fee_of_a_million_percent,
    dunning_fixed_fee_of_infinity,
    promise_dated_9999_12_31,
    promise_beyond_the_company_horizon,
    promise_of_1e15,
    promise_above_the_open_amount,
    payment_plan_installment_dated_year_1,
    dispute_reason_of_100000_characters,
    claim_amount_far_above_its_invoices,
    *(_portal_dispute_amount(amount) for amount in ("inf", "1e308", "-5", "abc", "nan", "0")),
    portal_promise_amount_inf,
    portal_promise_dated_9999_12_31,
    portal_promise_above_the_open_amount,
    portal_dispute_reason_of_100000_characters,
    portal_statement_pdf_dated_year_1,
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
