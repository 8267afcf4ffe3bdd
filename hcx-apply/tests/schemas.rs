//! The JSON Schemas of hcx-apply's documents (`hcx_apply::DOCUMENTS`: the change record, the history, the event
//! stream) as shipped under `hcx-apply/schema/` are the generated ones, and each compiles.
//!
//! `UPDATE_SCHEMAS=1 cargo test -p hcx-apply --test schemas` rewrites the files after a type change.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::Path;

use serde_json::Value;

#[test]
fn the_shipped_schema_files_are_the_generated_ones_and_compile() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for d in hcx_apply::DOCUMENTS {
        let generated = (d.schema)();
        jsonschema::validator_for(&generated).unwrap_or_else(|e| panic!("{}: {e}", d.name));
        assert_eq!(generated["title"], d.tag, "{}: the schema's title is its tag", d.name);
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema").join(d.file_name());
        let on_disk = std::fs::read_to_string(&path).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok());
        if on_disk.as_ref() != Some(&generated) {
            if update {
                std::fs::write(&path, serde_json::to_string_pretty(&generated).unwrap() + "\n").unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(stale.is_empty(), "stale schema files (UPDATE_SCHEMAS=1 rewrites them): {stale:?}");
}
