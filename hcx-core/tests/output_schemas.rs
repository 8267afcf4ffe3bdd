//! The JSON Schemas of hcx-core's documents (`hcx_core::schema::DOCUMENTS`): the files shipped under
//! `hcx-core/schema/` are the generated ones, each compiles, and real documents validate against them.
//!
//! `UPDATE_SCHEMAS=1 cargo test -p hcx-core --test output_schemas` rewrites the shipped files after a type change.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod support;

use std::path::Path;

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{PlanOptions, SAMPLE_FLEET, TargetSpec, plan};
use hcx_core::schema::{self, DOCUMENTS, FindingsDocument, RulesDocument};
use serde_json::Value;
use time::macros::date;

fn shipped_path(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema").join(file)
}

fn problems(name: &str, doc: &str) -> Vec<String> {
    let entry = schema::lookup(name).unwrap();
    support::json_schema::problems(&(entry.schema)(), &serde_json::from_str::<Value>(doc).unwrap())
}

#[test]
fn the_shipped_schema_files_are_the_generated_ones() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for d in DOCUMENTS {
        let path = shipped_path(&d.file_name());
        let generated = (d.schema)();
        // Compared as JSON values: the hand-kept plan and fleet schemas keep their own layout.
        let on_disk = std::fs::read_to_string(&path).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok());
        if on_disk.as_ref() != Some(&generated) {
            let generated = serde_json::to_string_pretty(&generated).unwrap() + "\n";
            if update {
                std::fs::write(&path, &generated).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(stale.is_empty(), "stale schema files (UPDATE_SCHEMAS=1 rewrites them): {stale:?}");
}

#[test]
fn every_schema_compiles_and_names_its_tag() {
    let mut names = std::collections::BTreeSet::new();
    for d in DOCUMENTS {
        assert!(names.insert(d.name), "{} listed twice", d.name);
        let s = (d.schema)();
        assert!(s.get("error").is_none(), "{}: {s}", d.name);
        jsonschema::validator_for(&s).unwrap_or_else(|e| panic!("{}: {e}", d.name));
        let tag = if d.name.ends_with("-events") {
            // An event stream's schema is that of one line; only the header line carries the tag, as `schema`.
            assert_eq!(s["title"].as_str(), Some(d.tag), "{}: the stream's title", d.name);
            header_tag(&s)
        } else {
            s["properties"]["schema"]["const"].as_str().or_else(|| s["properties"]["schema"]["enum"][0].as_str())
        };
        assert_eq!(tag, Some(d.tag), "{}: the schema's own tag", d.name);
    }
}

/// The `schema` constant of a stream's `stream-started` branch (one of the line schema's `anyOf`/`oneOf`).
fn header_tag(s: &Value) -> Option<&str> {
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| s[*k].as_array())
        .flatten()
        .find(|branch| branch["properties"]["event"]["const"] == "stream-started")
        .and_then(|header| header["properties"]["schema"]["const"].as_str())
}

#[test]
fn a_document_is_written_with_its_tag_first() {
    let doc = RulesDocument { rules: hcx_core::plan::rules::RULES.to_vec() };
    let text = schema::to_json_pretty(&doc).unwrap();
    assert!(text.starts_with("{\n  \"schema\": \"hcx-rules/v1\",\n"), "{}", &text[..60]);
    assert_eq!(problems("rules", &text), Vec::<String>::new());
}

#[test]
fn real_documents_validate_and_broken_ones_do_not() {
    let catalog = Catalog::bundled();
    let fleet = Fleet::from_json(SAMPLE_FLEET).unwrap();
    let options = PlanOptions::new("latest".parse::<TargetSpec>().unwrap(), date!(2026 - 11 - 28));
    let p = plan(&fleet, catalog, &options).unwrap();
    let findings = FindingsDocument { date: p.date.to_string(), findings: &p.findings, target: p.target.to_string() };
    let text = schema::to_json_pretty(&findings).unwrap();
    assert_eq!(problems("findings", &text), Vec::<String>::new());
    assert_eq!(problems("plan", &p.to_json()), Vec::<String>::new());
    assert_eq!(problems("catalog", &catalog.export().unwrap()), Vec::<String>::new());

    let path = catalog.path(&"4.8.2".parse().unwrap(), &"4.11.4".parse().unwrap()).unwrap();
    assert_eq!(problems("path", &schema::to_json_pretty(&path).unwrap()), Vec::<String>::new());

    // A misspelt severity, a missing tag, a wrong tag and a non-date are each refused.
    let mut broken: Value = serde_json::from_str(&text).unwrap();
    broken["findings"][0]["severity"] = "blocer".into();
    assert!(!problems("findings", &broken.to_string()).is_empty());
    for (field, value) in [("schema", Value::Null), ("schema", "hcx-findings/v9".into()), ("date", "28/11/2026".into())]
    {
        let mut doc: Value = serde_json::from_str(&text).unwrap();
        doc[field] = value.clone();
        assert!(!problems("findings", &doc.to_string()).is_empty(), "{field} = {value} accepted");
    }
}
