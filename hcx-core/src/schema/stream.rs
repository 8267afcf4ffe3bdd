//! The envelope of every event stream (`--events jsonl`): a line is a [`StreamRecord`], the first a
//! `stream-started` header naming the stream's schema and the `hcx` version.

use std::hash::BuildHasher as _;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};
use serde_json::Value;
use time::OffsetDateTime;

use super::Shipped;

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

impl EventLevel {
    /// `info`, `warn` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
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

/// Writes an event's timestamp as [`EventTimestamp`] describes it (`#[serde(serialize_with = ...)]`).
///
/// # Errors
/// The serializer's.
pub fn write_event_timestamp<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::date::event_timestamp(*t))
}

/// An event's timestamp as written: RFC 3339, UTC, milliseconds (`#[schemars(with = "EventTimestamp")]`).
pub struct EventTimestamp;

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
