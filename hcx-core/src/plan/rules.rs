//! The named rules: stable ids, default severity, what they mean and what they rest on.

use serde::Serialize;

use super::Severity;

/// A rule's description, for `hcx explain` and reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable kebab-case id; never renamed or reused.
    pub id: &'static str,
    /// The severity of its findings (some rules raise a lower one in benign cases, noted in `meaning`).
    pub severity: Severity,
    /// One line.
    pub title: &'static str,
    /// What it checks and why.
    pub meaning: &'static str,
    /// What to do when it fires.
    pub remediation: &'static str,
    /// Catalog source ids it rests on.
    pub sources: &'static [&'static str],
}

/// Every rule, by id.
pub const RULES: &[Rule] = &[
    Rule {
        id: "redeploy-required",
        severity: Severity::Blocker,
        title: "manager below the oldest upgradable release",
        meaning: "releases older than 4.2.4 are not qualified for any upgrade; the manager has to be redeployed.",
        remediation: "deploy a new HCX Manager at a supported release and re-create the site pairs and service meshes.",
        sources: &["OCI-UPG"],
    },
    Rule {
        id: "unsupported-path",
        severity: Severity::Blocker,
        title: "no documented upgrade path",
        meaning: "no chain of documented upgrade rules leads from the current release to the target, or a source forbids the route (back-in-time).",
        remediation: "pick another target, or confirm a path in the Broadcom interoperability matrix and load an updated catalog.",
        sources: &["RN-4.9", "OCI-UPG", "T-VCF91"],
    },
    Rule {
        id: "downgrade",
        severity: Severity::Blocker,
        title: "target older than the running release",
        meaning: "HCX Managers and appliances cannot be downgraded by an upgrade.",
        remediation: "choose a target at or above every running release; to go back, revert a snapshot.",
        sources: &["HCX-4.6-MGR-UPG"],
    },
    Rule {
        id: "unknown-release",
        severity: Severity::Warning,
        title: "release not in the catalog",
        meaning: "a running or target release is not known to the catalog, so paths, support and issues cannot be checked for it.",
        remediation: "check the version string, or load a newer catalog with --catalog.",
        sources: &[],
    },
    Rule {
        id: "photon-mesh-upgrade",
        severity: Severity::Warning,
        title: "crossing 4.4.0 forces every mesh appliance up",
        meaning: "from 4.4.0 appliances run Photon OS: upgrading a manager from before 4.4.0 to 4.4 or later requires upgrading every service mesh appliance (IX, NE, WO, SGW/SDR).",
        remediation: "plan the mesh upgrade of every appliance right after the managers.",
        sources: &["AVS-UPG@2022-11-09", "AVS-UPG@2023-12-20"],
    },
    Rule {
        id: "managers-before-mesh",
        severity: Severity::Info,
        title: "managers are upgraded before the service mesh",
        meaning: "updates go to the HCX Managers first; site-paired managers may be updated together; the service mesh follows.",
        remediation: "follow the step order of the plan.",
        sources: &["HCX-4.6-MGR-UPG", "AVS-UPG@2023-12-20"],
    },
    Rule {
        id: "paired-managers-same-version",
        severity: Severity::Warning,
        title: "a mesh upgrade waits until both managers match",
        meaning: "the service mesh is upgraded only after all paired managers run the same version and services have converged; raised when a pair's managers differ now or the plan leaves them different.",
        remediation: "upgrade both managers of the pair to the same release, wait for convergence, then upgrade the mesh.",
        sources: &["HCX-4.10-SM-UPG", "AVS-UPG@2022-11-09"],
    },
    Rule {
        id: "mesh-from-source",
        severity: Severity::Info,
        title: "mesh upgrades start from the source site",
        meaning: "service mesh updates can only be started from the source site; the peer appliance at the destination upgrades at the same time.",
        remediation: "run the mesh steps from the source site's HCX UI or API.",
        sources: &["HCX-4.10-SM-UPG", "HCX-4.5-SERVICE-UPDATES"],
    },
    Rule {
        id: "active-migrations",
        severity: Severity::Blocker,
        title: "migrations or replications in flight",
        meaning: "no migration may be in progress or queued during an upgrade; AVS run commands also refuse while migrations or replications are active.",
        remediation: "let them finish or cancel them, and queue no new HCX operations for the window.",
        sources: &["AVS-UPG@2023-12-20", "HCX-4.5-SERVICE-UPDATES", "AVS-RUNCMD"],
    },
    Rule {
        id: "wan-opt-removed",
        severity: Severity::Blocker,
        title: "WAN Optimization in use and the target drops it",
        meaning: "WAN Optimization is deprecated in 4.11.0; the AVS Cloud Manager cannot be upgraded to 4.11.3 while it is enabled; it is reported unavailable in 4.11.3 and removed in 4.11.4.",
        remediation: "remove the WAN Optimization service from the service mesh and compute profile before upgrading.",
        sources: &["AVS-UPG@2025-10-14", "AWS-EVS", "T-ZH"],
    },
    Rule {
        id: "known-issue",
        severity: Severity::Warning,
        title: "the target or a stepping stone has a known issue",
        meaning: "a release on the path has a documented issue for this topology (for example 4.10.2 log-in failures, or 4.8.0 with NE HA groups).",
        remediation: "choose the release that fixes it.",
        sources: &["AVS-KNOWN"],
    },
    Rule {
        id: "security-advisory",
        severity: Severity::Warning,
        title: "target below the security fix of its release line",
        meaning: "the target release is older than the release that fixes a published advisory on its line (for example VMSA-2024-0021).",
        remediation: "target the fixed release of the line or later.",
        sources: &["AVS-KNOWN"],
    },
    Rule {
        id: "end-of-support",
        severity: Severity::Warning,
        title: "a release is out of support on the plan date",
        meaning: "a running release past its end of support is a warning (it is why you upgrade); a target past its end of support is a blocker.",
        remediation: "target a release in support; Broadcom requires a supported release to open a support request.",
        sources: &["AVS-UPG@2025-10-14", "SKEW"],
    },
    Rule {
        id: "ne-in-service-ha",
        severity: Severity::Info,
        title: "no In-Service upgrade for NE HA groups",
        meaning: "In-Service NE upgrade is not available for HA groups: the standby is upgraded first, then a switch-over, then the old active.",
        remediation: "expect the HA standby-first sequence for these appliances.",
        sources: &["HCX-4.7-NE-UPG"],
    },
    Rule {
        id: "ne-ephemeral-binding",
        severity: Severity::Blocker,
        title: "NE upgrade fails on an ephemeral port group",
        meaning: "Standard and In-Service NE upgrades fail when a stretched distributed port group uses 'Ephemeral - no binding'.",
        remediation: "change the port group to static binding before the mesh upgrade.",
        sources: &["HCX-4.7-NE-UPG"],
    },
    Rule {
        id: "pairing-incompatible",
        severity: Severity::Blocker,
        title: "paired versions cannot work together",
        meaning: "a pair would run versions that cannot be paired (9.x with 4.x; no software guardrail prevents it), now or between two steps.",
        remediation: "upgrade both ends of the pair in the same window, or keep both on the same major line.",
        sources: &["T-VCF91"],
    },
    Rule {
        id: "snapshot-window",
        severity: Severity::Warning,
        title: "rollback relies on a snapshot that expires",
        meaning: "rollback of a manager upgrade relies on a snapshot; the upgrade's automatic snapshot is kept 24 hours (AVS: 24 h, run-command snapshot 72 h), so problems must be found inside that window.",
        remediation: "verify each site right after its upgrade; on AVS take a New-HCXManagerSnapshot (72 h) first.",
        sources: &["AVS-UPG@2023-12-20", "AVS-RUNCMD", "HCX-4.6-MGR-UPG"],
    },
    Rule {
        id: "cloud-managed-by-provider",
        severity: Severity::Info,
        title: "the provider upgrades this Cloud Manager",
        meaning: "on Azure VMware Solution Microsoft manages HCX Cloud Manager upgrades (since October 2025); the customer picks the window; Connector and service mesh stay customer-managed.",
        remediation: "request or schedule the Cloud Manager upgrade with the provider, then carry out the customer steps.",
        sources: &["AVS-UPG@2025-10-14"],
    },
    Rule {
        id: "offline-bundle",
        severity: Severity::Info,
        title: "the upgrade needs an offline bundle",
        meaning: "releases up to 4.10.3 cannot download bundles since the depot was decommissioned, and 4.11 runs in local mode only.",
        remediation: "obtain the offline bundle before the window (on AVS, from the AVS_Official_HCX_Connector_Binaries datastore folder or a support request).",
        sources: &["KB-395372", "AVS-UPG@2025-10-14"],
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
