//! What the managers refuse: request shapes checked before any work is done, so a refused request performs
//! nothing. Each check answers the refusal's message; the handler wraps it in its endpoint's error envelope.

use serde_json::{Map, Value};

use crate::lenient;

/// A `key=value` query parameter (the first one with that key).
pub(crate) fn query_param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The login body: a JSON object with string `username` and `password`, and an optional `authType` that must
/// be `"password"` (KB 321606 shows it; BRCM-WM documents 400 for an unsupported auth type).
pub(crate) fn login(body: &[u8]) -> Result<(String, String), String> {
    let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(body) else {
        return Err("the request body must be a JSON object".to_owned());
    };
    match o.get("authType") {
        None => {}
        Some(Value::String(t)) if t == "password" => {}
        Some(Value::String(t)) => return Err(format!("Unsupported auth type: {t}")),
        Some(other) => return Err(format!("Unsupported auth type: {other}")),
    }
    match (o.get("username"), o.get("password")) {
        (Some(Value::String(u)), Some(Value::String(p))) => Ok((u.clone(), p.clone())),
        _ => Err("username and password are required strings".to_owned()),
    }
}

/// The query and body of an appliance upgrade (`upgrade`) or redeploy: keys `force` and `local` (`true` or
/// `false`) and, for an upgrade only, `method` (`legacy` or `inService`) as documented; the body empty or a
/// JSON object (its shape is UNKNOWN, so nothing in it is read).
pub(crate) fn appliance_action(query: &str, body: &[u8], upgrade: bool) -> Result<(), String> {
    for kv in query.split('&').filter(|kv| !kv.is_empty()) {
        let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
        let allowed: &[&str] = match key {
            "force" | "local" => &["true", "false"],
            "method" if upgrade => &["legacy", "inService"],
            _ => return Err(format!("unknown query parameter: {key}")),
        };
        if !allowed.contains(&value) {
            return Err(format!("invalid value for {key}: {value:?} (expected one of {})", allowed.join(", ")));
        }
    }
    if body.trim_ascii().is_empty() || matches!(serde_json::from_slice::<Value>(body), Ok(Value::Object(_))) {
        Ok(())
    } else {
        Err("the request body must be empty or a JSON object".to_owned())
    }
}

/// The body of `appliances/query`: empty (no filter) or `{"filter": {…}}` with the optional string keys
/// `applianceType`, `serviceMeshId`, `endpointId` (TF-vmware, AMS-SAP). Any other key is refused: what a
/// manager does with it is UNKNOWN.
pub(crate) fn appliance_filter(body: &[u8]) -> Result<Map<String, Value>, String> {
    if body.trim_ascii().is_empty() {
        return Ok(Map::new());
    }
    let Ok(Value::Object(mut o)) = serde_json::from_slice::<Value>(body) else {
        return Err("the request body must be a JSON object".to_owned());
    };
    if let Some(k) = o.keys().find(|k| *k != "filter") {
        return Err(format!("unknown key: {k}"));
    }
    let filter = match o.remove("filter") {
        None => Map::new(),
        Some(Value::Object(f)) => f,
        Some(_) => return Err("filter must be an object".to_owned()),
    };
    for (k, v) in &filter {
        if !["applianceType", "serviceMeshId", "endpointId"].contains(&k.as_str()) {
            return Err(format!("unknown filter key: {k}"));
        }
        if !v.is_string() {
            return Err(format!("filter.{k} must be a string"));
        }
    }
    Ok(filter)
}

/// A parsed `migrations?action=query` request.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct MigrationQuery {
    /// The body has a `filter` (the answer is `items[]`, not `rows[]`).
    pub filtered: bool,
    /// `options.compat` is 2.1: the answer is `data.items[]` in shape B.
    pub compat: bool,
    /// `filter.migrationId`, when given.
    pub ids: Option<Vec<String>>,
    /// `filter.state` (empty means every state).
    pub states: Vec<String>,
    /// `filter.migrationGroupId`, when given non-empty: only migrations of these mobility groups match.
    pub groups: Option<Vec<String>>,
}

/// The body of `migrations?action=query`: empty, JSON, or the lenient PowerShell-style text SMIT sends
/// ([`crate::lenient`]). Keys: `filter` {`migrationId`, `state`, `migrationGroupId` (string lists),
/// `skipDrafts` (boolean)}, `options` {`resultLevel`, `compat`}, `paging` (an object; the simulator does not
/// page). Other keys, and a `compat` other than 2.1, are refused.
pub(crate) fn migration_query(body: &[u8]) -> Result<MigrationQuery, String> {
    if body.trim_ascii().is_empty() {
        return Ok(MigrationQuery::default());
    }
    let o = object_body(body)?;
    let mut q = MigrationQuery::default();
    for (k, v) in &o {
        let Value::Object(inner) = v else {
            return Err(format!("{k} must be an object"));
        };
        match k.as_str() {
            "filter" => migration_filter(inner, &mut q)?,
            "options" => q.compat = migration_options(inner)?,
            "paging" => {}
            _ => return Err(format!("unknown key: {k}")),
        }
    }
    Ok(q)
}

/// A body that is a JSON object, strict JSON or the lenient PowerShell-style text ([`crate::lenient`]).
fn object_body(body: &[u8]) -> Result<Map<String, Value>, String> {
    let parsed =
        serde_json::from_slice::<Value>(body).ok().or_else(|| std::str::from_utf8(body).ok().and_then(lenient::parse));
    match parsed {
        Some(Value::Object(o)) => Ok(o),
        _ => Err("the request body must be a JSON object".to_owned()),
    }
}

/// The body of `migration/queryMobilityGroups` (MG `Get-HcxMobilityGroup`:
/// `{"filter":{"skipDrafts":false},"options":{"compat":2.1}}`): empty, JSON or lenient; `filter` {`skipDrafts`
/// (boolean)}, `options` {`compat` 2.1}. `skipDrafts` changes nothing (the simulator has no draft groups);
/// other keys, and a `compat` other than 2.1, are refused.
pub(crate) fn mobility_group_query(body: &[u8]) -> Result<(), String> {
    if body.trim_ascii().is_empty() {
        return Ok(());
    }
    for (k, v) in &object_body(body)? {
        let Value::Object(inner) = v else {
            return Err(format!("{k} must be an object"));
        };
        match k.as_str() {
            "filter" => {
                if let Some((k, _)) = inner.iter().find(|(k, v)| !(k.as_str() == "skipDrafts" && v.is_boolean())) {
                    return Err(format!("unsupported filter key: {k}"));
                }
            }
            "options" => {
                for (k, v) in inner {
                    match k.as_str() {
                        "compat" if v.as_f64() == Some(2.1) || v.as_str() == Some("2.1") => {}
                        "compat" => return Err(format!("unsupported compat: {v}")),
                        _ => return Err(format!("unsupported option: {k}")),
                    }
                }
            }
            _ => return Err(format!("unknown key: {k}")),
        }
    }
    Ok(())
}

fn migration_filter(f: &Map<String, Value>, q: &mut MigrationQuery) -> Result<(), String> {
    q.filtered = true;
    for (k, v) in f {
        match k.as_str() {
            "migrationId" => q.ids = Some(strings(k, v)?),
            "state" => q.states = strings(k, v)?,
            "migrationGroupId" => {
                let groups = strings(k, v)?;
                q.groups = (!groups.is_empty()).then_some(groups);
            }
            "skipDrafts" if v.is_boolean() => {}
            _ => return Err(format!("unsupported filter key: {k}")),
        }
    }
    Ok(())
}

/// Whether the options ask for compat 2.1.
fn migration_options(o: &Map<String, Value>) -> Result<bool, String> {
    let mut compat = false;
    for (k, v) in o {
        match k.as_str() {
            "resultLevel" if v.is_string() => {}
            "compat" if v.as_f64() == Some(2.1) || v.as_str() == Some("2.1") => compat = true,
            "compat" => return Err(format!("unsupported compat: {v}")),
            _ => return Err(format!("unsupported option: {k}")),
        }
    }
    Ok(compat)
}

/// A list of strings (a single string is read as a one-element list).
fn strings(key: &str, v: &Value) -> Result<Vec<String>, String> {
    let as_str = |x: &Value| x.as_str().map(str::to_owned);
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(a) => a.iter().map(as_str).collect::<Option<Vec<_>>>(),
        _ => None,
    }
    .ok_or_else(|| format!("filter.{key} must be a list of strings"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_bodies() {
        assert_eq!(login(br#"{"username":"u","password":"p"}"#), Ok(("u".into(), "p".into())));
        assert!(login(br#"{"username":"u","password":"p","authType":"password"}"#).is_ok());
        assert_eq!(
            login(br#"{"username":"u","password":"p","authType":"local"}"#),
            Err("Unsupported auth type: local".into())
        );
        assert!(login(b"username=u&password=p").is_err());
        assert!(login(br#"{"username":"u"}"#).is_err());
        assert!(login(br#"{"username":"u","password":5}"#).is_err());
    }

    #[test]
    fn appliance_actions() {
        assert!(appliance_action("force=false&local=true&method=inService", b"", true).is_ok());
        assert!(appliance_action("", b" {} ", false).is_ok());
        assert!(appliance_action("method=legacy", b"", false).is_err(), "redeploy has no method");
        assert!(appliance_action("method=bogus", b"", true).is_err());
        assert!(appliance_action("force=maybe", b"", true).is_err());
        assert!(appliance_action("force", b"", true).is_err());
        assert!(appliance_action("dryRun=true", b"", true).is_err());
        assert!(appliance_action("", b"upgrade please", true).is_err());
        assert!(appliance_action("", b"[]", true).is_err());
    }

    #[test]
    fn migration_queries() {
        assert_eq!(migration_query(b""), Ok(MigrationQuery::default()));
        assert_eq!(migration_query(b"{}"), Ok(MigrationQuery::default()));
        let q = migration_query(br#"{"filter":{"migrationId":["a"],"state":[]},"paging":{"pageSize":5}}"#);
        assert_eq!(q, Ok(MigrationQuery { filtered: true, ids: Some(vec!["a".into()]), ..Default::default() }));
        let smit = migration_query(
            b"{filter={skipDrafts=true,migrationGroupId=['g']},options={resultLevel='MOBILITYGROUP_ITEMS',compat=2.1}}",
        )
        .expect("smit");
        assert!(smit.compat && smit.filtered);
        assert_eq!(smit.groups, Some(vec!["g".to_owned()]));
        assert_eq!(migration_query(br#"{"filter":{"migrationGroupId":[]}}"#).map(|q| q.groups), Ok(None));
        assert!(migration_query(br#"{"options":{"compat":"2.1"}}"#).is_ok_and(|q| q.compat));
        for bad in [&b"not json"[..], b"[]", br#"{"filter":5}"#, br#"{"sort":{}}"#, br#"{"options":{"compat":3}}"#] {
            assert!(migration_query(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn mobility_group_queries() {
        for ok in [
            &b""[..],
            b"{}",
            br#"{"filter":{"skipDrafts":false},"options":{"compat":2.1}}"#,
            b"{filter={skipDrafts=true},options={compat=2.1}}",
        ] {
            assert_eq!(mobility_group_query(ok), Ok(()), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"not json"[..],
            br#"{"filter":{"skipDrafts":"no"}}"#,
            br#"{"filter":{"name":"x"}}"#,
            br#"{"options":{"compat":3}}"#,
            br#"{"options":{"resultLevel":"X"}}"#,
            br#"{"sort":{}}"#,
        ] {
            assert!(mobility_group_query(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
