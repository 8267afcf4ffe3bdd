"""Port of Martijn Smit's HCX PowerShell (smitmartijn/moad-migration-vrni-hcx-integration, BSD-2-Clause):

  modules/VMware.HCX.psm1 @ cde2b15b6c272d4457652c758578fa7ae0ab569d            (SMIT)  Connect-HcxServer,
                                                                                       Get-HcxCloudConfig
  modules/VMware.HCX.MobilityGroups.psm1 @ f9019e917e2a6269e09f0ed640311a3293ae90d1 (MG)  Connect-HcxServer_Custom,
                                                                                       Get-HcxMobilityGroup
  monitor-migration.ps1 @ f9019e917e2a6269e09f0ed640311a3293ae90d1               (MON)  the compat-2.1 query loop

Usage: smit.py   (environment: HCX_CONF_ENDPOINTS, HCX_CONF_SCENARIO, HCX_CONF_PASSWORD)
"""

import json
import os
import sys

from common import Report, convert_to_json, endpoints, host_of, password, rest_method, web_request

MOBILITY_GROUP_NAME = "conformance"  # monitor-migration.ps1's -MobilityGroupName
STAND_IN_GROUP_ID = "mobilitygroup-stand-in"


def connect_hcx_server(server, username, pw):
    # SMIT:1-62 (MG:247-325 Connect-HcxServer_Custom sends the same request and keeps the same fields)
    body = convert_to_json({"username": username, "password": pw})                     # SMIT:25-29
    headers = {"Accept": "application/json", "ContentType": "application/json"}        # SMIT:32-35 (sic)
    headers["Content-Type"] = "application/json"                                        # SMIT:38 -ContentType
    results = web_request("POST", f"https://{server}/hybridity/api/sessions", headers, body)  # SMIT:31, :38
    if results.status_code != 200:                                                     # SMIT:43
        raise RuntimeError(f"Failed to connect to HCX Manager (HTTP {results.status_code})")
    token = " ".join(results.header("x-hm-authorization"))                             # SMIT:44
    res = json.loads(results.content) if results.content.strip() else None             # SMIT:52 ConvertFrom-Json
    uuid = (((res or {}).get("data") or {}).get("endpointInfo") or {}).get("uuid") if isinstance(res, dict) else None
    return {"Server": f"https://{server}/hybridity/api",                               # SMIT:53-57
            "headers": {"x-hm-authorization": token, "Content-Type": "application/json", "Accept": "application/json"},
            "HCXUUID": uuid}


def get_hcx_cloud_config(conn):
    # SMIT:64-107
    r = web_request("GET", conn["Server"] + "/cloudConfigs", conn["headers"])          # SMIT:83-86
    items = json.loads(r.content)["data"]["items"]                                     # SMIT:92
    return [{"Name": c.get("cloudName"), "Version": c.get("version"), "Build": "",      # SMIT:95-104
             "HCXUUID": c.get("endpointId")} for c in items]


def get_hcx_mobility_group(conn):
    # MG:9-57
    body = '{"filter":{"skipDrafts":false},"options":{"compat":2.1}}'                  # MG:33
    r = web_request("POST", conn["Server"] + "/migration/queryMobilityGroups", conn["headers"], body)  # MG:31-44
    return json.loads(r.content)["data"]["items"]                                      # MG:54-55


def monitor_migration_once(conn, group_id):
    # MON:66-91, one pass of the loop; returns [(entityName, state, complete?)] and whether one is still running
    url = conn["Server"] + "/migrations?action=query"                                   # MON:66
    body = ("{filter={skipDrafts=true,migrationGroupId=['" + group_id + "']},"          # MON:67
            "options={resultLevel='MOBILITYGROUP_ITEMS',compat=2.1}}")
    results = web_request("POST", url, conn["headers"], body)                           # MON:70-79
    doc = json.loads(results.content)                                                   # MON:80
    seen, running = [], False
    for m in ((doc.get("data") or {}).get("items") or []):                              # MON:83-91
        complete = m.get("state") == "MIGRATION_COMPLETE"
        seen.append((m.get("migrationId"), (m.get("entity") or {}).get("entityName"), m.get("state"), complete))
        running = running or not complete
    return doc, seen, running


def main():
    rep = Report("Smit")
    eps = endpoints()
    with open(os.environ["HCX_CONF_SCENARIO"]) as f:
        scenario = json.load(f)
    fleet = scenario["fleet"]
    conn_ep, cloud_ep = eps["conf-onprem"], eps["conf-avs"]
    if not conn_ep["url"].startswith("https://"):
        rep.check("HTTPS (Connect-HcxServer builds https://$Server/…, SMIT:31)", False, f"url {conn_ep['url']}", gap="G-TLS")
        return rep.done()
    pw = password()

    conns = {}
    for site, ep in (("conf-onprem", conn_ep), ("conf-avs", cloud_ep)):
        conns[site] = rep.run(f"{site}: Connect-HcxServer (SMIT:1-62)",
                              lambda ep=ep: connect_hcx_server(host_of(ep["url"]), ep["username"], pw))
    conn, cloud = conns["conf-onprem"], conns["conf-avs"]
    if conn is None:
        return rep.done()

    configs = rep.run("Get-HcxCloudConfig (SMIT:64-107)", lambda: get_hcx_cloud_config(conn))
    cloud_uuid = None
    if configs is not None:
        mine = [c for c in configs if c["Name"] == cloud_ep["name"]]
        version = next(s["version"] for s in fleet["sites"] if s["id"] == "conf-avs")
        rep.check("Get-HcxCloudConfig: the paired Cloud with its version and HCXUUID",
                  len(mine) == 1 and mine[0]["Version"] == version and bool(mine[0]["HCXUUID"]), json.dumps(configs))
        cloud_uuid = mine[0]["HCXUUID"] if mine else None

    # SMIT:56: the login body's data.endpointInfo.uuid is the manager's own endpoint id; MG:175 sends it as a
    # mobility group's source endpointId. Checked at the Cloud, whose id the Connector's cloudConfigs shows.
    if cloud is not None:
        rep.check("Connect-HcxServer at the Cloud: HCXUUID = data.endpointInfo.uuid of the login body (SMIT:56)",
                  bool(cloud["HCXUUID"]) and cloud["HCXUUID"] == cloud_uuid,
                  f"login body uuid {cloud['HCXUUID']!r}, the Connector's cloudConfigs says {cloud_uuid!r}",
                  gap="G-LOGIN-BODY")
    rep.check("Connect-HcxServer at the Connector: HCXUUID = data.endpointInfo.uuid of the login body (SMIT:56)",
              bool(conn["HCXUUID"]) and conn["HCXUUID"] != cloud_uuid, f"login body uuid {conn['HCXUUID']!r}",
              gap="G-LOGIN-BODY")

    # monitor-migration.ps1: Connect-HcxServer_Custom, Get-HcxMobilityGroup (MON:50-61), then the query loop.
    group_id = None
    groups = rep.run("Get-HcxMobilityGroup (MG:9-57, POST migration/queryMobilityGroups)",
                     lambda: get_hcx_mobility_group(conn), gap="G-MOBILITY-GROUPS")
    if groups is not None:
        for mg in groups:                                                              # MON:53-57
            if MOBILITY_GROUP_NAME in (mg.get("entityName") or ""):
                group_id = mg.get("id")
        rep.check(f"MON:59-61: mobility group {MOBILITY_GROUP_NAME!r} found", bool(group_id), json.dumps(groups),
                  gap="G-MOBILITY-GROUPS")
    if not group_id:
        print(f"INFO [Smit] no mobility group id; the compat-2.1 query below uses the stand-in {STAND_IN_GROUP_ID!r}")
        group_id = STAND_IN_GROUP_ID
    res = rep.run("MON:66-80 compat-2.1 query with the script's exact body",
                  lambda: monitor_migration_once(conn, group_id), gap="G-MIGRATION-COMPAT")
    if res is not None:
        doc, seen, running = res
        rep.check("MON:67 body (PowerShell hashtable syntax) accepted: HTTP 200 with data.items[]",
                  isinstance((doc.get("data") or {}).get("items"), list), json.dumps(doc)[:300], gap="G-MIGRATION-COMPAT")
        want = [m["id"] for m in scenario.get("compat_migrations", [])
                if m["state"] in ("queued", "in_progress") and m.get("site") in (None, "conf-onprem")]
        got = [s[0] for s in seen]
        # The query filters on the mobility group's id, so the migration shows only if the group it belongs to
        # was found above: without mobility groups in the simulator this fails with G-MOBILITY-GROUPS.
        rep.check("MON:83-91: the group's data.items[] shows the scenario's in-flight compat migration as ongoing",
                  running and bool(want) and all(w in got for w in want),
                  f"want {want} ongoing, got {seen}; body {json.dumps(doc)[:300]}", gap="G-MOBILITY-GROUPS")
        rep.check("MON:85/88: entity.entityName of every item", all(s[1] for s in seen) and bool(seen), f"{seen}",
                  gap="G-MOBILITY-GROUPS")
    # Not the script: the same compat-2.1 query with the group filter left out (the form PCLI-Asaf's
    # Get-HcxMigrationAPI sends), to show whether the in-flight migration is there at all.
    body = "{filter={skipDrafts=true},options={resultLevel='MOBILITYGROUP_ITEMS',compat=2.1}}"
    doc = rep.run("compat-2.1 query without migrationGroupId (not in the script)",
                  lambda: json.loads(web_request("POST", conn["Server"] + "/migrations?action=query", conn["headers"], body).content),
                  gap="G-MIGRATION-COMPAT")
    if doc is not None:
        items = (doc.get("data") or {}).get("items") or []
        ongoing = {m.get("migrationId") for m in items if m.get("state") != "MIGRATION_COMPLETE"}
        want = {m["id"] for m in scenario.get("compat_migrations", []) if m["state"] in ("queued", "in_progress")}
        rep.check("compat-2.1 query without migrationGroupId: the in-flight compat migration is ongoing, with entity.entityName",
                  bool(want) and want <= ongoing and all((m.get("entity") or {}).get("entityName") for m in items),
                  json.dumps(doc)[:400], gap="G-MIGRATION-COMPAT")
    return rep.done()


if __name__ == "__main__":
    sys.exit(main())
