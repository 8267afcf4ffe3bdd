//! What each endpoint does to the state, and the reply it gives (the JSON comes from [`crate::shapes`]).

use hcx_core::HcxVersion;
use hcx_core::fleet::TransferState;
use serde_json::{Value, json};

use crate::clock::SIM_EPOCH_MS;
use crate::fault::{Endpoint, FaultKind};
use crate::shapes::{self, ApplianceView, MeshView};
use crate::state::{Deferred, ManagerUpgrade, Outcome, SimJob, SimTask, World};
use crate::strict;

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
    Reply::json(503, shapes::error("manager is upgrading (hcx-sim rehearsal)"))
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
            Endpoint::Unknown => Reply::json(404, shapes::not_modelled("this path or action")),
            Endpoint::Sessions => self.login(site, req.body, now),
            _ => match self.gate(site, req, now).or_else(|| refuse_shape(req)) {
                Some(refused) => refused,
                None => self.perform(site, req, now),
            },
        }
    }

    /// Holds a request that passed the gate, to be carried out at `land_ms` ([`FaultKind::HoldThenLand`]).
    /// Returns the refusal instead when the gate refuses it (a held request was still authenticated).
    pub(crate) fn hold(&self, site: &str, req: &Req<'_>, now: u64, land_ms: u64) -> Option<Reply> {
        self.land_due(now);
        if let Some(refused) = self.gate(site, req, now).or_else(|| refuse_shape(req)) {
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
            Endpoint::ServiceMesh => self.service_meshes(site, req.query, now),
            Endpoint::Appliances => self.appliances(site, req.query, &serde_json::Map::new(), now),
            Endpoint::AppliancesQuery => match strict::appliance_filter(req.body) {
                Ok(filter) => self.appliances(site, req.query, &filter, now),
                Err(message) => Reply::json(400, shapes::bad_request(message)),
            },
            Endpoint::HaGroups => self.ha_groups(site, req.query, now),
            Endpoint::MetainfoInterconnect => self.metainfo_interconnect(site),
            Endpoint::InventoryCloudList => self.inventory_clouds(site, req.body, now),
            Endpoint::InventoryResourceContainers => self.inventory_containers(site, req.body, now),
            Endpoint::Capabilities => self.capabilities(site),
            Endpoint::ComputeProfiles => self.compute_profiles(site, req.query),
            Endpoint::NetworksQueryIpUsage => self.network_profiles(site),
            Endpoint::ApplianceUpgrade | Endpoint::ApplianceRedeploy => self.appliance_action(site, req, now),
            Endpoint::L2Extensions => self.l2_extensions(site, now),
            Endpoint::L2ExtensionDelete => self.l2_extension_delete(site, req.id(), now),
            Endpoint::MigrationsQuery => self.migrations_query(site, req.body),
            Endpoint::ReplicationsQuery => self.replications_query(site),
            Endpoint::MobilityGroups => self.mobility_groups(site, req.body),
            Endpoint::Task => self.task(site, req.id(), now),
            Endpoint::Job => self.job(site, req.id(), now),
            Endpoint::ManagerUpgradeStart => self.rehearsal_start(site, req.body, req.task_fault.as_ref(), now),
            Endpoint::ManagerUpgradeStatus => self.rehearsal_status(site, now),
            Endpoint::Sessions | Endpoint::Unknown => Reply::empty(404),
        }
    }

    /// `POST /hybridity/api/sessions`: 200 with the token in `x-hm-authorization` and `data.endpointInfo.uuid` in
    /// the body (SMIT); 400 for a body that is not a JSON object with string `username`/`password` or an
    /// `authType` other than `password`; 401 with an empty body (body UNKNOWN) on bad credentials.
    fn login(&self, site: &str, body: &[u8], now: u64) -> Reply {
        let (Some(info), Some(mut s)) = (self.info(site), self.site(site, now)) else {
            return Reply::empty(404);
        };
        if s.manager_down(now, &self.timing) {
            return upgrading();
        }
        let (user, password) = match strict::login(body) {
            Ok(creds) => creds,
            Err(message) => return Reply::json(400, shapes::login_refused(message, SIM_EPOCH_MS + now)),
        };
        if user != info.username || password != info.password {
            return Reply::empty(401);
        }
        let token = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        s.tokens.insert(token.clone(), now);
        s.issued_tokens.push(token.clone());
        Reply { token: Some(token), ..Reply::json(200, shapes::login_ok(&info.endpoint_id, SIM_EPOCH_MS + now)) }
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

    /// Whether a `vcGuid` query parameter, if any, names this site's vCenter (another GUID lists nothing).
    fn vc_matches(&self, site: &str, query: &str) -> bool {
        strict::query_param(query, "vcGuid").is_none_or(|g| self.info(site).is_some_and(|i| i.vc_guid == g))
    }

    /// `interconnect/serviceMesh[?vcGuid=]`: bare `{"items":[…]}`; a 9.x manager also lists its system mesh.
    fn service_meshes(&self, site: &str, query: &str, now: u64) -> Reply {
        if !self.vc_matches(site, query) {
            return Reply::json(200, json!({ "items": [] }));
        }
        let mut items = Vec::new();
        for &mi in self.meshes_at(site) {
            let Some(cell) = self.meshes.get(mi) else { continue };
            // Versions first: no manager lock is taken while a mesh is locked.
            let (sv, dv) = (self.version(&cell.info.source, now), self.version(&cell.info.destination, now));
            let Some((m, state)) = self.mesh(mi, now) else { continue };
            let update_available = state.appliances.iter().any(|a| {
                sv.as_ref().is_some_and(|v| &a.version < v) || dv.as_ref().is_some_and(|v| &a.peer_version < v)
            });
            let degraded = state.appliances.iter().any(|a| !state.tunnel_up(a, now, &self.timing));
            let profiles = [
                shapes::compute_profile(&m.source, self.info(&m.source), true),
                shapes::compute_profile(&m.destination, self.info(&m.destination), false),
            ];
            let view = MeshView {
                profiles,
                update_available,
                last: state.last_task.as_ref(),
                degraded,
                now_epoch: SIM_EPOCH_MS + now,
            };
            items.push(shapes::service_mesh(m, view));
        }
        if self.version(site, now).is_some_and(|v| v >= HcxVersion::new(9, 0, 0)) {
            items.push(shapes::system_mesh(site, SIM_EPOCH_MS + now));
        }
        Reply::json(200, json!({ "items": items }))
    }

    /// `GET interconnect/appliances` and `POST …/appliances/query`, both `[?vcGuid=]`: bare `{"items":[…]}`.
    fn appliances(&self, site: &str, query: &str, filter: &serde_json::Map<String, Value>, now: u64) -> Reply {
        let items = if self.vc_matches(site, query) { self.appliance_items(site, filter, now) } else { Vec::new() };
        Reply::json(200, json!({ "items": items }))
    }

    /// Appliance objects as seen from `site`, filtered (`applianceType`, `serviceMeshId`, `endpointId`).
    fn appliance_items(&self, site: &str, filter: &serde_json::Map<String, Value>, now: u64) -> Vec<Value> {
        let ep = self.info(site).map(|s| s.endpoint_id.as_str());
        let cp = shapes::compute_profile_id(site);
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
                let differs = |key: &str, actual: Option<&str>| {
                    filter.get(key).and_then(Value::as_str).is_some_and(|t| Some(t) != actual)
                };
                if differs("applianceType", Some(ty))
                    || differs("serviceMeshId", Some(&m.id))
                    || differs("endpointId", ep)
                {
                    continue;
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
                    compute_profile: &cp,
                    tunnels: self.inferred_tunnels,
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
                let deleting = e.deleting_since.is_some();
                items.push(shapes::l2_extension(&e.stretch_id, &e.appliance, &e.network, ep, deleting));
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

    /// `POST /hybridity/api/migrations?action=query`: `{}` or no body → `rows[]`, a body with `filter` → `items[]`
    /// (shape A; PCLI-Lam, Blog-Adel, SSlocum), `options.compat` 2.1 → `data.items[]` (shape B; PCLI-Asaf, SMIT),
    /// which also lists the scenario's `compat_migrations`. `filter.migrationId`, `filter.state` and
    /// `filter.migrationGroupId` (the site's mobility group holds its `compat_migrations`) filter (the
    /// manager applies them, §10); a body the manager would not parse is refused with 400.
    fn migrations_query(&self, site: &str, body: &[u8]) -> Reply {
        let q = match strict::migration_query(body) {
            Ok(q) => q,
            Err(message) => return Reply::json(400, shapes::bad_request(message)),
        };
        let fleet = self.migrations.get(site).into_iter().flatten();
        let compat_only = self.compat_migrations.get(site).into_iter().flatten().filter(|_| q.compat);
        // Only the compat-only migrations belong to the site's mobility group (INFERRED modelling, README); an
        // unknown group id matches nothing.
        let group = crate::state::mobility_group_id(site);
        let compat_ids: Vec<&str> =
            self.compat_migrations.get(site).into_iter().flatten().map(|m| m.id.as_str()).collect();
        let wanted = |m: &&hcx_core::fleet::Migration| {
            q.groups.as_ref().is_none_or(|g| g.contains(&group) && compat_ids.contains(&m.id.as_str()))
                && q.ids.as_ref().is_none_or(|ids| ids.contains(&m.id))
                && (q.states.is_empty() || q.states.iter().any(|s| s == shapes::migration_state_of(m, q.compat)))
        };
        let chosen = fleet.chain(compat_only).filter(wanted);
        if q.compat {
            let items: Vec<Value> = chosen.map(shapes::migration_b).collect();
            return Reply::json(200, json!({ "data": { "items": items } }));
        }
        let items: Vec<Value> = chosen.map(shapes::migration).collect();
        let key = if q.filtered { "items" } else { "rows" };
        Reply::json(200, json!({ key: items }))
    }

    /// `POST /hybridity/api/migration/queryMobilityGroups` (MG `Get-HcxMobilityGroup`) → `{"data":{"items":[…]}}`:
    /// the site's one mobility group `{id, entityName}` when the scenario has `compat_migrations` there, else no
    /// items (INFERRED modelling, README). A body the manager would not parse is refused with 400.
    fn mobility_groups(&self, site: &str, body: &[u8]) -> Reply {
        if let Err(message) = strict::mobility_group_query(body) {
            return Reply::json(400, shapes::bad_request(message));
        }
        let has = self.compat_migrations.get(site).is_some_and(|v| !v.is_empty());
        let items: Vec<Value> = self
            .info(site)
            .filter(|_| has)
            .map(|i| shapes::mobility_group(&crate::state::mobility_group_id(site), &i.id, i.name.as_deref()))
            .into_iter()
            .collect();
        Reply::json(200, json!({ "data": { "items": items } }))
    }

    /// `POST /hybridity/api/replications?action=query` `{"type":"summary"}` (AVS-Mgmt).
    fn replications_query(&self, site: &str) -> Reply {
        let mine = self.replications.get(site).map_or(&[][..], Vec::as_slice);
        let active = mine.iter().filter(|r| r.state == TransferState::InProgress).count();
        let configuring = mine.iter().filter(|r| r.state == TransferState::Queued).count();
        Reply::json(200, shapes::replications_summary(active, configuring))
    }

    /// `POST /hcx-sim/rehearsal/manager-upgrade` `{"to":"4.11.0"}` → 202 and the rehearsal's status. Not an HCX
    /// API: no public REST path for the manager upgrade is known (see README).
    fn rehearsal_start(&self, site: &str, body: &[u8], task_fault: Option<&FaultKind>, now: u64) -> Reply {
        let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let Some(to) = req.get("to").and_then(Value::as_str) else {
            return Reply::json(400, json!({"error": "the body must be a JSON object with a string \"to\""}));
        };
        let Ok(target) = to.parse::<HcxVersion>() else {
            return Reply::json(400, json!({"error": format!("cannot parse version {to:?}")}));
        };
        let no_change = matches!(task_fault, Some(FaultKind::TaskSucceedNoChange));
        match self.start_manager_upgrade(site, target.clone(), now, no_change) {
            Ok(status) => Reply::json(202, status).performed(target.to_string()),
            Err(refused) => refused,
        }
    }

    /// Starts the rehearsal upgrade of a manager (also what [`crate::Simulator::upgrade_manager`] does for a
    /// provider-run upgrade). Answers the rehearsal's status, or the refusal.
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
            return Err(Reply::json(409, json!({"error": "a rehearsal manager upgrade is already running"})));
        }
        if target <= s.version {
            return Err(Reply::json(400, json!({"error": format!("target {target} is not newer than {}", s.version)})));
        }
        s.upgrade =
            Some(ManagerUpgrade { from: s.version.clone(), target, started_ms: now, finished: false, no_change });
        Ok(shapes::rehearsal(s.upgrade.as_ref(), &s.version, now, &self.timing))
    }

    /// `GET /hcx-sim/rehearsal/manager-upgrade`: the rehearsal's status (answers while the manager is down).
    fn rehearsal_status(&self, site: &str, now: u64) -> Reply {
        match self.site(site, now) {
            Some(s) => Reply::json(200, shapes::rehearsal(s.upgrade.as_ref(), &s.version, now, &self.timing)),
            None => Reply::empty(404),
        }
    }
}

/// A request whose query or body the manager refuses before doing anything (appliance upgrade and redeploy: the
/// documented query keys and values, an empty or JSON-object body). 400 in the interconnect action envelope.
fn refuse_shape(req: &Req<'_>) -> Option<Reply> {
    let upgrade = req.endpoint == Endpoint::ApplianceUpgrade;
    if !upgrade && req.endpoint != Endpoint::ApplianceRedeploy {
        return None;
    }
    strict::appliance_action(req.query, req.body, upgrade).err().map(|m| Reply::json(400, shapes::bad_request(m)))
}
