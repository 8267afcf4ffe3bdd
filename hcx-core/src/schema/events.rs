//! The events of `hcx discover --events jsonl` and `hcx check --events jsonl`.

use schemars::JsonSchema;
use serde::Serialize;

use super::{EventLevel, StreamEvent};
use crate::plan::{Finding, Severity};
use crate::version::HcxVersion;

/// The name and version of the stream `hcx discover --events jsonl` writes: the `schema` of its first line.
pub const DISCOVER_EVENTS_SCHEMA: &str = "hcx-discover-events/v1";

/// The name and version of the stream `hcx check --events jsonl` writes: the `schema` of its first line.
pub const CHECK_EVENTS_SCHEMA: &str = "hcx-check-events/v1";

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
        /// The manager's read it concerns (`POST /hybridity/api/interconnect/appliances/query`), when one is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        endpoint: Option<String>,
        /// The item of that read it concerns (`appliance ne-1`, `appliance #3 (no id)`), when one is.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item: Option<String>,
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
    use crate::schema::{StreamRecord, generate_stream, stream_run_id};
    use serde_json::Value;
    use time::OffsetDateTime;

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
        let warning = DiscoverStreamEvent::Warning { site: None, endpoint: None, item: None, message: "m".into() };
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
