#!/usr/bin/env python3
"""Opens HTML plan reports in headless Chromium over the DevTools protocol and checks them.

For each `NAME.html` given (with `NAME.plan.json` and `NAME.fleet.json` next to it) it checks that the page
loads with no console error, no exception, no dialog and no network request; that it holds no script; that
the SVG drawings have an element for every site, step and extended network; and writes `NAME.png`, a
screenshot of the whole page. `--docs FILE` also writes a screenshot of the top of the first page to FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import websockets

WIDTH = 1100


class Cdp:
    """A DevTools session on one page target (flat session mode)."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.session = None
        self.events: list[dict] = []
        self.pending: dict[int, asyncio.Future] = {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg and msg["id"] in self.pending:
                self.pending.pop(msg["id"]).set_result(msg)
            elif "method" in msg:
                self.events.append(msg)

    async def call(self, method: str, params: dict | None = None, session: bool = True) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        await self.ws.send(json.dumps(msg))
        reply = await asyncio.wait_for(fut, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def wait_for(self, method: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e["method"] == method for e in self.events):
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no {method} within {timeout} s")


def expected(name: pathlib.Path) -> dict[str, set[str]]:
    fleet = json.loads(name.with_suffix(".fleet.json").read_text())
    plan = json.loads(name.with_suffix(".plan.json").read_text())
    networks = {e["network"] for e in fleet.get("extensions", [])}
    for m in fleet.get("meshes", []):
        for a in m.get("appliances", []):
            networks.update(a.get("networks", []))
    return {
        "site": {s["id"] for s in fleet["sites"]},
        "step": {s["id"] for s in plan["steps"]},
        "network": networks,
    }


DOM_PROBE = """(() => {
  const ids = (attr) => [...document.querySelectorAll(`svg [data-${attr}]`)].map(e => e.getAttribute(`data-${attr}`));
  return JSON.stringify({
    site: ids('site'), step: ids('step'), network: ids('network'),
    scripts: document.scripts.length, svgs: document.querySelectorAll('svg').length,
    text: document.body.innerText, height: document.documentElement.scrollHeight,
  });
})()"""


async def check_page(cdp: Cdp, html: pathlib.Path, docs: pathlib.Path | None) -> list[str]:
    problems: list[str] = []
    target = await cdp.call("Target.createTarget", {"url": "about:blank"}, session=False)
    attached = await cdp.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False)
    cdp.session = attached["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        await cdp.call(f"{domain}.enable")
    await cdp.call("Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    cdp.events.clear()
    url = html.resolve().as_uri()
    await cdp.call("Page.navigate", {"url": url})
    await cdp.wait_for("Page.loadEventFired")
    probe = json.loads((await cdp.call("Runtime.evaluate", {"expression": DOM_PROBE, "returnByValue": True}))["result"]["value"])

    for e in cdp.events:
        m, p = e["method"], e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            problems.append(f"console {p['type']}: {[a.get('value', a.get('description')) for a in p.get('args', [])]}")
        elif m == "Runtime.exceptionThrown":
            problems.append(f"exception: {p['exceptionDetails'].get('text')}")
        elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            problems.append(f"log {p['entry']['level']}: {p['entry']['text']}")
        elif m == "Page.javascriptDialogOpening":
            problems.append(f"a dialog opened: {p.get('message')}")
        elif m == "Network.requestWillBeSent" and p["request"]["url"] != url:
            problems.append(f"network request: {p['request']['url']}")
    if probe["scripts"]:
        problems.append(f"{probe['scripts']} script element(s) in the page")
    want = expected(html)
    for kind, ids in want.items():
        missing = sorted(ids - set(probe[kind]))
        if missing:
            problems.append(f"no SVG element for {kind}(s) {missing}")

    shot = await cdp.call("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": WIDTH, "height": probe["height"], "scale": 1},
    })
    html.with_suffix(".png").write_bytes(base64.b64decode(shot["data"]))
    if docs is not None:
        top = await cdp.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": WIDTH, "height": min(probe["height"], 1180), "scale": 1},
        })
        docs.write_bytes(base64.b64decode(top["data"]))
    await cdp.call("Target.closeTarget", {"targetId": target["targetId"]}, session=False)
    cdp.session = None
    counts = ", ".join(f"{len(want[k])} {k}s" for k in ("site", "step", "network"))
    print(f"  {html.name}: {counts} drawn; {len(problems)} problem(s); screenshot {html.with_suffix('.png')}")
    return problems, probe["text"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("html_check: no chromium on PATH")


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="+", type=pathlib.Path)
    ap.add_argument("--docs", type=pathlib.Path, help="also write a screenshot of the first page's top here")
    ap.add_argument("--expect-text", action="append", default=[], metavar="NAME=TEXT",
                    help="the page NAME must show TEXT literally (escaped fleet strings)")
    args = ap.parse_args()
    profile = tempfile.mkdtemp(prefix="hcx-chromium-")
    proc = subprocess.Popen([
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
        "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    failures = 0
    try:
        port_file = pathlib.Path(profile, "DevToolsActivePort")
        for _ in range(300):
            if port_file.exists() and len(port_file.read_text().splitlines()) >= 2:
                break
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        async with websockets.connect(f"ws://127.0.0.1:{port}{path}", max_size=None) as ws:
            cdp = Cdp(ws)
            expect = dict(e.split("=", 1) for e in args.expect_text)
            for i, page in enumerate(args.pages):
                problems, text = await check_page(cdp, page, args.docs if i == 0 else None)
                if page.stem in expect and expect[page.stem] not in text:
                    problems.append(f"the page does not show {expect[page.stem]!r} as text")
                for p in problems:
                    print(f"    FAIL {page.name}: {p}")
                failures += bool(problems)
            cdp.reader.cancel()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
