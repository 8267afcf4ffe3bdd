"""Port of William Lam's VMware.HCX module (vmware/PowerCLI-Example-Scripts, BSD-2-Clause), at
9f98501e9f0baff1b91072247ddf0a0ea3355c97, Modules/VMware.HCX/VMware.HCX.psm1 (LAM): Connect-HcxServer,
Get-HcxCloudConfig, Get-HcxEndpoint (the endpoint and resource types New-HcxMigration sends), Get-HcxMigration
(plain, -RunningMigrations, -MigrationId). The PowerShell Core branch of
each function (the one with -SkipCertificateCheck) is the one ported.

Usage: lam.py   (environment: HCX_CONF_ENDPOINTS, HCX_CONF_SCENARIO, HCX_CONF_PASSWORD)
"""

import json
import os
import sys

from common import Report, convert_to_json, endpoints, host_of, password, web_request

TERMINAL = ("MIGRATE_FAILED", "MIGRATE_CANCELED", "MIGRATED")  # LAM:493


def connect_hcx_server(server, username, pw):
    # LAM:5-60
    body = convert_to_json({"username": username, "password": pw})                     # LAM:29-33
    url = f"https://{server}/hybridity/api/sessions"                                   # LAM:35
    results = web_request("POST", url, {"Content-Type": "application/json"}, body)     # LAM:38
    if results.status_code != 200:                                                     # LAM:43
        raise RuntimeError(f"Failed to connect to HCX Manager (HTTP {results.status_code})")  # LAM:58
    token = " ".join(results.header("x-hm-authorization"))                             # LAM:44
    return {"Server": f"https://{server}/hybridity/api",                               # LAM:46-56
            "headers": {"x-hm-authorization": token, "Content-Type": "application/json", "Accept": "application/json"}}


def member(obj, name):
    """Member enumeration: one item -> its value, several -> the array of values."""
    if isinstance(obj, list):
        vals = [o.get(name) for o in obj if isinstance(o, dict) and o.get(name) is not None]
        return vals[0] if len(vals) == 1 else (vals or None)
    return obj.get(name) if isinstance(obj, dict) else None


def get_hcx_cloud_config(conn):
    # LAM:62-99
    r = web_request("GET", conn["Server"] + "/cloudConfigs", conn["headers"])          # LAM:81-84
    data = json.loads(r.content)["data"]["items"]                                       # LAM:89
    return {"Name": member(data, "cloudName"), "Version": member(data, "version"),     # LAM:91-96
            "Build": member(data, "buildNumber"), "HCXUUID": member(data, "endpointId")}


def get_hcx_endpoint(conn, cloud_vc_connection):
    # LAM:101-175; cloud_vc_connection stands for the PowerCLI vCenter connection the caller passes (only its
    # name and InstanceUuid are used, for the Remote* resource fields)
    r = web_request("GET", conn["Server"] + "/cloudConfigs", conn["headers"])          # LAM:125-130
    cloud_data = json.loads(r.content)["data"]["items"][0]                              # LAM:132
    body = convert_to_json({"cloud": {"local": "true", "remote": "true"}})             # LAM:136-142 (strings)
    r = web_request("POST", conn["Server"] + "/service/inventory/resourcecontainer/list",  # LAM:144-145
                    conn["headers"], body)
    if r.status_code != 200:                                                            # LAM:149
        raise RuntimeError("Failed to list HCX Connection Resources")                  # LAM:172
    results = []
    for item in json.loads(r.content)["data"]["items"]:                                 # LAM:150-168
        ep = item.get("endpoint") or {}
        results.append({"SourceResourceName": item.get("resourceName"), "SourceResourceType": item.get("resourceType"),
                        "SourceResourceId": item.get("resourceId"), "SourceEndpointName": ep.get("name"),
                        "SourceEndpointType": "VC", "SourceEndpointId": ep.get("endpointId"),
                        "RemoteResourceName": cloud_vc_connection["name"], "RemoteResourceType": "VC",
                        "RemoteResourceId": cloud_vc_connection["InstanceUuid"],
                        "RemoteEndpointName": cloud_data.get("cloudName"), "RemoteEndpointType": cloud_data.get("cloudType"),
                        "RemoteEndpointId": cloud_data.get("endpointId")})
    return results


def get_hcx_migration(conn, migration_id=None, running=False):
    # LAM:431-513
    if migration_id is not None:                                                        # LAM:466-474
        spec = {"filter": {"migrationId": list(migration_id)}, "paging": {"pageSize": len(migration_id)}}
    else:
        spec = {}
    body = convert_to_json(spec)                                                        # LAM:477
    r = web_request("POST", conn["Server"] + "/migrations?action=query", conn["headers"], body)  # LAM:479-481
    doc = json.loads(r.content)
    migrations = doc.get("items") if migration_id is not None else doc.get("rows")     # LAM:486-490
    migrations = migrations or []
    if running:                                                                         # LAM:492-494
        migrations = [m for m in migrations if (m.get("jobInfo") or {}).get("state") not in TERMINAL]
    results = []
    for m in migrations:                                                                # LAM:496-510
        info, job = m.get("migrationInfo") or {}, m.get("jobInfo") or {}
        progress = (info.get("progressDetails") or {}).get("progressPercentage")
        if progress is None:  # LAM:502 `($null).toString()` throws
            raise RuntimeError(f"{m.get('migrationId')}: You cannot call a method on a null-valued expression "
                               "(migrationInfo.progressDetails.progressPercentage, LAM:502)")
        copied = (info.get("progressDetails") or {}).get("diskCopyBytes") or 0
        results.append({"ID": m.get("migrationId"), "VM": (info.get("entityDetails") or {}).get("entityName"),
                        "State": job.get("state"), "Progress": f"{progress} %",
                        "DataCopied": f"{round(copied / 2**30, 2)} GB", "Message": info.get("message"),
                        "InitiatedBy": job.get("username"), "CreateDate": job.get("creationDate"),
                        "LastUpdated": job.get("lastUpdated")})
    return results


def main():
    rep = Report("Lam VMware.HCX")
    eps = endpoints()
    with open(os.environ["HCX_CONF_SCENARIO"]) as f:
        fleet = json.load(f)["fleet"]
    conn_ep, cloud_ep = eps["conf-onprem"], eps["conf-avs"]
    if not conn_ep["url"].startswith("https://"):
        rep.check("HTTPS (Connect-HcxServer builds https://$Server/…, LAM:35)", False, f"url {conn_ep['url']}", gap="G-TLS")
        return rep.done()
    conn = rep.run("Connect-HcxServer (LAM:5-60): HTTP 200 with x-hm-authorization",
                   lambda: connect_hcx_server(host_of(conn_ep["url"]), conn_ep["username"], password()))
    if conn is None:
        return rep.done()
    rep.check("Connect-HcxServer: token", bool(conn["headers"]["x-hm-authorization"]), "")

    cc = rep.run("Get-HcxCloudConfig (LAM:62-99)", lambda: get_hcx_cloud_config(conn))
    if cc is not None:
        cloud_site = next(s for s in fleet["sites"] if s["id"] == "conf-avs")
        rep.check("Get-HcxCloudConfig: Name is the paired Cloud's name", cc["Name"] == cloud_ep["name"], json.dumps(cc))
        rep.check("Get-HcxCloudConfig: Version is the paired Cloud's version", cc["Version"] == cloud_site["version"],
                  json.dumps(cc))
        rep.check("Get-HcxCloudConfig: HCXUUID (endpointId)", isinstance(cc["HCXUUID"], str) and bool(cc["HCXUUID"]),
                  json.dumps(cc))

    eps_info = rep.run("Get-HcxEndpoint (LAM:101-175, resourcecontainer/list with {\"cloud\":{\"local\":\"true\",…}})",
                       lambda: get_hcx_endpoint(conn, {"name": "vcenter-conf-avs", "InstanceUuid": "stand-in"}))
    if eps_info is not None:
        rep.check("Get-HcxEndpoint: a resource container per vCenter, each with resourceName, resourceId, endpoint name and id",
                  bool(eps_info) and all(e["SourceResourceName"] and e["SourceResourceId"] and e["SourceEndpointName"]
                                         and e["SourceEndpointId"] for e in eps_info), json.dumps(eps_info))
        rep.check("Get-HcxEndpoint: SourceResourceType from resourceType (New-HcxMigration sends it, LAM:309)",
                  bool(eps_info) and all(e["SourceResourceType"] for e in eps_info), json.dumps(eps_info), gap="G-INVENTORY")
        # cloudType's values are UNKNOWN (hcx-api.md §3.1); only New-HcxMigration (LAM:314), a create call
        # hcx-sim does not model, sends it back.
        rep.unknown("Get-HcxEndpoint: RemoteEndpointType from cloudConfigs' cloudType (New-HcxMigration sends it, LAM:314)",
                    bool(eps_info) and any(e["RemoteEndpointType"] for e in eps_info), json.dumps(eps_info[:1]))

    mine = [m for m in fleet["migrations"] if m.get("site") in (None, "conf-onprem")]
    all_m = rep.run("Get-HcxMigration (LAM:431-513, body {})", lambda: get_hcx_migration(conn))
    if all_m is not None:
        rep.check("Get-HcxMigration: every migration of the scenario, from rows[]",
                  sorted(m["ID"] for m in all_m) == sorted(m["id"] for m in mine), json.dumps(all_m))
        rep.check("Get-HcxMigration: State from jobInfo.state", all(m["State"] for m in all_m), json.dumps(all_m))
        rep.check("Get-HcxMigration: VM from migrationInfo.entityDetails.entityName (LAM:499)",
                  all(m["VM"] for m in all_m), json.dumps(all_m), gap="G-MIGRATION-FIELDS")
    running = rep.run("Get-HcxMigration -RunningMigrations", lambda: get_hcx_migration(conn, running=True))
    if running is not None:
        want = sorted(m["id"] for m in mine if m["state"] in ("queued", "in_progress"))
        rep.check("Get-HcxMigration -RunningMigrations: exactly the scenario's active migrations",
                  sorted(m["ID"] for m in running) == want, f"got {[m['ID'] for m in running]}, want {want}")
    for target in [m["id"] for m in mine]:
        one = rep.run(f"Get-HcxMigration -MigrationId {target} (LAM:466-474, filter + paging, items[])",
                      lambda: get_hcx_migration(conn, migration_id=[target]))
        if one is not None:
            rep.check(f"Get-HcxMigration -MigrationId {target}: only that migration",
                      [m["ID"] for m in one] == [target], json.dumps(one), gap="G-MIGRATION-FILTER")
    return rep.done()


if __name__ == "__main__":
    sys.exit(main())
