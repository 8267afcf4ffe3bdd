"""Shared part of the discovery baselines: the calls `hcx discover` makes to one HCX Manager.

Same requests, same order of dependency as hcx-core's client (`client/discover`): log in
(`POST /hybridity/api/sessions`, token from `x-hm-authorization`), then seven reads. One `requests.Session`
per manager, so its connection is kept alive between the calls, as any reasonable script would do.
"""

import json
import os
import sys

import requests

READS = [
    ("GET", "/hybridity/api/metainfo/context/support", None),
    ("GET", "/hybridity/api/cloudConfigs", None),
    ("GET", "/hybridity/api/interconnect/serviceMesh", None),
    ("GET", "/hybridity/api/interconnect/appliances", None),
    ("GET", "/hybridity/api/l2Extensions", None),
    ("POST", "/hybridity/api/migrations?action=query", {}),
    ("POST", "/hybridity/api/replications?action=query", {"type": "summary"}),
]

HEADERS = {"accept": "application/json", "content-type": "application/json"}


def load_endpoints(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("schema") != "hcx-endpoints/v1":
        sys.exit(f"{path}: not an hcx-endpoints/v1 file")
    return doc["endpoints"]


def discover_one(endpoint, password):
    """Logs in and reads the seven endpoints one after the other; returns the number of requests made."""
    base = endpoint["url"].rstrip("/")
    with requests.Session() as s:
        r = s.post(base + "/hybridity/api/sessions", headers=HEADERS,
                   json={"username": endpoint["username"], "password": password}, timeout=60)
        r.raise_for_status()
        headers = dict(HEADERS, **{"x-hm-authorization": r.headers["x-hm-authorization"]})
        for method, path, body in READS:
            r = s.request(method, base + path, headers=headers, json=body, timeout=60)
            r.raise_for_status()
            r.json()
    return 1 + len(READS)


def password():
    pw = os.environ.get("HCX_PASSWORD")
    if not pw:
        sys.exit("set HCX_PASSWORD")
    return pw
