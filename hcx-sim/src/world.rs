//! The simulated world: every manager's state, and the JSON each endpoint answers with.
//!
//! Response shapes follow `hcx-api.md` per endpoint. Where the reference marks a field UNKNOWN the
//! simulator leaves it out; where it marks it INFERRED, the doc comment on the builder function says so.

use std::collections::{BTreeMap, HashMap};

use hcx_core::HcxVersion;
use hcx_core::fleet::{ApplianceKind, Fleet, MeshService, Migration, Replication, Site, SitePair, TransferState};
use serde_json::{Value, json};

use crate::clock::SIM_EPOCH_MS;
use crate::fault::{Endpoint, FaultKind, FaultRule};
use crate::scenario::{Scenario, Timing};

/// Per-manager simulated state.
#[derive(Debug)]
pub(crate) struct SimSite {
    pub site: Site,
    pub endpoint_id: String,
    pub url: String,
    pub username: String,
    pub password: String,
    pub latency_ms: u64,
    pub faults: Vec<FaultRule>,
    /// token → last use (sim ms).
    pub tokens: HashMap<String, u64>,
    pub issued_tokens: Vec<String>,
    pub calls: BTreeMap<Endpoint, u64>,
    pub performed: BTreeMap<Endpoint, u64>,
    /// Mutations carried out per target, keyed `"<endpoint>:<target>"` (appliance id, stretch id or version).
    pub performed_on: BTreeMap<String, u64>,
    pub upgrade: Option<ManagerUpgrade>,
}

#[derive(Debug, Clone)]
pub(crate) struct ManagerUpgrade {
    pub from: HcxVersion,
    pub target: HcxVersion,
    pub started_ms: u64,
    pub finished: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct SimMesh {
    pub id: String,
    pub source: String,
    pub destination: String,
    pub services: Vec<MeshService>,
    /// (task id, type, status as shown on the mesh)
    pub last_task: Option<(String, String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct SimAppliance {
    /// Id at the source (initiator) site; the fleet's appliance id.
    pub id: String,
    /// Id of the peer appliance at the destination site.
    pub peer_id: String,
    pub mesh: String,
    pub kind: ApplianceKind,
    pub version: HcxVersion,
    pub peer_version: HcxVersion,
}

#[derive(Debug, Clone)]
pub(crate) struct SimExtension {
    pub stretch_id: String,
    pub network: String,
    pub appliance: String,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Succeed,
    Fail(String),
    Stall,
    FailReportedRunning(String),
}

#[derive(Debug, Clone)]
pub(crate) struct SimTask {
    pub id: String,
    pub site: String,
    /// The appliance id as addressed at `site`.
    pub appliance: String,
    pub kind: &'static str,
    pub local: bool,
    pub created_ms: u64,
    pub outcome: Outcome,
    pub finished: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct SimJob {
    pub id: String,
    pub site: String,
    pub stretch_id: String,
    pub created_ms: u64,
    pub finished: bool,
}

/// A reply before fault post-processing.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub token: Option<String>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Self { status, body: Some(body), token: None }
    }
    fn empty(status: u16) -> Self {
        Self { status, body: None, token: None }
    }
}

/// Request as the world sees it.
pub(crate) struct Req<'a> {
    pub endpoint: Endpoint,
    pub params: Vec<String>,
    pub query: &'a str,
    pub token: Option<&'a str>,
    pub body: &'a [u8],
    /// A task fault fired for this call, if any.
    pub task_fault: Option<FaultKind>,
}

#[derive(Debug)]
pub(crate) struct World {
    pub timing: Timing,
    pub sites: BTreeMap<String, SimSite>,
    pub pairs: Vec<SitePair>,
    pub meshes: Vec<SimMesh>,
    pub appliances: Vec<SimAppliance>,
    pub extensions: Vec<SimExtension>,
    pub migrations: Vec<Migration>,
    pub replications: Vec<Replication>,
    pub tasks: BTreeMap<String, SimTask>,
    pub jobs: BTreeMap<String, SimJob>,
    next_id: u64,
}

/// Deterministic pseudo-UUID from a string (FNV-1a), so endpoint ids are stable across runs.
pub(crate) fn pseudo_uuid(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
        h2 = h2.rotate_left(5) ^ u64::from(b);
        h2 = h2.wrapping_mul(0x0100_0000_01b3);
    }
    let x = format!("{h:016x}{h2:016x}");
    format!("{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}

impl World {
    /// `GET /hcx-sim/counters` of one site: `{"site", "endpoints": {"<endpoint>": {"calls", "performed"}},
    /// "performed_on": {"<endpoint>:<target>": n}}`. Simulator only; no authentication.
    pub(crate) fn counters(&self, site: &str) -> Value {
        let Some(s) = self.sites.get(site) else {
            return json!({});
        };
        let mut endpoints = serde_json::Map::new();
        for e in Endpoint::ALL {
            let calls = s.calls.get(&e).copied().unwrap_or(0);
            let performed = s.performed.get(&e).copied().unwrap_or(0);
            if calls > 0 || performed > 0 {
                endpoints.insert(e.as_str().to_owned(), json!({ "calls": calls, "performed": performed }));
            }
        }
        json!({ "site": site, "endpoints": endpoints, "performed_on": s.performed_on })
    }

    pub(crate) fn new(scenario: &Scenario, urls: &BTreeMap<String, String>) -> Self {
        let fleet: &Fleet = &scenario.fleet;
        let mut sites = BTreeMap::new();
        for s in &fleet.sites {
            let (username, password) = scenario.credentials(&s.id);
            let spec = scenario.managers.get(&s.id);
            let latency_ms = spec.and_then(|m| m.latency_ms).unwrap_or(scenario.defaults.latency_ms);
            let faults = spec.map(|m| m.faults.clone()).unwrap_or_default();
            let url = urls.get(&s.id).cloned().unwrap_or_default();
            let mut site = s.clone();
            site.url = Some(url.clone());
            sites.insert(
                s.id.clone(),
                SimSite {
                    site,
                    // Real format: "<17-digit timestamp>-<uuid>" (field notes).
                    endpoint_id: format!("20260101000000000-{}", pseudo_uuid(&s.id)),
                    url,
                    username,
                    password,
                    latency_ms,
                    faults,
                    tokens: HashMap::new(),
                    issued_tokens: Vec::new(),
                    calls: BTreeMap::new(),
                    performed: BTreeMap::new(),
                    performed_on: BTreeMap::new(),
                    upgrade: None,
                },
            );
        }
        let mut meshes = Vec::new();
        let mut appliances = Vec::new();
        for m in &fleet.meshes {
            meshes.push(SimMesh {
                id: m.id.clone(),
                source: m.source.clone(),
                destination: m.destination.clone(),
                services: m.services.clone(),
                last_task: None,
            });
            for a in &m.appliances {
                appliances.push(SimAppliance {
                    id: a.id.clone(),
                    peer_id: format!("{}-peer", a.id),
                    mesh: m.id.clone(),
                    kind: a.kind,
                    version: a.version.clone(),
                    peer_version: a.version.clone(),
                });
            }
        }
        let extensions = fleet
            .extensions
            .iter()
            .enumerate()
            .map(|(i, e)| SimExtension {
                stretch_id: format!("stretch-{}", pseudo_uuid(&format!("{}/{}/{i}", e.appliance, e.network))),
                network: e.network.clone(),
                appliance: e.appliance.clone(),
                deleted: false,
            })
            .collect();
        Self {
            timing: scenario.timing.clone(),
            sites,
            pairs: fleet.pairs.clone(),
            meshes,
            appliances,
            extensions,
            migrations: fleet.migrations.clone(),
            replications: fleet.replications.clone(),
            tasks: BTreeMap::new(),
            jobs: BTreeMap::new(),
            next_id: 1,
        }
    }

    fn next_id(&mut self, prefix: &str) -> String {
        let n = self.next_id;
        self.next_id += 1;
        format!("{prefix}-{}", pseudo_uuid(&format!("{prefix}{n}")))
    }

    fn task_end_ms(&self, t: &SimTask) -> u64 {
        t.created_ms + (self.timing.task_queued_secs + self.timing.task_run_secs) * 1000
    }

    /// Applies everything that has completed by `now` (sim ms). Idempotent.
    pub(crate) fn tick(&mut self, now: u64) {
        let due: Vec<String> = self
            .tasks
            .values()
            .filter(|t| !t.finished && t.outcome != Outcome::Stall && now >= self.task_end_ms(t))
            .map(|t| t.id.clone())
            .collect();
        for id in due {
            let Some(task) = self.tasks.get_mut(&id) else { continue };
            task.finished = true;
            let task = task.clone();
            let mesh_status = match &task.outcome {
                Outcome::Succeed => {
                    self.apply_appliance_upgrade(&task);
                    Some("SUCCESS")
                }
                Outcome::Fail(_) => Some("FAILED"),
                // The quirk: the mesh keeps showing RUNNING after the task failed.
                Outcome::FailReportedRunning(_) | Outcome::Stall => None,
            };
            if let Some(status) = mesh_status {
                for m in &mut self.meshes {
                    if let Some(lt) = &mut m.last_task {
                        if lt.0 == task.id {
                            lt.2 = status.to_owned();
                        }
                    }
                }
            }
        }
        let job_secs = self.timing.job_run_secs;
        let mut removed = Vec::new();
        for j in self.jobs.values_mut() {
            if !j.finished && now >= j.created_ms + job_secs * 1000 {
                j.finished = true;
                removed.push(j.stretch_id.clone());
            }
        }
        for e in &mut self.extensions {
            if removed.contains(&e.stretch_id) {
                e.deleted = true;
            }
        }
        let up_secs = self.timing.manager_upgrade_secs + self.timing.task_queued_secs;
        for s in self.sites.values_mut() {
            if let Some(u) = &mut s.upgrade {
                if !u.finished && now >= u.started_ms + up_secs * 1000 {
                    u.finished = true;
                    s.site.version = u.target.clone();
                    // The manager rebooted: every session is gone.
                    s.tokens.clear();
                }
            }
        }
    }

    /// A finished upgrade or redeploy leaves the appliance on its manager's software (a redeploy deploys the
    /// manager's current appliance image: INFERRED, as the reference only says that redeploying the SGW upgrades it).
    fn apply_appliance_upgrade(&mut self, task: &SimTask) {
        let Some(idx) = self.appliances.iter().position(|a| a.id == task.appliance || a.peer_id == task.appliance)
        else {
            return;
        };
        let mesh = self.appliances[idx].mesh.clone();
        let Some(m) = self.meshes.iter().find(|m| m.id == mesh) else {
            return;
        };
        let (src, dst) = (m.source.clone(), m.destination.clone());
        let src_v = self.sites.get(&src).map(|s| s.site.version.clone());
        let dst_v = self.sites.get(&dst).map(|s| s.site.version.clone());
        let a = &mut self.appliances[idx];
        let called_at_source = a.id == task.appliance;
        // Appliances upgrade to the software their manager has (MS-AVS-doc: flagged when the manager is newer).
        if called_at_source || !task.local {
            if let Some(v) = src_v {
                a.version = v;
            }
        }
        if !called_at_source || !task.local {
            if let Some(v) = dst_v {
                a.peer_version = v;
            }
        }
    }

    /// Checks the session token; refreshes its idle timer.
    fn authorize(&mut self, site: &str, token: Option<&str>, now: u64) -> bool {
        let idle_ms = self.timing.token_idle_secs * 1000;
        let Some(s) = self.sites.get_mut(site) else {
            return false;
        };
        let Some(token) = token else { return false };
        match s.tokens.get_mut(token) {
            Some(last) if now.saturating_sub(*last) <= idle_ms => {
                *last = now;
                true
            }
            Some(_) => {
                s.tokens.remove(token);
                false
            }
            None => false,
        }
    }

    pub(crate) fn manager_down(&self, site: &str, now: u64) -> bool {
        self.sites
            .get(site)
            .and_then(|s| s.upgrade.as_ref())
            .is_some_and(|u| !u.finished && now >= u.started_ms + self.timing.task_queued_secs * 1000)
    }

    pub(crate) fn handle(&mut self, site: &str, req: Req<'_>, now: u64) -> Reply {
        if req.endpoint == Endpoint::Unknown {
            return Reply::json(404, json!({"errors": [{"message": "not found (hcx-sim)"}]}));
        }
        if req.endpoint == Endpoint::Sessions {
            return self.login(site, req.body, now);
        }
        if req.endpoint != Endpoint::ManagerUpgradeStatus && self.manager_down(site, now) {
            return Reply::json(503, json!({"errors": [{"message": "manager is upgrading (hcx-sim stand-in)"}]}));
        }
        if !self.authorize(site, req.token, now) {
            return Reply::empty(401);
        }
        let reply = match req.endpoint {
            Endpoint::Support => self.support(site),
            Endpoint::CloudConfigs => self.cloud_configs(site, now),
            Endpoint::ServiceMesh => self.service_meshes(site),
            Endpoint::Appliances => Reply::json(200, json!({ "items": self.appliance_items(site, None) })),
            Endpoint::AppliancesQuery => {
                let filter: Value = serde_json::from_slice(req.body).unwrap_or(Value::Null);
                Reply::json(200, json!({ "items": self.appliance_items(site, Some(&filter["filter"])) }))
            }
            Endpoint::ApplianceUpgrade | Endpoint::ApplianceRedeploy => self.appliance_action(site, &req, now),
            Endpoint::L2Extensions => self.l2_extensions(site),
            Endpoint::L2ExtensionDelete => self.l2_extension_delete(site, &req, now),
            Endpoint::MigrationsQuery => self.migrations_query(site, req.body),
            Endpoint::ReplicationsQuery => self.replications_query(site),
            Endpoint::Task => self.task(site, &req, now),
            Endpoint::Job => self.job(site, &req, now),
            Endpoint::ManagerUpgradeStart => self.manager_upgrade_start(site, req.body, now),
            Endpoint::ManagerUpgradeStatus => self.manager_upgrade_status(site, now),
            Endpoint::Sessions | Endpoint::Unknown => Reply::empty(404),
        };
        if req.endpoint.is_mutating() && (200..300).contains(&reply.status) {
            let target = match req.endpoint {
                Endpoint::ManagerUpgradeStart => serde_json::from_slice::<Value>(req.body)
                    .ok()
                    .and_then(|v| v["targetVersion"].as_str().map(str::to_owned))
                    .unwrap_or_default(),
                _ => req.params.first().cloned().unwrap_or_default(),
            };
            if let Some(s) = self.sites.get_mut(site) {
                *s.performed.entry(req.endpoint).or_default() += 1;
                *s.performed_on.entry(format!("{}:{target}", req.endpoint.as_str())).or_default() += 1;
            }
        }
        reply
    }

    /// `POST /hybridity/api/sessions`: 200 with the token in `x-hm-authorization`; the body is UNKNOWN in the
    /// reference, so the simulator sends `{}`. Bad credentials: 401 with an empty body (body UNKNOWN).
    fn login(&mut self, site: &str, body: &[u8], now: u64) -> Reply {
        if self.manager_down(site, now) {
            return Reply::json(503, json!({"errors": [{"message": "manager is upgrading (hcx-sim stand-in)"}]}));
        }
        let creds: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => return Reply::empty(400),
        };
        let Some(s) = self.sites.get_mut(site) else {
            return Reply::empty(404);
        };
        let ok = creds["username"].as_str() == Some(s.username.as_str())
            && creds["password"].as_str() == Some(s.password.as_str());
        if !ok {
            return Reply::empty(401);
        }
        let token = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        s.tokens.insert(token.clone(), now);
        s.issued_tokens.push(token.clone());
        Reply { status: 200, body: Some(json!({})), token: Some(token) }
    }

    fn envelope(data: Value, now_epoch: u64) -> Value {
        json!({ "success": true, "completed": true, "time": now_epoch, "version": "1.0", "data": data, "errors": [] })
    }

    /// `metainfo/context/support`: `data.localEndpoints[].endpoint.version` is CONFIRMED-CODE; the array form,
    /// `endpointId`, `buildNumber` and `name` are INFERRED ("likely, by analogy with cloudConfigs").
    fn support(&self, site: &str) -> Reply {
        let Some(s) = self.sites.get(site) else {
            return Reply::empty(404);
        };
        let mut endpoint = json!({ "version": plain_version(&s.site.version), "endpointId": s.endpoint_id });
        if let Some(b) = s.site.version.build() {
            endpoint["buildNumber"] = json!(b);
        }
        if let Some(n) = &s.site.name {
            endpoint["name"] = json!(n);
        }
        let data = json!({ "localEndpoints": [ { "endpoint": endpoint } ] });
        Reply::json(200, Self::envelope(data, SIM_EPOCH_MS))
    }

    /// `cloudConfigs`: the remote managers this site paired *to* (it is the pair's source). That a Cloud lists
    /// nothing for the Connectors paired to it is INFERRED. `cloudType` is omitted (values UNKNOWN).
    fn cloud_configs(&self, site: &str, now: u64) -> Reply {
        let items: Vec<Value> = self
            .pairs
            .iter()
            .filter(|p| p.source == site)
            .filter_map(|p| self.sites.get(&p.destination))
            .map(|r| {
                let mut item = json!({
                    "endpointId": r.endpoint_id,
                    "cloudName": r.site.name.clone().unwrap_or_else(|| r.site.id.clone()),
                    "url": r.url,
                    "username": r.username,
                    "version": plain_version(&r.site.version),
                });
                if let Some(b) = r.site.version.build() {
                    item["buildNumber"] = json!(b);
                }
                item
            })
            .collect();
        Reply::json(200, Self::envelope(json!({ "items": items }), SIM_EPOCH_MS + now))
    }

    fn mesh_visible(m: &SimMesh, site: &str) -> bool {
        m.source == site || m.destination == site
    }

    fn mesh_update_available(&self, m: &SimMesh) -> bool {
        let sv = self.sites.get(&m.source).map(|s| &s.site.version);
        let dv = self.sites.get(&m.destination).map(|s| &s.site.version);
        self.appliances
            .iter()
            .filter(|a| a.mesh == m.id)
            .any(|a| sv.is_some_and(|v| &a.version < v) || dv.is_some_and(|v| &a.peer_version < v))
    }

    /// `interconnect/serviceMesh`: bare `{"items":[…]}`. `computeProfiles[].isInitiator` is FIELD-NOTES; the
    /// upgrade task `type` shown in `lastTaskDetails` (`upgradeAppliance`) is INFERRED.
    fn service_meshes(&self, site: &str) -> Reply {
        let items: Vec<Value> = self
            .meshes
            .iter()
            .filter(|m| Self::mesh_visible(m, site))
            .map(|m| {
                let profile = |sid: &str, initiator: bool| {
                    let s = self.sites.get(sid);
                    json!({
                        "endpointId": s.map(|s| s.endpoint_id.clone()),
                        "endpointName": s.map(|s| s.site.name.clone().unwrap_or_else(|| s.site.id.clone())),
                        "computeProfileId": pseudo_uuid(&format!("cp/{sid}")),
                        "computeProfileName": format!("cp-{sid}"),
                        "isInitiator": initiator,
                    })
                };
                let mut v = json!({
                    "serviceMeshId": m.id,
                    "name": m.id,
                    "isLocalMesh": false,
                    "updateAvailable": self.mesh_update_available(m),
                    "services": m.services.iter().filter_map(|s| service_name(*s)).map(|n| json!({"name": n})).collect::<Vec<_>>(),
                    "computeProfiles": [profile(&m.source, true), profile(&m.destination, false)],
                    "state": "COMMITTED",
                    "backingApplianceType": "PHOTON",
                });
                if m.services.contains(&MeshService::WanOptimization) {
                    v["wanoptConfig"] = json!({ "uplinkMaxBandwidth": 10_000_000 });
                }
                if let Some((id, ty, status)) = &m.last_task {
                    v["lastTaskDetails"] = json!({ "interconnectTaskId": id, "type": ty, "status": status });
                }
                v
            })
            .collect();
        Reply::json(200, json!({ "items": items }))
    }

    /// Appliance objects as seen from `site`. `applianceVersion` is CONFIRMED-DOC; `applianceType` strings
    /// `HCX-WAN-IX`/`HCX-NET-EXT` are confirmed, the WO/SGW/SDR strings are UNKNOWN placeholders. The update
    /// info property name is UNKNOWN, so it is left out (the mesh's `updateAvailable` carries the flag).
    fn appliance_items(&self, site: &str, filter: Option<&Value>) -> Vec<Value> {
        let mut out = Vec::new();
        for a in &self.appliances {
            let Some(m) = self.meshes.iter().find(|m| m.id == a.mesh) else {
                continue;
            };
            let at_source = m.source == site;
            if !at_source && m.destination != site {
                continue;
            }
            let (id, peer, version, peer_site) = if at_source {
                (&a.id, &a.peer_id, &a.version, &m.destination)
            } else {
                (&a.peer_id, &a.id, &a.peer_version, &m.source)
            };
            let ep = self.sites.get(site).map(|s| s.endpoint_id.clone());
            let peer_ep = self.sites.get(peer_site).map(|s| s.endpoint_id.clone());
            let ty = appliance_type(a.kind);
            if let Some(f) = filter {
                if f["applianceType"].as_str().is_some_and(|t| t != ty)
                    || f["serviceMeshId"].as_str().is_some_and(|t| t != m.id)
                    || f["endpointId"].as_str().is_some_and(|t| Some(t) != ep.as_deref())
                {
                    continue;
                }
            }
            let ne_count = self.extensions.iter().filter(|e| !e.deleted && e.appliance == a.id).count();
            let mut v = json!({
                "applianceId": id,
                "applianceType": ty,
                "applianceName": format!("{}-{}", m.id, id),
                "serviceMeshId": m.id,
                "endpointId": ep,
                "isInitiator": at_source,
                "peerAppliances": [ { "applianceId": peer, "endpointId": peer_ep } ],
                "applianceVersion": appliance_version(version),
            });
            if a.kind == ApplianceKind::Ne {
                v["networkExtensionCount"] = json!(ne_count);
            }
            out.push(v);
        }
        out
    }

    /// `POST …/appliances/{id}/upgrade|redeploy` → 202 interconnect action envelope.
    fn appliance_action(&mut self, site: &str, req: &Req<'_>, now: u64) -> Reply {
        let id = req.params.first().cloned().unwrap_or_default();
        let Some(a) = self.appliances.iter().find(|a| a.id == id || a.peer_id == id) else {
            return Reply::json(
                404,
                json!({"data": null, "warnings": [], "errors": [{"code": "NOT_FOUND", "message": format!("appliance {id} not found")}]}),
            );
        };
        let mesh = a.mesh.clone();
        let visible = self.meshes.iter().any(|m| m.id == mesh && Self::mesh_visible(m, site))
            && ((a.id == id && self.meshes.iter().any(|m| m.id == mesh && m.source == site))
                || (a.peer_id == id && self.meshes.iter().any(|m| m.id == mesh && m.destination == site)));
        if !visible {
            return Reply::json(
                404,
                json!({"data": null, "warnings": [], "errors": [{"code": "NOT_FOUND", "message": format!("appliance {id} not found at this site")}]}),
            );
        }
        let local = req.query.split('&').any(|kv| kv == "local=true");
        let outcome = match &req.task_fault {
            Some(FaultKind::TaskStall) => Outcome::Stall,
            Some(FaultKind::TaskFail { message }) => Outcome::Fail(message.clone()),
            Some(FaultKind::TaskFailReportedRunning { message }) => Outcome::FailReportedRunning(message.clone()),
            _ => Outcome::Succeed,
        };
        let kind = if req.endpoint == Endpoint::ApplianceUpgrade { "upgradeAppliance" } else { "redeployAppliance" };
        let task_id = self.next_id("task");
        self.tasks.insert(
            task_id.clone(),
            SimTask {
                id: task_id.clone(),
                site: site.to_owned(),
                appliance: id.clone(),
                kind,
                local,
                created_ms: now,
                outcome,
                finished: false,
            },
        );
        for m in &mut self.meshes {
            if m.id == mesh {
                m.last_task = Some((task_id.clone(), kind.to_owned(), "RUNNING".to_owned()));
            }
        }
        Reply::json(
            202,
            json!({ "data": { "interconnectTaskId": task_id, "applianceId": id }, "warnings": [], "errors": [] }),
        )
    }

    /// `GET /interconnect/tasks/{id}` → bare object.
    fn task(&self, site: &str, req: &Req<'_>, now: u64) -> Reply {
        let id = req.params.first().cloned().unwrap_or_default();
        let Some(t) = self.tasks.get(&id).filter(|t| t.site == site) else {
            return Reply::json(404, json!({"errors": [{"message": format!("task {id} not found")}]}));
        };
        let queued_end = t.created_ms + self.timing.task_queued_secs * 1000;
        let run_ms = (self.timing.task_run_secs * 1000).max(1);
        let (status, progress, message) = if now < queued_end {
            ("QUEUED", 0, "Queued".to_owned())
        } else if t.outcome == Outcome::Stall || now < queued_end + run_ms {
            let p = if t.outcome == Outcome::Stall { 40 } else { ((now - queued_end) * 100 / run_ms).min(99) };
            ("RUNNING", p, format!("[{}] {}", t.appliance, t.kind))
        } else {
            match &t.outcome {
                Outcome::Succeed | Outcome::Stall => ("SUCCESS", 100, format!("[{}] {} done", t.appliance, t.kind)),
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
            // Field list CONFIRMED-DOC (PowerCLI task metadata); the camelCase spelling and values are INFERRED.
            "entityDetails": { "id": t.appliance, "type": "appliance" },
        });
        if status == "FAILED" {
            v["errorMessage"] = json!(message);
        }
        Reply::json(200, v)
    }

    /// `GET /hybridity/api/l2Extensions` → bare `{"items":[…]}`, listed at the source (NE initiator) site.
    fn l2_extensions(&self, site: &str) -> Reply {
        let items: Vec<Value> = self
            .extensions
            .iter()
            .filter(|e| !e.deleted)
            .filter(|e| {
                self.appliances
                    .iter()
                    .find(|a| a.id == e.appliance)
                    .and_then(|a| self.meshes.iter().find(|m| m.id == a.mesh))
                    .is_some_and(|m| m.source == site)
            })
            .map(|e| {
                let net_id = format!("dvportgroup-{}", &pseudo_uuid(&e.network)[0..6]);
                json!({
                    "stretchId": e.stretch_id,
                    "applianceId": e.appliance,
                    "networkName": e.network,
                    "networkId": net_id,
                    "sourceNetwork": { "networkId": net_id, "networkName": e.network },
                    "endpointId": self.sites.get(site).map(|s| s.endpoint_id.clone()),
                })
            })
            .collect();
        Reply::json(200, json!({ "items": items }))
    }

    /// `DELETE /hybridity/api/l2Extensions/{stretchId}` → `{"id":"<jobId>"}` (TF-vmware).
    fn l2_extension_delete(&mut self, site: &str, req: &Req<'_>, now: u64) -> Reply {
        let id = req.params.first().cloned().unwrap_or_default();
        if !self.extensions.iter().any(|e| e.stretch_id == id && !e.deleted) {
            return Reply::json(404, json!({"errors": [{"message": format!("extension {id} not found")}]}));
        }
        let job = self.next_id("job");
        self.jobs.insert(
            job.clone(),
            SimJob { id: job.clone(), site: site.to_owned(), stretch_id: id, created_ms: now, finished: false },
        );
        Reply::json(200, json!({ "id": job }))
    }

    /// `GET /hybridity/api/jobs/{id}` → bare object (TF-vmware `JobResult`).
    fn job(&self, site: &str, req: &Req<'_>, now: u64) -> Reply {
        let id = req.params.first().cloned().unwrap_or_default();
        let Some(j) = self.jobs.get(&id).filter(|j| j.site == site) else {
            return Reply::json(404, json!({"errors": [{"message": format!("job {id} not found")}]}));
        };
        let total = (self.timing.job_run_secs * 1000).max(1);
        let elapsed = now.saturating_sub(j.created_ms);
        let pct = (elapsed * 100 / total).min(100);
        Reply::json(
            200,
            json!({
                "jobId": j.id, "username": "hcx-sim",
                "isQueued": elapsed == 0, "isCancelled": false, "isRolledBack": false,
                "createTimeEpoch": SIM_EPOCH_MS + j.created_ms, "startTime": SIM_EPOCH_MS + j.created_ms,
                "endTime": if j.finished { SIM_EPOCH_MS + j.created_ms + total } else { 0 },
                "percentComplete": pct, "isDone": j.finished, "didFail": false, "jobData": {},
            }),
        )
    }

    /// `POST /hybridity/api/migrations?action=query`: `{}` → `rows[]`, a body with `filter` → `items[]` (PCLI-Lam).
    /// Item shape A. The non-terminal `QUEUED` state name is INFERRED (non-terminal names are UNKNOWN).
    fn migrations_query(&self, site: &str, body: &[u8]) -> Reply {
        let req: Value = serde_json::from_slice(body).unwrap_or_else(|_| json!({}));
        let items: Vec<Value> = self
            .migrations
            .iter()
            .filter(|m| m.site.as_deref() == Some(site))
            .map(|m| {
                json!({
                    "migrationId": m.id,
                    "jobInfo": { "state": migration_state(m.state) },
                    "migrationInfo": { "migrationType": "bulkVMotion",
                                       "progressDetails": { "progressPercentage": if m.state == TransferState::Completed { 100 } else { 40 } } },
                })
            })
            .collect();
        if req.get("filter").is_some() {
            Reply::json(200, json!({ "items": items }))
        } else {
            Reply::json(200, json!({ "rows": items }))
        }
    }

    /// `POST /hybridity/api/replications?action=query` `{"type":"summary"}` (AVS-Mgmt). The simulator counts the
    /// site's in-progress replications as `activeReplicationCnt.outgoing` and queued ones as
    /// `configuringReplicationCnt.outgoing` (this mapping is INFERRED).
    fn replications_query(&self, site: &str) -> Reply {
        let mine = self.replications.iter().filter(|r| r.site.as_deref() == Some(site));
        let active = mine.clone().filter(|r| r.state == TransferState::InProgress).count();
        let configuring = mine.filter(|r| r.state == TransferState::Queued).count();
        Reply::json(
            200,
            json!({
                "activeReplicationCnt": { "outgoing": active, "incoming": 0 },
                "configuringReplicationCnt": { "outgoing": configuring, "incoming": 0 },
                "recoveringReplicationCnt": {},
                "syncingReplicationCnt": {},
            }),
        )
    }

    /// Stand-in for the manager upgrade (no public REST path exists; see README). Body and response mirror the
    /// 9443 `UpgradeRequest` / `UpgradeResponse` data structures (CONFIRMED-DOC shapes, UNKNOWN paths).
    fn manager_upgrade_start(&mut self, site: &str, body: &[u8], now: u64) -> Reply {
        let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let Some(target) = req["targetVersion"].as_str().and_then(|t| t.parse::<HcxVersion>().ok()) else {
            return Reply::json(400, json!({"errorCode": "BAD_REQUEST", "message": "targetVersion is required"}));
        };
        let Some(s) = self.sites.get_mut(site) else {
            return Reply::empty(404);
        };
        if s.upgrade.as_ref().is_some_and(|u| !u.finished) {
            return Reply::json(
                409,
                json!({"errorCode": "UPGRADE_IN_PROGRESS",
                       "message": "Another upgrade process for HCX Manager is already in progress.",
                       "remediation": "Wait for the current upgrade to complete before retrying."}),
            );
        }
        if target <= s.site.version {
            return Reply::json(
                400,
                json!({"errorCode": "BAD_REQUEST", "message": format!("target {target} is not newer than {}", s.site.version)}),
            );
        }
        s.upgrade = Some(ManagerUpgrade { from: s.site.version.clone(), target, started_ms: now, finished: false });
        let mut reply = self.manager_upgrade_status(site, now);
        reply.status = 202;
        reply
    }

    fn manager_upgrade_status(&self, site: &str, now: u64) -> Reply {
        let Some(s) = self.sites.get(site) else {
            return Reply::empty(404);
        };
        let Some(u) = &s.upgrade else {
            return Reply::json(200, json!({"status": "NOT_STARTED", "progress": 0, "message": "No upgrade"}));
        };
        let queued_end = u.started_ms + self.timing.task_queued_secs * 1000;
        let total = (self.timing.manager_upgrade_secs * 1000).max(1);
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
        Reply::json(200, v)
    }
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
fn appliance_type(k: ApplianceKind) -> &'static str {
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
