//! The published JSON Schema of `hcx-fleet/v1` (`hcx-core/schema/hcx-fleet-v1.schema.json`) accepts every fleet
//! the library reads and writes, refuses the window forms the library refuses, and lists the same names as the
//! Rust enums.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::Path;

mod support;

use support::json_schema::names;

use hcx_core::fleet::{ApplianceKind, Fleet, MeshService, Platform, PortBinding, SiteRole, TransferState};
use hcx_core::plan::SAMPLE_FLEET;
use serde_json::{Value, json};

fn schema() -> Value {
    support::json_schema::load("hcx-fleet-v1.schema.json")
}

fn problems(doc: &Value) -> Vec<String> {
    support::json_schema::problems(&schema(), doc)
}

/// The bundled sample, the example fleets and the plan fixtures, as files.
fn documents() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![("sample".to_owned(), serde_json::from_str(SAMPLE_FLEET).unwrap())];
    for dir in [root.join("../examples/fleets"), root.join("tests/fixtures/plan")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                docs.push((path.display().to_string(), serde_json::from_str(&text).unwrap()));
            }
        }
    }
    docs
}

#[test]
fn every_fleet_the_library_reads_and_writes_matches_the_schema() {
    let mut read = 0;
    for (name, doc) in documents() {
        // Fixtures that are meant to be refused are skipped: the schema describes the shape, the library more.
        let Ok(fleet) = Fleet::from_json(&doc.to_string()) else { continue };
        read += 1;
        assert_eq!(problems(&doc), Vec::<String>::new(), "{name} as written");
        let written: Value = serde_json::from_str(&fleet.to_json_pretty()).unwrap();
        assert_eq!(problems(&written), Vec::<String>::new(), "{name} as the library writes it");
    }
    assert!(read >= 3, "only {read} fleets read");
}

#[test]
fn the_schema_refuses_what_the_library_refuses() {
    let base: Value = serde_json::from_str(SAMPLE_FLEET).unwrap();
    let weekly = json!({"days": ["sat"], "start": "20:00", "duration": "6h", "tz": "UTC"});
    for (what, window) in [
        ("both forms", json!({"start": "2026-12-05T20:00:00Z", "end": "2026-12-06T02:00:00Z", "weekly": weekly})),
        ("neither form", json!({"site": "dc1"})),
        ("a one-off window without its end", json!({"start": "2026-12-05T20:00:00Z"})),
        (
            "a day that is not one",
            json!({"weekly": {"days": ["saturday"], "start": "20:00", "duration": "6h", "tz": "UTC"}}),
        ),
        (
            "a start that is not HH:MM",
            json!({"weekly": {"days": ["sat"], "start": "24:00", "duration": "6h", "tz": "UTC"}}),
        ),
        ("a missing zone", json!({"weekly": {"days": ["sat"], "start": "20:00", "duration": "6h"}})),
        (
            "an unknown member",
            json!({"weekly": {"days": ["sat"], "start": "20:00", "duration": "6h", "tz": "UTC", "every": 2}}),
        ),
    ] {
        let mut doc = base.clone();
        doc["windows"] = json!([window]);
        assert!(!problems(&doc).is_empty(), "the schema accepts {what}");
        assert!(Fleet::from_json(&doc.to_string()).is_err(), "the library accepts {what}");
    }
}

fn schema_enum(name: &str) -> Vec<String> {
    support::json_schema::enum_names(&schema(), name)
}

#[test]
fn the_schema_lists_the_rust_enums() {
    assert_eq!(schema_enum("site_role"), names(SiteRole::ALL));
    assert_eq!(schema_enum("platform"), names(Platform::ALL));
    assert_eq!(schema_enum("mesh_service"), names(MeshService::ALL));
    assert_eq!(schema_enum("appliance_kind"), names(ApplianceKind::ALL));
    assert_eq!(schema_enum("port_binding"), names(PortBinding::ALL));
    assert_eq!(schema_enum("transfer_state"), names(TransferState::ALL));
    let days: Vec<String> = schema_enum("weekday");
    for d in &days {
        let parsed: hcx_core::fleet::Weekday = serde_json::from_value(json!(d)).unwrap();
        assert_eq!(&parsed.to_string(), d);
    }
    assert_eq!(days.len(), 7);
}
