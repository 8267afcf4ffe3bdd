//! The plan as a value: steps, findings and schedule, serialisable as `hcx-plan/v2`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::action::StepAction;
use super::rules::RuleId;
use crate::fleet::MeshService;
use crate::names::string_enum;
use crate::version::HcxVersion;

/// Plan text: mostly fixed wording shared by every step of its kind, so it is borrowed where it can be
/// (large fleets have hundreds of thousands of steps); it derefs to `&str`.
pub type Text = Cow<'static, str>;

/// A step, site, pair or mesh id in a plan: shared, since large plans repeat each id many times.
pub type Id = std::sync::Arc<str>;

/// The schema name of plan documents.
pub const PLAN_SCHEMA: &str = "hcx-plan/v2";

/// The schema of the first plan documents (no actions, no digest): read only to say how to re-plan.
pub const PLAN_SCHEMA_V1: &str = "hcx-plan/v1";

string_enum! {
    /// How serious a finding is.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum Severity: "severity" {
        /// The plan must not be carried out until it is resolved (or acknowledged).
        Blocker = "blocker",
        /// A risk to understand before starting.
        Warning = "warning",
        /// Context for the change record.
        Info = "info",
    }
}

string_enum! {
    /// Who carries out a step.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum Owner: "owner" {
        /// The customer's operators.
        Customer = "customer",
        /// The cloud provider (for example Microsoft for the AVS Cloud Manager).
        Provider = "provider",
    }
}

string_enum! {
    /// The plan's phases, in order.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum Phase: "phase" {
        /// Checks, backups, snapshots, bundles.
        Prepare = "prepare",
        /// HCX Manager upgrades, hop by hop.
        Managers = "managers",
        /// Waiting for paired managers to match and services to converge.
        Converge = "converge",
        /// Service mesh appliance upgrades, started from the source site.
        Mesh = "mesh",
        /// Checks that the fleet reached the target.
        Verify = "verify",
    }
}

string_enum! {
    /// What a step does.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum StepKind: "step kind" {
        /// A pre-upgrade check.
        Precheck = "precheck",
        /// A configuration backup.
        Backup = "backup",
        /// A vSphere snapshot of a manager.
        Snapshot = "snapshot",
        /// Getting the (offline) upgrade bundle.
        ObtainBundle = "obtain-bundle",
        /// Removing a service that the target no longer supports.
        RemoveService = "remove-service",
        /// Upgrading an HCX Manager by one hop.
        UpgradeManager = "upgrade-manager",
        /// Waiting for paired managers to match and services to converge.
        WaitConvergence = "wait-convergence",
        /// Upgrading mesh appliances (with their peers).
        UpgradeAppliance = "upgrade-appliance",
        /// Redeploying appliances (OSAM SGW/SDR).
        RedeployAppliance = "redeploy-appliance",
        /// Final verification.
        Verify = "verify",
    }
}

string_enum! {
    /// How an NE appliance is upgraded.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    pub enum NeUpgradeMode: "ne upgrade mode" {
        /// Redeploys the appliance: a brief L2 outage on its extended networks (the default).
        Standard = "standard",
        /// A new appliance takes over: minimal downtime, needs extra uplink/management IPs; not for HA groups.
        InService = "in-service",
        /// HA groups: the standby is upgraded first, then a switch-over, then the old active.
        HaStandbyFirst = "ha-standby-first",
    }
}

/// One finding of a rule.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The rule's stable id (see [`rules`](super::rules)).
    pub rule: RuleId,
    /// Severity.
    pub severity: Severity,
    /// What was found, naming the sites and appliances concerned.
    pub message: String,
    /// Site, pair, mesh or appliance ids concerned.
    pub subjects: Vec<String>,
    /// What to do about it.
    pub remediation: Text,
    /// Catalog source ids behind it.
    pub sources: Vec<Text>,
    /// Whether the operator acknowledged it (the `acknowledge` option); an acknowledged blocker no longer blocks.
    #[serde(default)]
    pub acknowledged: bool,
}

impl Finding {
    /// Whether this finding blocks the plan.
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Blocker && !self.acknowledged
    }
}

/// What a step does to the running fleet.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Impact {
    /// In one line.
    pub summary: Text,
    /// The HCX Manager reboots.
    pub manager_reboot: bool,
    /// Data-plane traffic is interrupted.
    pub data_plane_outage: bool,
    /// Extended networks that go down during the step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub networks: Vec<String>,
    /// The NE upgrade mode, for NE steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ne_mode: Option<NeUpgradeMode>,
}

/// How to go back.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rollback {
    /// What to do.
    pub summary: Text,
    /// The rollback means expires this many hours after its snapshot is taken (snapshot retention); `None`
    /// with a snapshot: it lasts until the snapshot is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_after_hours: Option<u32>,
    /// The rollback needs a support request to the provider.
    #[serde(default)]
    pub support_request: bool,
    /// The snapshot step the rollback reverts to; `expires_after_hours` counts from its end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Id>,
    /// When the rollback means expires, once the plan has a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::date::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// The step cannot be undone (for example removing a service deletes its appliances).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub irreversible: bool,
}

/// A duration estimate and where it comes from.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    /// Minutes.
    pub minutes: u32,
    /// Where the figure comes from.
    pub basis: Text,
}

/// One step of the plan.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// `S1`, `S2`, ... in execution order.
    pub id: Id,
    /// Phase.
    pub phase: Phase,
    /// Kind.
    pub kind: StepKind,
    /// One line.
    pub title: String,
    /// The site whose manager or UI the step runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Id>,
    /// Pairs concerned (`source->destination`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<Id>,
    /// The mesh concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mesh: Option<Id>,
    /// Appliances concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appliances: Vec<String>,
    /// The mesh service the step removes or changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<MeshService>,
    /// Version before the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<HcxVersion>,
    /// Version after the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<HcxVersion>,
    /// Who does it.
    pub owner: Owner,
    /// `false` when no API can do it: follow `instructions` by hand.
    pub automated: bool,
    /// How to do it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<Text>,
    /// What it does to the running fleet.
    pub impact: Impact,
    /// How to go back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<Rollback>,
    /// Rule ids that caused or shaped the step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleId>,
    /// Steps that must be finished first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<Id>,
    /// How long it takes.
    pub estimate: Estimate,
    /// For a manager hop: the round it belongs to (from 0); the hops of one round run together, and every
    /// pair is a supported (or flagged) pairing between rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// For a manager hop: the confidence of the path rule that allows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<crate::catalog::Confidence>,
    /// What the step does, for an executor, with the state it expects before and leaves after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<StepAction>,
}

/// A step placed in a maintenance window.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// The step id.
    pub step: Id,
    /// Index of the window in the fleet's `windows`.
    pub window: usize,
    /// Planned start.
    #[serde(with = "crate::date::rfc3339")]
    pub start: OffsetDateTime,
    /// Planned end.
    #[serde(with = "crate::date::rfc3339")]
    pub end: OffsetDateTime,
    /// The IANA time zone of a weekly window, to show the slot in local time too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
}

/// Steps assigned to maintenance windows.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Placed steps, in order.
    pub slots: Vec<Slot>,
    /// Steps that did not fit any window, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unfitted: Vec<Unfitted>,
}

/// A step that found no window.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unfitted {
    /// The step id.
    pub step: Id,
    /// Why.
    pub reason: String,
}

/// Counts for a headline.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Sites in the fleet.
    pub sites: usize,
    /// Site pairs.
    pub pairs: usize,
    /// Service meshes.
    pub meshes: usize,
    /// Steps.
    pub steps: usize,
    /// Unacknowledged blockers.
    pub blockers: usize,
    /// Acknowledged blockers.
    pub acknowledged: usize,
    /// Warnings.
    pub warnings: usize,
    /// Steps that did not fit the maintenance windows (0 without windows).
    #[serde(default)]
    pub unfitted: usize,
}

/// An upgrade plan: a value, stable and diffable (same input, same bytes).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi(name = "PlanRecord"))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Always [`PLAN_SCHEMA`].
    pub schema: String,
    /// `sha256:` and the SHA-256 of the plan's canonical JSON without this field (see [`Plan::verify_digest`]).
    pub digest: String,
    /// What the plan was made from.
    pub inputs: PlanInputs,
    /// The date the plan is made for (support status, provider ownership).
    pub date: Date,
    /// The catalog's `as_of` date.
    pub catalog_as_of: Date,
    /// The target release.
    pub target: HcxVersion,
    /// How the target was chosen.
    pub target_reason: String,
    /// Counts.
    pub summary: Summary,
    /// Findings: blockers first.
    pub findings: Vec<Finding>,
    /// Steps in execution order.
    pub steps: Vec<Step>,
    /// The window schedule, when the fleet has windows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// The weakest confidence of any manager hop of the plan (`None` without hops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<crate::catalog::Confidence>,
}

impl Plan {
    /// Whether any unacknowledged blocker remains.
    pub fn has_blockers(&self) -> bool {
        self.findings.iter().any(Finding::blocks)
    }

    /// Whether any finding at `level` or worse is not acknowledged (`--fail-on`).
    pub fn fails_on(&self, level: Severity) -> bool {
        let rank = |s: Severity| match s {
            Severity::Blocker => 0,
            Severity::Warning => 1,
            _ => 2,
        };
        self.findings.iter().any(|f| !f.acknowledged && rank(f.severity) <= rank(level))
    }

    /// Whether some steps did not fit the maintenance windows.
    pub fn does_not_fit(&self) -> bool {
        self.schedule.as_ref().is_some_and(|s| !s.unfitted.is_empty())
    }

    /// The plan as pretty JSON (`hcx-plan/v2`).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .expect("a plan serialises: it holds strings, numbers and string-keyed maps only");
        s.push('\n');
        s
    }

    /// Writes [`Plan::to_json`]'s text to `w` as it is serialised, without holding it in memory (a plan of
    /// 10,000 pairs is some 200 MB of JSON).
    ///
    /// # Errors
    /// The writer's error.
    pub fn write_json(&self, mut w: impl std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut w, self).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    }

    /// Reads a plan back from JSON (`hcx-plan/v2`). It does not check the digest: see [`Plan::verify_digest`].
    ///
    /// # Errors
    /// [`PlanReadError::OldSchema`] for an `hcx-plan/v1` document, [`PlanReadError::UnknownSchema`] for another
    /// schema, [`PlanReadError::Malformed`] with the JSON path for anything else.
    pub fn from_json(text: &str) -> Result<Self, PlanReadError> {
        /// Just the schema, read first: an old document fails on its schema, not on a missing field.
        #[derive(Deserialize)]
        struct Head {
            schema: Option<String>,
        }
        if let Ok(Head { schema: Some(schema) }) = serde_json::from_str::<Head>(text) {
            if schema == PLAN_SCHEMA_V1 {
                return Err(PlanReadError::OldSchema { schema });
            }
            if schema != PLAN_SCHEMA {
                return Err(PlanReadError::UnknownSchema { schema });
            }
        }
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de)
            .map_err(|e| PlanReadError::Malformed { path: e.path().to_string(), message: e.inner().to_string() })
    }

    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| &*s.id == id)
    }
}

/// A plan document that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanReadError {
    /// An `hcx-plan/v1` document: it has no step actions and no digest, so it cannot be checked or carried out.
    #[error(
        "this plan is an {schema} document, which has no step actions and no digest: make the plan again from the same fleet to get {PLAN_SCHEMA}"
    )]
    OldSchema {
        /// The document's schema.
        schema: String,
    },
    /// A schema this library does not know.
    #[error("unsupported plan schema {schema:?} (expected {PLAN_SCHEMA:?})")]
    UnknownSchema {
        /// The document's schema.
        schema: String,
    },
    /// Not a valid `hcx-plan/v2` document.
    #[error("invalid plan at $.{path}: {message}")]
    Malformed {
        /// The JSON path of the problem.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// What a plan was made from: enough to make it again and to tell whether it is still current.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInputs {
    /// `sha256:` and the SHA-256 of the fleet document's canonical JSON.
    pub fleet: String,
    /// `sha256:` and the SHA-256 of the catalog data's canonical JSON.
    pub catalog: String,
    /// The catalog's `as_of` date.
    pub catalog_as_of: Date,
    /// The options.
    pub options: InputOptions,
}

/// The options a plan was made with, as recorded in the plan.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputOptions {
    /// The target as asked: a release, `latest` or `validated`.
    pub target: String,
    /// The plan date.
    pub date: Date,
    /// Acknowledged rule ids, in the order given.
    #[serde(default)]
    pub acknowledge: Vec<String>,
    /// Whether the In-Service NE upgrade was preferred.
    #[serde(default)]
    pub ne_in_service: bool,
}

impl PlanInputs {
    /// The inputs record of a plan made from this fleet, catalog and options.
    ///
    /// # Errors
    /// [`DigestError`](super::DigestError) when the fleet or catalog cannot be serialised.
    pub fn new(
        fleet: &crate::fleet::Fleet,
        catalog: &crate::catalog::Catalog,
        options: &PlanOptions,
    ) -> Result<Self, super::DigestError> {
        Ok(Self {
            fleet: super::digest::fleet_digest(fleet)?,
            catalog: super::digest::catalog_digest(catalog)?,
            catalog_as_of: catalog.as_of(),
            options: InputOptions {
                target: options.target.to_string(),
                date: options.date,
                acknowledge: options.acknowledge.clone(),
                ne_in_service: options.ne_in_service,
            },
        })
    }
}

/// Which release to plan for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetSpec {
    /// An explicit release.
    Version(HcxVersion),
    /// The newest release reachable from every manager and not known-bad for this topology.
    Latest,
    /// The release the cloud platform validates (for example the AVS-validated build).
    Validated,
}

impl TargetSpec {
    /// The default target for a fleet: `validated` where one of its platforms lists a validated release in the
    /// catalog, else `latest`.
    pub fn default_for(fleet: &crate::fleet::Fleet, catalog: &crate::catalog::Catalog) -> Self {
        if fleet.sites.iter().any(|s| catalog.validated(s.platform).is_some()) {
            TargetSpec::Validated
        } else {
            TargetSpec::Latest
        }
    }
}

/// Today's date in UTC: the default plan date of every front end, and the only place hcx-core reads the
/// wall clock. Everything else takes its date as an argument; tests that check a default against "today" read
/// it here.
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

impl FromStr for TargetSpec {
    type Err = crate::version::VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "latest" => Ok(TargetSpec::Latest),
            "validated" => Ok(TargetSpec::Validated),
            other => other.parse().map(TargetSpec::Version),
        }
    }
}

impl fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetSpec::Version(v) => v.fmt(f),
            TargetSpec::Latest => f.write_str("latest"),
            TargetSpec::Validated => f.write_str("validated"),
        }
    }
}

/// What to plan for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// The target.
    pub target: TargetSpec,
    /// The plan date (support status and provider ownership are judged on it).
    pub date: Date,
    /// Rule ids acknowledged by the operator.
    pub acknowledge: Vec<String>,
    /// Prefer the In-Service NE upgrade where it is allowed.
    pub ne_in_service: bool,
    /// Path evidence weaker than this is a blocker (`weak-evidence`); `None`: third-party and inferred
    /// rules are warnings.
    pub min_confidence: Option<crate::catalog::Confidence>,
}

impl PlanOptions {
    /// The defaults for a fleet: [`TargetSpec::default_for`] on [`today`] (UTC), nothing acknowledged.
    pub fn default_for(fleet: &crate::fleet::Fleet, catalog: &crate::catalog::Catalog) -> Self {
        Self::new(TargetSpec::default_for(fleet, catalog), today())
    }

    /// Options for a target on a date, nothing acknowledged.
    pub fn new(target: TargetSpec, date: Date) -> Self {
        Self { target, date, acknowledge: Vec::new(), ne_in_service: false, min_confidence: None }
    }

    /// Acknowledges a rule id.
    #[must_use]
    pub fn acknowledge(mut self, rule: impl Into<String>) -> Self {
        self.acknowledge.push(rule.into());
        self
    }

    /// Prefers the In-Service NE upgrade where allowed.
    #[must_use]
    pub fn ne_in_service(mut self, yes: bool) -> Self {
        self.ne_in_service = yes;
        self
    }

    /// Makes path evidence weaker than `c` a blocker.
    #[must_use]
    pub fn min_confidence(mut self, c: Option<crate::catalog::Confidence>) -> Self {
        self.min_confidence = c;
        self
    }
}
