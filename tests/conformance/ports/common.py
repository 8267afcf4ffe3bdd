"""Shared plumbing for the ports: HTTP the way PowerShell's Invoke-WebRequest/Invoke-RestMethod do it, the
endpoints file written by hcx-sim, and PASS/FAIL reporting.

Only transport lives here; every request a port sends, and what it reads from the answer, is in the port
itself next to the file:line of the original script.
"""

import json
import os
import ssl
import sys
import urllib.error
import urllib.request


class PsHttpError(Exception):
    """A non-2xx answer: Invoke-WebRequest and Invoke-RestMethod throw on it."""

    def __init__(self, method, url, status, body):
        super().__init__(f"{method} {url} -> HTTP {status}: {body[:300]!r}")
        self.status = status
        self.body = body


class Response:
    def __init__(self, status, headers, content):
        self.status_code = status
        self.headers = headers  # list of (name, value), names as sent
        self.content = content

    def header(self, name):
        """All values of a header (PowerShell's Headers[name] is a string array)."""
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.content) if self.content.strip() else None


_INSECURE = ssl.create_default_context()
_INSECURE.check_hostname = False
_INSECURE.verify_mode = ssl.CERT_NONE  # -SkipCertificateCheck


def web_request(method, url, headers=None, body=None, timeout=30):
    """Invoke-WebRequest: throws PsHttpError on a non-2xx status, else returns the raw response."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=_INSECURE) as r:
            return Response(r.status, list(r.headers.items()), r.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as e:
        raise PsHttpError(method, url, e.code, e.read().decode("utf-8", "replace")) from None


def rest_method(method, url, headers=None, body=None, timeout=30):
    """Invoke-RestMethod: like web_request, then the body parsed as JSON (PowerShell does so for JSON
    answers; a body that is not JSON comes back as a string)."""
    r = web_request(method, url, headers, body, timeout)
    try:
        return r.json()
    except ValueError:
        return r.content


def convert_to_json(obj):
    """ConvertTo-Json: indented JSON (the key order of a PowerShell hashtable is not defined)."""
    return json.dumps(obj, indent=2)


def endpoints():
    """The hcx-endpoints/v1 file hcx-sim wrote (--write-endpoints), keyed by site id."""
    path = os.environ.get("HCX_CONF_ENDPOINTS")
    if not path:
        sys.exit("HCX_CONF_ENDPOINTS is not set (scripts/test-conformance.sh sets it)")
    with open(path) as f:
        doc = json.load(f)
    return {e["site"]: e for e in doc["endpoints"]}


def password():
    return os.environ.get("HCX_CONF_PASSWORD", "hcx-sim-password")


def host_of(url):
    """'https://127.0.0.1:1234' -> '127.0.0.1:1234' (the scripts build https://<server>/... themselves)."""
    return url.split("://", 1)[1].rstrip("/")


class Report:
    """PASS/FAIL lines; a failure that GAPS.md lists is printed with its gap id so the run says so."""

    def __init__(self, client):
        self.client = client
        self.failed = 0
        self.passed = 0
        self.unknowns = 0

    def check(self, name, ok, detail="", gap=None):
        if ok:
            self.passed += 1
            print(f"PASS [{self.client}] {name}")
        else:
            self.failed += 1
            tag = f" (known simulator gap {gap}, tests/conformance/GAPS.md)" if gap else ""
            print(f"FAIL [{self.client}] {name}{tag}: {detail}")
        return ok

    def unknown(self, name, served, detail=""):
        """A value the client reads that no public source shows: hcx-sim does not invent it (hcx-sim/README.md,
        UNKNOWN). Reported, and it must stay unserved: a value appearing here is an invented fact."""
        if served:
            self.check(f"{name}: hcx-sim serves a value no public source shows", False, detail)
        else:
            self.unknowns += 1
            print(f"UNKNOWN [{self.client}] {name}: not served, the real value is unknown (GAPS.md, unknown values)")

    def run(self, name, fn, gap=None):
        """Runs one step of a port; an exception is that step's failure (the original script would have
        thrown or written an error there)."""
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - any error is the finding
            self.check(name, False, f"{type(e).__name__}: {e}", gap)
            return None

    def done(self):
        print(f"[{self.client}] {self.passed} passed, {self.failed} failed, {self.unknowns} unknown")
        return 1 if self.failed else 0
