"""The PDFs a customer receives, produced by the real wkhtmltopdf through a running server.

The dunning letter and the invoices attached to a reminder come from a real
dunning run; the statement of account from the backend report route and from
the portal. The server of these tests is a normal server (not Odoo's test
mode, where reports come out as HTML), so each answer must be a PDF whose text
names the customer, the invoice numbers and the totals.
"""

import base64
import io
import json
import socket
import subprocess
import urllib.parse
import uuid
from datetime import date, timedelta

import pytest
from conftest import HttpSession, new_customer, new_invoice
from PyPDF2 import PdfReader

AMOUNTS = (1234.56, 789.00)
TOTAL = "2,023.56"


def pdf_text(content):
    """The text of a real PDF, by poppler's ``pdftotext`` (a rendering that fell back to HTML fails here)."""
    assert content[:5] == b"%PDF-", f"not a PDF: {content[:80]!r}"
    assert PdfReader(io.BytesIO(content)).pages, "a PDF with pages"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def fetch_pdf(session, path):
    """The PDF answered on ``path`` in ``session`` (binary: ``HttpSession.get`` reads text)."""
    with session.opener.open(f"{session.url}{path}", timeout=300) as response:
        assert response.status == 200
        assert response.headers.get("Content-Type", "").startswith("application/pdf")
        return response.read()


def attachment_pdf(admin, attachment_id):
    [attachment] = admin.execute("ir.attachment", "read", [attachment_id], ["datas", "mimetype"])
    assert attachment["mimetype"] == "application/pdf"
    return base64.b64decode(attachment["datas"])


@pytest.fixture(scope="module")
def report_url(admin):
    """Print with the system fonts: Odoo's ``report.url`` on a closed port, for this module only.

    wkhtmltopdf loads the report's styles and web fonts from ``report.url``.
    The Debian wkhtmltopdf (built without Odoo's patched Qt) draws text in web
    fonts as outlines, which no PDF reader turns back into text; without the
    styles it prints the same content in the system fonts, as text.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    previous = admin.execute("ir.config_parameter", "get_param", "report.url")
    admin.execute("ir.config_parameter", "set_param", "report.url", closed)
    yield
    admin.execute("ir.config_parameter", "set_param", "report.url", previous or False)


@pytest.fixture(scope="module")
def reminded(admin, company_id, report_url):
    """A customer with two overdue invoices, reminded by a real run: a letter, the invoices attached."""
    tag = uuid.uuid4().hex[:6]
    customer = new_customer(admin, name=f"PdfCustomer {tag}", email=f"ap-{tag}@pdf.example.com")
    policy = admin.execute("ar.dunning.policy", "create", {"name": f"PDF {tag}", "company_id": company_id})
    admin.execute(
        "ar.dunning.level",
        "create",
        {
            "policy_id": policy,
            "name": "Letter and invoices",
            "days": 30,
            "min_days_since_previous": 0,
            "send_email": True,
            "mail_template_id": admin.ref("ar_dunning.mail_template_dunning_formal"),
            "attach_invoices": True,
            "send_letter": True,
        },
    )
    admin.execute("res.partner", "write", [customer], {"ar_dunning_policy_id": policy})
    moves = [new_invoice(admin, customer, amount, days_overdue=40 - i) for i, amount in enumerate(AMOUNTS)]
    names = [move["name"] for move in admin.execute("account.move", "read", moves, ["name"])]
    run = admin.execute(
        "ar.dunning.run", "create", {"company_id": company_id, "partner_ids": [[6, 0, [customer]]]}
    )
    admin.execute("ar.dunning.run", "action_start", [run])
    [comm] = admin.execute(
        "ar.dunning.communication",
        "search_read",
        [["partner_id", "=", customer]],
        ["state", "error", "letter_attachment_id", "mail_id", "amount_due"],
    )
    assert comm["state"] == "sent", comm["error"]
    assert comm["amount_due"] == pytest.approx(sum(AMOUNTS))
    return {"customer": customer, "name": f"PdfCustomer {tag}", "invoices": names, "comm": comm}


def assert_names_invoices_total(text, reminded, total=TOTAL):
    assert reminded["name"] in text
    for invoice in reminded["invoices"]:
        assert invoice in text
    assert total in text


def test_dunning_letter_is_a_real_pdf(admin, reminded):
    letter = attachment_pdf(admin, reminded["comm"]["letter_attachment_id"][0])
    assert_names_invoices_total(pdf_text(letter), reminded)


def test_invoices_attached_to_the_reminder_are_a_real_pdf(admin, reminded):
    [mail] = admin.execute("mail.mail", "read", [reminded["comm"]["mail_id"][0]], ["attachment_ids"])
    [attachment_id] = mail["attachment_ids"]
    text = pdf_text(attachment_pdf(admin, attachment_id))
    assert reminded["name"] in text
    for invoice, amount in zip(reminded["invoices"], ("1,234.56", "789.00"), strict=True):
        assert invoice in text
        assert amount in text


def _period():
    return (date.today() - timedelta(days=60)).isoformat(), date.today().isoformat()


def test_backend_statement_is_a_real_pdf(odoo_server, rpc, reminded):
    """The statement the accountant prints (``/report/pdf/...``) for the period of the invoices."""
    date_from, date_to = _period()
    session = HttpSession(odoo_server, rpc.db)
    session.login_form("admin", "admin")
    options = urllib.parse.quote(json.dumps({"date_from": date_from, "date_to": date_to}))
    path = f"/report/pdf/ar_dunning.report_customer_statement/{reminded['customer']}?options={options}"
    content = fetch_pdf(session, path)
    assert_names_invoices_total(pdf_text(content), reminded)


def test_portal_statement_is_a_real_pdf(admin, odoo_server, rpc, reminded):
    """The statement the customer downloads from its portal (``/my/statement/pdf``)."""
    login = f"pdf-portal-{uuid.uuid4().hex[:8]}"
    admin.execute(
        "res.users",
        "create",
        {
            "name": reminded["name"],
            "login": login,
            "password": login,
            "partner_id": reminded["customer"],
            "groups_id": [[6, 0, [admin.ref("base.group_portal")]]],
        },
    )
    session = HttpSession(odoo_server, rpc.db)
    session.login_form(login, login)
    date_from, date_to = _period()
    path = f"/my/statement/pdf?date_from={date_from}&date_to={date_to}"
    content = fetch_pdf(session, path)
    assert_names_invoices_total(pdf_text(content), reminded)
