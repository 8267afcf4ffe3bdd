//! The named rules: stable ids, default severity, what they mean and what they rest on.
//!
//! A rule id is a [`RuleId`]: a finding for a rule that is not in [`RULES`] cannot be written, and every
//! finding takes its severity from the table unless the rule lists the other severity in `escalations`.

use serde::Serialize;

use super::Severity;
use crate::names::string_enum;

string_enum! {
    /// A rule's stable kebab-case id; never renamed or reused.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum RuleId: "rule" {
        /// `redeploy-required`: manager below the oldest upgradable release.
        RedeployRequired = "redeploy-required",
        /// `unsupported-path`: no documented upgrade path.
        UnsupportedPath = "unsupported-path",
        /// `downgrade`: target older than the running release.
        Downgrade = "downgrade",
        /// `unknown-release`: release not in the catalog.
        UnknownRelease = "unknown-release",
        /// `photon-mesh-upgrade`: crossing 4.4.0 forces every mesh appliance up.
        PhotonMeshUpgrade = "photon-mesh-upgrade",
        /// `managers-before-mesh`: managers are upgraded before the service mesh.
        ManagersBeforeMesh = "managers-before-mesh",
        /// `paired-managers-same-version`: a mesh upgrade waits until both managers match.
        PairedManagersSameVersion = "paired-managers-same-version",
        /// `mesh-from-source`: mesh upgrades start from the source site.
        MeshFromSource = "mesh-from-source",
        /// `active-migrations`: migrations or replications in flight.
        ActiveMigrations = "active-migrations",
        /// `wan-opt-removed`: WAN Optimization in use and the target drops it.
        WanOptRemoved = "wan-opt-removed",
        /// `known-issue`: the target or a stepping stone has a known issue.
        KnownIssue = "known-issue",
        /// `security-advisory`: target below the security fix of its release line.
        SecurityAdvisory = "security-advisory",
        /// `end-of-support`: a release is out of support on the plan date.
        EndOfSupport = "end-of-support",
        /// `ne-in-service-ha`: no In-Service upgrade for NE HA groups.
        NeInServiceHa = "ne-in-service-ha",
        /// `ne-ephemeral-binding`: NE upgrade fails on an ephemeral port group.
        NeEphemeralBinding = "ne-ephemeral-binding",
        /// `pairing-incompatible`: paired versions cannot work together.
        PairingIncompatible = "pairing-incompatible",
        /// `snapshot-window`: rollback relies on a snapshot that expires.
        SnapshotWindow = "snapshot-window",
        /// `cloud-managed-by-provider`: the provider upgrades this Cloud Manager.
        CloudManagedByProvider = "cloud-managed-by-provider",
        /// `offline-bundle`: the upgrade needs an offline bundle.
        OfflineBundle = "offline-bundle",
        /// `service-removed-in-target`: a service in use must be removed before the target.
        ServiceRemovedInTarget = "service-removed-in-target",
        /// `platform-unsupported-target`: the platform does not offer the target.
        PlatformUnsupportedTarget = "platform-unsupported-target",
        /// `pairing-unverified`: no catalog rule says a paired state is supported.
        PairingUnverified = "pairing-unverified",
        /// `pair-skew-window`: a pair's managers are upgraded in windows far apart.
        PairSkewWindow = "pair-skew-window",
        /// `mesh-split-window`: a mesh is left half upgraded at the end of a window.
        MeshSplitWindow = "mesh-split-window",
        /// `weak-evidence`: the upgrade path rests on weak evidence.
        WeakEvidence = "weak-evidence",
        /// `uncataloged-release`: a manager runs a release the catalog does not list, inside a rule's range.
        UncatalogedRelease = "uncataloged-release",
        /// `release-change`: a release on the path changes behaviour.
        ReleaseChange = "release-change",
    }
}

/// A rule's description, for explanations and reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Rule {
    /// Stable kebab-case id; never renamed or reused.
    pub id: RuleId,
    /// The default severity of its findings.
    pub severity: Severity,
    /// The other severities it may raise, each case explained in `meaning` (empty: always `severity`).
    pub escalations: &'static [Severity],
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
        id: RuleId::RedeployRequired,
        severity: Severity::Blocker,
        escalations: &[],
        title: "manager below the oldest upgradable release",
        meaning: "releases older than 4.2.4 are not qualified for any upgrade; the manager has to be redeployed.",
        remediation: "deploy a new HCX Manager at a supported release and re-create the site pairs and service meshes.",
        sources: &["OCI-UPG"],
    },
    Rule {
        id: RuleId::UnsupportedPath,
        severity: Severity::Blocker,
        escalations: &[],
        title: "no documented upgrade path",
        meaning: "no chain of documented upgrade rules leads from the current release to the target, or a source forbids the route (back-in-time).",
        remediation: "pick another target, or confirm a path in the Broadcom interoperability matrix and load an updated catalog.",
        sources: &["RN-4.9", "OCI-UPG", "T-VCF91"],
    },
    Rule {
        id: RuleId::Downgrade,
        severity: Severity::Blocker,
        escalations: &[],
        title: "target older than the running release",
        meaning: "HCX Managers and appliances cannot be downgraded by an upgrade.",
        remediation: "choose a target at or above every running release; to go back, revert a snapshot.",
        sources: &["HCX-4.6-MGR-UPG"],
    },
    Rule {
        id: RuleId::UnknownRelease,
        severity: Severity::Warning,
        escalations: &[Severity::Blocker],
        title: "release not in the catalog",
        meaning: "a running or target release is not known to the catalog, so paths, support and issues cannot be checked for it; a blocker when a manager runs it, since no upgrade path can then be justified.",
        remediation: "check the version string, or load a newer catalog with --catalog.",
        sources: &[],
    },
    Rule {
        id: RuleId::PhotonMeshUpgrade,
        severity: Severity::Warning,
        escalations: &[],
        title: "crossing 4.4.0 forces every mesh appliance up",
        meaning: "from 4.4.0 appliances run Photon OS: upgrading a manager from before 4.4.0 to 4.4 or later requires upgrading every service mesh appliance (IX, NE, WO, SGW/SDR).",
        remediation: "plan the mesh upgrade of every appliance right after the managers.",
        sources: &["AVS-UPG@2022-11-09", "AVS-UPG@2023-12-20"],
    },
    Rule {
        id: RuleId::ManagersBeforeMesh,
        severity: Severity::Info,
        escalations: &[],
        title: "managers are upgraded before the service mesh",
        meaning: "updates go to the HCX Managers first; site-paired managers may be updated together; the service mesh follows.",
        remediation: "follow the step order of the plan.",
        sources: &["HCX-4.6-MGR-UPG", "AVS-UPG@2023-12-20"],
    },
    Rule {
        id: RuleId::PairedManagersSameVersion,
        severity: Severity::Warning,
        escalations: &[],
        title: "a mesh upgrade waits until both managers match",
        meaning: "the service mesh is upgraded only after all paired managers run the same version and services have converged; raised when a pair's managers differ now or the plan leaves them different.",
        remediation: "upgrade both managers of the pair to the same release, wait for convergence, then upgrade the mesh.",
        sources: &["HCX-4.10-SM-UPG", "AVS-UPG@2022-11-09"],
    },
    Rule {
        id: RuleId::MeshFromSource,
        severity: Severity::Info,
        escalations: &[],
        title: "mesh upgrades start from the source site",
        meaning: "service mesh updates can only be started from the source site; the peer appliance at the destination upgrades at the same time.",
        remediation: "run the mesh steps from the source site's HCX UI or API.",
        sources: &["HCX-4.10-SM-UPG", "HCX-4.5-SERVICE-UPDATES"],
    },
    Rule {
        id: RuleId::ActiveMigrations,
        severity: Severity::Blocker,
        escalations: &[],
        title: "migrations or replications in flight",
        meaning: "no migration may be in progress or queued during an upgrade; AVS run commands also refuse while migrations or replications are active.",
        remediation: "let them finish or cancel them, and queue no new HCX operations for the window.",
        sources: &["AVS-UPG@2023-12-20", "HCX-4.5-SERVICE-UPDATES", "AVS-RUNCMD"],
    },
    Rule {
        id: RuleId::WanOptRemoved,
        severity: Severity::Blocker,
        escalations: &[Severity::Warning],
        title: "WAN Optimization in use and the target drops it",
        meaning: "WAN Optimization is deprecated in 4.11.0; the AVS Cloud Manager cannot be upgraded to 4.11.3 while it is enabled; it is reported unavailable in 4.11.3 and removed in 4.11.4. A warning when the target only deprecates it.",
        remediation: "remove the WAN Optimization service from the service mesh and compute profile before upgrading.",
        sources: &["AVS-UPG@2025-10-14", "AWS-EVS", "T-ZH"],
    },
    Rule {
        id: RuleId::KnownIssue,
        severity: Severity::Warning,
        escalations: &[],
        title: "the target or a stepping stone has a known issue",
        meaning: "a release on the path has a documented issue for this topology (for example 4.10.2 log-in failures, or 4.8.0 with NE HA groups).",
        remediation: "choose the release that fixes it.",
        sources: &["AVS-KNOWN"],
    },
    Rule {
        id: RuleId::SecurityAdvisory,
        severity: Severity::Warning,
        escalations: &[],
        title: "target below the security fix of its release line",
        meaning: "the target release is older than the release that fixes a published advisory on its line (for example VMSA-2024-0021).",
        remediation: "target the fixed release of the line or later.",
        sources: &["AVS-KNOWN"],
    },
    Rule {
        id: RuleId::EndOfSupport,
        severity: Severity::Warning,
        escalations: &[Severity::Blocker],
        title: "a release is out of support on the plan date",
        meaning: "a running release past its end of support is a warning (it is why you upgrade); a target past its end of support is a blocker.",
        remediation: "target a release in support; Broadcom requires a supported release to open a support request.",
        sources: &["AVS-UPG@2025-10-14", "SKEW"],
    },
    Rule {
        id: RuleId::NeInServiceHa,
        severity: Severity::Info,
        escalations: &[Severity::Warning],
        title: "no In-Service upgrade for NE HA groups",
        meaning: "In-Service NE upgrade is not available for HA groups: the standby is upgraded first, then a switch-over, then the old active. A warning when a mesh's HA group membership could not be read (the fleet marks it `ha_groups_unknown`): any of its NE appliances may be in a group, so none is planned In-Service.",
        remediation: "expect the HA standby-first sequence for these appliances.",
        sources: &["HCX-4.7-NE-UPG"],
    },
    Rule {
        id: RuleId::NeEphemeralBinding,
        severity: Severity::Blocker,
        escalations: &[Severity::Warning],
        title: "NE upgrade fails on an ephemeral port group",
        meaning: "Standard and In-Service NE upgrades fail when a stretched distributed port group uses 'Ephemeral - no binding'; a warning when the binding of an extended network is unknown.",
        remediation: "change the port group to static binding before the mesh upgrade.",
        sources: &["HCX-4.7-NE-UPG"],
    },
    Rule {
        id: RuleId::PairingIncompatible,
        severity: Severity::Blocker,
        escalations: &[],
        title: "paired versions cannot work together",
        meaning: "a pair would run versions that cannot be paired (9.x with 4.x; no software guardrail prevents it), now or between two steps.",
        remediation: "upgrade both ends of the pair in the same window, or keep both on the same major line.",
        sources: &["T-VCF91"],
    },
    Rule {
        id: RuleId::SnapshotWindow,
        severity: Severity::Warning,
        escalations: &[],
        title: "rollback relies on a snapshot that expires",
        meaning: "rollback of a manager upgrade relies on a snapshot; the upgrade's automatic snapshot is kept 24 hours (AVS: 24 h, run-command snapshot 72 h), so problems must be found inside that window.",
        remediation: "verify each site right after its upgrade, inside the retention of the snapshot that backs it (on AVS, the run-command snapshot where the platform offers it).",
        sources: &["AVS-UPG@2023-12-20", "AVS-RUNCMD", "HCX-4.6-MGR-UPG"],
    },
    Rule {
        id: RuleId::CloudManagedByProvider,
        severity: Severity::Info,
        escalations: &[],
        title: "the provider upgrades this Cloud Manager",
        meaning: "on Azure VMware Solution Microsoft manages HCX Cloud Manager upgrades (since October 2025); the customer picks the window; Connector and service mesh stay customer-managed.",
        remediation: "request or schedule the Cloud Manager upgrade with the provider, then carry out the customer steps.",
        sources: &["AVS-UPG@2025-10-14"],
    },
    Rule {
        id: RuleId::OfflineBundle,
        severity: Severity::Info,
        escalations: &[],
        title: "the upgrade needs an offline bundle",
        meaning: "releases up to 4.10.3 cannot download bundles since the depot was decommissioned, and 4.11 runs in local mode only.",
        remediation: "obtain the offline bundle before the window (on AVS, from the AVS_Official_HCX_Connector_Binaries datastore folder or a support request).",
        sources: &["KB-395372", "AVS-UPG@2025-10-14"],
    },
    Rule {
        id: RuleId::ServiceRemovedInTarget,
        severity: Severity::Blocker,
        escalations: &[],
        title: "a service in use must be removed before the upgrade",
        meaning: "upgrading from 4.11 to 9.x needs WAN Optimization, V2T Migration and Disaster Recovery removed from the compute profile and the service mesh first.",
        remediation: "remove the named services from each mesh and its compute profiles before any manager upgrade (the plan does it in its prepare phase).",
        sources: &["T-VCF91"],
    },
    Rule {
        id: RuleId::PlatformUnsupportedTarget,
        severity: Severity::Blocker,
        escalations: &[],
        title: "the provider does not offer the target",
        meaning: "a provider-owned Cloud Manager can only be upgraded to a release its platform offers; the catalog lists the releases each platform has offered.",
        remediation: "target a release the platform offers (the `validated` target), or ask the provider whether it offers this one.",
        sources: &["AVS-VER@2026-07-29", "AVS-UPG@2025-10-14"],
    },
    Rule {
        id: RuleId::PairingUnverified,
        severity: Severity::Warning,
        escalations: &[],
        title: "no source says a paired state is supported",
        meaning: "the numeric site-to-site skew rules are not public: a pair that runs, now or between two rounds of the plan, two versions no catalog rule covers is unverified.",
        remediation: "check the Broadcom interoperability matrix for the pair's versions, or upgrade both ends in the same window.",
        sources: &["SKEW"],
    },
    Rule {
        id: RuleId::PairSkewWindow,
        severity: Severity::Warning,
        escalations: &[],
        title: "paired managers upgraded in windows far apart",
        meaning: "managers may be upgraded in separate windows, but for optimal compatibility both systems are updated together; the schedule puts a pair's managers in windows more than a day apart.",
        remediation: "give both sites a shared maintenance window, or accept the skew between the two windows.",
        sources: &["HCX-4.5-SERVICE-UPDATES", "AVS-UPG@2023-12-20"],
    },
    Rule {
        id: RuleId::MeshSplitWindow,
        severity: Severity::Warning,
        escalations: &[],
        title: "a mesh is left half upgraded at a window's end",
        meaning: "the schedule places a mesh's appliance steps in more than one window, so the mesh runs mixed versions between them.",
        remediation: "lengthen the window so every appliance step of the mesh fits in one.",
        sources: &["HCX-4.10-SM-UPG"],
    },
    Rule {
        id: RuleId::WeakEvidence,
        severity: Severity::Warning,
        escalations: &[Severity::Blocker],
        title: "the upgrade path rests on weak evidence",
        meaning: "a hop of the path is allowed only by an inferred or third-party rule; with --min-confidence, evidence weaker than asked is a blocker.",
        remediation: "confirm the hop in the Broadcom interoperability matrix, then load an updated catalog.",
        sources: &[],
    },
    Rule {
        id: RuleId::UncatalogedRelease,
        severity: Severity::Warning,
        escalations: &[],
        title: "release not in the catalog, inside a documented path rule's range",
        meaning: "a manager runs a release the catalog does not list, but a documented path rule's source range covers it, so the plan follows that rule; its release date, builds, support and issues are unknown.",
        remediation: "check the release against the Broadcom release notes and interoperability matrix, or load a newer catalog with --catalog.",
        sources: &[],
    },
    Rule {
        id: RuleId::ReleaseChange,
        severity: Severity::Warning,
        escalations: &[],
        title: "a release on the path changes behaviour",
        meaning: "crossing some releases changes how HCX works afterwards (4.4.0: .local DNS names may fail to resolve; 4.11.0: local mode only, no update notifications, activation keys stop working 450 days after the upgrade).",
        remediation: "prepare for the change before the window (DNS names, offline bundles, licensing).",
        sources: &["AVS-UPG@2023-12-20", "AVS-UPG@2025-10-14"],
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.as_str() == id)
}

/// The rule with this id, or an error that names every known id (for `hcx explain` and the bindings).
///
/// ```
/// let e = hcx_core::plan::rules::lookup("no-such").expect_err("not a rule");
/// assert!(e.to_string().starts_with("no rule \"no-such\"; known rules: "), "{e}");
/// assert!(e.to_string().contains("snapshot-window"), "{e}");
/// ```
///
/// # Errors
/// [`NoSuchRule`] when no rule has this id.
pub fn lookup(id: &str) -> Result<&'static Rule, NoSuchRule> {
    rule(id).ok_or_else(|| NoSuchRule { id: id.to_owned() })
}

/// Every rule id, comma separated: the one wording of "known rules" in messages.
pub fn known_ids() -> String {
    RULES.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// No rule has the id asked for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no rule {}; known rules: {}", crate::quote::quoted(id), known_ids())]
pub struct NoSuchRule {
    /// The id given.
    pub id: String,
}

impl RuleId {
    /// This rule's entry in [`RULES`].
    pub fn rule(self) -> &'static Rule {
        // `RULES` lists the rules in declaration order (a test checks it), so the index is the position.
        &RULES[self as usize]
    }

    /// The rule's default severity.
    pub fn severity(self) -> Severity {
        self.rule().severity
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
