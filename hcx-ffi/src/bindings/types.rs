//! Records and enums of the UniFFI surface: thin mirrors of `hcx-core` types, converted from them.

use hcx_core::HcxVersion;
use hcx_core::catalog::{self as core_catalog, Confidence as CoreConfidence};
use hcx_core::fleet::{self as core_fleet, Platform as CorePlatform, SiteRole as CoreSiteRole};
use hcx_core::plan::{
    self as core_plan, Owner as CoreOwner, Phase as CorePhase, Severity as CoreSeverity, StepKind as CoreStepKind,
};

/// Defines a UniFFI enum mirroring a `#[non_exhaustive]` core enum, plus the conversion from it. Variants the
/// core gains later become `Unknown` until the mirror is updated (a test checks that none does today).
macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident from $core:ident { $($(#[$vmeta:meta])* $variant:ident,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value added to hcx-core after this binding was built.
            Unknown,
        }

        impl From<$core> for $name {
            fn from(v: $core) -> Self {
                match v {
                    $($core::$variant => $name::$variant,)+
                    _ => $name::Unknown,
                }
            }
        }
    };
}

mirror_enum! {
    /// Which kind of HCX Manager runs at a site.
    SiteRole from CoreSiteRole {
        /// HCX Connector: the source-side manager.
        Connector,
        /// HCX Cloud Manager: the destination.
        Cloud,
    }
}

mirror_enum! {
    /// Where a site runs.
    Platform from CorePlatform {
        /// A customer's own vSphere data centre.
        OnPrem,
        /// Azure VMware Solution.
        Avs,
        /// Google Cloud VMware Engine.
        Gcve,
        /// VMware Cloud on AWS.
        Vmc,
        /// Oracle Cloud VMware Solution.
        Ocvs,
        /// Amazon Elastic VMware Service.
        Evs,
        /// IBM Cloud for VMware Solutions.
        IbmCloud,
    }
}

mirror_enum! {
    /// How well a catalog fact is established.
    Confidence from CoreConfidence {
        /// Stated by a primary source.
        Confirmed,
        /// Stated by another provider's official docs.
        Secondary,
        /// Stated only by blogs or community notes.
        ThirdParty,
        /// Derived from other facts.
        Inferred,
    }
}

mirror_enum! {
    /// How serious a finding is.
    Severity from CoreSeverity {
        /// The plan must not be carried out until it is resolved (or acknowledged).
        Blocker,
        /// A risk to understand before starting.
        Warning,
        /// Context for the change record.
        Info,
    }
}

mirror_enum! {
    /// The plan's phases, in order.
    Phase from CorePhase {
        /// Checks, backups, snapshots, bundles.
        Prepare,
        /// HCX Manager upgrades, hop by hop.
        Managers,
        /// Waiting for paired managers to match and services to converge.
        Converge,
        /// Service mesh appliance upgrades.
        Mesh,
        /// Checks that the fleet reached the target.
        Verify,
    }
}

mirror_enum! {
    /// What a step does.
    StepKind from CoreStepKind {
        /// A pre-upgrade check.
        Precheck,
        /// A configuration backup.
        Backup,
        /// A vSphere snapshot of a manager.
        Snapshot,
        /// Getting the (offline) upgrade bundle.
        ObtainBundle,
        /// Removing a service the target no longer supports.
        RemoveService,
        /// Upgrading an HCX Manager by one hop.
        UpgradeManager,
        /// Waiting for convergence.
        WaitConvergence,
        /// Upgrading mesh appliances.
        UpgradeAppliance,
        /// Redeploying appliances.
        RedeployAppliance,
        /// Final verification.
        Verify,
    }
}

mirror_enum! {
    /// Who carries out a step.
    Owner from CoreOwner {
        /// The customer's operators.
        Customer,
        /// The cloud provider.
        Provider,
    }
}

/// How two versions compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum VersionOrder {
    /// The first is older.
    Less,
    /// The same release (builds are ignored).
    Equal,
    /// The first is newer.
    Greater,
}

/// A parsed HCX version.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Version {
    /// The major number.
    pub major: u32,
    /// The minor number.
    pub minor: u32,
    /// The patch number.
    pub patch: u32,
    /// The fourth part; 0 when HCX printed three.
    pub revision: u32,
    /// The build number, when one was given.
    pub build: Option<String>,
    /// The canonical text (`4.10.3`, `9.1.1.0`, `4.9.0-23529166`).
    pub canonical: String,
}

impl From<&HcxVersion> for Version {
    fn from(v: &HcxVersion) -> Self {
        Self {
            major: v.major(),
            minor: v.minor(),
            patch: v.patch(),
            revision: v.revision(),
            build: v.build().map(str::to_owned),
            canonical: v.to_string(),
        }
    }
}

/// One problem in a fleet document.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct FleetProblem {
    /// Where: a JSON path such as `$.sites[0].version`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl From<&core_fleet::Problem> for FleetProblem {
    fn from(p: &core_fleet::Problem) -> Self {
        Self { path: p.path.clone(), message: p.message.clone() }
    }
}

/// One site of a fleet and its HCX Manager.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Site {
    /// Unique id.
    pub id: String,
    /// Connector or Cloud Manager.
    pub role: SiteRole,
    /// Where it runs.
    pub platform: Platform,
    /// The manager's version (canonical text).
    pub version: String,
    /// A display name.
    pub name: Option<String>,
}

impl From<&core_fleet::Site> for Site {
    fn from(s: &core_fleet::Site) -> Self {
        Self {
            id: s.id.to_string(),
            role: s.role.into(),
            platform: s.platform.into(),
            version: s.version.to_string(),
            name: s.name.clone(),
        }
    }
}

/// One upgrade of a manager and the rule that allows it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Hop {
    /// The release upgraded from.
    pub from_version: String,
    /// The release upgraded to.
    pub to_version: String,
    /// The path rule's id.
    pub rule: String,
    /// The rule's source ids.
    pub sources: Vec<String>,
    /// The rule's confidence.
    pub confidence: Confidence,
    /// The rule's note.
    pub note: Option<String>,
}

/// A documented upgrade path: zero or more hops.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UpgradePath {
    /// Where it starts.
    pub from_version: String,
    /// Where it ends.
    pub to_version: String,
    /// The hops in order; empty when both ends are the same release.
    pub hops: Vec<Hop>,
    /// The releases visited between `from` and `to`.
    pub stepping_stones: Vec<String>,
}

impl From<&core_catalog::UpgradePath> for UpgradePath {
    fn from(p: &core_catalog::UpgradePath) -> Self {
        Self {
            from_version: p.from.to_string(),
            to_version: p.to.to_string(),
            hops: p
                .hops
                .iter()
                .map(|h| Hop {
                    from_version: h.from.to_string(),
                    to_version: h.to.to_string(),
                    rule: h.rule.clone(),
                    sources: h.sources.clone(),
                    confidence: h.confidence.into(),
                    note: h.note.clone(),
                })
                .collect(),
            stepping_stones: p.stepping_stones().iter().map(ToString::to_string).collect(),
        }
    }
}

/// What to plan for.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PlanOptions {
    /// `latest`, `validated` or a version such as `4.11.4`; `None` means hcx-core's default for the fleet
    /// (`validated` where a platform of the fleet lists one, else `latest`).
    #[uniffi(default = None)]
    pub target: Option<String>,
    /// The plan date, `YYYY-MM-DD`; `None` means today (UTC).
    #[uniffi(default = None)]
    pub date: Option<String>,
    /// Rule ids acknowledged by the operator.
    #[uniffi(default)]
    pub acknowledge: Vec<String>,
    /// Prefer the In-Service NE upgrade where it is allowed.
    #[uniffi(default = false)]
    pub ne_in_service: bool,
}

/// One finding of a rule.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// The rule's stable id.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// What was found.
    pub message: String,
    /// Site, pair, mesh or appliance ids concerned.
    pub subjects: Vec<String>,
    /// What to do about it.
    pub remediation: String,
    /// Catalog source ids behind it.
    pub sources: Vec<String>,
    /// Whether the operator acknowledged it.
    pub acknowledged: bool,
}

impl From<&core_plan::Finding> for Finding {
    fn from(f: &core_plan::Finding) -> Self {
        Self {
            rule: f.rule.to_string(),
            severity: f.severity.into(),
            message: f.message.clone(),
            subjects: f.subjects.clone(),
            remediation: f.remediation.to_string(),
            sources: f.sources.iter().map(ToString::to_string).collect(),
            acknowledged: f.acknowledged,
        }
    }
}

/// One step of a plan.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Step {
    /// `S1`, `S2`, ... in execution order.
    pub id: String,
    /// Phase.
    pub phase: Phase,
    /// Kind.
    pub kind: StepKind,
    /// One line.
    pub title: String,
    /// The site it runs on.
    pub site: Option<String>,
    /// The mesh concerned.
    pub mesh: Option<String>,
    /// Appliances concerned.
    pub appliances: Vec<String>,
    /// Version before the step.
    pub from_version: Option<String>,
    /// Version after the step.
    pub to_version: Option<String>,
    /// Who does it.
    pub owner: Owner,
    /// `false` when it must be done by hand, following `instructions`.
    pub automated: bool,
    /// How to do it.
    pub instructions: Vec<String>,
    /// What it does to the running fleet, in one line.
    pub impact: String,
    /// Rule ids that caused or shaped it.
    pub rules: Vec<String>,
    /// Steps that must be finished first.
    pub depends_on: Vec<String>,
    /// Estimated minutes.
    pub minutes: u32,
}

impl From<&core_plan::Step> for Step {
    fn from(s: &core_plan::Step) -> Self {
        Self {
            id: s.id.to_string(),
            phase: s.phase.into(),
            kind: s.kind.into(),
            title: s.title.clone(),
            site: s.site.as_deref().map(str::to_owned),
            mesh: s.mesh.as_deref().map(str::to_owned),
            appliances: s.appliances.clone(),
            from_version: s.from.as_ref().map(ToString::to_string),
            to_version: s.to.as_ref().map(ToString::to_string),
            owner: s.owner.into(),
            automated: s.automated,
            instructions: s.instructions.iter().map(ToString::to_string).collect(),
            impact: s.impact.summary.to_string(),
            rules: s.rules.iter().map(ToString::to_string).collect(),
            depends_on: s.depends_on.iter().map(ToString::to_string).collect(),
            minutes: s.estimate.minutes,
        }
    }
}

/// A plan's headline counts.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PlanSummary {
    /// Sites in the fleet.
    pub sites: u64,
    /// Site pairs.
    pub pairs: u64,
    /// Service meshes.
    pub meshes: u64,
    /// Steps.
    pub steps: u64,
    /// Unacknowledged blockers.
    pub blockers: u64,
    /// Acknowledged blockers.
    pub acknowledged: u64,
    /// Warnings.
    pub warnings: u64,
}

impl From<&core_plan::Summary> for PlanSummary {
    fn from(s: &core_plan::Summary) -> Self {
        let n = |x: usize| x as u64;
        Self {
            sites: n(s.sites),
            pairs: n(s.pairs),
            meshes: n(s.meshes),
            steps: n(s.steps),
            blockers: n(s.blockers),
            acknowledged: n(s.acknowledged),
            warnings: n(s.warnings),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every core variant has a mirror; a new core variant fails here until the mirror gains it.
    #[test]
    fn mirrors_cover_every_core_variant() {
        // Same variant names on both sides, and no core variant falls through to `Unknown`.
        fn same<C: Copy + std::fmt::Debug, M: From<C> + std::fmt::Debug>(all: &[C]) {
            for c in all {
                assert_eq!(format!("{c:?}"), format!("{:?}", M::from(*c)));
            }
        }
        same::<CoreSiteRole, SiteRole>(CoreSiteRole::ALL);
        same::<CorePlatform, Platform>(CorePlatform::ALL);
        same::<CoreConfidence, Confidence>(CoreConfidence::ALL);
        same::<CoreSeverity, Severity>(CoreSeverity::ALL);
        same::<CorePhase, Phase>(CorePhase::ALL);
        same::<CoreStepKind, StepKind>(CoreStepKind::ALL);
        same::<CoreOwner, Owner>(CoreOwner::ALL);
    }
}
