//! The read endpoints public clients call beyond discovery: NE HA groups (ESLZ), the vCenter GUID (AMS-SAP),
//! inventories, capabilities and compute profiles (TF-vmware, ESLZ, SMIT). Shapes follow `hcx-api.md` §2-§4;
//! fields whose values no source shows are left out, and the few placeholders are named in the README.

use hcx_core::fleet::Platform;
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
    /// resourceType, endpoint{endpointId, name}}`. `resourceType` `VC` is INFERRED: SMIT's `Get-HcxEndpoint`
    /// passes the listed local container's `resourceType` on and hardcodes `"VC"` for the remote vCenter beside
    /// it. vCenter versions, `osType` and `vimId` are UNKNOWN, left out.
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
                    "resourceType": "VC",
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
    /// the meshes and appliances name), or with `endpointId` that endpoint's profile when it is this site or a
    /// site paired with it (ESLZ and TF-vmware read the remote profile at the Connector); any other id lists
    /// nothing. Items: `{computeProfileId, name, state: "VALID", services[{name}], networks[], switches[]}`.
    pub(crate) fn compute_profiles(&self, site: &str, query: &str) -> Reply {
        let wanted = match strict::query_param(query, "endpointId") {
            None => self.info(site),
            Some(e) => self.related(site).into_iter().find(|i| i.endpoint_id == e),
        };
        let items: Vec<Value> = wanted.map(|i| self.compute_profile(i)).into_iter().collect();
        Reply::json(200, json!({ "items": items }))
    }

    /// This site and every site paired with it, in either direction.
    fn related(&self, site: &str) -> Vec<&SiteInfo> {
        let mut out: Vec<&SiteInfo> = self.info(site).into_iter().collect();
        for (from, tos) in &self.pairs_from {
            let other = if from == site {
                tos.iter().map(String::as_str).collect()
            } else if tos.iter().any(|t| t == site) {
                vec![from.as_str()]
            } else {
                vec![]
            };
            out.extend(other.into_iter().filter_map(|o| self.info(o)));
        }
        out
    }

    /// A site's compute profile. `networks[]` name the site's network profiles with the CONFIRMED-CODE tags and
    /// status state `REALIZED`; the one switch is `OVERLAY_STANDARD` on AVS and `VmwareDistributedVirtualSwitch`
    /// elsewhere (the types ESLZ reads at each end; other clouds' type is INFERRED). Ids and names are
    /// placeholders.
    fn compute_profile(&self, info: &SiteInfo) -> Value {
        let mut services: Vec<&'static str> = Vec::new();
        for cell in self.meshes_at(&info.id).iter().filter_map(|&mi| self.meshes.get(mi)) {
            for n in cell.info.services.iter().filter_map(|s| shapes::service_name(*s)) {
                if !services.contains(&n) {
                    services.push(n);
                }
            }
        }
        let services: Vec<Value> = services.into_iter().map(|n| json!({ "name": n })).collect();
        let networks: Vec<Value> = network_profiles(info)
            .into_iter()
            .map(|(id, name, tag)| json!({ "id": id, "name": name, "tags": [tag], "status": { "state": "REALIZED" } }))
            .collect();
        let (switch_type, switch_id) = if info.platform == Platform::Avs {
            ("OVERLAY_STANDARD", crate::state::pseudo_uuid(&format!("switch/{}", info.id)))
        } else {
            (
                "VmwareDistributedVirtualSwitch",
                format!("dvs-{}", &crate::state::pseudo_uuid(&format!("switch/{}", info.id))[..6]),
            )
        };
        let switch = json!({ "cmpId": info.vc_guid, "id": switch_id, "name": format!("switch-{}", info.id), "type": switch_type });
        let mut item = Map::new();
        item.insert("computeProfileId".into(), json!(shapes::compute_profile_id(&info.id)));
        item.insert("name".into(), json!(format!("cp-{}", info.id)));
        item.insert("state".into(), json!("VALID"));
        item.insert("services".into(), Value::Array(services));
        item.insert("networks".into(), Value::Array(networks));
        item.insert("switches".into(), json!([switch]));
        Value::Object(item)
    }

    /// `POST networks?action=queryIpUsage` → bare array of this site's network profiles `{objectId, name}` (the
    /// ones its compute profile names; backings, IP scopes and MTU are UNKNOWN for a fleet and left out).
    pub(crate) fn network_profiles(&self, site: &str) -> Reply {
        let Some(info) = self.info(site) else { return Reply::empty(404) };
        let items: Vec<Value> =
            network_profiles(info).into_iter().map(|(id, name, _)| json!({ "objectId": id, "name": name })).collect();
        Reply::json(200, Value::Array(items))
    }
}

/// A site's network profiles `(objectId, name, tag)`: one per CONFIRMED-CODE tag; `network-<uuid>` is the
/// FIELD-NOTES id format, the names are placeholders.
fn network_profiles(info: &SiteInfo) -> Vec<(String, String, &'static str)> {
    ["management", "uplink", "vmotion", "replication"]
        .into_iter()
        .map(|tag| {
            let id = format!("network-{}", crate::state::pseudo_uuid(&format!("net/{}/{tag}", info.id)));
            (id, format!("{}-{tag}", info.id), tag)
        })
        .collect()
}
