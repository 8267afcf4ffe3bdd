//! The read endpoints public clients call beyond discovery: NE HA groups (ESLZ), the vCenter GUID (AMS-SAP),
//! inventories, capabilities and compute profiles (TF-vmware, ESLZ, SMIT). Shapes follow `hcx-api.md` §2-§4;
//! fields whose values no source shows are left out, and the few placeholders are named in the README.

use serde_json::{Map, Value, json};

use crate::clock::SIM_EPOCH_MS;
use crate::handlers::Reply;
use crate::shapes::{self, HaGroupView};
use crate::state::{SiteInfo, World};
use crate::strict;

/// The hybridity envelope with `data.items`.
fn listed(items: Vec<Value>, now: u64) -> Reply {
    Reply::json(200, shapes::envelope(json!({ "items": items }), SIM_EPOCH_MS + now))
}

/// Whether a `local`/`remote` flag is set (a boolean, or the string SMIT's PowerShell hash sends).
fn flag(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true))) || v.and_then(Value::as_str) == Some("true")
}

/// `{"local", "remote"}` of a cloud filter, found at `path` (or at the top level, as SMIT sends it).
fn scope(body: &[u8], path: &[&str]) -> Result<(bool, bool), String> {
    if body.trim_ascii().is_empty() {
        return Ok((true, true));
    }
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return Err("the request body must be a JSON object".to_owned());
    };
    let at = |root: &Value| path.iter().try_fold(root.clone(), |v, k| v.get(k).cloned());
    let f = at(&v).or_else(|| path.last().and_then(|k| v.get(k)).cloned()).unwrap_or(Value::Null);
    Ok((flag(f.get("local")), flag(f.get("remote"))))
}

/// The site's vCenter as a placeholder (name and URL are INFERRED; the fleet has no vCenters).
fn vcenter(info: &SiteInfo) -> (String, String) {
    (format!("vcenter-{}", info.id), format!("https://vcenter-{}.hcx-sim.invalid", info.id))
}

impl World {
    /// The sites this site's inventories list: itself (`local`) and those it paired to (`remote`).
    fn scoped(&self, site: &str, local: bool, remote: bool) -> Vec<&SiteInfo> {
        let mut out: Vec<&SiteInfo> = Vec::new();
        if local {
            out.extend(self.info(site));
        }
        if remote {
            let remotes = self.pairs_from.get(site).map_or(&[][..], Vec::as_slice);
            out.extend(remotes.iter().filter_map(|r| self.info(r)));
        }
        out
    }

    /// `GET interconnect/appliances/ha/groups[?serviceMeshId=M]` → `{"items":[haGroup…]}`: one group per fleet
    /// `ha_group` of each mesh at this site; an unknown mesh lists nothing (ESLZ `Test-HCX-NE-HA.ps1`).
    pub(crate) fn ha_groups(&self, site: &str, query: &str, now: u64) -> Reply {
        let wanted = strict::query_param(query, "serviceMeshId");
        let mut items = Vec::new();
        for &mi in self.meshes_at(site) {
            let Some((m, state)) = self.mesh(mi, now) else { continue };
            if wanted.is_some_and(|w| w != m.id) {
                continue;
            }
            let at_source = m.source == site;
            let mut names: Vec<&str> = Vec::new();
            for g in state.appliances.iter().filter_map(|a| a.ha_group.as_deref()) {
                if !names.contains(&g) {
                    names.push(g);
                }
            }
            for name in names {
                let members: Vec<_> = state.appliances.iter().filter(|a| a.ha_group.as_deref() == Some(name)).collect();
                let degraded = members.iter().any(|a| !state.tunnel_up(a, now, &self.timing));
                let ends = members
                    .iter()
                    .map(|a| {
                        if at_source {
                            (a.id.as_str(), a.peer_id.as_str())
                        } else {
                            (a.peer_id.as_str(), a.id.as_str())
                        }
                    })
                    .collect();
                let view = HaGroupView { mesh: &m.id, name, members: ends, degraded };
                items.push(shapes::ha_group(&view));
            }
        }
        Reply::json(200, json!({ "items": items }))
    }

    /// `GET metainfo/context/interconnect` → `[{"cloudManagementPlatforms":[{"cmpId":"<vcGuid>"}]}]` (AMS-SAP reads
    /// `body[0]["cloudManagementPlatforms"][0]["cmpId"]`); nothing else of the item is known.
    pub(crate) fn metainfo_interconnect(&self, site: &str) -> Reply {
        let Some(info) = self.info(site) else { return Reply::empty(404) };
        Reply::json(200, json!([ { "cloudManagementPlatforms": [ { "cmpId": info.vc_guid } ] } ]))
    }

    /// `POST service/inventory/cloud/list` `{"filter":{"local","remote"}}` → envelope, items
    /// `{endpointId, name, url}` (`endpointType` values are UNKNOWN and left out).
    pub(crate) fn inventory_clouds(&self, site: &str, body: &[u8], now: u64) -> Reply {
        let (local, remote) = match scope(body, &["filter"]) {
            Ok(s) => s,
            Err(message) => return Reply::json(400, shapes::bad_request(message)),
        };
        let items = self
            .scoped(site, local, remote)
            .into_iter()
            .map(|i| json!({ "endpointId": i.endpoint_id, "name": i.name.clone().unwrap_or_else(|| i.id.clone()), "url": i.url }))
            .collect();
        listed(items, now)
    }

    /// `POST service/inventory/resourcecontainer/list` `{"filter":{"cloud":{"local","remote"}}}` (or SMIT's
    /// `{"cloud":{…}}`) → envelope, one vCenter per site: `{url, vcuuid, name, resourceId, resourceName,
    /// endpoint{endpointId, name}}`. vCenter versions, `osType`, `resourceType` and `vimId` are UNKNOWN, left out.
    pub(crate) fn inventory_containers(&self, site: &str, body: &[u8], now: u64) -> Reply {
        let (local, remote) = match scope(body, &["filter", "cloud"]) {
            Ok(s) => s,
            Err(message) => return Reply::json(400, shapes::bad_request(message)),
        };
        let items = self
            .scoped(site, local, remote)
            .into_iter()
            .map(|i| {
                let (name, url) = vcenter(i);
                json!({
                    "url": url, "vcuuid": i.vc_guid, "name": name, "resourceId": i.vc_guid, "resourceName": name,
                    "endpoint": { "endpointId": i.endpoint_id, "name": i.name.clone().unwrap_or_else(|| i.id.clone()) },
                })
            })
            .collect();
        listed(items, now)
    }

    /// `GET interconnect/capabilities` → `{"items":[{"endpoints":[{"endpointId"}]}]}`: only the path ESLZ reads is
    /// modelled (this site and the sites it paired to); what else an item holds is UNKNOWN.
    pub(crate) fn capabilities(&self, site: &str) -> Reply {
        let endpoints: Vec<Value> =
            self.scoped(site, true, true).into_iter().map(|i| json!({ "endpointId": i.endpoint_id })).collect();
        Reply::json(200, json!({ "items": [ { "endpoints": endpoints } ] }))
    }

    /// `GET interconnect/computeProfiles[?endpointId=]` → `{"items":[…]}`: the site's one compute profile (the id
    /// the meshes and appliances name) with the services of its meshes; `state` `VALID` is a value TF-vmware
    /// shows. Another endpoint's id lists nothing. Networks, compute, storage and switches are left out.
    pub(crate) fn compute_profiles(&self, site: &str, query: &str) -> Reply {
        let Some(info) = self.info(site) else { return Reply::empty(404) };
        if strict::query_param(query, "endpointId").is_some_and(|e| e != info.endpoint_id) {
            return Reply::json(200, json!({ "items": [] }));
        }
        let mut services: Vec<&'static str> = Vec::new();
        for cell in self.meshes_at(site).iter().filter_map(|&mi| self.meshes.get(mi)) {
            for n in cell.info.services.iter().filter_map(|s| shapes::service_name(*s)) {
                if !services.contains(&n) {
                    services.push(n);
                }
            }
        }
        let services: Vec<Value> = services.into_iter().map(|n| json!({ "name": n })).collect();
        let mut item = Map::new();
        item.insert("computeProfileId".into(), json!(shapes::compute_profile_id(site)));
        item.insert("name".into(), json!(format!("cp-{site}")));
        item.insert("state".into(), json!("VALID"));
        item.insert("services".into(), Value::Array(services));
        Reply::json(200, json!({ "items": [ Value::Object(item) ] }))
    }
}
