"""Pictures of what a customer receives: reminder email, SMS, dunning letter, statement.

    setup/demo.sh --reset          # a fresh demo database, ar_demo, on port 8069
    python setup/reminder_pictures.py [--url http://127.0.0.1:8069] [--db ar_demo]
        [--login admin] [--password admin] [--out docs/screenshots]

Run it, with the venv's python (it needs websocket-client and Pillow),
Chromium and ``pdftoppm`` (poppler-utils), against a running server on a
fresh demo database (``--reset``: an updated one keeps the demo data it was
created with, perhaps without the levels' SMS or the customers' mobiles).
Through JSON-RPC, as the admin, it

- activates Chinese (zh_CN) and its translations;
- makes Baltic Shipping AB the English customer and Shenzhen Qianhai Tech
  the Chinese one (language zh_CN), each with a mobile number when it has
  none: both have invoices 30 days or more overdue, at the level "Formal letter and call"
  (email, SMS and letter);
- runs the day's dunning run when these customers have no reminder yet.

Then, for each language, it writes to ``--out``:

- ``reminder-email-LANG.png``: the body of the queued ``mail.mail``, as sent,
  under its sender, recipient and subject (Chromium);
- ``reminder-sms-LANG.png``: the text of the queued ``sms.sms`` (Chromium);
- ``reminder-letter-LANG.png``: page 1 of the dunning letter PDF;
- ``statement-LANG.png``: page 1 of the statement of account PDF (the
  last six months);

the PDFs are printed by the server (``/report/pdf/...``, wkhtmltopdf) with
the customer's language in the context, as a customer of that language gets
them on the portal, and turned into pictures by ``pdftoppm -png -r 80 -f 1
-l 1``, cropped to the page's content.  The customers' language must be set
before their reminders are queued: on a database where the run already queued
them in English, start from a fresh one.
"""

import argparse
import base64
import datetime
import html
import http.cookiejar
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from PIL import Image, ImageChops
from screenshot import Chrome

#: language -> (customer's external id, mobile number set when it has none)
CUSTOMERS = {
    "en": ("ar_credit_control.demo_customer_04", "+46 70 123 45 67"),
    "zh": ("ar_credit_control.demo_customer_05", "139 0755 0000"),
}
LANGS = {"en": "en_US", "zh": "zh_CN"}
LEVEL = "ar_dunning.ar_dunning_level_formal"
#: the labels of the email's header, which the mail client shows in its own language
EMAIL_LABELS = {"en": ("From", "To", "Date"), "zh": ("发件人", "收件人", "日期")}

EMAIL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><base href="{base}">
<style>
body {{ margin: 0; background: #fff; font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; }}
#frame {{ width: 760px; padding: 16px 20px; }}
#head {{ border-bottom: 1px solid #ddd; padding-bottom: 10px; margin-bottom: 12px;
         font-size: 13px; color: #444; }}
#head b {{ display: inline-block; width: 70px; color: #888; font-weight: normal; }}
#subject {{ font-size: 18px; color: #111; margin-bottom: 6px; }}
</style></head>
<body><div id="frame">
<div id="head"><div id="subject">{subject}</div>
<div><b>{label_from}</b>{sender}</div><div><b>{label_to}</b>{recipient}</div>
<div><b>{label_date}</b>{date}</div></div>
{body}
</div></body></html>
"""

SMS_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<style>
body {{ margin: 0; background: #fff; font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; }}
#frame {{ width: 380px; padding: 16px; background: #f4f4f6; border-radius: 18px; }}
#sender {{ text-align: center; font-size: 13px; color: #666; margin-bottom: 12px; }}
#sender b {{ display: block; font-size: 16px; color: #111; }}
#bubble {{ background: #e5e5ea; border-radius: 16px; padding: 10px 14px; font-size: 15px;
          line-height: 1.35; color: #111; max-width: 320px; word-wrap: break-word; white-space: pre-wrap; }}
</style></head>
<body><div id="frame">
<div id="sender"><b>{sender}</b>{number}</div>
<div id="bubble">{body}</div>
</div></body></html>
"""


class Odoo:
    """A logged-in session: JSON-RPC calls and downloads share its cookie."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        result = self._json("/web/session/authenticate", {"db": db, "login": login, "password": password})
        self.uid = result["uid"]

    def _json(self, path, params):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params}
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=600) as response:
            answer = json.loads(response.read())
        if answer.get("error"):
            raise RuntimeError(json.dumps(answer["error"], indent=1)[:4000])
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
        return self._json("/web/dataset/call_kw", params)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"]
        )
        return rows[0]["res_id"]

    def session_id(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "session_id")

    def download(self, path):
        with self.opener.open(f"{self.url}{path}", timeout=600) as response:
            if "pdf" not in response.headers.get("Content-Type", ""):
                raise RuntimeError(f"{path} did not answer a PDF: {response.read()[:2000]!r}")
            return response.read()


def prepare(odoo):
    """Chinese active, the two customers' language and mobile, their reminders: ``{lang: communication}``."""
    zh = odoo.call(
        "res.lang", "search_read", [("code", "=", "zh_CN"), ("active", "in", [True, False])], ["active"]
    )
    if not zh[0]["active"]:
        wizard = odoo.call("base.language.install", "create", {"lang_ids": [(6, 0, [zh[0]["id"]])]})
        odoo.call("base.language.install", "lang_install", [wizard])
    level = odoo.ref(LEVEL)
    partners = {}
    for key, (xmlid, mobile) in CUSTOMERS.items():
        partner = odoo.ref(xmlid)
        current = odoo.call("res.partner", "read", [partner], ["mobile", "lang"])[0]
        values = {"lang": LANGS[key]} if current["lang"] != LANGS[key] else {}
        if not current["mobile"]:
            values["mobile"] = mobile
        if values:
            odoo.call("res.partner", "write", [partner], values)
        partners[key] = partner

    def reminders():
        found = {}
        for key, partner in partners.items():
            comms = odoo.call(
                "ar.dunning.communication",
                "search_read",
                [("partner_id", "=", partner), ("level_id", "=", level), ("state", "=", "sent")],
                ["id", "mail_id", "sms_id", "partner_id"],
                order="date desc, id desc",
                limit=1,
            )
            if comms:
                found[key] = comms[0]
        return found

    found = reminders()
    if len(found) < len(partners):
        company = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
        run = odoo.call("ar.dunning.run", "create", {"company_id": company})
        odoo.call("ar.dunning.run", "action_start", [run])
        found = reminders()
    missing = set(partners) - set(found)
    if missing:
        sys.exit(f"No sent reminder at level 'Formal letter and call' for: {', '.join(sorted(missing))}")
    unsent = sorted(key for key, comm in found.items() if not (comm["mail_id"] and comm["sms_id"]))
    if unsent:
        sys.exit(f"The reminders queued no email or no SMS for: {', '.join(unsent)} (a fresh demo database?)")
    return found


def shoot(chrome, html_text, out):
    """Open ``html_text`` in Chromium and write the picture of its ``#frame``."""
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as handle:
        handle.write(html_text)
    try:
        chrome.send("Page.navigate", url=f"file://{handle.name}")
        time.sleep(2.5)
        box = chrome.send(
            "Runtime.evaluate",
            expression="JSON.stringify(document.querySelector('#frame').getBoundingClientRect())",
            returnByValue=True,
        )["result"]["value"]
        rect = json.loads(box)
        clip = {"x": 0, "y": 0, "width": rect["right"] + 4, "height": rect["bottom"] + 4, "scale": 1}
        data = chrome.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)[
            "data"
        ]
    finally:
        os.unlink(handle.name)
    with open(out, "wb") as picture:
        picture.write(base64.b64decode(data))
    print(out)


def email_picture(odoo, chrome, comm, key, out):
    mail = odoo.call(
        "mail.mail",
        "read",
        [comm["mail_id"][0]],
        ["subject", "email_from", "recipient_ids", "body_html", "date"],
    )[0]
    recipients = odoo.call("res.partner", "read", mail["recipient_ids"], ["email_formatted"])
    label_from, label_to, label_date = EMAIL_LABELS[key]
    page = EMAIL_PAGE.format(
        label_from=label_from,
        label_to=label_to,
        label_date=label_date,
        base=html.escape(odoo.url + "/"),
        subject=html.escape(mail["subject"] or ""),
        sender=html.escape(mail["email_from"] or ""),
        recipient=html.escape(", ".join(r["email_formatted"] for r in recipients)),
        date=html.escape(mail["date"] or ""),
        body=mail["body_html"],
    )
    shoot(chrome, page, out)


def sms_picture(odoo, chrome, comm, out):
    sms = odoo.call("sms.sms", "read", [comm["sms_id"][0]], ["body", "number"])[0]
    company = odoo.call("ar.dunning.communication", "read", [comm["id"]], ["company_id"])[0]["company_id"][1]
    page = SMS_PAGE.format(
        sender=html.escape(company), number=html.escape(sms["number"] or ""), body=html.escape(sms["body"])
    )
    shoot(chrome, page, out)


def pdf_picture(odoo, path, out):
    """Page 1 of the PDF the server prints at ``path``, at 80 dpi, without the blank above and below."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = os.path.join(folder, "report.pdf")
        with open(pdf, "wb") as handle:
            handle.write(odoo.download(path))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", pdf, os.path.join(folder, "page")],
            check=True,
        )
        page = next(name for name in os.listdir(folder) if name.endswith(".png"))
        image = Image.open(os.path.join(folder, page)).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box:
        image = image.crop((0, max(box[1] - 30, 0), image.width, min(box[3] + 30, image.height)))
    image.save(out, optimize=True)
    print(out)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="ar_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args(argv)
    odoo = Odoo(args.url.rstrip("/"), args.db, args.login, args.password)
    reminders = prepare(odoo)
    today = datetime.date.today()
    options = json.dumps({"date_from": (today - datetime.timedelta(days=182)).isoformat()})
    chrome = Chrome()
    try:
        chrome.send(
            "Emulation.setDeviceMetricsOverride", width=1000, height=800, deviceScaleFactor=1, mobile=False
        )
        for key, comm in reminders.items():
            out = os.path.join(args.out, "{}-" + key + ".png")
            email_picture(odoo, chrome, comm, key, out.format("reminder-email"))
            sms_picture(odoo, chrome, comm, out.format("reminder-sms"))
            # the customer's language, as on the portal: the statement's line types and aging
            # columns are in the language of whoever prints it, not of the customer
            context = json.dumps({"lang": LANGS[key]})
            letter = urllib.parse.urlencode({"context": context})
            pdf_picture(
                odoo,
                f"/report/pdf/ar_dunning.report_dunning_letter/{comm['id']}?{letter}",
                out.format("reminder-letter"),
            )
            partner = comm["partner_id"][0]
            statement = urllib.parse.urlencode({"options": options, "context": context})
            pdf_picture(
                odoo,
                f"/report/pdf/ar_dunning.report_customer_statement/{partner}?{statement}",
                out.format("statement"),
            )
    finally:
        chrome.close()


if __name__ == "__main__":
    main(sys.argv[1:])
