//! Endpoints the simulator serves, and the faults it can inject on them.

use serde::{Deserialize, Serialize};

/// One simulated endpoint (method + path family). Used to select faults and to count calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /hybridity/api/sessions`
    Sessions,
    /// `GET /hybridity/api/metainfo/context/support`
    Support,
    /// `GET /hybridity/api/cloudConfigs`
    CloudConfigs,
    /// `GET /hybridity/api/interconnect/serviceMesh`
    ServiceMesh,
    /// `GET /hybridity/api/interconnect/appliances`
    Appliances,
    /// `POST /hybridity/api/interconnect/appliances/query`
    AppliancesQuery,
    /// `POST /hybridity/api/interconnect/appliances/{id}/upgrade`
    ApplianceUpgrade,
    /// `POST /hybridity/api/interconnect/appliances/{id}/redeploy`
    ApplianceRedeploy,
    /// `GET /hybridity/api/l2Extensions`
    L2Extensions,
    /// `DELETE /hybridity/api/l2Extensions/{stretchId}`
    L2ExtensionDelete,
    /// `POST /hybridity/api/migrations?action=query`
    MigrationsQuery,
    /// `POST /hybridity/api/replications?action=query`
    ReplicationsQuery,
    /// `POST /hybridity/api/migration/queryMobilityGroups`
    MobilityGroups,
    /// `GET /hybridity/api/interconnect/tasks/{id}`
    Task,
    /// `GET /hybridity/api/jobs/{id}`
    Job,
    /// Rehearsal (not an HCX API): `POST /hcx-sim/rehearsal/manager-upgrade`
    ManagerUpgradeStart,
    /// Rehearsal (not an HCX API): `GET /hcx-sim/rehearsal/manager-upgrade`
    ManagerUpgradeStatus,
    /// `GET /hybridity/api/interconnect/appliances/ha/groups[?serviceMeshId=]`
    HaGroups,
    /// `GET /hybridity/api/metainfo/context/interconnect`
    MetainfoInterconnect,
    /// `POST /hybridity/api/service/inventory/cloud/list`
    InventoryCloudList,
    /// `POST /hybridity/api/service/inventory/resourcecontainer/list`
    InventoryResourceContainers,
    /// `GET /hybridity/api/interconnect/capabilities`
    Capabilities,
    /// `GET /hybridity/api/interconnect/computeProfiles[?endpointId=]`
    ComputeProfiles,
    /// `POST /hybridity/api/networks?action=queryIpUsage`
    NetworksQueryIpUsage,
    /// Anything else (answered 404).
    Unknown,
}

impl Endpoint {
    /// Whether a successful call changes the simulated world.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Self::ApplianceUpgrade | Self::ApplianceRedeploy | Self::L2ExtensionDelete | Self::ManagerUpgradeStart
        )
    }

    /// The snake_case name used in scenario files and in `/hcx-sim/counters`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sessions => "sessions",
            Self::Support => "support",
            Self::CloudConfigs => "cloud_configs",
            Self::ServiceMesh => "service_mesh",
            Self::Appliances => "appliances",
            Self::AppliancesQuery => "appliances_query",
            Self::ApplianceUpgrade => "appliance_upgrade",
            Self::ApplianceRedeploy => "appliance_redeploy",
            Self::L2Extensions => "l2_extensions",
            Self::L2ExtensionDelete => "l2_extension_delete",
            Self::MigrationsQuery => "migrations_query",
            Self::ReplicationsQuery => "replications_query",
            Self::MobilityGroups => "mobility_groups",
            Self::Task => "task",
            Self::Job => "job",
            Self::ManagerUpgradeStart => "manager_upgrade_start",
            Self::ManagerUpgradeStatus => "manager_upgrade_status",
            Self::HaGroups => "ha_groups",
            Self::MetainfoInterconnect => "metainfo_interconnect",
            Self::InventoryCloudList => "inventory_cloud_list",
            Self::InventoryResourceContainers => "inventory_resource_containers",
            Self::Capabilities => "capabilities",
            Self::ComputeProfiles => "compute_profiles",
            Self::NetworksQueryIpUsage => "networks_query_ip_usage",
            Self::Unknown => "unknown",
        }
    }

    /// All endpoints, for iteration in reports.
    pub const ALL: [Endpoint; 25] = [
        Self::Sessions,
        Self::Support,
        Self::CloudConfigs,
        Self::ServiceMesh,
        Self::Appliances,
        Self::AppliancesQuery,
        Self::ApplianceUpgrade,
        Self::ApplianceRedeploy,
        Self::L2Extensions,
        Self::L2ExtensionDelete,
        Self::MigrationsQuery,
        Self::ReplicationsQuery,
        Self::MobilityGroups,
        Self::Task,
        Self::Job,
        Self::ManagerUpgradeStart,
        Self::ManagerUpgradeStatus,
        Self::HaGroups,
        Self::MetainfoInterconnect,
        Self::InventoryCloudList,
        Self::InventoryResourceContainers,
        Self::Capabilities,
        Self::ComputeProfiles,
        Self::NetworksQueryIpUsage,
        Self::Unknown,
    ];
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// No deny_unknown_fields: serde cannot combine it with `flatten` in FaultRule.
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultKind {
    /// Wait this long (real time) before answering normally.
    Latency {
        /// Milliseconds.
        ms: u64,
    },
    /// Answer with this HTTP status and an empty JSON error body, without doing the work.
    Status {
        /// HTTP status code (e.g. 500, 503, 429, 408).
        status: u16,
        /// `Retry-After` header value in seconds, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// Drop the TCP connection with a reset (RST) before answering.
    Reset,
    /// Do the work, then send only the first half of the JSON body.
    Truncated,
    /// Do the work, then replace the first element of the first array in the body with the number `42`
    /// (or the whole body, if it has no array), so a decoder fails at a precise JSON path.
    Malformed,
    /// Expire every session token of the manager before checking this request (token expiry midway).
    ExpireToken,
    /// Appliance upgrade/redeploy: the created task stays RUNNING forever.
    TaskStall,
    /// Appliance upgrade/redeploy: the created task ends FAILED with this message.
    TaskFail {
        /// `errorMessage` of the failed task.
        message: String,
    },
    /// Appliance upgrade/redeploy: the task ends FAILED, but the service mesh's `lastTaskDetails.status`
    /// keeps saying RUNNING (the HCX 9.1.1 quirk recorded in the field notes).
    TaskFailReportedRunning {
        /// `errorMessage` of the failed task.
        message: String,
    },
    /// Appliance upgrade/redeploy: the task ends SUCCESS, but the appliance keeps its version (a manager that
    /// reports success for work it did not do).
    TaskSucceedNoChange,
    /// Do the work, then answer this status instead of the real answer: a gateway answering 502/504 while the
    /// request went through.
    PerformThenStatus {
        /// HTTP status code (e.g. 502, 504).
        status: u16,
    },
    /// Do the work, then reset the connection (RST) instead of answering: the body was read and acted on.
    PerformThenReset,
    /// Never answer (the connection is held open until the client gives up), and do the work `after_ms` of
    /// simulated time later: a request held by a busy manager that lands after the client's timeout.
    HoldThenLand {
        /// Simulated milliseconds after the request at which the work is done.
        after_ms: u64,
    },
    /// Do the work, then set the JSON pointer `pointer` of the answer's body to `value` (nothing happens when
    /// the pointer's parent does not exist): hostile shapes, such as `/items/0/peerAppliances` set to `null`.
    Patch {
        /// RFC 6901 JSON pointer into the body (`""` replaces the whole body).
        pointer: String,
        /// The value put there.
        #[serde(default)]
        value: serde_json::Value,
    },
}

/// A fault rule: which endpoint, what, and how often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Endpoint it applies to; absent means every endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<Endpoint>,
    /// The fault.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Let this many matching calls through before the fault starts firing.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skip: u32,
    /// Fire this many times, then stop; absent means forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl FaultRule {
    /// A rule firing on every call to `endpoint`.
    pub fn on(endpoint: Endpoint, kind: FaultKind) -> Self {
        Self { endpoint: Some(endpoint), kind, skip: 0, times: None }
    }

    /// Limits the rule to `n` firings.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Lets `n` matching calls through first.
    #[must_use]
    pub fn skip(mut self, n: u32) -> Self {
        self.skip = n;
        self
    }

    /// Whether this rule is about tasks created by the call (rather than the call itself).
    pub(crate) fn is_task_fault(&self) -> bool {
        matches!(
            self.kind,
            FaultKind::TaskStall
                | FaultKind::TaskFail { .. }
                | FaultKind::TaskFailReportedRunning { .. }
                | FaultKind::TaskSucceedNoChange
        )
    }

    /// Consumes one firing if the rule matches; returns whether it fires.
    pub(crate) fn fire(&mut self, endpoint: Endpoint) -> bool {
        if self.endpoint.is_some_and(|e| e != endpoint) {
            return false;
        }
        if self.skip > 0 {
            self.skip -= 1;
            return false;
        }
        match &mut self.times {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_parses_and_fires_after_skip_for_times() {
        let mut r: FaultRule =
            serde_json::from_str(r#"{"endpoint":"service_mesh","kind":"status","status":503,"skip":1,"times":2}"#)
                .expect("parse");
        assert_eq!(r.kind, FaultKind::Status { status: 503, retry_after: None });
        assert!(!r.fire(Endpoint::Appliances));
        assert!(!r.fire(Endpoint::ServiceMesh));
        assert!(r.fire(Endpoint::ServiceMesh));
        assert!(r.fire(Endpoint::ServiceMesh));
        assert!(!r.fire(Endpoint::ServiceMesh));
    }

    #[test]
    fn the_lying_network_faults_parse_and_only_the_no_change_one_is_about_tasks() {
        let held: FaultRule =
            serde_json::from_str(r#"{"endpoint":"appliance_upgrade","kind":"hold_then_land","after_ms":60000}"#)
                .expect("parse");
        assert_eq!(held.kind, FaultKind::HoldThenLand { after_ms: 60_000 });
        let gateway: FaultRule = serde_json::from_str(r#"{"kind":"perform_then_status","status":504}"#).expect("parse");
        assert_eq!(gateway.kind, FaultKind::PerformThenStatus { status: 504 });
        assert!(!gateway.is_task_fault() && !held.is_task_fault());
        assert!(FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::TaskSucceedNoChange).is_task_fault());
        assert!(!FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::PerformThenReset).is_task_fault());
    }
}
