//! Change records from the journal: what ran, when, who confirmed what, what changed and what drift was found.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::error::ApplyError;
use crate::journal::{EventRow, Journal, RunRow, SnapshotRow};

/// The evidence of one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The run.
    pub run: RunRow,
    /// Versions before and after, per manager (`manager dc1`) and appliance (`appliance ix-1`).
    pub versions: BTreeMap<String, (Option<String>, Option<String>)>,
    /// Tunnel status before and after, per appliance that reports one (`ix-1`: `to ix-1-peer UP`), as its
    /// source manager reported it (an INFERRED wire shape, see [`crate::live::LiveTunnel`]).
    pub tunnels: BTreeMap<String, (Option<String>, Option<String>)>,
    /// One entry per step the run touched.
    pub steps: Vec<StepRecord>,
}

/// What happened to one step in a run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct StepRecord {
    /// Step id.
    pub step: String,
    /// Title.
    pub title: String,
    /// First event time.
    pub started: Option<String>,
    /// `step-done` time.
    pub finished: Option<String>,
    /// `done`, `skipped`, `paused`, `failed`, `drift`, …
    pub outcome: String,
    /// Task ids.
    pub tasks: Vec<String>,
    /// Confirmations (who).
    pub confirmations: Vec<String>,
    /// Reconciliations after a crash.
    pub reconciled: Vec<String>,
    /// Drift and failure messages.
    pub problems: Vec<String>,
    /// The rollback that applied.
    pub rollback: Option<String>,
}

/// Builds the report of a run (the last one when `run` is `None`).
///
/// # Errors
/// [`ApplyError::Journal`], or [`ApplyError::Plan`] when the journal has no such run.
pub fn report(journal: &Journal, run: Option<i64>) -> Result<Report, ApplyError> {
    let runs = journal.runs()?;
    let row = match run {
        Some(id) => runs.into_iter().find(|r| r.id == id),
        None => runs.into_iter().last(),
    }
    .ok_or_else(|| {
        ApplyError::Plan(format!(
            "journal {} has no run {}",
            journal.path().display(),
            run.map_or("at all".to_owned(), |r| r.to_string())
        ))
    })?;
    let events = journal.events(Some(row.id))?;
    let snapshots = journal.snapshots(Some(row.id))?;
    Ok(Report { versions: versions(&snapshots), tunnels: tunnels(&snapshots), steps: steps(&events), run: row })
}

/// Before (first `pre` snapshot) and after (the last snapshot) of each key a snapshot yields.
fn before_after(
    snapshots: &[SnapshotRow],
    seen_in: impl Fn(&SnapshotRow) -> Vec<(String, String)>,
) -> BTreeMap<String, (Option<String>, Option<String>)> {
    let mut out: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    for s in snapshots {
        for (k, v) in seen_in(s) {
            let e = out.entry(k).or_default();
            if s.phase == "pre" && e.0.is_none() {
                e.0 = Some(v.clone());
            }
            if s.phase == "post" || e.1.is_some() {
                e.1 = Some(v);
            }
        }
    }
    out
}

fn tunnels(snapshots: &[SnapshotRow]) -> BTreeMap<String, (Option<String>, Option<String>)> {
    before_after(snapshots, |s| {
        let Some(Value::Object(m)) = s.state.get("appliances") else { return Vec::new() };
        m.iter()
            .filter_map(|(id, a)| {
                let list = a.get("tunnels")?.as_array()?;
                let text: Vec<String> = list
                    .iter()
                    .map(|t| {
                        let status = t["status"].as_str().unwrap_or("(unreadable)");
                        match t["peer"].as_str() {
                            Some(peer) => format!("to {peer} {status}"),
                            None => status.to_owned(),
                        }
                    })
                    .collect();
                Some((id.clone(), if text.is_empty() { "(no tunnels listed)".to_owned() } else { text.join(", ") }))
            })
            .collect()
    })
}

fn versions(snapshots: &[SnapshotRow]) -> BTreeMap<String, (Option<String>, Option<String>)> {
    before_after(snapshots, |s| {
        let mut seen: Vec<(String, String)> = Vec::new();
        if let Some(Value::Object(m)) = s.state.get("managers") {
            for (site, v) in m {
                // A snapshot the executor wrote always holds strings; say so if one does not.
                seen.push((format!("manager {site}"), v.as_str().unwrap_or("(unreadable)").to_owned()));
            }
        }
        if let Some(Value::Object(m)) = s.state.get("appliances") {
            for (id, a) in m {
                let v = a["version"].as_str().unwrap_or("(unreadable)");
                let peer = a["peer_version"].as_str().map(|p| format!(" (peer {p})")).unwrap_or_default();
                seen.push((format!("appliance {id}"), format!("{v}{peer}")));
            }
        }
        seen
    })
}

fn steps(events: &[EventRow]) -> Vec<StepRecord> {
    let mut order: Vec<String> = Vec::new();
    let mut map: BTreeMap<String, StepRecord> = BTreeMap::new();
    for e in events {
        if !map.contains_key(&e.step) {
            order.push(e.step.clone());
        }
        let r = map.entry(e.step.clone()).or_insert_with(|| StepRecord { step: e.step.clone(), ..Default::default() });
        if r.started.is_none() {
            r.started = Some(e.at.clone());
        }
        let detail = e.detail.clone().unwrap_or_default();
        match e.kind.as_str() {
            "step-started" => r.title = detail,
            "task" => {
                if let Some(t) = &e.task_id {
                    if !r.tasks.contains(t) {
                        r.tasks.push(t.clone());
                    }
                }
                if detail.starts_with("reconciled") {
                    r.reconciled.push(detail);
                }
            }
            "done" | "not-performed" if detail.starts_with("reconciled") => r.reconciled.push(detail),
            "confirmed" | "resend-confirmed" => r.confirmations.push(detail),
            "rollback" => r.rollback = Some(detail),
            "step-done" => {
                r.finished = Some(e.at.clone());
                r.outcome = "done".to_owned();
            }
            "drift" | "step-failed" | "paused" | "interrupted" | "needs-confirmation" | "failed" => {
                r.outcome = if e.kind == "step-failed" { "failed".to_owned() } else { e.kind.clone() };
                r.problems.push(detail);
            }
            _ => {}
        }
    }
    order.into_iter().filter_map(|s| map.remove(&s)).collect()
}

impl Report {
    /// The change record in Markdown. Every value comes from the journal (site ids, step titles, messages
    /// the managers sent) and is escaped as CommonMark inline text, so it cannot add markup to the record.
    pub fn to_markdown(&self) -> String {
        use hcx_core::plan::markdown_escape as md;
        let r = &self.run;
        let mut s = String::new();
        let _ = writeln!(s, "# HCX upgrade change record: run {}\n", r.id);
        // A digest is `sha256:` and hex; anything else in a journal is shown escaped, not in a code span,
        // where a backslash escape would not work.
        if r.plan_digest.chars().all(|c| c.is_ascii_alphanumeric() || c == ':') {
            let _ = writeln!(s, "- plan: `{}`", r.plan_digest);
        } else {
            let _ = writeln!(s, "- plan: {}", md(&r.plan_digest));
        }
        let _ = writeln!(s, "- managers: {}", md(&r.fleet));
        let _ = writeln!(s, "- run by: {}", md(&r.who));
        let _ = writeln!(
            s,
            "- started: {}; finished: {}",
            md(&r.started),
            md(r.finished.as_deref().unwrap_or("(not finished)"))
        );
        let _ =
            writeln!(s, "- outcome: **{}**\n", md(r.outcome.as_deref().unwrap_or("interrupted (no outcome recorded)")));
        let before_after =
            |b: &Option<String>, a: &Option<String>| (md(b.as_deref().unwrap_or("–")), md(a.as_deref().unwrap_or("–")));
        let _ = writeln!(s, "## Versions\n\n| | before | after |\n|---|---|---|");
        for (k, (b, a)) in &self.versions {
            let (b, a) = before_after(b, a);
            let _ = writeln!(s, "| {} | {b} | {a} |", md(k));
        }
        if !self.tunnels.is_empty() {
            let _ = writeln!(s, "\n## Tunnels\n\n| appliance | before | after |\n|---|---|---|");
            for (k, (b, a)) in &self.tunnels {
                let (b, a) = before_after(b, a);
                let _ = writeln!(s, "| {} | {b} | {a} |", md(k));
            }
        }
        let _ = writeln!(
            s,
            "\n## Steps\n\n| step | title | started | finished | outcome | tasks |\n|---|---|---|---|---|---|"
        );
        for st in &self.steps {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                md(&st.step),
                md(&st.title),
                md(st.started.as_deref().unwrap_or("")),
                md(st.finished.as_deref().unwrap_or("")),
                md(if st.outcome.is_empty() { "started" } else { &st.outcome }),
                md(&st.tasks.join(", "))
            );
        }
        let notes: Vec<String> = self
            .steps
            .iter()
            .flat_map(|st| {
                let mut n = Vec::new();
                n.extend(st.confirmations.iter().map(|c| format!("{}: {c}", st.step)));
                n.extend(st.reconciled.iter().map(|c| format!("{}: {c}", st.step)));
                n.extend(st.problems.iter().map(|c| format!("{}: {c}", st.step)));
                n
            })
            .collect();
        if !notes.is_empty() {
            let _ = writeln!(s, "\n## Confirmations, reconciliations, drift and failures\n");
            for n in notes {
                let _ = writeln!(s, "- {}", md(&n));
            }
        }
        let rollbacks: Vec<String> =
            self.steps.iter().filter_map(|st| st.rollback.as_ref().map(|r| format!("{}: {r}", st.step))).collect();
        if !rollbacks.is_empty() {
            let _ = writeln!(s, "\n## Rollback windows that applied\n");
            for r in rollbacks {
                let _ = writeln!(s, "- {}", md(&r));
            }
        }
        s
    }
}

/// `hcx apply history`: one line per run.
///
/// # Errors
/// [`ApplyError::Journal`].
pub fn history(journal: &Journal) -> Result<String, ApplyError> {
    let mut s = String::new();
    for r in journal.runs()? {
        let _ = writeln!(
            s,
            "run {:<3} {}  {:<20} {:<8} {:<22} by {}",
            r.id,
            r.started,
            r.finished.as_deref().unwrap_or("-"),
            r.mode,
            r.outcome.as_deref().unwrap_or("(no outcome: crashed?)"),
            r.who
        );
    }
    Ok(s)
}
