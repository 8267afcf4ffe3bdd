//! What each endpoint does to the state, and the reply it gives (the JSON comes from [`crate::shapes`]).

use hcx_core::HcxVersion;
use hcx_core::fleet::TransferState;
use serde_json::{Value, json};

use crate::clock::SIM_EPOCH_MS;
use crate::fault::{Endpoint, FaultKind};
use crate::shapes::{self, ApplianceView};
use crate::state::{Deferred, ManagerUpgrade, Outcome, SimJob, SimTask, World};

/// A reply before fault post-processing.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub token: Option<String>,
    /// For a mutation carried out: its target (appliance id, stretch id, target version), for the counters.
    pub performed_on: Option<String>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: Value) -> Self {
        Self { status, body: Some(body), token: None, performed_on: None }
    }
    pub(crate) fn empty(status: u16) -> Self {
        Self { status, body: None, token: None, performed_on: None }
    }
    fn performed(mut self, target: impl Into<String>) -> Self {
        self.performed_on = Some(target.into());
        self
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

impl Req<'_> {
    /// The first path parameter (an id); empty when the route has none.
    fn id(&self) -> &str {
        self.params.first().map_or("", String::as_str)
    }
}

fn upgrading() -> Reply {
    Reply::json(503, shapes::error("manager is upgrading (hcx-sim stand-in)"))
}

impl World {
    /// `GET /hcx-sim/counters` of one site: `{"site", "endpoints": {"<endpoint>": {"calls", "performed"}},
    /// "performed_on": {"<endpoint>:<target>": n}}`. Simulator only; no authentication.
    pub(crate) fn counters(&self, site: &str, now: u64) -> Value {
        let Some(s) = self.site(site, now) else {
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

    /// Answers one request to `site`'s manager.
    pub(crate) fn handle(&self, site: &str, req: &Req<'_>, now: u64) -> Reply {
        self.land_due(now);
        match req.endpoint {
            Endpoint::Unknown => Reply::json(404, shapes::error("not found (hcx-sim)")),
            Endpoint::Sessions => self.login(site, req.body, now),
            _ => match self.gate(site, req, now) {
                Some(refused) => refused,
                None => self.perform(site, req, now),
            },
        }
    }

    /// Holds a request that passed the gate, to be carried out at `land_ms` ([`FaultKind::HoldThenLand`]).
    /// Returns the refusal instead when the gate refuses it (a held request was still authenticated).
    pub(crate) fn hold(&self, site: &str, req: &Req<'_>, now: u64, land_ms: u64) -> Option<Reply> {
        self.land_due(now);
        if let Some(refused) = self.gate(site, req, now) {
            return Some(refused);
        }
        crate::state::lock(&self.deferred).push(Deferred {
            site: site.to_owned(),
            endpoint: req.endpoint,
            params: req.params.clone(),
            query: req.query.to_owned(),
            body: req.body.to_vec(),
            land_ms,
        });
        None
    }

    /// Carries out every held request whose time has come, at its own landing time.
    pub(crate) fn land_due(&self, now: u64) {
        let due: Vec<Deferred> = {
            let mut held = crate::state::lock(&self.deferred);
            let (due, keep) = held.drain(..).partition(|d| d.land_ms <= now);
            *held = keep;
            due
        };
        for d in due {
            let req = Req {
                endpoint: d.endpoint,
                params: d.params.clone(),
                query: &d.query,
                token: None,
                body: &d.body,
                task_fault: None,
            };
            self.perform(&d.site, &req, d.land_ms);
        }
    }

    /// Starts an appliance upgrade outside the API, as an operator in the HCX UI would (counted as performed,
    /// not as a call). Returns the task id.
    pub(crate) fn ui_upgrade(&self, site: &str, appliance: &str, now: u64) -> Result<String, Reply> {
        self.land_due(now);
        let req = Req {
            endpoint: Endpoint::ApplianceUpgrade,
            params: vec![appliance.to_owned()],
            query: "",
            token: None,
            body: b"{}",
            task_fault: None,
        };
        let reply = self.perform(site, &req, now);
        match reply.body.as_ref().and_then(|b| b["data"]["interconnectTaskId"].as_str()) {
            Some(t) if reply.status == 202 => Ok(t.to_owned()),
            _ => Err(reply),
        }
    }

    /// Routes a request past the gate and counts a mutation carried out.
    fn perform(&self, site: &str, req: &Req<'_>, now: u64) -> Reply {
        let reply = self.route(site, req, now);
        if let (true, Some(target)) = (req.endpoint.is_mutating(), &reply.performed_on) {
            if let Some(mut s) = self.site(site, now) {
                *s.performed.entry(req.endpoint).or_default() += 1;
                *s.performed_on.entry(format!("{}:{target}", req.endpoint.as_str())).or_default() += 1;
            }
        }
        reply
    }

    /// 503 while the manager upgrades (except the upgrade status), 401 without a live session token (checking
    /// it refreshes its idle timer).
    fn gate(&self, site: &str, req: &Req<'_>, now: u64) -> Option<Reply> {
        let idle_ms = self.timing.token_idle_secs * 1000;
        let Some(mut s) = self.site(site, now) else {
            return Some(Reply::empty(404));
        };
        if req.endpoint != Endpoint::ManagerUpgradeStatus && s.manager_down(now, &self.timing) {
            return Some(upgrading());
        }
        let Some(token) = req.token else { return Some(Reply::empty(401)) };
        match s.tokens.get_mut(token) {
            Some(last) if now.saturating_sub(*last) <= idle_ms => {
                *last = now;
                None
            }
            Some(_) => {
                s.tokens.remove(token);
                Some(Reply::empty(401))
            }
            None => Some(Reply::empty(401)),
        }
    }

    fn route(&self, site: &str, req: &Req<'_>, now: u64) -> Reply {
        match req.endpoint {
            Endpoint::Support => self.support(site, now),
            Endpoint::CloudConfigs => self.cloud_configs(site, now),
            Endpoint::ServiceMesh => self.service_meshes(site, now),
            Endpoint::Appliances => Reply::json(200, json!({ "items": self.appliance_items(site, None, now) })),
            Endpoint::AppliancesQuery => {
                // A body that is not JSON filters nothing, as an absent filter would.
                let filter: Value = serde_json::from_slice(req.body).unwrap_or(Value::Null);
                Reply::json(200, json!({ "items": self.appliance_items(site, Some(&filter["filter"]), now) }))
            }
            Endpoint::ApplianceUpgrade | Endpoint::ApplianceRedeploy => self.appliance_action(site, req, now),
            Endpoint::L2Extensions => self.l2_extensions(site, now),
            Endpoint::L2ExtensionDelete => self.l2_extension_delete(site, req.id(), now),
            Endpoint::MigrationsQuery => self.migrations_query(site, req.body),
            Endpoint::ReplicationsQuery => self.replications_query(site),
            Endpoint::Task => self.task(site, req.id(), now),
            Endpoint::Job => self.job(site, req.id(), now),
            Endpoint::ManagerUpgradeStart => self.manager_upgrade_start(site, req.body, req.task_fault.as_ref(), now),
            Endpoint::ManagerUpgradeStatus => self.manager_upgrade_status(site, now),
            Endpoint::Sessions | Endpoint::Unknown => Reply::empty(404),
        }
    }

    /// `POST /hybridity/api/sessions`: 200 with the token in `x-hm-authorization`; the body is UNKNOWN in the
    /// reference, so the simulator sends `{}`. Bad credentials: 401 with an empty body (body UNKNOWN).
    fn login(&self, site: &str, body: &[u8], now: u64) -> Reply {
        let (Some(info), Some(mut s)) = (self.info(site), self.site(site, now)) else {
            return Reply::empty(404);
        };
        if s.manager_down(now, &self.timing) {
            return upgrading();
        }
        let Ok(creds) = serde_json::from_slice::<Value>(body) else {
            return Reply::empty(400);
        };
        let ok = creds["username"].as_str() == Some(info.username.as_str())
            && creds["password"].as_str() == Some(info.password.as_str());
        if !ok {
            return Reply::empty(401);
        }
        let token = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        s.tokens.insert(token.clone(), now);
        s.issued_tokens.push(token.clone());
        Reply { token: Some(token), ..Reply::json(200, json!({})) }
    }

    fn support(&self, site: &str, now: u64) -> Reply {
        match (self.info(site), self.version(site, now)) {
            (Some(info), Some(v)) => Reply::json(200, shapes::support(info, &v)),
            _ => Reply::empty(404),
        }
    }

    /// `cloudConfigs`: the remote managers this site paired *to* (it is the pair's source). That a Cloud lists
    /// nothing for the Connectors paired to it is INFERRED.
    fn cloud_configs(&self, site: &str, now: u64) -> Reply {
        let remotes = self.pairs_from.get(site).map_or(&[][..], Vec::as_slice);
        let items: Vec<Value> =
            remotes.iter().filter_map(|r| Some(shapes::cloud_config(self.info(r)?, &self.version(r, now)?))).collect();
        Reply::json(200, shapes::envelope(json!({ "items": items }), SIM_EPOCH_MS + now))
    }

    /// `interconnect/serviceMesh`: bare `{"items":[…]}`.
    fn service_meshes(&self, site: &str, now: u64) -> Reply {
        let mut items = Vec::new();
        for &mi in self.meshes_at(site) {
            let Some(cell) = self.meshes.get(mi) else { continue };
            // Versions first: no manager lock is taken while a mesh is locked.
            let (sv, dv) = (self.version(&cell.info.source, now), self.version(&cell.info.destination, now));
            let Some((m, state)) = self.mesh(mi, now) else { continue };
            let update_available = state.appliances.iter().any(|a| {
                sv.as_ref().is_some_and(|v| &a.version < v) || dv.as_ref().is_some_and(|v| &a.peer_version < v)
            });
            let profiles = [
                shapes::compute_profile(&m.source, self.info(&m.source), true),
                shapes::compute_profile(&m.destination, self.info(&m.destination), false),
            ];
            items.push(shapes::service_mesh(m, profiles, update_available, state.last_task.as_ref()));
        }
        Reply::json(200, json!({ "items": items }))
    }

    /// Appliance objects as seen from `site`, optionally filtered (`applianceType`, `serviceMeshId`,
    /// `endpointId`).
    fn appliance_items(&self, site: &str, filter: Option<&Value>, now: u64) -> Vec<Value> {
        let ep = self.info(site).map(|s| s.endpoint_id.as_str());
        let mut out = Vec::new();
        for &mi in self.meshes_at(site) {
            let Some((m, state)) = self.mesh(mi, now) else { continue };
            let at_source = m.source == site;
            let peer_site = if at_source { &m.destination } else { &m.source };
            let peer_ep = self.info(peer_site).map(|s| s.endpoint_id.as_str());
            for a in &state.appliances {
                let (id, peer, version) =
                    if at_source { (&a.id, &a.peer_id, &a.version) } else { (&a.peer_id, &a.id, &a.peer_version) };
                let ty = shapes::appliance_type(a.kind);
                if let Some(f) = filter {
                    if f["applianceType"].as_str().is_some_and(|t| t != ty)
                        || f["serviceMeshId"].as_str().is_some_and(|t| t != m.id)
                        || f["endpointId"].as_str().is_some_and(|t| Some(t) != ep)
                    {
                        continue;
                    }
                }
                let extensions =
                    state.extensions.iter().filter(|e| !e.deleted(now, &self.timing) && e.appliance == a.id).count();
                out.push(shapes::appliance(&ApplianceView {
                    id,
                    peer,
                    kind: a.kind,
                    mesh: &m.id,
                    endpoint: ep,
                    peer_endpoint: peer_ep,
                    at_source,
                    version,
                    extensions,
                    tunnel_up: state.tunnel_up(a, now, &self.timing),
                }));
            }
        }
        out
    }

    /// `POST …/appliances/{id}/upgrade|redeploy` → 202 interconnect action envelope.
    fn appliance_action(&self, site: &str, req: &Req<'_>, now: u64) -> Reply {
        let id = req.id();
        let Some(at) = self.appliance_index.get(id).copied() else {
            return Reply::json(404, shapes::not_found(format!("appliance {id} not found")));
        };
        let Some(cell) = self.meshes.get(at.mesh) else {
            return Reply::json(404, shapes::not_found(format!("appliance {id} not found")));
        };
        let side = if at.at_source { &cell.info.source } else { &cell.info.destination };
        if side != site {
            return Reply::json(404, shapes::not_found(format!("appliance {id} not found at this site")));
        }
        let outcome = match &req.task_fault {
            Some(FaultKind::TaskStall) => Outcome::Stall,
            Some(FaultKind::TaskFail { message }) => Outcome::Fail(message.clone()),
            Some(FaultKind::TaskFailReportedRunning { message }) => Outcome::FailReportedRunning(message.clone()),
            Some(FaultKind::TaskSucceedNoChange) => Outcome::SucceedNoChange,
            _ => Outcome::Succeed,
        };
        let kind = if req.endpoint == Endpoint::ApplianceUpgrade { "upgradeAppliance" } else { "redeployAppliance" };
        let task_id = self.next_id("task");
        if let Some(mut s) = self.site(site, now) {
            s.tasks.insert(task_id.clone(), at.mesh);
        }
        if let Some((_, mut m)) = self.mesh(at.mesh, now) {
            m.tasks.push(SimTask {
                id: task_id.clone(),
                site: site.to_owned(),
                appliance: id.to_owned(),
                kind,
                local: req.query.split('&').any(|kv| kv == "local=true"),
                created_ms: now,
                outcome,
                finished: false,
            });
            m.last_task = Some(crate::state::LastTask {
                id: task_id.clone(),
                kind: kind.to_owned(),
                status: "RUNNING".to_owned(),
            });
        }
        Reply::json(202, shapes::action_accepted(&task_id, id)).performed(id)
    }

    /// `GET /interconnect/tasks/{id}`: a task created at this site.
    fn task(&self, site: &str, id: &str, now: u64) -> Reply {
        let mesh = self.site(site, now).and_then(|s| s.tasks.get(id).copied());
        let found = mesh.and_then(|mi| {
            let (_, m) = self.mesh(mi, now)?;
            m.tasks.iter().find(|t| t.id == id && t.site == site).map(|t| shapes::task(t, now, &self.timing))
        });
        match found {
            Some(v) => Reply::json(200, v),
            None => Reply::json(404, shapes::error(format!("task {id} not found"))),
        }
    }

    /// `GET /hybridity/api/l2Extensions` → bare `{"items":[…]}`, listed at the source (NE initiator) site.
    fn l2_extensions(&self, site: &str, now: u64) -> Reply {
        let ep = self.info(site).map(|s| s.endpoint_id.as_str());
        let mut items = Vec::new();
        for &mi in self.meshes_at(site) {
            let Some((m, state)) = self.mesh(mi, now) else { continue };
            if m.source != site {
                continue;
            }
            for e in state.extensions.iter().filter(|e| !e.deleted(now, &self.timing)) {
                items.push(shapes::l2_extension(&e.stretch_id, &e.appliance, &e.network, ep));
            }
        }
        Reply::json(200, json!({ "items": items }))
    }

    /// `DELETE /hybridity/api/l2Extensions/{stretchId}` → `{"id":"<jobId>"}` (TF-vmware).
    fn l2_extension_delete(&self, site: &str, id: &str, now: u64) -> Reply {
        let not_found = || Reply::json(404, shapes::error(format!("extension {id} not found")));
        let Some(mi) = self.extension_index.get(id).copied() else { return not_found() };
        {
            let Some((_, mut m)) = self.mesh(mi, now) else { return not_found() };
            let timing = &self.timing;
            let Some(e) = m.extensions.iter_mut().find(|e| e.stretch_id == id && !e.deleted(now, timing)) else {
                return not_found();
            };
            // A second delete while the first job runs starts another job, as before; the extension goes
            // once the first one is done.
            e.deleting_since.get_or_insert(now);
        }
        let job = self.next_id("job");
        if let Some(mut s) = self.site(site, now) {
            s.jobs.insert(job.clone(), SimJob { id: job.clone(), created_ms: now });
        }
        Reply::json(200, json!({ "id": job })).performed(id)
    }

    /// `GET /hybridity/api/jobs/{id}`: a job created at this site.
    fn job(&self, site: &str, id: &str, now: u64) -> Reply {
        let found = self.site(site, now).and_then(|s| s.jobs.get(id).map(|j| shapes::job(j, now, &self.timing)));
        match found {
            Some(v) => Reply::json(200, v),
            None => Reply::json(404, shapes::error(format!("job {id} not found"))),
        }
    }

    /// `POST /hybridity/api/migrations?action=query`: `{}` → `rows[]`, a body with `filter` → `items[]` (PCLI-Lam).
    fn migrations_query(&self, site: &str, body: &[u8]) -> Reply {
        // A body that is not JSON is read as `{}`, the unfiltered query.
        let req: Value = serde_json::from_slice(body).unwrap_or_else(|_| json!({}));
        let items: Vec<Value> = self.migrations.get(site).into_iter().flatten().map(shapes::migration).collect();
        let key = if req.get("filter").is_some() { "items" } else { "rows" };
        Reply::json(200, json!({ key: items }))
    }

    /// `POST /hybridity/api/replications?action=query` `{"type":"summary"}` (AVS-Mgmt).
    fn replications_query(&self, site: &str) -> Reply {
        let mine = self.replications.get(site).map_or(&[][..], Vec::as_slice);
        let active = mine.iter().filter(|r| r.state == TransferState::InProgress).count();
        let configuring = mine.iter().filter(|r| r.state == TransferState::Queued).count();
        Reply::json(200, shapes::replications_summary(active, configuring))
    }

    /// Stand-in for the manager upgrade (no public REST path exists; see README). Body and response mirror the
    /// 9443 `UpgradeRequest` / `UpgradeResponse` data structures (CONFIRMED-DOC shapes, UNKNOWN paths).
    fn manager_upgrade_start(&self, site: &str, body: &[u8], task_fault: Option<&FaultKind>, now: u64) -> Reply {
        let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let Some(target) = req["targetVersion"].as_str().and_then(|t| t.parse::<HcxVersion>().ok()) else {
            return Reply::json(400, json!({"errorCode": "BAD_REQUEST", "message": "targetVersion is required"}));
        };
        let no_change = matches!(task_fault, Some(FaultKind::TaskSucceedNoChange));
        match self.start_manager_upgrade(site, target.clone(), now, no_change) {
            Ok(status) => Reply::json(202, status).performed(target.to_string()),
            Err(refused) => refused,
        }
    }

    /// Starts the stand-in upgrade of a manager (also what [`crate::Simulator::upgrade_manager`] does for a
    /// provider-run upgrade). Answers the upgrade status, or the refusal.
    pub(crate) fn start_manager_upgrade(
        &self,
        site: &str,
        target: HcxVersion,
        now: u64,
        no_change: bool,
    ) -> Result<Value, Reply> {
        let Some(mut s) = self.site(site, now) else {
            return Err(Reply::empty(404));
        };
        if s.upgrade.as_ref().is_some_and(|u| !u.finished) {
            return Err(Reply::json(
                409,
                json!({"errorCode": "UPGRADE_IN_PROGRESS",
                       "message": "Another upgrade process for HCX Manager is already in progress.",
                       "remediation": "Wait for the current upgrade to complete before retrying."}),
            ));
        }
        if target <= s.version {
            return Err(Reply::json(
                400,
                json!({"errorCode": "BAD_REQUEST", "message": format!("target {target} is not newer than {}", s.version)}),
            ));
        }
        s.upgrade =
            Some(ManagerUpgrade { from: s.version.clone(), target, started_ms: now, finished: false, no_change });
        Ok(shapes::manager_upgrade(s.upgrade.as_ref(), now, &self.timing))
    }

    fn manager_upgrade_status(&self, site: &str, now: u64) -> Reply {
        match self.site(site, now) {
            Some(s) => Reply::json(200, shapes::manager_upgrade(s.upgrade.as_ref(), now, &self.timing)),
            None => Reply::empty(404),
        }
    }
}
