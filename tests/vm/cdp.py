# SPDX-License-Identifier: LGPL-2.1-or-later
"""Drive Debian's headless chromium through the DevTools protocol (CDP).

Contract: Browser() starts one chromium of its own (headless, a fresh
profile in a temporary directory, DevTools on a loopback port chosen by
chromium) and talks to its one page over a websocket (python3-websocket).
Every call blocks until chromium answers, and fails with BrowserError
naming what was asked; wait() polls an expression in the page until it
holds or its time is up (tests poll; the page under test does not).
Nothing here knows the page: selectors and expressions come from the
caller. close() ends the browser and removes its profile; use it as a
context manager. Console messages and uncaught exceptions of the page are
kept in .console, for a failing test to print.
"""

import base64
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket


class BrowserError(Exception):
    pass


class Browser:
    def __init__(self, binary="chromium", width=1400, height=1000, start_timeout=180):
        self.profile = tempfile.mkdtemp(prefix="cdp-profile.")
        self.console = []
        self._next_id = 0
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        try:
            port = self._devtools_port(start_timeout)
            self.ws = websocket.create_connection(self._page_url(port, start_timeout),
                                                  timeout=start_timeout, suppress_origin=True)
            self.call("Page.enable")
            self.call("Runtime.enable")
        except BaseException:
            self.close()
            raise

    def _devtools_port(self, timeout):
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stderr], [], [], deadline - time.monotonic())
            if not ready:
                break
            line = self.proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if m:
                # Keep draining stderr so that chromium never blocks on it.
                self._drain = subprocess.Popen(["cat"], stdin=self.proc.stderr,
                                               stdout=subprocess.DEVNULL)
                return int(m.group(1))
        raise BrowserError("chromium did not open DevTools; it said: " + "".join(seen[-20:]))

    @staticmethod
    def _page_url(port, timeout):
        deadline = time.monotonic() + timeout
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            if time.monotonic() > deadline:
                raise BrowserError(f"chromium on port {port} has no page")
            time.sleep(0.2)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        ws = getattr(self, "ws", None)
        if ws is not None:
            try:
                self._send("Browser.close", {})
            except Exception:
                pass
            ws.close()
            self.ws = None
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        drain = getattr(self, "_drain", None)
        if drain is not None:
            drain.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    # ------------------------------------------------------------ protocol

    def _send(self, method, params):
        self._next_id += 1
        self.ws.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        return self._next_id

    def _event(self, msg):
        method = msg.get("method")
        params = msg.get("params", {})
        if method == "Runtime.consoleAPICalled":
            args = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            self.console.append(f"console.{params.get('type')}: {' '.join(args)}")
        elif method == "Runtime.exceptionThrown":
            d = params.get("exceptionDetails", {})
            self.console.append("exception: " + d.get("exception", {}).get("description", d.get("text", "")))

    def call(self, method, **params):
        """One CDP command; returns its result, or raises BrowserError."""
        want = self._send(method, params)
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == want:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})
            self._event(msg)

    # ---------------------------------------------------------------- page

    def eval(self, expression):
        """The value of a JS expression in the page (promises are awaited)."""
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise BrowserError(f"evaluating {expression!r}: "
                               + d.get("exception", {}).get("description", d.get("text", "")))
        return r.get("result", {}).get("value")

    def wait(self, expression, timeout=60, what=None):
        """Polls the expression until it is truthy in JS (an element counts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.eval(f"!!({expression})"):
                return
            time.sleep(0.1)
        raise BrowserError(f"timed out after {timeout}s waiting for {what or expression}")

    def open(self, url, timeout=120):
        """Navigates and waits until the document has loaded."""
        r = self.call("Page.navigate", url=url)
        if r.get("errorText"):
            raise BrowserError(f"navigating to {url}: {r['errorText']}")
        # Until the navigation commits, the old document (about:blank) answers.
        self.wait(f"location.href === {json.dumps(url)} && document.readyState === 'complete'",
                  timeout, f"{url} to load")

    def screenshot(self, path, full_page=True):
        """Saves a PNG of the whole page, or of the window scrolled to the top, at path."""
        params = {"format": "png"}
        if not full_page:
            self.eval("window.scrollTo(0, 0)")
        else:
            m = self.call("Page.getLayoutMetrics")
            size = m.get("cssContentSize") or m["contentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                                "scale": 1})
        r = self.call("Page.captureScreenshot", **params)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        return path

    def _element(self, selector):
        return f"(() => {{ const e = document.querySelector({json.dumps(selector)});" \
               f" if (!e) throw new Error('no element ' + {json.dumps(selector)}); return e; }})()"

    def click(self, selector):
        """Clicks the element as a user would (it must be shown and enabled)."""
        self.eval(f"(() => {{ const e = {self._element(selector)};"
                  " if (e.disabled) throw new Error('disabled: ' + e.outerHTML);"
                  " if (!e.getClientRects().length) throw new Error('not shown: ' + e.outerHTML);"
                  " e.scrollIntoView(); e.click(); return true; })()")

    def fill(self, selector, value):
        """Sets an input's, textarea's or select's value and fires input and change."""
        self.eval(f"(() => {{ const e = {self._element(selector)}; e.value = {json.dumps(value)};"
                  " if (e.value !== " + json.dumps(value) + ")"
                  " throw new Error('value not taken: ' + e.value);"
                  " e.dispatchEvent(new Event('input', {bubbles: true}));"
                  " e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()")

    def check(self, selector, on=True):
        self.eval(f"(() => {{ const e = {self._element(selector)}; e.checked = {json.dumps(on)};"
                  " e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()")

    def text(self, selector):
        """The element's textContent, or None if there is no such element."""
        return self.eval(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                         " return e ? e.textContent : null; })()")
