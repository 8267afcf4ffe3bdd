//! The JSON each endpoint answers with, built from the state.
//!
//! Shapes follow `hcx-api.md` per endpoint. Where the reference marks a field UNKNOWN the simulator leaves it
//! out; where it marks it INFERRED, the doc comment of the builder says so.

use hcx_core::HcxVersion;
use hcx_core::fleet::{ApplianceKind, MeshService, Migration, TransferState};
use serde_json::{Value, json};

use crate::clock::SIM_EPOCH_MS;
use crate::scenario::Timing;
use crate::state::{LastTask, MeshInfo, Outcome, SimJob, SimTask, SiteInfo, pseudo_uuid};

/// The hybridity envelope of `metainfo` and `cloudConfigs`.
pub(crate) fn envelope(data: Value, now_epoch: u64) -> Value {
    json!({ "success": true, "completed": true, "time": now_epoch, "version": "1.0", "data": data, "errors": [] })
}

/// An error body `{"errors":[{"message"}]}`.
pub(crate) fn error(message: impl Into<String>) -> Value {
    json!({"errors": [{"message": message.into()}]})
}

/// The 200 body of a login: the hybridity envelope with `data.endpointInfo.uuid`, the manager's endpoint id
/// (the path SMIT reads, `VMware.HCX.psm1:56`; the rest of the body is UNKNOWN and left out).
pub(crate) fn login_ok(endpoint_id: &str, now_epoch: u64) -> Value {
    envelope(json!({ "endpointInfo": { "uuid": endpoint_id } }), now_epoch)
}

/// The 400 body of a login refused for its format: the documented 9443 session error's shape (INFERRED for 443).
pub(crate) fn login_refused(message: String, now_epoch: u64) -> Value {
    json!({ "success": false, "completed": true, "time": now_epoch, "errorCode": "BAD_REQUEST", "error": message })
}

/// The interconnect action envelope's 400 (documented for the appliance upgrade; also used for refused query
/// bodies, where the real error body is UNKNOWN).
pub(crate) fn bad_request(message: String) -> Value {
    json!({"data": null, "warnings": [], "errors": [{"code": "BAD_REQUEST", "message": message}]})
}

/// The 404 of a path or action whose answer the simulator does not know (it refuses rather than invents).
pub(crate) fn not_modelled(what: &str) -> Value {
    error(format!("{what} is not modelled by hcx-sim"))
}

/// The interconnect action envelope's error form (404 on an unknown appliance).
pub(crate) fn not_found(message: String) -> Value {
    json!({"data": null, "warnings": [], "errors": [{"code": "NOT_FOUND", "message": message}]})
}

/// `metainfo/context/support`: `data.localEndpoints[].endpoint.version` is CONFIRMED-CODE; the array form,
/// `endpointId`, `buildNumber` and `name` are INFERRED ("likely, by analogy with cloudConfigs").
pub(crate) fn support(info: &SiteInfo, version: &HcxVersion) -> Value {
    let mut endpoint = json!({ "version": plain_version(version), "endpointId": info.endpoint_id });
    if let Some(b) = version.build() {
        endpoint["buildNumber"] = json!(b);
    }
    if let Some(n) = &info.name {
        endpoint["name"] = json!(n);
    }
    envelope(json!({ "localEndpoints": [ { "endpoint": endpoint } ] }), SIM_EPOCH_MS)
}

/// One `cloudConfigs` item: a remote manager this site paired *to*. `cloudType` is omitted (values UNKNOWN).
pub(crate) fn cloud_config(remote: &SiteInfo, version: &HcxVersion) -> Value {
    let mut item = json!({
        "endpointId": remote.endpoint_id,
        "cloudName": remote.name.clone().unwrap_or_else(|| remote.id.clone()),
        "url": remote.url,
        "username": remote.username,
        "version": plain_version(version),
    });
    if let Some(b) = version.build() {
        item["buildNumber"] = json!(b);
    }
    item
}

/// A site's compute profile id: a bare UUID (FIELD-NOTES format), stable per site.
pub(crate) fn compute_profile_id(site: &str) -> String {
    pseudo_uuid(&format!("cp/{site}"))
}

/// A mesh's `computeProfiles[]` entry for one end. `isInitiator` is FIELD-NOTES.
pub(crate) fn compute_profile(site: &str, info: Option<&SiteInfo>, initiator: bool) -> Value {
    json!({
        "endpointId": info.map(|s| s.endpoint_id.clone()),
        "endpointName": info.map(|s| s.name.clone().unwrap_or_else(|| s.id.clone())),
        "computeProfileId": compute_profile_id(site),
        "computeProfileName": format!("cp-{site}"),
        "isInitiator": initiator,
    })
}

/// What a mesh item shows beyond its fixed facts.
pub(crate) struct MeshView<'a> {
    pub profiles: [Value; 2],
    pub update_available: bool,
    pub last: Option<&'a LastTask>,
    /// Some appliance of the mesh has its tunnel (model) down.
    pub degraded: bool,
    pub now_epoch: u64,
}

/// An `interconnect/serviceMesh` item. The upgrade task `type` shown in `lastTaskDetails`
/// (`upgradeAppliance`) is INFERRED. `status.services[] {serviceName, status, reason}` has documented field
/// names (InlineserviceMeshGetResponse1); the values `UP`/`DOWN` (DOWN while an appliance's tunnel is down) are
/// INFERRED placeholders.
pub(crate) fn service_mesh(m: &MeshInfo, view: MeshView<'_>) -> Value {
    let names: Vec<&str> = m.services.iter().filter_map(|s| service_name(*s)).collect();
    let services: Vec<Value> = names.iter().map(|n| json!({"name": n})).collect();
    let state = if view.degraded { "DOWN" } else { "UP" };
    let statuses: Vec<Value> = names.iter().map(|n| json!({"serviceName": n, "status": state, "reason": []})).collect();
    let mut v = json!({
        "serviceMeshId": m.id,
        "name": m.id,
        "isLocalMesh": false,
        "updateAvailable": view.update_available,
        "services": services,
        "computeProfiles": view.profiles,
        "state": "COMMITTED",
        "backingApplianceType": "PHOTON",
        "status": { "timestamp": view.now_epoch, "services": statuses },
    });
    if m.services.contains(&MeshService::WanOptimization) {
        v["wanoptConfig"] = json!({ "uplinkMaxBandwidth": 10_000_000 });
    }
    if let Some(t) = view.last {
        v["lastTaskDetails"] = json!({ "interconnectTaskId": t.id, "type": t.kind, "status": t.status });
    }
    v
}

/// The system mesh a 9.x manager lists (FIELD-NOTES KY-911: name `default-service-mesh-<8 hex>`,
/// `backingApplianceType` `NOT_APPLICABLE`, HCX Assisted vMotion self-site). Its id is `servicemesh-<uuid>` whose
/// first 8 hex digits are the name's (KY-911's `Remove-StaleServiceMesh.ps1` guards `servicemesh-379b96be*` for
/// the mesh named `default-service-mesh-379b96be`). `isLocalMesh`, services and state are UNKNOWN and left out;
/// `status` is there (AMS-SAP reads it on every item) with no services (INFERRED).
pub(crate) fn system_mesh(site: &str, now_epoch: u64) -> Value {
    let u = pseudo_uuid(&format!("system-mesh/{site}"));
    json!({
        "serviceMeshId": format!("servicemesh-{u}"),
        "name": format!("default-service-mesh-{}", &u[..8]),
        "backingApplianceType": "NOT_APPLICABLE",
        "status": { "timestamp": now_epoch, "services": [] },
    })
}

/// One end of an appliance pair, as its site lists it.
pub(crate) struct ApplianceView<'a> {
    pub id: &'a str,
    pub peer: &'a str,
    pub kind: ApplianceKind,
    pub mesh: &'a str,
    pub endpoint: Option<&'a str>,
    pub peer_endpoint: Option<&'a str>,
    pub at_source: bool,
    pub version: &'a HcxVersion,
    pub extensions: usize,
    pub tunnel_up: bool,
    /// The listing site's compute profile id (as in the mesh's `computeProfiles`).
    pub compute_profile: &'a str,
    /// Also serve the INFERRED `status.tunnels[]` (scenario `inferred_tunnels`).
    pub tunnels: bool,
}

/// An appliance object. `applianceVersion` is CONFIRMED-DOC; `applianceType` strings `HCX-WAN-IX`/`HCX-NET-EXT`
/// are confirmed, the WO/SGW/SDR strings are UNKNOWN placeholders. The update info property name is UNKNOWN,
/// so it is left out (the mesh's `updateAvailable` carries the flag).
///
/// `computeProfileId` is CONFIRMED-CODE (AMS-SAP reads it). `status.summary {overallStatus, reasons}` is
/// CONFIRMED-CODE (AMS-SAP, KY-911); its values `UP`/`DOWN` and the reason text are INFERRED placeholders, DOWN
/// exactly when the tunnel model says down.
///
/// `status.tunnels[]` `{peerApplianceId, status: "UP"|"DOWN"}` is INFERRED (no public client or document shows it
/// on the wire) and served only with the scenario's `inferred_tunnels`.
pub(crate) fn appliance(a: &ApplianceView<'_>) -> Value {
    let tunnel = if a.tunnel_up { "UP" } else { "DOWN" };
    let reasons: Vec<&str> = if a.tunnel_up { vec![] } else { vec!["tunnel down (hcx-sim placeholder)"] };
    let mut status = json!({ "summary": { "overallStatus": tunnel, "reasons": reasons } });
    if a.tunnels {
        status["tunnels"] = json!([ { "peerApplianceId": a.peer, "status": tunnel } ]);
    }
    let mut v = json!({
        "applianceId": a.id,
        "applianceType": appliance_type(a.kind),
        "applianceName": format!("{}-{}", a.mesh, a.id),
        "serviceMeshId": a.mesh,
        "computeProfileId": a.compute_profile,
        "endpointId": a.endpoint,
        "isInitiator": a.at_source,
        "peerAppliances": [ { "applianceId": a.peer, "endpointId": a.peer_endpoint } ],
        "applianceVersion": appliance_version(a.version),
        "status": status,
    });
    if a.kind == ApplianceKind::Ne {
        v["networkExtensionCount"] = json!(a.extensions);
    }
    v
}

/// The 202 answer to an appliance upgrade or redeploy.
pub(crate) fn action_accepted(task: &str, appliance: &str) -> Value {
    json!({ "data": { "interconnectTaskId": task, "applianceId": appliance }, "warnings": [], "errors": [] })
}

/// `GET /interconnect/tasks/{id}` → bare object. `entityDetails`: field list CONFIRMED-DOC (PowerCLI task
/// metadata); the camelCase spelling and values are INFERRED.
pub(crate) fn task(t: &SimTask, now: u64, timing: &Timing) -> Value {
    let queued_end = t.created_ms + timing.task_queued_secs * 1000;
    let run_ms = (timing.task_run_secs * 1000).max(1);
    let (status, progress, message) = if now < queued_end {
        ("QUEUED", 0, "Queued".to_owned())
    } else if t.outcome == Outcome::Stall || now < queued_end + run_ms {
        let p = if t.outcome == Outcome::Stall { 40 } else { ((now - queued_end) * 100 / run_ms).min(99) };
        ("RUNNING", p, format!("[{}] {}", t.appliance, t.kind))
    } else {
        match &t.outcome {
            Outcome::Succeed | Outcome::Stall | Outcome::SucceedNoChange => {
                ("SUCCESS", 100, format!("[{}] {} done", t.appliance, t.kind))
            }
            Outcome::Fail(m) | Outcome::FailReportedRunning(m) => ("FAILED", 100, m.clone()),
        }
    };
    let mut v = json!({
        "interconnectTaskId": t.id,
        "type": t.kind,
        "status": status,
        "progress": progress,
        "message": message,
        "startTime": SIM_EPOCH_MS + t.created_ms,
        "entityDetails": { "id": t.appliance, "type": "appliance" },
    });
    if status == "FAILED" {
        v["errorMessage"] = json!(message);
    }
    v
}

/// When every extension was created: the simulator's epoch, as an ISO 8601 UTC string (INFERRED format;
/// ESLZ `Test-HCX-StretchedVLANs.ps1:31` passes `creationDate` to PowerShell's `Get-Date`, which parses it).
pub(crate) const EXTENSION_CREATED: &str = "2026-01-01T00:00:00.000Z";

/// One `l2Extensions` item. `creationDate` (CONFIRMED-CODE ESLZ), `operationStatus.state` (CONFIRMED-CODE
/// TF-vmware) and `networkType` (CONFIRMED-DOC) are there; their values are INFERRED placeholders: the epoch,
/// `SUCCESS` (`DELETING` while a delete job runs) and `DistributedVirtualPortgroup` (the ids are `dvportgroup-…`).
pub(crate) fn l2_extension(
    stretch_id: &str,
    appliance: &str,
    network: &str,
    endpoint: Option<&str>,
    deleting: bool,
) -> Value {
    let net_id = format!("dvportgroup-{}", &pseudo_uuid(network)[0..6]);
    let net_type = "DistributedVirtualPortgroup";
    json!({
        "stretchId": stretch_id,
        "applianceId": appliance,
        "networkName": network,
        "networkId": net_id,
        "networkType": net_type,
        "sourceNetwork": { "networkId": net_id, "networkName": network, "networkType": net_type },
        "endpointId": endpoint,
        "creationDate": EXTENSION_CREATED,
        "operationStatus": { "state": if deleting { "DELETING" } else { "SUCCESS" } },
    })
}

/// `GET /hybridity/api/jobs/{id}` → bare object (TF-vmware `JobResult`).
pub(crate) fn job(j: &SimJob, now: u64, timing: &Timing) -> Value {
    let total = (timing.job_run_secs * 1000).max(1);
    let elapsed = now.saturating_sub(j.created_ms);
    let finished = elapsed >= timing.job_run_secs * 1000;
    json!({
        "jobId": j.id, "username": "hcx-sim",
        "isQueued": elapsed == 0, "isCancelled": false, "isRolledBack": false,
        "createTimeEpoch": SIM_EPOCH_MS + j.created_ms, "startTime": SIM_EPOCH_MS + j.created_ms,
        "endTime": if finished { SIM_EPOCH_MS + j.created_ms + total } else { 0 },
        "percentComplete": (elapsed * 100 / total).min(100), "isDone": finished, "didFail": false, "jobData": {},
    })
}

/// A migration, item shape A (PCLI-Lam). The non-terminal `QUEUED` state name is INFERRED (non-terminal names
/// are UNKNOWN). `progressDetails.state` uses Blog-Adel's vMotion states (`COMPLETED`, `FAILED`, a middle one
/// while running, the first one while queued); that a bulk migration shows them is INFERRED. The fleet knows no
/// VM: `entityDetails.entityName` is the migration id, `username` `hcx-sim`, `message` empty (placeholders);
/// the dates' format is UNKNOWN and they are left out.
pub(crate) fn migration(m: &Migration) -> Value {
    let pct = if m.state == TransferState::Completed { 100 } else { 40 };
    json!({
        "migrationId": m.id,
        "jobInfo": { "state": migration_state(m.state), "username": "hcx-sim" },
        "migrationInfo": { "migrationType": "bulkVMotion", "message": "",
                           "entityDetails": { "entityName": m.id },
                           "progressDetails": { "progressPercentage": pct, "state": progress_state(m.state) } },
    })
}

/// A migration, item shape B (PCLI-Asaf, compat 2.1): state in `state`. Terminal names are PCLI-Asaf's
/// (`MIGRATION_COMPLETE` also SMIT's); `TRANSFER_IN_PROGRESS` and `QUEUED` are INFERRED placeholders.
pub(crate) fn migration_b(m: &Migration) -> Value {
    let pct = if m.state == TransferState::Completed { 100 } else { 40 };
    json!({
        "migrationId": m.id,
        "state": migration_state_b(m.state),
        "username": "hcx-sim",
        "creationDate": SIM_EPOCH_MS,
        "lastUpdated": SIM_EPOCH_MS,
        "entity": { "entityName": m.id },
        "version": 2,
        "progress": { "message": "", "percentComplete": pct },
    })
}

/// A mobility group item of `migration/queryMobilityGroups`: `id` and `entityName` (the fields MG/MON read,
/// MON:53-57). The name is INFERRED (`hcx-sim group <site id> (<site name, lower case>)`); no other field is
/// served, their values being UNKNOWN.
pub(crate) fn mobility_group(id: &str, site: &str, site_name: Option<&str>) -> Value {
    let name = match site_name {
        Some(n) => format!("hcx-sim group {site} ({})", n.to_lowercase()),
        None => format!("hcx-sim group {site}"),
    };
    json!({ "id": id, "entityName": name })
}

/// The state a migration query filters on, in the answer's style.
pub(crate) fn migration_state_of(m: &Migration, compat: bool) -> &'static str {
    if compat { migration_state_b(m.state) } else { migration_state(m.state) }
}

fn migration_state_b(s: TransferState) -> &'static str {
    match s {
        TransferState::Queued => "QUEUED",
        TransferState::Completed => "MIGRATION_COMPLETE",
        TransferState::Failed => "MIGRATION_FAILED",
        TransferState::Cancelled => "MIGRATION_CANCELLED",
        _ => "TRANSFER_IN_PROGRESS",
    }
}

fn progress_state(s: TransferState) -> &'static str {
    match s {
        TransferState::Queued => "PROCESS_COLLECT_GATEWAY_DETAILS",
        TransferState::Completed => "COMPLETED",
        TransferState::Failed | TransferState::Cancelled => "FAILED",
        _ => "PROCESS_COLLECT_VM_DETAILS_RESULT",
    }
}

/// The replications summary (AVS-Mgmt). In-progress replications count as `activeReplicationCnt.outgoing`,
/// queued ones as `configuringReplicationCnt.outgoing` (this mapping is INFERRED).
pub(crate) fn replications_summary(active: usize, configuring: usize) -> Value {
    json!({
        "activeReplicationCnt": { "outgoing": active, "incoming": 0 },
        "configuringReplicationCnt": { "outgoing": configuring, "incoming": 0 },
        "recoveringReplicationCnt": {},
        "syncingReplicationCnt": {},
    })
}

/// The manager-upgrade rehearsal's status (simulator only, not an HCX API): `{"rehearsal": "manager-upgrade",
/// "state": "not-started"|"queued"|"running"|"done", "from", "to", "progress"}`.
pub(crate) fn rehearsal(
    u: Option<&crate::state::ManagerUpgrade>,
    current: &HcxVersion,
    now: u64,
    timing: &Timing,
) -> Value {
    let Some(u) = u else {
        return json!({"rehearsal": "manager-upgrade", "state": "not-started", "from": current.to_string(),
                      "to": null, "progress": 0});
    };
    let queued_end = u.started_ms + timing.task_queued_secs * 1000;
    let total = (timing.manager_upgrade_secs * 1000).max(1);
    let (state, progress) = if u.finished {
        ("done", 100)
    } else if now < queued_end {
        ("queued", 0)
    } else {
        ("running", ((now - queued_end) * 100 / total).min(99))
    };
    json!({"rehearsal": "manager-upgrade", "state": state, "from": u.from.to_string(), "to": u.target.to_string(),
           "progress": progress})
}

/// One item of a site's HA group list (BRCM-WM `haGroup`; CONFIRMED-DOC field names).
pub(crate) struct HaGroupView<'a> {
    pub mesh: &'a str,
    pub name: &'a str,
    /// `(applianceId, peerApplianceId)` as seen from the listing site, in fleet order.
    pub members: Vec<(&'a str, &'a str)>,
    pub degraded: bool,
}

/// An HA group. `groupId` is `hagroup-<uuid>` (INFERRED format); `groupType`, `role` (`ACTIVE` for the first
/// member, `STANDBY` for the others) and `groupState` (`HEALTHY`, or `DEGRADED` while a member's tunnel is down)
/// are INFERRED placeholders: their values are UNKNOWN.
pub(crate) fn ha_group(g: &HaGroupView<'_>) -> Value {
    let members: Vec<Value> = g
        .members
        .iter()
        .enumerate()
        .map(|(i, (id, peer))| {
            json!({
                "applianceId": id, "applianceName": format!("{}-{id}", g.mesh),
                "peerApplianceId": peer, "peerApplianceName": format!("{}-{peer}", g.mesh),
                "role": if i == 0 { "ACTIVE" } else { "STANDBY" },
            })
        })
        .collect();
    json!({
        "groupId": format!("hagroup-{}", pseudo_uuid(&format!("{}/{}", g.mesh, g.name))),
        "name": g.name,
        "serviceMeshId": g.mesh,
        "groupType": "NE_HA",
        "groupMembers": members,
        "status": { "groupState": if g.degraded { "DEGRADED" } else { "HEALTHY" } },
    })
}

/// Mesh service name on the wire. `WANOPT` and `OSAM` are INFERRED (the reference only implies WAN optimisation
/// through `wanoptConfig`).
pub(crate) fn service_name(s: MeshService) -> Option<&'static str> {
    Some(match s {
        MeshService::Interconnect => "INTERCONNECT",
        MeshService::Vmotion => "VMOTION",
        MeshService::BulkMigration => "BULK_MIGRATION",
        MeshService::ReplicationAssistedVmotion => "RAV",
        MeshService::NetworkExtension => "NETWORK_EXTENSION",
        MeshService::DisasterRecovery => "DISASTER_RECOVERY",
        MeshService::WanOptimization => "WANOPT",
        MeshService::Osam => "OSAM",
        _ => return None,
    })
}

/// `applianceType` string. IX and NE are confirmed; WO/SGW/SDR are UNKNOWN placeholders.
pub(crate) fn appliance_type(k: ApplianceKind) -> &'static str {
    match k {
        ApplianceKind::Ix => "HCX-WAN-IX",
        ApplianceKind::Ne => "HCX-NET-EXT",
        ApplianceKind::Wo => "HCX-WAN-OPT",
        ApplianceKind::Sgw => "HCX-SGW",
        ApplianceKind::Sdr => "HCX-SDR",
        _ => "HCX-UNKNOWN",
    }
}

fn appliance_version(v: &HcxVersion) -> Value {
    let build: u64 = v.build().and_then(|b| b.parse().ok()).unwrap_or(0);
    json!({ "major": v.major(), "minor": v.minor(), "patch": v.patch(), "revision": v.revision().to_string(), "build": build })
}

fn migration_state(s: TransferState) -> &'static str {
    match s {
        TransferState::Queued => "QUEUED",
        TransferState::Completed => "MIGRATED",
        TransferState::Failed => "MIGRATE_FAILED",
        TransferState::Cancelled => "MIGRATE_CANCELED",
        _ => "MIGRATING",
    }
}

/// A version as HCX prints it in `version` fields: numeric parts only; the build travels separately.
fn plain_version(v: &HcxVersion) -> String {
    HcxVersion::new4(v.major(), v.minor(), v.patch(), v.revision()).to_string()
}
