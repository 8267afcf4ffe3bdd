"""Runs Microsoft's hcx.py (AzureMonitorForSAPSolutions, vendored unmodified in provider/hcx.py) against one
hcx-sim manager and asserts what the monitor gets: the constructor (login, vcGuid from
metainfo/context/interconnect), getServiceMesh() and getApppliances().

Usage: check_hcx_py.py SITE_ID   (one site per process: hcx.py keeps serviceMeshArray on the class).
Environment: HCX_CONF_ENDPOINTS, HCX_CONF_SCENARIO, HCX_CONF_PASSWORD (scripts/test-conformance.sh sets them).
"""

import json
import logging
import os
import sys

import urllib3

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "ports"))

from common import Report, endpoints, host_of, password  # noqa: E402
from provider.hcx import hcxProviderInstance  # noqa: E402

# hcx.py sends verify=False on every request; the warning it triggers each time says nothing new here.
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def expected(site):
    """The scenario's meshes touching SITE, with the appliances each lists."""
    with open(os.environ["HCX_CONF_SCENARIO"]) as f:
        fleet = json.load(f)["fleet"]
    return {m["id"]: m["appliances"] for m in fleet["meshes"] if site in (m["source"], m["destination"])}


def main():
    site = sys.argv[1]
    rep = Report(f"hcx.py {site}")
    ep = endpoints()[site]
    if not ep["url"].startswith("https://"):
        rep.check("hcx-sim serves HTTPS (hcx.py hardcodes https:// and verify=False, hcx.py:21)", False,
                  f"endpoint url is {ep['url']}: hcx-sim runs without --tls", gap="G-TLS")
        return rep.done()
    tracer = logging.getLogger("hcx.py")
    tracer.setLevel(logging.WARNING)  # hcx.py:36 passes a stray argument to tracer.info; keep it unformatted

    # hcx.py:15-40: login, then vcGuid = body[0]["cloudManagementPlatforms"][0]["cmpId"].
    inst = rep.run("constructor (hcx.py:15-40: sessions, metainfo/context/interconnect)",
                   lambda: hcxProviderInstance(host_of(ep["url"]), ep["username"], password(), tracer), gap="G-METAINFO")
    if inst is None:
        return rep.done()
    rep.check("constructor: x-hm-authorization token", bool(inst.authToken), repr(inst.authToken))
    rep.check("constructor: vcGUID from cloudManagementPlatforms[0].cmpId", bool(inst.vcGUID), repr(inst.vcGUID),
              gap="G-METAINFO")
    if not inst.vcGUID:
        return rep.done()

    want = expected(site)
    # hcx.py:51-63: serviceMesh?vcGuid=, each item's serviceMeshId and status (read unconditionally, :61).
    meshes = rep.run("getServiceMesh (hcx.py:51-63)", inst.getServiceMesh, gap="G-MESH-STATUS")
    if meshes is not None:
        got = {m["serviceMeshId"] for m in meshes}
        rep.check("getServiceMesh: the scenario's meshes", set(want) <= got, f"got {sorted(got)}, want {sorted(want)}")
        for m in meshes:
            st = m["status"]
            ok = isinstance(st, dict) and isinstance(st.get("services"), list) and all(
                isinstance(s, dict) and s.get("serviceName") and s.get("status") for s in st["services"])
            rep.check(f"getServiceMesh: {m['serviceMeshId']} status.services[] with serviceName and status", ok,
                      json.dumps(st))

    # hcx.py:66-94: appliances/query?vcGuid= with {"filter":{"serviceMeshId": M}} per mesh; reads applianceName,
    # applianceType, computeProfileId (:83, unconditionally), applianceVersion.{major,minor,patch,build},
    # status.summary.{overallStatus,reasons} when present.
    if meshes is None:
        return rep.done()
    apps = rep.run("getApppliances (hcx.py:66-94)", inst.getApppliances, gap="G-APPLIANCE-FIELDS")
    if apps is not None:
        for mesh, listed in want.items():
            mine = [a for a in apps if a["serviceMeshId"] == mesh]
            rep.check(f"getApppliances: {mesh} has its {len(listed)} appliances", len(mine) == len(listed),
                      json.dumps(mine))
        site_version = next(s["version"] for s in json.load(open(os.environ["HCX_CONF_SCENARIO"]))["fleet"]["sites"]
                            if s["id"] == site)
        bad_version = [(a["name"], a["applianceVersion"]) for a in apps
                       if not a["applianceVersion"].startswith(site_version + ".")]
        rep.check(f"getApppliances: applianceVersion major.minor.patch.build is the scenario's {site_version}",
                  not bad_version, f"{bad_version}")
        no_cp = [a["name"] for a in apps if not a["computeProfileId"]]
        rep.check("getApppliances: computeProfileId on every appliance (hcx.py:83)", not no_cp, f"{no_cp}",
                  gap="G-APPLIANCE-FIELDS")
        no_status = [a["name"] for a in apps if not (a.get("overallStatus") and isinstance(a.get("reasons"), list))]
        rep.check("getApppliances: status.summary.overallStatus and reasons on every appliance (hcx.py:90-92)",
                  not no_status, f"{no_status}", gap="G-APPLIANCE-FIELDS")
    return rep.done()


if __name__ == "__main__":
    sys.exit(main())
