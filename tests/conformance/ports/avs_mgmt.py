"""Port of Azure/Microsoft.AVS.Management's HCX requests (MIT), at c873f9e82cd2afd7dd0b2fa44abbd94d2ca5bf07
(= e4b4ca8^, the last commit before the HCX code left the repository):

  Microsoft.AVS.Management/HcxUtils.ps1                 (UTILS)  Get-AuthorizationToken, Get-HcxMetaData
  Microsoft.AVS.Management/Microsoft.AVS.Management.psm1 (PSM1)  Restart-HCXManager's replication guard,
                                                                 Set-HcxScaledCpuAndMemorySetting's version read

Not ported: the migration half of the guard (PSM1:1475 `Get-HCXMigration -State MIGRATING`) is a PowerCLI
VMware.VimAutomation.Hcx cmdlet whose requests are not public.

Usage: avs_mgmt.py   (environment: HCX_CONF_ENDPOINTS, HCX_CONF_SCENARIO, HCX_CONF_PASSWORD)
"""

import base64
import json
import os
import sys

from common import Report, convert_to_json, endpoints, host_of, password, rest_method, web_request


def get_authorization_token(user, pw, hcx_server):
    # UTILS:29-60
    body = convert_to_json({"username": user, "password": pw})                         # UTILS:47-48
    r = web_request("POST", f"https://{hcx_server}/hybridity/api/sessions",            # UTILS:51-56
                    {"Content-Type": "application/json"}, body)
    return r.header("x-hm-authorization")                                              # UTILS:59 (a string array)


def get_hcx_meta_data(x_hm_authorization, hcx_server):
    # UTILS:75-108
    headers = {"x-hm-authorization": f"{x_hm_authorization}",                           # UTILS:92-96
               "Content-Type": "application/json", "Accept": "application/json"}
    body = "{filter={},options={}}"                                                     # UTILS:97 (sent with the GET)
    response = rest_method("GET", f"https://{hcx_server}/hybridity/api/metainfo/context/support",  # UTILS:100
                           headers, body)
    success = response.get("success") if isinstance(response, dict) else None
    # UTILS:102 `$response.success -eq 'True'`: a boolean left side converts 'True' to $true; a string compares
    # case-insensitively.
    if success is True or (isinstance(success, str) and success.lower() == "true"):
        return response["data"]["localEndpoints"]                                      # UTILS:104
    raise RuntimeError("Unable To Retrieve HCX Manager Meta Data")                     # UTILS:107


def member(obj, name):
    """PowerShell member access with member enumeration over arrays (one element -> that value)."""
    if isinstance(obj, list):
        vals = [member(o, name) for o in obj]
        vals = [v for v in vals if v is not None]
        return vals[0] if len(vals) == 1 else (vals or None)
    return obj.get(name) if isinstance(obj, dict) else None


def restart_guard_replications(user, pw, hcx_server):
    """PSM1:1483-1516: the replication half of Restart-HCXManager's guard. Returns the refusal message, or None
    when the restart would go ahead; raises where PowerShell would throw for another reason."""
    x_hm_authorization = get_authorization_token(user, pw, hcx_server)                 # PSM1:1483
    keys = ["activeReplicationCnt", "configuringReplicationCnt", "recoveringReplicationCnt",  # PSM1:1484
            "syncingReplicationCnt"]
    body = convert_to_json({"type": "summary"})                                         # PSM1:1485
    basic = base64.b64encode(f"{user}:{pw}".encode()).decode()
    summary = rest_method("POST", f"https://{hcx_server}/hybridity/api/replications?action=query",  # PSM1:1489-1494
                          {"Authorization": f"Basic {basic}", "Content-Type": "application/json",
                           "x-hm-authorization": " ".join(x_hm_authorization)}, body)
    if not isinstance(summary, dict):
        raise RuntimeError(f"replication summary is not an object: {summary!r}")
    running = 0
    for key in keys:                                                                    # PSM1:1496-1515
        if key not in summary:
            raise RuntimeError(f"{key} not found in replication summary response.")   # PSM1:1498
        rtype = summary[key]
        if rtype is None:
            raise RuntimeError("You cannot call a method on a null-valued expression.")  # PSM1:1508 on $null
        if not isinstance(rtype, dict):
            raise RuntimeError(f"Unable to index into an object of type {type(rtype).__name__} ({key}={rtype!r})")
        running = 0 if len(rtype) == 0 else rtype.get("outgoing")                      # PSM1:1502-1507
        if "incoming" in rtype:                                                         # PSM1:1508-1510
            running = (running or 0) + rtype["incoming"]
        if (running or 0) > 0:                                                          # PSM1:1511-1513
            return f"VM cannot restart while replications are in progress. {key}={running}"
    return None


def main():
    rep = Report("AVS-Mgmt")
    eps = endpoints()
    with open(os.environ["HCX_CONF_SCENARIO"]) as f:
        fleet = json.load(f)["fleet"]
    pw = password()
    for site in ("conf-avs", "conf-onprem"):
        ep = eps[site]
        server = host_of(ep["url"])
        if not ep["url"].startswith("https://"):
            rep.check(f"{site}: HTTPS (the module builds https://${{HcxServer}}/…, UTILS:53)", False,
                      f"endpoint url is {ep['url']}", gap="G-TLS")
            continue
        token = rep.run(f"{site}: Get-AuthorizationToken (HcxUtils.ps1:29-60)",
                        lambda: get_authorization_token(ep["username"], pw, server))
        if not rep.check(f"{site}: Get-AuthorizationToken returns the x-hm-authorization header", bool(token), repr(token)):
            continue
        meta = rep.run(f"{site}: Get-HcxMetaData (HcxUtils.ps1:75-108, GET with body '{{filter={{}},options={{}}}}')",
                       lambda: get_hcx_meta_data(" ".join(token), server))
        if meta is not None:
            version = member(member(meta, "endpoint"), "version")                      # PSM1:1614
            want = next(s["version"] for s in fleet["sites"] if s["id"] == site)
            rep.check(f"{site}: $HcxMetaData.endpoint.version (PSM1:1614) is the manager's version",
                      version == want, f"got {version!r}, scenario says {want!r}")
            if isinstance(version, str):
                # PSM1:1615 compares strings: "4.10.2" -lt "4.3.2" is true. A client bug, not the simulator's.
                print(f"INFO [AVS-Mgmt] {site}: PSM1:1615 `{version!r} -lt '4.3.2'` is {version < '4.3.2'} "
                      "(the module compares version strings, not versions)")
        has_active = any(r["state"] in ("queued", "in_progress") and r.get("site") == site
                         for r in fleet.get("replications", []))
        try:
            refusal = restart_guard_replications(ep["username"], pw, server)
            if has_active:
                rep.check(f"{site}: Restart-HCXManager refuses (PSM1:1511-1513), a replication is active in the scenario",
                          refusal is not None, "the guard let the restart go ahead")
            else:
                rep.check(f"{site}: Restart-HCXManager's replication guard lets the restart go ahead (no active replication)",
                          refusal is None, refusal or "")
            if refusal:
                print(f"INFO [AVS-Mgmt] {site}: {refusal}")
        except Exception as e:  # noqa: BLE001 - the module's catch (PSM1:1535-1537) would write this error
            rep.check(f"{site}: Restart-HCXManager replication guard (PSM1:1483-1516)", False, f"{type(e).__name__}: {e}")
    return rep.done()


if __name__ == "__main__":
    sys.exit(main())
