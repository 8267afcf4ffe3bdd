"""Port of Azure/Enterprise-Scale-for-AVS's HCX PowerShell (MIT), request for request, at
3758eb718b011da96c17afaabe0e22bae634b75f:

  BrownField/Auto-assessment/scripts/Invoke-APIRequest.ps1   (BF-Invoke)  Invoke-APIRequest, Get-HCX-Auth-Token
  BrownField/Auto-assessment/scripts/Test-HCX-NE-HA.ps1      (NE-HA)      Test-HCX-NE-HA, Get-HA-Group
  BrownField/Auto-assessment/scripts/Test-HCX-StretchedVLANs.ps1 (VLANS)  Test-HCX-StretchedVLANs
  hcx/deployment/servicemesh/scripts/Invoke-API.ps1          (SM-Invoke)  Invoke-API, Get-HCX-Auth-Token
  hcx/deployment/servicemesh/scripts/New-IfNotExists-HCX-Pairing.ps1      (PAIR)   Get-HCXPairing
  hcx/deployment/servicemesh/scripts/New-IfNotExists-HCX-ServiceMesh.ps1  (SM)     Get-HCX-ServiceMesh, PreReqData, task loop
  hcx/deployment/servicemesh/scripts/New-IfNotExists-HCX-ComputeProfile.ps1 (CP)   Get-HCX-ComputeProfile[-By-Endpoint]
  hcx/deployment/servicemesh/scripts/Get-Interconnect-Capabilities.ps1    (CAPS)
  hcx/deployment/servicemesh/scripts/Get-Interconnect-Task-Details.ps1    (TASK)

Both Invoke-* helpers log in again before every call and turn any error into $null; the port does the same and
keeps the swallowed error so a check can say why a step got nothing.

Usage: eslz.py   (environment: HCX_CONF_ENDPOINTS, HCX_CONF_SCENARIO, HCX_CONF_PASSWORD)
"""

import datetime as dt
import json
import os
import re
import sys
import time

from common import PsHttpError, Report, convert_to_json, endpoints, password, rest_method, web_request

MESH_WITH_HA = "servicemesh-0c0f0a11-1111-4a4a-9b9b-000000000001"
MESH_WITHOUT_HA = "servicemesh-0c0f0a11-2222-4a4a-9b9b-000000000002"
TASK_APPLIANCE = "conf-ix-i1"

swallowed = []  # errors Invoke-API / Invoke-APIRequest turned into $null


def get_hcx_auth_token(hcx_url, user, pw):
    # BF-Invoke:135-166 (SM-Invoke:133-164 is the same request)
    session_url = f"{hcx_url}hybridity/api/sessions"                                  # BF-Invoke:142
    body = convert_to_json({"username": user, "password": pw})                         # BF-Invoke:147-152
    r = web_request("POST", session_url, {"Content-Type": "application/json",         # BF-Invoke:155-158
                                          "Accept": "application/json"}, body)
    tokens = r.header("x-hm-authorization")                                            # BF-Invoke:161-162
    return tokens[0] if tokens else None


def invoke_api(method, url, hcx_url, user, pw, body=None):
    # BF-Invoke:38-133 Invoke-APIRequest with vCenter credentials and an hybridity URL; SM-Invoke:38-131
    # Invoke-API -AuthType "HCX" sends the same requests.
    try:
        token = get_hcx_auth_token(hcx_url, user, pw)                                  # BF-Invoke:68-70
        headers = {"Content-Type": "application/json"}                                 # BF-Invoke:83-84
        if token:                                                                      # BF-Invoke:99-102
            headers["Accept"] = "application/json"
            headers["x-hm-authorization"] = token
        return rest_method(method, url, headers, body)                                 # BF-Invoke:110-118
    except Exception as e:  # noqa: BLE001 - BF-Invoke:123-131: every error becomes $null
        swallowed.append(str(e))
        return None


def ps_truthy(v):
    """`if ($response)`: $null, "", 0 and an empty array are false; any object is true."""
    return not (v is None or v == "" or v == 0 or v == [] or v is False)


def items_of(obj):
    return obj.get("items") if isinstance(obj, dict) else None


# ---- BrownField auto-assessment ------------------------------------------------------------------------------

def get_ha_group(hcx_url, user, pw, mesh_id):
    # NE-HA:56-84
    api_url = f"{hcx_url}hybridity/api/interconnect/appliances/ha/groups?serviceMeshId={mesh_id}"  # NE-HA:64-69
    response = invoke_api("GET", api_url, hcx_url, user, pw)                           # NE-HA:72-76
    if ps_truthy(response):                                                            # NE-HA:79-83
        if len(items_of(response) or []) == 0:
            return False
    return None  # the function falls off its end: $null


def test_hcx_ne_ha(hcx_url, user, pw):
    # NE-HA:1-54; returns the recommendation type it would add, or None
    recommendation = None
    api_url = f"{hcx_url}hybridity/api/interconnect/serviceMesh"                       # NE-HA:14-18
    response = invoke_api("GET", api_url, hcx_url, user, pw)                           # NE-HA:21-25
    if ps_truthy(response):                                                            # NE-HA:28-40
        for mesh in items_of(response) or []:
            if get_ha_group(hcx_url, user, pw, mesh.get("serviceMeshId")) is False:
                recommendation = "NoHCXNEHA"
                break
    else:
        recommendation = "NoHCXNEHA"                                                   # NE-HA:41-43
    return recommendation


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def ps_get_date(value):
    """`Get-Date $l2Extension.creationDate` after Invoke-RestMethod's ConvertFrom-Json (PowerShell 7):
    an ISO 8601 string is already a DateTime; another string goes through DateTime.Parse (en-US culture here);
    a JSON number binds to -Date as DateTime ticks (100 ns since 0001-01-01); null cannot bind (an error)."""
    if value is None:
        raise ValueError("Cannot bind argument to parameter 'Date' because it is null.")
    if isinstance(value, bool):
        raise ValueError(f"Cannot convert {value!r} to System.DateTime")
    if isinstance(value, (int, float)):
        return dt.datetime(1, 1, 1) + dt.timedelta(microseconds=value / 10)
    if isinstance(value, str):
        s = value.strip()
        if _ISO.match(s):
            s = s.replace(" ", "T").replace("Z", "+00:00")
            if re.search(r"[+-]\d{4}$", s):
                s = s[:-2] + ":" + s[-2:]
            d = dt.datetime.fromisoformat(s)
            return d.astimezone(dt.timezone.utc).replace(tzinfo=None) if d.tzinfo else d
        for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%a, %d %b %Y %H:%M:%S GMT"):
            try:
                return dt.datetime.strptime(s, fmt)
            except ValueError:
                pass
        raise ValueError(f"Cannot convert value {value!r} to type System.DateTime")
    raise ValueError(f"Cannot convert {type(value).__name__} to System.DateTime")


def test_hcx_stretched_vlans(hcx_url, user, pw, now):
    # VLANS:1-49; returns (recommendation, the parsed dates); a parse error propagates (VLANS:46-48 catches it
    # and writes "Test HCX Stretched VLANs Failed")
    recommendation, dates = None, {}
    api_url = f"{hcx_url}hybridity/api/l2Extensions"                                   # VLANS:14-18
    response = invoke_api("GET", api_url, hcx_url, user, pw)                           # VLANS:21-25
    if ps_truthy(response):                                                            # VLANS:28-35
        for ext in items_of(response) or []:
            created = ps_get_date(ext.get("creationDate"))                            # VLANS:31
            dates[ext.get("stretchId")] = (ext.get("creationDate"), created)
            if now - created > dt.timedelta(days=30):
                recommendation = "VLANStretchedForMoreThan30Days"
                break
    else:
        recommendation = "VLANStretchedForMoreThan30Days"                              # VLANS:36-38
    return recommendation, dates


# ---- Service mesh deployment scripts ---------------------------------------------------------------------------

def get_hcx_pairing(svc_url, user, pw):
    # PAIR:74-108
    response = invoke_api("GET", f"{svc_url}hybridity/api/cloudConfigs", svc_url, user, pw)   # PAIR:84-96
    data = response.get("data") if isinstance(response, dict) else None
    if ps_truthy(response) and ps_truthy(data) and len(items_of(data) or []) > 0:     # PAIR:99-103
        return response
    return None


def get_hcx_service_mesh(svc_url, user, pw):
    # SM:83-116
    response = invoke_api("GET", f"{svc_url}hybridity/api/interconnect/serviceMesh", svc_url, user, pw)  # SM:92-104
    if ps_truthy(response) and len(items_of(response) or []) > 0:                      # SM:107-111
        return response
    return None


def get_hcx_compute_profile(svc_url, user, pw):
    # CP:71-104
    response = invoke_api("GET", f"{svc_url}hybridity/api/interconnect/computeProfiles", svc_url, user, pw)  # CP:80-91
    if ps_truthy(response) and len(items_of(response) or []) > 0:                      # CP:95-99
        return response
    return None


def get_hcx_compute_profile_by_endpoint(svc_url, user, pw, endpoint_id):
    # CP:106-140
    url = f"{svc_url}hybridity/api/interconnect/computeProfiles?endpointId={endpoint_id}"      # CP:116-121
    response = invoke_api("GET", url, svc_url, user, pw)                               # CP:124-129
    return response if ps_truthy(response) else None                                   # CP:132-136


def get_interconnect_capabilities(svc_url, user, pw):
    # CAPS:3-36
    response = invoke_api("GET", f"{svc_url}hybridity/api/interconnect/capabilities", svc_url, user, pw)  # CAPS:12-24
    return response if ps_truthy(response) else None                                   # CAPS:27-31


def get_interconnect_task_details(task_id, svc_url, user, pw):
    # TASK:2-38
    response = invoke_api("GET", f"{svc_url}hybridity/api/interconnect/tasks/{task_id}", svc_url, user, pw)  # TASK:13-25
    return response if ps_truthy(response) else None                                   # TASK:28-33


def with_tag(networks, tag):
    return [n for n in (networks or []) if tag in (n.get("tags") or [])]


def get_hcx_service_mesh_prereq_data(svc_url, user, pw, pairing, compute_profile):
    # SM:230-356 (reads only)
    out = {}
    remote_ep = pairing.get("endpointId") if pairing else None                         # SM:241-243
    out["remoteEndpointId"] = remote_ep
    remote_cp = get_hcx_compute_profile_by_endpoint(svc_url, user, pw, remote_ep) if remote_ep else None  # SM:246-251
    if remote_cp:                                                                      # SM:253-280
        cps = items_of(remote_cp) or []
        if cps:
            out["remoteComputeProfileId"] = cps[0].get("computeProfileId")
            uplinks = with_tag(cps[0].get("networks"), "uplink")
            out["remoteUplinkNetworkID"] = uplinks[0].get("id") if len(uplinks) == 1 else [u.get("id") for u in uplinks] or None
            switches = [s for s in (cps[0].get("switches") or []) if s.get("type") == "OVERLAY_STANDARD"]
            if switches:
                out.update(remoteSwitchCmpId=switches[0].get("cmpId"), remoteSwitchId=switches[0].get("id"),
                           remoteSwitchType=switches[0].get("type"))
    caps = get_interconnect_capabilities(svc_url, user, pw)                            # SM:283-286
    if caps:                                                                           # SM:288-299
        all_eps = [e for it in (items_of(caps) or []) if it.get("endpoints") for e in it["endpoints"]]
        filtered = [e for e in all_eps if e.get("endpointId") and e.get("endpointId") != remote_ep]
        if filtered:
            out["sourceEndpointId"] = filtered[0]["endpointId"]
    if out.get("sourceEndpointId") and compute_profile:                                # SM:302-333
        out["sourceComputeProfileID"] = compute_profile.get("computeProfileId")
        uplinks = with_tag(compute_profile.get("networks"), "uplink")
        out["sourceUplinkNetworkID"] = uplinks[0].get("id") if len(uplinks) == 1 else [u.get("id") for u in uplinks] or None
        switches = [s for s in (compute_profile.get("switches") or []) if s.get("type") == "VmwareDistributedVirtualSwitch"]
        if switches:
            out.update(sourceSwitchCmpId=switches[0].get("cmpId"), sourceSwitchId=switches[0].get("id"),
                       sourceSwitchType=switches[0].get("type"))
    return out


def main():
    rep = Report("ESLZ")
    eps = endpoints()
    with open(os.environ["HCX_CONF_SCENARIO"]) as f:
        scenario = json.load(f)
    conn, cloud = eps["conf-onprem"], eps["conf-avs"]
    pw = password()

    # -- BrownField auto-assessment, run against the AVS HCX Cloud Manager ($sddcDetails.hcxUrl ends in "/").
    avs = cloud["url"] + "/"
    avs_user = cloud["username"]
    token = rep.run("Get-HCX-Auth-Token (Invoke-APIRequest.ps1:135-166)", lambda: get_hcx_auth_token(avs, avs_user, pw))
    rep.check("Get-HCX-Auth-Token: Headers['x-hm-authorization'][0]", bool(token), repr(token))

    del swallowed[:]
    ha = get_ha_group(avs, avs_user, pw, MESH_WITH_HA)
    rep.check(f"Get-HA-Group {MESH_WITH_HA} (Test-HCX-NE-HA.ps1:64-83): groups listed", ha is None and not swallowed,
              f"returned {ha!r}; {swallowed}", gap="G-HA-GROUPS")
    del swallowed[:]
    no_ha = get_ha_group(avs, avs_user, pw, MESH_WITHOUT_HA)
    rep.check(f"Get-HA-Group {MESH_WITHOUT_HA}: $false (items empty, the mesh has no NE HA)", no_ha is False,
              f"returned {no_ha!r}; {swallowed}", gap="G-HA-GROUPS")
    del swallowed[:]
    rec = test_hcx_ne_ha(avs, avs_user, pw)
    rep.check("Test-HCX-NE-HA: NoHCXNEHA, from the mesh without HA (not from a failed request)",
              rec == "NoHCXNEHA" and not swallowed, f"recommendation {rec!r}; {swallowed}", gap="G-HA-GROUPS")

    # Test-HCX-StretchedVLANs runs where the extensions are listed: the connector (the source of the stretch).
    del swallowed[:]
    src = conn["url"] + "/"
    try:
        rec, dates = test_hcx_stretched_vlans(src, conn["username"], pw, dt.datetime.utcnow())
        n = len(scenario["fleet"]["extensions"])
        rep.check(f"Test-HCX-StretchedVLANs: l2Extensions read ({n} in the scenario)",
                  not swallowed and len(dates) >= 1, f"{swallowed}")
        for sid, (raw, parsed) in dates.items():
            rep.check(f"Test-HCX-StretchedVLANs:31 Get-Date creationDate {raw!r} of {sid}", parsed.year >= 2000,
                      f"parsed as {parsed.isoformat()} (a number binds to Get-Date as ticks)", gap="G-EXT-CREATIONDATE")
        # The loop stops at the first old extension; whichever extension comes first, its date must parse, so
        # every item's creationDate goes through the same Get-Date here.
        listed = items_of(rest_method("GET", f"{src}hybridity/api/l2Extensions",
                                      {"x-hm-authorization": get_hcx_auth_token(src, conn["username"], pw),
                                       "Accept": "application/json"})) or []
        bad = []
        for ext in listed:
            try:
                if ps_get_date(ext.get("creationDate")).year < 2000:
                    bad.append((ext.get("stretchId"), ext.get("creationDate")))
            except ValueError as e:
                bad.append((ext.get("stretchId"), str(e)))
        rep.check(f"Test-HCX-StretchedVLANs:31 Get-Date parses the creationDate of all {len(listed)} extensions",
                  bool(listed) and not bad, f"{bad}", gap="G-EXT-CREATIONDATE")
        print(f"INFO [ESLZ] Test-HCX-StretchedVLANs recommendation: {rec!r} "
              f"(creation dates: {[(r, p.isoformat()) for r, p in dates.values()]}, client clock now)")
    except ValueError as e:
        rep.check("Test-HCX-StretchedVLANs:31 Get-Date $l2Extension.creationDate", False, str(e),
                  gap="G-EXT-CREATIONDATE")

    # -- Service mesh deployment scripts, run against the Connector ($hcxConnectorServiceUrl ends in "/").
    svc, user = conn["url"] + "/", conn["username"]
    hcx_manager = cloud["url"] + "/"  # Main.parameters.ps1's $hcxManager: the AVS HCX Cloud Manager URL
    del swallowed[:]
    pairing = get_hcx_pairing(svc, user, pw)
    match = [p for p in (items_of(pairing["data"]) if pairing else [])
             if p.get("url") == hcx_manager.rstrip("/")][:1]                                         # PAIR:21
    rep.check("New-IfNotExists-HCX-Pairing:21 finds the pairing by url (no new pairing)", bool(match),
              f"cloudConfigs: {pairing}; {swallowed}")
    pairing_item = match[0] if match else None

    meshes = get_hcx_service_mesh(svc, user, pw)
    mesh = next((m for m in (items_of(meshes) or []) if m.get("serviceMeshId") == MESH_WITH_HA), None)
    name = mesh.get("name") if mesh else None
    found = [m for m in (items_of(meshes) or []) if m.get("name") == name][:1]                      # SM:21
    rep.check("New-IfNotExists-HCX-ServiceMesh:21 finds the existing mesh by name",
              bool(name) and bool(found) and found[0].get("serviceMeshId") == MESH_WITH_HA, f"{meshes}; {swallowed}")

    # New-IfNotExists-HCX-ComputeProfile.ps1:19 picks the local compute profile by the parameter file's name;
    # the port takes the name the mesh gives the Connector's profile.
    local_cp_name = next((c.get("computeProfileName") for c in (mesh or {}).get("computeProfiles", [])
                          if pairing_item and c.get("endpointId") != pairing_item.get("endpointId")), None)
    del swallowed[:]
    cps = get_hcx_compute_profile(svc, user, pw)
    local_cp = next((c for c in (items_of(cps) or []) if c.get("name") == local_cp_name), None)      # CP:19
    rep.check(f"New-IfNotExists-HCX-ComputeProfile:19 finds the local compute profile {local_cp_name!r}",
              local_cp is not None, f"{cps}; {swallowed}", gap="G-COMPUTE-PROFILES")

    del swallowed[:]
    pre = get_hcx_service_mesh_prereq_data(svc, user, pw, pairing_item, local_cp)
    keys = ("remoteEndpointId", "remoteComputeProfileId", "remoteUplinkNetworkID", "remoteSwitchCmpId",
            "remoteSwitchId", "remoteSwitchType", "sourceEndpointId", "sourceComputeProfileID",
            "sourceUplinkNetworkID", "sourceSwitchCmpId", "sourceSwitchId", "sourceSwitchType")
    missing = [k for k in keys if not (isinstance(pre.get(k), str) and pre.get(k))]
    rep.check("Get-HCX-ServiceMesh-PreReqData (New-IfNotExists-HCX-ServiceMesh.ps1:230-356): every id the mesh body needs",
              not missing, f"missing or not one string: {missing}; got {pre}; {swallowed}", gap="G-COMPUTE-PROFILES")
    if pre.get("sourceEndpointId"):
        own = None
        if mesh:
            own = next((c.get("endpointId") for c in mesh.get("computeProfiles", []) if c.get("isInitiator")), None)
        rep.check("PreReqData: sourceEndpointId (first capabilities endpoint that is not the remote) is the Connector",
                  pre["sourceEndpointId"] == own, f"{pre['sourceEndpointId']!r} vs the mesh's initiator {own!r}")

    # Task polling, New-IfNotExists-HCX-ServiceMesh.ps1:36-71. hcx-sim does not create meshes, so the port starts
    # an appliance upgrade (scaffolding, not part of the scripts) and polls that task exactly as the loop does;
    # the loop's 60 s sleep is 0.2 s here.
    tok = get_hcx_auth_token(svc, user, pw)
    started = rest_method("POST", f"{svc}hybridity/api/interconnect/appliances/{TASK_APPLIANCE}/upgrade",
                          {"x-hm-authorization": tok, "Accept": "application/json", "Content-Type": "application/json"})
    task_id = ((started or {}).get("data") or {}).get("interconnectTaskId")
    if rep.check("scaffolding: an appliance upgrade gives data.interconnectTaskId", bool(task_id), json.dumps(started)):
        del swallowed[:]
        details = get_interconnect_task_details(task_id, svc, user, pw)                # SM:38-41
        rep.check("Get-Interconnect-Task-Details (SM:43-48): task details returned", details is not None, f"{swallowed}")
        seen, deadline = [], time.time() + 30
        while (details and details.get("status") == "RUNNING") or (details or {}).get("status") == "QUEUED":  # SM:51
            seen.append(details.get("status"))
            if time.time() > deadline:
                break
            time.sleep(0.2)                                                            # SM:53
            details = get_interconnect_task_details(task_id, svc, user, pw)            # SM:54-57
        final = (details or {}).get("status")
        rep.check("task loop (SM:51-71) ends on SUCCESS", final == "SUCCESS",
                  f"final {final!r} after {seen}; {details}; {swallowed}")
        if final == "SUCCESS":                                                         # SM:60-66
            after = get_hcx_service_mesh(svc, user, pw)
            rep.check("SM:61-65: Get-HCX-ServiceMesh after SUCCESS, items[0].name",
                      bool(after and after["items"][0].get("name")), f"{after}")
    return rep.done()


if __name__ == "__main__":
    sys.exit(main())
