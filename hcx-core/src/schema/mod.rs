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

mod documents;
mod events;
mod stream;

pub use documents::*;
pub use events::*;
pub use stream::*;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde_json::Value;

use crate::catalog::{CatalogData, ReleaseFacts, UpgradePath};
use crate::plan::PLAN_SCHEMA;
use crate::plan::diff::PlanDiff;

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
    hand_kept(include_str!("../../schema/hcx-plan-v2.schema.json"))
}

fn fleet_schema() -> Value {
    hand_kept(include_str!("../../schema/hcx-fleet-v1.schema.json"))
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

/// The shipped schema of a document kind, by short name or tag.
pub fn lookup(name: &str) -> Option<&'static Shipped> {
    DOCUMENTS.iter().find(|d| d.name == name || d.tag == name)
}
