//! The machine-output contract: every JSON document `hcx` writes starts with a `schema` tag naming its kind
//! and version (`hcx-findings/v1`), and each kind has a JSON Schema (draft 2020-12).
//!
//! The schemas are generated from the Rust types with schemars, so they cannot drift from what is written; the
//! plan (`hcx-plan/v2`) and fleet (`hcx-fleet/v1`) schemas are still kept by hand until the plan's next version.
//! The files under `hcx-core/schema/` are these schemas as shipped; a test keeps them equal to the generated ones.
//!
//! The event streams (`--events jsonl`) are the other machine output: one JSON object per line, each a
//! [`StreamRecord`] (timestamp, level, run id, then the event), the first line a `stream-started` header naming
//! the stream's schema (`hcx-discover-events/v1`, `hcx-check-events/v1`; `hcx apply`'s `hcx-events/v1` is
//! hcx-apply's). Their schemas describe one line.

use std::collections::BTreeMap;
use std::hash::BuildHasher as _;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};
use serde_json::Value;
use time::OffsetDateTime;

use crate::catalog::{CatalogData, DiffEntry, Lifecycle, Release, ReleaseFacts, Source, SupportState, UpgradePath};
use crate::plan::diff::PlanDiff;
use crate::plan::rules::Rule;
use crate::plan::{Finding, PLAN_SCHEMA, Severity};
use crate::version::HcxVersion;

/// A calendar date as the documents write it (`2026-12-07`), for fields of type `time::Date`.
pub struct IsoDate;

impl JsonSchema for IsoDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IsoDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
    }
}

/// A range of releases as the catalog writes it: a semver requirement (`>=4.8.0, <4.10.0`).
pub struct VersionRange;

impl JsonSchema for VersionRange {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "VersionRange".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "minLength": 1 })
    }
}

/// A document kind with a generated schema: its body is serialised after the `schema` tag.
pub trait Document: Serialize + JsonSchema {
    /// The tag written as `schema`, for example `hcx-findings/v1`.
    const TAG: &'static str;
}

/// A document with its tag first, as it is written.
#[derive(Serialize)]
struct Tagged<'a, T> {
    schema: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

/// The document as pretty JSON with its `schema` tag first, ending in a newline.
///
/// # Errors
/// The body's own serialisation error (a map with non-string keys, say); the documents here have none.
pub fn to_json_pretty<T: Document>(doc: &T) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&Tagged { schema: T::TAG, body: doc })?;
    text.push('\n');
    Ok(text)
}

/// The JSON Schema of a document kind, generated from its type, with the `schema` tag as a required constant.
pub fn generate<T: Document>() -> Value {
    // The documents' schemas describe what is written: a field skipped when empty is optional.
    let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
    let mut root = generator.into_root_schema_for::<T>().to_value();
    tag_schema(&mut root, T::TAG);
    root
}

/// Adds the required `schema` constant to a generated document schema, and titles it with the tag.
pub fn tag_schema(root: &mut Value, tag: &str) {
    let Some(obj) = root.as_object_mut() else { return };
    obj.insert("title".into(), Value::from(tag));
    let props = obj.entry("properties").or_insert_with(|| Value::Object(serde_json::Map::new()));
    if let Some(props) = props.as_object_mut() {
        let mut with_tag = serde_json::Map::new();
        with_tag.insert("schema".into(), serde_json::json!({ "const": tag }));
        // A document that keeps its tag as a field of its own (the catalog) gets the constant instead.
        with_tag.extend(std::mem::take(props).into_iter().filter(|(k, _)| k != "schema"));
        *props = with_tag;
    }
    let required = obj.entry("required").or_insert_with(|| Value::Array(Vec::new()));
    if let Some(list) = required.as_array_mut() {
        list.retain(|k| k != "schema");
        list.insert(0, Value::from("schema"));
    }
}

/// One shipped schema: the document's short name (`hcx schema NAME`), its tag, and how to get its schema.
#[derive(Clone, Copy, Debug)]
pub struct Shipped {
    /// The short name, for example `findings`.
    pub name: &'static str,
    /// The tag documents of this kind carry.
    pub tag: &'static str,
    /// What writes it.
    pub written_by: &'static str,
    /// The schema.
    pub schema: fn() -> Value,
}

impl Shipped {
    /// The file name under `schema/`: the tag with `/` as `-` (`hcx-findings-v1.schema.json`).
    pub fn file_name(&self) -> String {
        format!("{}.schema.json", self.tag.replace('/', "-"))
    }
}

/// A shipped entry for a generated document kind (other crates list theirs with it).
pub const fn generated<T: Document>(name: &'static str, written_by: &'static str) -> Shipped {
    Shipped { name, tag: T::TAG, written_by, schema: generate::<T> }
}

fn plan_schema() -> Value {
    hand_kept(include_str!("../schema/hcx-plan-v2.schema.json"))
}

fn fleet_schema() -> Value {
    hand_kept(include_str!("../schema/hcx-fleet-v1.schema.json"))
}

/// A schema file compiled into the crate; a broken one fails `shipped_schemas_parse` in the tests.
fn hand_kept(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
}

/// Every JSON document kind hcx-core defines, in the order `hcx schema` lists them.
pub const DOCUMENTS: &[Shipped] = &[
    Shipped { name: "plan", tag: PLAN_SCHEMA, written_by: "hcx plan --format json", schema: plan_schema },
    Shipped { name: "fleet", tag: crate::fleet::FLEET_SCHEMA, written_by: "hcx discover", schema: fleet_schema },
    generated::<FindingsDocument<'static>>("findings", "hcx check --format json"),
    generated::<UpgradePath>("path", "hcx path --format json"),
    generated::<RulesDocument>("rules", "hcx explain --format json"),
    generated::<PlanDiff>("plan-diff", "hcx diff --format json"),
    generated::<CatalogData>("catalog", "hcx catalog export"),
    generated::<ReleasesDocument<'static>>("catalog-releases", "hcx catalog releases --format json"),
    generated::<ReleaseFacts<'static>>("catalog-release", "hcx catalog show --format json"),
    generated::<ValidationDocument>("catalog-validation", "hcx catalog validate --format json"),
    generated::<CatalogDiffDocument>("catalog-diff", "hcx catalog diff --format json"),
    stream::<DiscoverStreamEvent>("discover-events", "hcx discover --events jsonl"),
    stream::<CheckStreamEvent>("check-events", "hcx check --events jsonl"),
];

/// `hcx check --format json`: a plan's target and date with its findings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingsDocument<'a> {
    /// The plan date.
    #[schemars(with = "IsoDate")]
    pub date: String,
    /// The findings, most severe first.
    pub findings: &'a [Finding],
    /// The plan's target release.
    pub target: String,
}

impl Document for FindingsDocument<'_> {
    const TAG: &'static str = "hcx-findings/v1";
}

impl Document for UpgradePath {
    const TAG: &'static str = "hcx-path/v1";
}

/// `hcx explain --format json`: the rules asked about.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RulesDocument {
    /// Each rule with its metadata.
    pub rules: Vec<Rule>,
}

impl Document for RulesDocument {
    const TAG: &'static str = "hcx-rules/v1";
}

impl Document for PlanDiff {
    const TAG: &'static str = "hcx-plan-diff/v1";
}

impl Document for CatalogData {
    const TAG: &'static str = crate::catalog::CATALOG_SCHEMA;
}

impl Document for ReleaseFacts<'_> {
    const TAG: &'static str = "hcx-catalog-release/v1";
}

/// One release with its support status, in `hcx catalog releases --format json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReleaseStatus<'a> {
    /// The release.
    pub version: crate::version::HcxVersion,
    /// Its support status on the date asked.
    pub support: SupportState,
    /// The end-of-support facts behind the status.
    pub end_of_support: Vec<&'a Lifecycle>,
    /// The catalog's entry.
    pub release: &'a Release,
}

/// `hcx catalog releases --format json`: every release with its support status on a date.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReleasesDocument<'a> {
    /// Where the catalog came from (`bundled`, a file or a URL).
    pub catalog: String,
    /// The date the catalog was compiled.
    #[schemars(with = "IsoDate")]
    pub as_of: String,
    /// The catalog's digest.
    pub digest: String,
    /// The date the support status is for.
    #[schemars(with = "IsoDate")]
    pub date: String,
    /// The releases, oldest first.
    pub releases: Vec<ReleaseStatus<'a>>,
    /// The sources cited, by id.
    pub sources: &'a BTreeMap<String, Source>,
}

impl Document for ReleasesDocument<'_> {
    const TAG: &'static str = "hcx-catalog-releases/v1";
}

/// `hcx catalog validate --format json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ValidationDocument {
    /// The file checked.
    pub file: String,
    /// Whether it is a valid catalog.
    pub valid: bool,
    /// What is wrong, one entry per problem.
    pub problems: Vec<String>,
    /// The catalog's date, when it is valid.
    #[schemars(with = "Option<IsoDate>")]
    pub as_of: Option<String>,
    /// The catalog's digest, when it is valid.
    pub digest: Option<String>,
}

impl Document for ValidationDocument {
    const TAG: &'static str = "hcx-catalog-validation/v1";
}

/// One side of a catalog comparison.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CatalogRef {
    /// The file.
    pub file: String,
    /// The catalog's date.
    #[schemars(with = "IsoDate")]
    pub as_of: String,
    /// The catalog's digest.
    pub digest: String,
}

/// `hcx catalog diff --format json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CatalogDiffDocument {
    /// The older catalog.
    pub old: CatalogRef,
    /// The newer catalog.
    pub new: CatalogRef,
    /// Every entry added, removed or changed.
    pub changes: Vec<DiffEntry>,
}

impl Document for CatalogDiffDocument {
    const TAG: &'static str = "hcx-catalog-diff/v1";
}

/// The shipped schema of a document kind, by short name or tag.
pub fn lookup(name: &str) -> Option<&'static Shipped> {
    DOCUMENTS.iter().find(|d| d.name == name || d.tag == name)
}

/// The name and version of the stream `hcx discover --events jsonl` writes: the `schema` of its first line.
pub const DISCOVER_EVENTS_SCHEMA: &str = "hcx-discover-events/v1";

/// The name and version of the stream `hcx check --events jsonl` writes: the `schema` of its first line.
pub const CHECK_EVENTS_SCHEMA: &str = "hcx-check-events/v1";

/// How much a line of an event stream matters to whoever watches it (chat-ops alerts, CI annotations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum EventLevel {
    /// Progress, and results nobody has to act on.
    Info,
    /// Something to look at: a guess discovery made, a warning finding, an acknowledged blocker.
    Warn,
    /// Something to fix: a manager that did not answer, a blocker, a failed check.
    Error,
}

/// The events of one stream: everything after the envelope of a [`StreamRecord`], `event` (the kind) first.
pub trait StreamEvent: Serialize + JsonSchema {
    /// The stream's schema, the `schema` of its `stream-started` header (`hcx-discover-events/v1`).
    const TAG: &'static str;

    /// The header, the first event of every stream: [`Self::TAG`] and the version of hcx that writes it.
    fn stream_started() -> Self;

    /// The level the event's line carries.
    fn level(&self) -> EventLevel;
}

/// One line of an event stream: the envelope (`timestamp`, `level`, `run_id`) then the event, flat:
/// `{"timestamp":"2026-12-07T22:04:51.123Z","level":"info","run_id":"discover-5f1e2a9c","event":"site-started",…}`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct StreamRecord<E> {
    /// When the line was emitted, in RFC 3339, UTC, with milliseconds
    /// ([`event_timestamp`](crate::date::event_timestamp)).
    #[serde(serialize_with = "write_event_timestamp")]
    #[schemars(with = "EventTimestamp")]
    pub timestamp: OffsetDateTime,
    /// [`StreamEvent::level`].
    pub level: EventLevel,
    /// The same on every line of one run ([`stream_run_id`]).
    pub run_id: String,
    /// The event.
    #[serde(flatten)]
    pub event: E,
}

impl<E: StreamEvent> StreamRecord<E> {
    /// Wraps `event`, its level derived from it.
    pub fn new(timestamp: OffsetDateTime, run_id: impl Into<String>, event: E) -> Self {
        Self { timestamp, level: event.level(), run_id: run_id.into(), event }
    }

    /// The line `--events jsonl` writes (without the newline).
    pub fn to_json(&self) -> String {
        // Strings, numbers, booleans and lists with string keys: encoding cannot fail, and an empty object would
        // still be a line a consumer can skip.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

fn write_event_timestamp<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::date::event_timestamp(*t))
}

/// An event's timestamp as written: RFC 3339, UTC, milliseconds.
struct EventTimestamp;

impl JsonSchema for EventTimestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$"
        })
    }
}

/// A new run id for a stream: `command`, `-` and 8 random hex digits, drawn once per run (`discover-5f1e2a9c`),
/// so the lines of two runs written to one file can be told apart.
pub fn stream_run_id(command: &str) -> String {
    // The standard library's hasher keys are random per process and differ for each `RandomState`: enough for
    // an id, without a random-number dependency in every build of hcx-core.
    let draw =
        std::collections::hash_map::RandomState::new().hash_one(OffsetDateTime::now_utc().unix_timestamp_nanos());
    format!("{command}-{:08x}", draw as u32)
}

/// The JSON Schema (draft 2020-12) of one line of a stream, generated from [`StreamRecord`] and the stream's
/// events, titled with the stream's tag (which only the header line carries, as its `schema`).
pub fn generate_stream<E: StreamEvent>() -> Value {
    let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
    let mut root = generator.into_root_schema_for::<StreamRecord<E>>().to_value();
    if let Some(object) = root.as_object_mut() {
        object.insert("title".to_owned(), Value::from(E::TAG));
    }
    root
}

/// A shipped entry for an event stream: its schema is that of one line ([`generate_stream`]).
pub const fn stream<E: StreamEvent>(name: &'static str, written_by: &'static str) -> Shipped {
    Shipped { name, tag: E::TAG, written_by, schema: generate_stream::<E> }
}

/// Progress of a fleet discovery, as the discovery's progress callback
/// (`hcx_core::client::discover::DiscoveryOptions::on_event`) receives it and as `hcx discover --events jsonl`
/// writes it. Each variant's documentation ends with an example of its line.
///
/// It lives here, with the stream's schema, rather than with discovery (re-exported there), so the schema is
/// generated, shipped and tested without the `client` feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "event")]
#[non_exhaustive]
pub enum DiscoveryEvent {
    /// Started reading a site.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.124Z","level":"info","run_id":"discover-5f1e2a9c","event":"site-started","site":"onprem-dc1"}`
    #[serde(rename = "site-started")]
    Started {
        /// Site id.
        site: String,
    },
    /// A site answered.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.301Z","level":"info","run_id":"discover-5f1e2a9c","event":"site-answered","site":"onprem-dc1","version":"4.10.2"}`
    #[serde(rename = "site-answered")]
    Answered {
        /// Site id.
        site: String,
        /// Its manager version.
        version: HcxVersion,
    },
    /// A site failed.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.290Z","level":"error","run_id":"discover-5f1e2a9c","event":"site-failed","site":"avs-westeurope","error":"POST /hybridity/api/sessions: login refused (http 401)"}`
    #[serde(rename = "site-failed")]
    Failed {
        /// Site id.
        site: String,
        /// The error, as text.
        error: String,
    },
    /// All sites done.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.420Z","level":"info","run_id":"discover-5f1e2a9c","event":"discovery-finished","answered":2,"failed":0}`
    #[serde(rename = "discovery-finished")]
    Finished {
        /// Sites that answered.
        answered: usize,
        /// Sites that failed.
        failed: usize,
    },
}

/// One event of `hcx discover --events jsonl` (`hcx-discover-events/v1`): the header, the discovery's own
/// events, and its warnings. The lines come in this order: `stream-started`, per site `site-started` then
/// `site-answered` or `site-failed` (sites are read at once, so the sites' lines interleave), one `warning` per
/// warning of the merged report, and `discovery-finished` last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiscoverStreamEvent {
    /// The first line: the stream's format and the version of hcx that wrote it.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.123Z","level":"info","run_id":"discover-5f1e2a9c","event":"stream-started","schema":"hcx-discover-events/v1","hcx_version":"0.1.0"}`
    StreamStarted {
        /// [`DISCOVER_EVENTS_SCHEMA`].
        #[schemars(extend("const" = DISCOVER_EVENTS_SCHEMA))]
        schema: String,
        /// The version of hcx.
        hcx_version: String,
    },
    /// Something discovery guessed, skipped or could not merge, for the inventory it writes.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.419Z","level":"warn","run_id":"discover-5f1e2a9c","event":"warning","site":"onprem-dc1","message":"site onprem-dc1: the HCX API does not report port-group binding; …"}`
    Warning {
        /// The site it concerns: the one whose manager reported it, or the one it names; none for a warning
        /// about the whole inventory.
        site: Option<String>,
        /// The warning, as `-vv` prints it on stderr.
        message: String,
    },
    /// A discovery event: `site-started`, `site-answered`, `site-failed`, `discovery-finished`.
    #[serde(untagged)]
    Discovery(DiscoveryEvent),
}

impl StreamEvent for DiscoverStreamEvent {
    const TAG: &'static str = DISCOVER_EVENTS_SCHEMA;

    fn stream_started() -> Self {
        Self::StreamStarted { schema: Self::TAG.to_owned(), hcx_version: env!("CARGO_PKG_VERSION").to_owned() }
    }

    /// `error` for a site that failed, `warn` for a warning, `info` for the rest.
    fn level(&self) -> EventLevel {
        match self {
            Self::Discovery(DiscoveryEvent::Failed { .. }) => EventLevel::Error,
            Self::Warning { .. } => EventLevel::Warn,
            Self::StreamStarted { .. }
            | Self::Discovery(
                DiscoveryEvent::Started { .. } | DiscoveryEvent::Answered { .. } | DiscoveryEvent::Finished { .. },
            ) => EventLevel::Info,
        }
    }
}

/// One event of `hcx check --events jsonl` (`hcx-check-events/v1`): `stream-started`, one `finding` per finding
/// (most severe first, as `hcx check` lists them), and `check-finished` last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CheckStreamEvent {
    /// The first line: the stream's format and the version of hcx that wrote it.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.123Z","level":"info","run_id":"check-0b7d11e4","event":"stream-started","schema":"hcx-check-events/v1","hcx_version":"0.1.0"}`
    StreamStarted {
        /// [`CHECK_EVENTS_SCHEMA`].
        #[schemars(extend("const" = CHECK_EVENTS_SCHEMA))]
        schema: String,
        /// The version of hcx.
        hcx_version: String,
    },
    /// A finding, as `hcx check --format json` writes it.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.125Z","level":"error","run_id":"check-0b7d11e4","event":"finding","finding":{"rule":"active-migrations","severity":"blocker","message":"1 transfer is in flight: replication rav-3 (queued)",…}}`
    Finding {
        /// The finding.
        finding: Finding,
    },
    /// The check is done: the findings by severity, and the exit code of `hcx check`.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.126Z","level":"error","run_id":"check-0b7d11e4","event":"check-finished","blockers":2,"acknowledged":0,"warnings":9,"infos":7,"exit_code":1}`
    CheckFinished {
        /// Findings of severity blocker, acknowledged ones included.
        blockers: usize,
        /// How many of those blockers are acknowledged (they no longer block).
        acknowledged: usize,
        /// Findings of severity warning.
        warnings: usize,
        /// Findings of severity info.
        infos: usize,
        /// The exit code of `hcx check`: 1 for findings at the `--fail-on` level, else 0.
        exit_code: u8,
    },
}

impl CheckStreamEvent {
    /// The `check-finished` event of `findings`, for a check that exits with `exit_code`.
    pub fn finished(findings: &[Finding], exit_code: u8) -> Self {
        let count = |severity: Severity| findings.iter().filter(|f| f.severity == severity).count();
        Self::CheckFinished {
            blockers: count(Severity::Blocker),
            acknowledged: findings.iter().filter(|f| f.severity == Severity::Blocker && f.acknowledged).count(),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            exit_code,
        }
    }
}

impl StreamEvent for CheckStreamEvent {
    const TAG: &'static str = CHECK_EVENTS_SCHEMA;

    fn stream_started() -> Self {
        Self::StreamStarted { schema: Self::TAG.to_owned(), hcx_version: env!("CARGO_PKG_VERSION").to_owned() }
    }

    /// A finding's from its severity (`blocker` → `error`, but an acknowledged blocker, which no longer blocks,
    /// → `warn`; `warning` → `warn`; `info` → `info`); `check-finished` is `error` when the check fails (a
    /// nonzero exit code), else `info`.
    fn level(&self) -> EventLevel {
        match self {
            Self::StreamStarted { .. } => EventLevel::Info,
            Self::Finding { finding } => match finding.severity {
                Severity::Blocker if finding.acknowledged => EventLevel::Warn,
                Severity::Blocker => EventLevel::Error,
                Severity::Warning => EventLevel::Warn,
                Severity::Info => EventLevel::Info,
            },
            Self::CheckFinished { exit_code, .. } => {
                if *exit_code == 0 {
                    EventLevel::Info
                } else {
                    EventLevel::Error
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

    use super::*;

    fn problems<E: StreamEvent>(line: &str) -> Vec<String> {
        let schema = generate_stream::<E>();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let line: Value = serde_json::from_str(line).unwrap();
        validator.iter_errors(&line).map(|e| format!("{}: {e}", e.instance_path())).collect()
    }

    #[test]
    fn a_discovery_line_is_flat_with_the_envelope_first() {
        let t = time::macros::datetime!(2026-12-07 22:04:51.123 UTC);
        let answered = DiscoveryEvent::Answered { site: "dc1".into(), version: "4.10.2".parse().unwrap() };
        let line = StreamRecord::new(t, "discover-5f1e2a9c", DiscoverStreamEvent::Discovery(answered)).to_json();
        assert_eq!(
            line,
            r#"{"timestamp":"2026-12-07T22:04:51.123Z","level":"info","run_id":"discover-5f1e2a9c","event":"site-answered","site":"dc1","version":"4.10.2"}"#
        );
        assert_eq!(problems::<DiscoverStreamEvent>(&line), Vec::<String>::new());
        let header = StreamRecord::new(t, "x", DiscoverStreamEvent::stream_started()).to_json();
        let v: Value = serde_json::from_str(&header).unwrap();
        assert_eq!((v["event"].as_str(), v["schema"].as_str()), (Some("stream-started"), Some(DISCOVER_EVENTS_SCHEMA)));
        assert_eq!(v["hcx_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(problems::<DiscoverStreamEvent>(&header), Vec::<String>::new());
        // The other stream's header, a misspelt kind and a missing envelope field are refused.
        assert!(!problems::<CheckStreamEvent>(&header).is_empty());
        assert!(!problems::<DiscoverStreamEvent>(&line.replace("site-answered", "site-answerd")).is_empty());
        assert!(!problems::<DiscoverStreamEvent>(&line.replace(r#""level":"info","#, "")).is_empty());
    }

    #[test]
    fn levels_follow_the_event() {
        let failed = DiscoveryEvent::Failed { site: "dc1".into(), error: "refused".into() };
        let finished = DiscoveryEvent::Finished { answered: 1, failed: 1 };
        let warning = DiscoverStreamEvent::Warning { site: None, message: "m".into() };
        assert_eq!(DiscoverStreamEvent::Discovery(failed).level(), EventLevel::Error);
        assert_eq!(DiscoverStreamEvent::Discovery(finished).level(), EventLevel::Info);
        assert_eq!(warning.level(), EventLevel::Warn);

        let fleet = crate::fleet::Fleet::from_json(crate::plan::SAMPLE_FLEET).unwrap();
        let options = crate::plan::PlanOptions::new("4.10.3".parse().unwrap(), time::macros::date!(2026 - 11 - 28));
        let plan = crate::plan::plan(&fleet, crate::Catalog::bundled(), &options).unwrap();
        let mut finding = plan.findings.first().cloned().unwrap();
        for (severity, acknowledged, level) in [
            (Severity::Blocker, false, EventLevel::Error),
            (Severity::Blocker, true, EventLevel::Warn),
            (Severity::Warning, false, EventLevel::Warn),
            (Severity::Info, false, EventLevel::Info),
        ] {
            finding.severity = severity;
            finding.acknowledged = acknowledged;
            let event = CheckStreamEvent::Finding { finding: finding.clone() };
            assert_eq!(event.level(), level, "{severity} acknowledged={acknowledged}");
            let line = StreamRecord::new(OffsetDateTime::UNIX_EPOCH, "check-1", event).to_json();
            assert_eq!(problems::<CheckStreamEvent>(&line), Vec::<String>::new());
        }
        let findings = [finding.clone(), finding];
        assert_eq!(
            CheckStreamEvent::finished(&findings, 0),
            CheckStreamEvent::CheckFinished { blockers: 0, acknowledged: 0, warnings: 0, infos: 2, exit_code: 0 }
        );
        assert_eq!(CheckStreamEvent::finished(&findings, 1).level(), EventLevel::Error);
    }

    #[test]
    fn two_runs_draw_two_ids() {
        let (a, b) = (stream_run_id("discover"), stream_run_id("discover"));
        assert!(a.starts_with("discover-") && a.len() == "discover-".len() + 8, "{a}");
        assert!(a["discover-".len()..].chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }
}
