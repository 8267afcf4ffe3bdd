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

/// A mesh's `computeProfiles[]` entry for one end. `isInitiator` is FIELD-NOTES.
pub(crate) fn compute_profile(site: &str, info: Option<&SiteInfo>, initiator: bool) -> Value {
    json!({
        "endpointId": info.map(|s| s.endpoint_id.clone()),
        "endpointName": info.map(|s| s.name.clone().unwrap_or_else(|| s.id.clone())),
        "computeProfileId": pseudo_uuid(&format!("cp/{site}")),
        "computeProfileName": format!("cp-{site}"),
        "isInitiator": initiator,
    })
}

/// An `interconnect/serviceMesh` item. The upgrade task `type` shown in `lastTaskDetails`
/// (`upgradeAppliance`) is INFERRED.
pub(crate) fn service_mesh(
    m: &MeshInfo,
    profiles: [Value; 2],
    update_available: bool,
    last: Option<&LastTask>,
) -> Value {
    let services: Vec<Value> = m.services.iter().filter_map(|s| service_name(*s)).map(|n| json!({"name": n})).collect();
    let mut v = json!({
        "serviceMeshId": m.id,
        "name": m.id,
        "isLocalMesh": false,
        "updateAvailable": update_available,
        "services": services,
        "computeProfiles": profiles,
        "state": "COMMITTED",
        "backingApplianceType": "PHOTON",
    });
    if m.services.contains(&MeshService::WanOptimization) {
        v["wanoptConfig"] = json!({ "uplinkMaxBandwidth": 10_000_000 });
    }
    if let Some(t) = last {
        v["lastTaskDetails"] = json!({ "interconnectTaskId": t.id, "type": t.kind, "status": t.status });
    }
    v
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
}

/// An appliance object. `applianceVersion` is CONFIRMED-DOC; `applianceType` strings `HCX-WAN-IX`/`HCX-NET-EXT`
/// are confirmed, the WO/SGW/SDR strings are UNKNOWN placeholders. The update info property name is UNKNOWN,
/// so it is left out (the mesh's `updateAvailable` carries the flag).
///
/// `status.tunnels[]` `{peerApplianceId, status: "UP"|"DOWN"}` is INFERRED: PowerCLI's `HCXInterconnectAppliance`
/// surfaces a `TunnelStatus` mapped from this object (CONFIRMED-DOC PCLI-ref) and VMware's status data
/// structures carry `tunnels`, but the wire field and its values are not in the reference. `status.summary`
/// stays out (its values are UNKNOWN).
pub(crate) fn appliance(a: &ApplianceView<'_>) -> Value {
    let tunnel = if a.tunnel_up { "UP" } else { "DOWN" };
    let mut v = json!({
        "applianceId": a.id,
        "applianceType": appliance_type(a.kind),
        "applianceName": format!("{}-{}", a.mesh, a.id),
        "serviceMeshId": a.mesh,
        "endpointId": a.endpoint,
        "isInitiator": a.at_source,
        "peerAppliances": [ { "applianceId": a.peer, "endpointId": a.peer_endpoint } ],
        "applianceVersion": appliance_version(a.version),
        "status": { "tunnels": [ { "peerApplianceId": a.peer, "status": tunnel } ] },
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

/// One `l2Extensions` item.
pub(crate) fn l2_extension(stretch_id: &str, appliance: &str, network: &str, endpoint: Option<&str>) -> Value {
    let net_id = format!("dvportgroup-{}", &pseudo_uuid(network)[0..6]);
    json!({
        "stretchId": stretch_id,
        "applianceId": appliance,
        "networkName": network,
        "networkId": net_id,
        "sourceNetwork": { "networkId": net_id, "networkName": network },
        "endpointId": endpoint,
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
/// are UNKNOWN).
pub(crate) fn migration(m: &Migration) -> Value {
    let pct = if m.state == TransferState::Completed { 100 } else { 40 };
    json!({
        "migrationId": m.id,
        "jobInfo": { "state": migration_state(m.state) },
        "migrationInfo": { "migrationType": "bulkVMotion", "progressDetails": { "progressPercentage": pct } },
    })
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

/// Manager-upgrade stand-in status; mirrors the 9443 `UpgradeResponse` data structure (CONFIRMED-DOC shape,
/// UNKNOWN path).
pub(crate) fn manager_upgrade(u: Option<&crate::state::ManagerUpgrade>, now: u64, timing: &Timing) -> Value {
    let Some(u) = u else {
        return json!({"status": "NOT_STARTED", "progress": 0, "message": "No upgrade"});
    };
    let queued_end = u.started_ms + timing.task_queued_secs * 1000;
    let total = (timing.manager_upgrade_secs * 1000).max(1);
    let (status, progress) = if u.finished {
        ("SUCCESS", 100)
    } else if now < queued_end {
        ("QUEUED", 0)
    } else {
        ("IN_PROGRESS", ((now - queued_end) * 100 / total).min(99))
    };
    let mut v = json!({
        "status": status, "progress": progress,
        "message": format!("Upgrade {} -> {}", u.from, u.target),
        "createTime": SIM_EPOCH_MS + u.started_ms, "lastUpdatedTime": SIM_EPOCH_MS + now,
        "bundleMetadata": { "version": u.target.to_string() },
    });
    if u.finished {
        v["currentVersion"] = json!(u.target.to_string());
    }
    v
}

/// Mesh service name on the wire. `WANOPT` and `OSAM` are INFERRED (the reference only implies WAN optimisation
/// through `wanoptConfig`).
fn service_name(s: MeshService) -> Option<&'static str> {
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
