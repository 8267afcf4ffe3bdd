//! Loading the published schemas and validating documents against them with the `jsonschema` crate.

#![allow(dead_code, reason = "each test binary uses part of the support module")]

use serde_json::Value;

/// A published schema, `hcx-core/schema/<file>`.
pub fn load(file: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema").join(file);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The names of the `enum` in `$defs.<name>` of a schema.
pub fn enum_names(schema: &Value, name: &str) -> Vec<String> {
    schema["$defs"][name]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

/// The names of a Rust enum's variants, as `ALL` lists them.
pub fn names<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

/// Every problem of `doc` against the schema `root`, each with the JSON pointer of the value at fault.
/// `format` is asserted (a `date` must be a date), not only annotated.
pub fn problems(root: &Value, doc: &Value) -> Vec<String> {
    let validator = jsonschema::options().should_validate_formats(true).build(root).expect("the schema compiles");
    validator.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}
