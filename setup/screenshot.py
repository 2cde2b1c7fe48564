"""Screenshots of a running Odoo, logged in, with headless Chromium.

    python setup/screenshot.py URL DB LOGIN PASSWORD OUT.png PATH [PATH OUT.png ...]

Logs in through /web/session/authenticate, hands the session cookie to
Chromium over the DevTools protocol (websocket-client), opens each PATH
(e.g. "/odoo/apps") and writes a PNG.  A PATH may end with "|CSS selector":
that element is clicked before the picture (e.g. a notebook tab), or, with
"|scroll:CSS selector", scrolled into view.  Used to
refresh the README's pictures.
"""

import base64
import json
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket


def authenticate(url, db, login, password):
    """Return the session id of a logged-in session."""
    payload = {"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}}
    request = urllib.request.Request(
        f"{url}/web/session/authenticate",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        cookie = response.headers.get("Set-Cookie", "")
    return cookie.split("session_id=", 1)[1].split(";", 1)[0]


class Chrome:
    """A headless Chromium driven through the DevTools protocol."""

    def __init__(self, port=9333):
        self.profile = tempfile.mkdtemp(prefix="ar-chrome-")
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "--window-size=1440,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as response:
                    pages = [t for t in json.loads(response.read()) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.seq = 0

    def send(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.seq:
                return message.get("result", {})

    def close(self):
        self.ws.close()
        self.process.terminate()


def main(argv):
    url, db, login, password = argv[:4]
    shots = list(zip(argv[5::2], argv[4::2], strict=False))
    session = authenticate(url, db, login, password)
    chrome = Chrome()
    try:
        chrome.send("Network.enable")
        host = url.split("//", 1)[1].split(":")[0]
        chrome.send("Network.setCookie", name="session_id", value=session, domain=host, path="/")
        chrome.send(
            "Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False
        )
        for target, out in shots:
            path, _sep, selector = target.partition("|")
            chrome.send("Page.navigate", url=f"{url}{path}")
            time.sleep(6)
            script = "document.querySelectorAll('.o_notification_close').forEach(b => b.click());"
            if selector.startswith("scroll:"):
                script += f"document.querySelector({json.dumps(selector[7:])})?.scrollIntoView();"
            elif selector:
                script += f"document.querySelector({json.dumps(selector)})?.click();"
            chrome.send("Runtime.evaluate", expression=script)
            time.sleep(1.5)
            data = chrome.send("Page.captureScreenshot", format="png")["data"]
            with open(out, "wb") as handle:
                handle.write(base64.b64decode(data))
            print(out)
    finally:
        chrome.close()


if __name__ == "__main__":
    main(sys.argv[1:])
