//! A small JSON Schema validator for the keywords hcx's hand-kept schemas use (`$ref` into `$defs`, `const`,
//! `enum`, `oneOf`, `type`, `minimum`, `pattern`, `minLength`, `items`, `properties`, `required`,
//! `additionalProperties`): a keyword or pattern it does not know fails the test that meets it.

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

/// The patterns the schema uses, checked by hand (no regex engine in the dependencies).
pub fn matches_pattern(pattern: &str, s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    match pattern {
        "^sha256:[0-9a-f]{64}$" => s
            .strip_prefix("sha256:")
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))),
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => {
            let p: Vec<&str> = s.split('-').collect();
            p.len() == 3 && p[0].len() == 4 && p[1].len() == 2 && p[2].len() == 2 && p.iter().all(|x| digits(x))
        }
        "^([01][0-9]|2[0-3]):[0-5][0-9]$" => {
            let b = s.as_bytes();
            b.len() == 5 && b[2] == b':' && digits(&s[..2]) && digits(&s[3..]) && &s[..2] <= "23" && &s[3..] <= "59"
        }
        "^[0-9]+(\\.[0-9]+){2,4}(-[0-9A-Za-z.]+)?$" => {
            let (numbers, build) = s.split_once('-').map_or((s, None), |(a, b)| (a, Some(b)));
            let parts: Vec<&str> = numbers.split('.').collect();
            (3..=5).contains(&parts.len())
                && parts.iter().all(|x| digits(x))
                && build.is_none_or(|b| !b.is_empty() && b.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.'))
        }
        other => panic!("the validator does not know the pattern {other:?}: add it here"),
    }
}

/// Problems of `v` against `s`, with their JSON paths.
pub fn validate(root: &Value, s: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").unwrap();
        return validate(root, &root["$defs"][name], v, at, out);
    }
    if let Some(c) = s.get("const") {
        if v != c {
            out.push(format!("{at}: expected {c}, found {v}"));
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            out.push(format!("{at}: {v} is not one of {e:?}"));
        }
    }
    if let Some(options) = s.get("oneOf").and_then(Value::as_array) {
        let fits: Vec<usize> = (0..options.len())
            .filter(|&i| {
                let mut p = Vec::new();
                validate(root, &options[i], v, at, &mut p);
                p.is_empty()
            })
            .collect();
        if fits.len() != 1 {
            out.push(format!("{at}: matches {} of the oneOf alternatives, not exactly one", fits.len()));
        }
    }
    let ty = s.get("type").and_then(Value::as_str);
    let type_ok = match ty {
        None => true,
        Some("object") => v.is_object(),
        Some("array") => v.is_array(),
        Some("string") => v.is_string(),
        Some("integer") => v.is_u64() || v.is_i64(),
        Some("boolean") => v.is_boolean(),
        Some("null") => v.is_null(),
        Some(other) => panic!("the validator does not know the type {other:?}"),
    };
    if !type_ok {
        out.push(format!("{at}: expected {}, found {v}", ty.unwrap_or("?")));
        return;
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_i64), v.as_i64()) {
        if n < min {
            out.push(format!("{at}: {n} is below {min}"));
        }
    }
    if let Some(text) = v.as_str() {
        if let Some(p) = s.get("pattern").and_then(Value::as_str) {
            if !matches_pattern(p, text) {
                out.push(format!("{at}: {text:?} does not match {p}"));
            }
        }
        if s.get("minLength").and_then(Value::as_u64).is_some_and(|m| (text.chars().count() as u64) < m) {
            out.push(format!("{at}: {text:?} is too short"));
        }
    }
    if let Some(items) = s.get("items") {
        for (i, x) in v.as_array().into_iter().flatten().enumerate() {
            validate(root, items, x, &format!("{at}[{i}]"), out);
        }
    }
    if let Some(map) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            let r = r.as_str().unwrap();
            if !map.contains_key(r) {
                out.push(format!("{at}: missing required {r}"));
            }
        }
        for (k, x) in map {
            let here = format!("{at}.{k}");
            match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(ps), _) => validate(root, ps, x, &here, out),
                (None, Some(Value::Bool(false))) => out.push(format!("{here}: not in the schema")),
                (None, Some(extra)) if extra.is_object() => validate(root, extra, x, &here, out),
                _ => {}
            }
        }
    }
}

/// Every problem of `doc` against the schema `root`, with its JSON path.
pub fn problems(root: &Value, doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    validate(root, root, doc, "$", &mut out);
    out
}
