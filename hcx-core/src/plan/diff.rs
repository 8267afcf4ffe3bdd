//! What changed between two plans (after a re-plan): targets and inputs, findings, steps.
//!
//! Steps are matched by what they do (kind, site, mesh, pairs, appliances, versions), not by their ids,
//! which shift when a step is added; findings by rule and subjects.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::{Finding, Plan, Step};

/// How an entry changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Change {
    /// Only in the new plan.
    Added,
    /// Only in the old plan.
    Removed,
    /// In both, with different content.
    Changed,
}

impl Change {
    fn mark(self) -> char {
        match self {
            Change::Added => '+',
            Change::Removed => '-',
            Change::Changed => '~',
        }
    }
}

/// One field that differs between the two plans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FieldChange {
    /// The field (`target`, `inputs.fleet`, ...).
    pub field: String,
    /// Its old value as the plan writes it: a string, or an object such as `inputs.options`.
    pub old: Value,
    /// Its new value.
    pub new: Value,
}

/// A step added, removed or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StepChange {
    /// How.
    pub change: Change,
    /// Its id in the old plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    /// Its id in the new plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_id: Option<String>,
    /// Its title (the new one where it has one).
    pub title: String,
    /// For a changed step, the fields that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// A finding added, removed or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FindingChange {
    /// How.
    pub change: Change,
    /// The rule id.
    pub rule: String,
    /// The severity (the new one where it has one).
    pub severity: String,
    /// The message (the new one where it has one).
    pub message: String,
    /// For a changed finding, the fields that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// The differences between two plans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PlanDiff {
    /// The old plan's digest.
    pub old: String,
    /// The new plan's digest.
    pub new: String,
    /// Target, date and inputs that differ.
    pub fields: Vec<FieldChange>,
    /// Findings added, removed or changed.
    pub findings: Vec<FindingChange>,
    /// Steps added or changed, in the new plan's order, then the removed ones.
    pub steps: Vec<StepChange>,
}

fn value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_else(|e| Value::String(format!("<{e}>")))
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The top-level fields of two JSON objects that differ, except the ignored ones.
fn differing(old: &Value, new: &Value, ignore: &[&str]) -> Vec<String> {
    let (Value::Object(a), Value::Object(b)) = (old, new) else { return Vec::new() };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| !ignore.contains(&k.as_str()) && a.get(*k) != b.get(*k)).map(Clone::clone).collect()
}

/// What a step does, independent of its id and position.
fn step_key(s: &Step) -> String {
    let v = value(&(
        s.kind,
        &s.site,
        &s.mesh,
        &s.pairs,
        &s.appliances,
        s.from.as_ref().map(ToString::to_string),
        s.to.as_ref().map(ToString::to_string),
    ));
    v.to_string()
}

fn finding_key(f: &Finding) -> String {
    value(&(&f.rule, &f.subjects)).to_string()
}

impl PlanDiff {
    /// The differences from `old` to `new`.
    pub fn between(old: &Plan, new: &Plan) -> Self {
        let mut fields = Vec::new();
        let (a, b) = (value(old), value(new));
        for (field, x, y) in [
            ("target", &a["target"], &b["target"]),
            ("target_reason", &a["target_reason"], &b["target_reason"]),
            ("date", &a["date"], &b["date"]),
            ("inputs.fleet", &a["inputs"]["fleet"], &b["inputs"]["fleet"]),
            ("inputs.catalog", &a["inputs"]["catalog"], &b["inputs"]["catalog"]),
            ("inputs.catalog_as_of", &a["inputs"]["catalog_as_of"], &b["inputs"]["catalog_as_of"]),
            ("inputs.options", &a["inputs"]["options"], &b["inputs"]["options"]),
        ] {
            if x != y {
                fields.push(FieldChange { field: field.to_owned(), old: x.clone(), new: y.clone() });
            }
        }
        Self {
            old: old.digest.clone(),
            new: new.digest.clone(),
            fields,
            findings: finding_changes(&old.findings, &new.findings),
            steps: step_changes(&old.steps, &new.steps),
        }
    }

    /// Whether the two plans are the same.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.findings.is_empty() && self.steps.is_empty()
    }

    /// The differences for a terminal.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "plan diff: {} -> {}", self.old, self.new);
        if self.is_empty() {
            let _ = writeln!(o, "  no differences");
            return o;
        }
        for f in &self.fields {
            let _ = writeln!(o, "  {}: {} -> {}", f.field, text(&f.old), text(&f.new));
        }
        if !self.findings.is_empty() {
            let _ = writeln!(o, "findings");
            for f in &self.findings {
                let _ = write!(o, "  {} [{}] {}: {}", f.change.mark(), f.severity, f.rule, f.message);
                let _ = writeln!(o, "{}", changed_fields(&f.fields));
            }
        }
        if !self.steps.is_empty() {
            let _ = writeln!(o, "steps");
            for s in &self.steps {
                let ids = match (&s.old_id, &s.new_id) {
                    (Some(a), Some(b)) if a != b => format!("{a} -> {b}"),
                    (_, Some(b)) => b.clone(),
                    (Some(a), None) => a.clone(),
                    (None, None) => String::new(),
                };
                let _ = writeln!(o, "  {} {ids:<10} {}{}", s.change.mark(), s.title, changed_fields(&s.fields));
            }
        }
        let (added, removed, changed) = self.steps.iter().fold((0, 0, 0), |(a, r, c), s| match s.change {
            Change::Added => (a + 1, r, c),
            Change::Removed => (a, r + 1, c),
            Change::Changed => (a, r, c + 1),
        });
        let _ = writeln!(
            o,
            "{added} step(s) added, {removed} removed, {changed} changed; {} finding(s) differ",
            self.findings.len()
        );
        o
    }

    /// The differences as pretty JSON.
    pub fn to_json(&self) -> String {
        // Strings, booleans and JSON values only: serialising them cannot fail.
        crate::schema::to_json_pretty(self).unwrap_or_else(|e| format!("{{\"error\": {:?}}}\n", e.to_string()))
    }
}

fn changed_fields(fields: &[String]) -> String {
    if fields.is_empty() { String::new() } else { format!("  (changed: {})", fields.join(", ")) }
}

fn finding_changes(old: &[Finding], new: &[Finding]) -> Vec<FindingChange> {
    let mut left: BTreeMap<String, VecDeque<&Finding>> = BTreeMap::new();
    for f in old {
        left.entry(finding_key(f)).or_default().push_back(f);
    }
    let mut out = Vec::new();
    for f in new {
        let entry = |change, fields| FindingChange {
            change,
            rule: f.rule.to_string(),
            severity: f.severity.to_string(),
            message: f.message.clone(),
            fields,
        };
        match left.get_mut(&finding_key(f)).and_then(VecDeque::pop_front) {
            None => out.push(entry(Change::Added, Vec::new())),
            Some(was) => {
                let fields = differing(&value(was), &value(f), &[]);
                if !fields.is_empty() {
                    out.push(entry(Change::Changed, fields));
                }
            }
        }
    }
    for f in old.iter().filter(|f| left.get(&finding_key(f)).is_some_and(|q| q.iter().any(|x| std::ptr::eq(*x, *f)))) {
        out.push(FindingChange {
            change: Change::Removed,
            rule: f.rule.to_string(),
            severity: f.severity.to_string(),
            message: f.message.clone(),
            fields: Vec::new(),
        });
    }
    out
}

fn step_changes(old: &[Step], new: &[Step]) -> Vec<StepChange> {
    let mut left: BTreeMap<String, VecDeque<&Step>> = BTreeMap::new();
    for s in old {
        left.entry(step_key(s)).or_default().push_back(s);
    }
    let mut out = Vec::new();
    for s in new {
        match left.get_mut(&step_key(s)).and_then(VecDeque::pop_front) {
            None => out.push(StepChange {
                change: Change::Added,
                old_id: None,
                new_id: Some(s.id.to_string()),
                title: s.title.clone(),
                fields: Vec::new(),
            }),
            Some(was) => {
                // Ids and dependencies shift when steps are added; what the step does is what counts.
                let fields = differing(&value(was), &value(s), &["id", "depends_on"]);
                if !fields.is_empty() {
                    out.push(StepChange {
                        change: Change::Changed,
                        old_id: Some(was.id.to_string()),
                        new_id: Some(s.id.to_string()),
                        title: s.title.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for s in old.iter().filter(|s| left.get(&step_key(s)).is_some_and(|q| q.iter().any(|x| std::ptr::eq(*x, *s)))) {
        out.push(StepChange {
            change: Change::Removed,
            old_id: Some(s.id.to_string()),
            new_id: None,
            title: s.title.clone(),
            fields: Vec::new(),
        });
    }
    out
}
