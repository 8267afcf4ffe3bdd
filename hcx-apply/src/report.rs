//! Change records from the journal: what ran, when, who confirmed what, what changed and what drift was found.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hcx_core::schema::Document;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::error::ApplyError;
use crate::journal::{EventRow, Journal, RunRow, SnapshotRow};

/// The evidence of one run (`hcx apply report --format json`, document `hcx-apply-report/v1`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report {
    /// The run.
    pub run: RunRow,
    /// Each manager's version before and after, by site.
    pub managers: BTreeMap<String, Change<String>>,
    /// Each appliance's version and its peer's, before and after, by appliance id.
    pub appliances: BTreeMap<String, ApplianceChange>,
    /// Each appliance's `status.summary.overallStatus` before and after, as its source manager reported it (the
    /// values are the manager's own words: HCX does not document them).
    pub status: BTreeMap<String, Change<String>>,
    /// Each mesh service's status before and after, keyed `<mesh>/<service>` (mesh `status.services[]`).
    pub services: BTreeMap<String, Change<String>>,
    /// Tunnel status before and after, only where a manager lists `status.tunnels[]` (a shape no public source
    /// shows; the simulator serves it only when a scenario asks, see [`crate::live::LiveTunnel`]).
    pub tunnels: BTreeMap<String, Change<Vec<TunnelStatus>>>,
    /// One entry per step the run touched.
    pub steps: Vec<StepRecord>,
}

/// A value before the run (the first pre-step snapshot) and after it (the last snapshot); `None` where no
/// snapshot held it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Change<T> {
    /// Before.
    pub before: Option<T>,
    /// After.
    pub after: Option<T>,
}

impl<T> Default for Change<T> {
    fn default() -> Self {
        Self { before: None, after: None }
    }
}

/// An appliance's version and the version of its peer at the other site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct ApplianceChange {
    /// The appliance's own version.
    pub version: Change<String>,
    /// Its peer's version, where the manager reports it.
    pub peer_version: Change<String>,
}

/// One tunnel of an appliance, as its manager reported it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TunnelStatus {
    /// The peer appliance, where the manager names it.
    pub peer: Option<String>,
    /// The status word (`UP`, `DOWN`, ...).
    pub status: String,
}

/// What happened to one step in a run.
#[derive(Debug, Clone, Serialize, Default, JsonSchema)]
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
    /// Set when the step went through the simulator's rehearsal path: why a real run pauses here instead.
    pub real_run_pause: Option<String>,
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
    Ok(Report {
        managers: before_after(&snapshots, managers),
        appliances: appliances(&snapshots),
        status: before_after(&snapshots, appliance_field("status")),
        services: before_after(&snapshots, services),
        tunnels: before_after(&snapshots, tunnels),
        steps: steps(&events),
        run: row,
    })
}

/// Before (first `pre` snapshot) and after (the last snapshot) of each key a snapshot yields.
fn before_after<T: Clone>(
    snapshots: &[SnapshotRow],
    seen_in: impl Fn(&SnapshotRow) -> Vec<(String, T)>,
) -> BTreeMap<String, Change<T>> {
    let mut out: BTreeMap<String, Change<T>> = BTreeMap::new();
    for s in snapshots {
        for (k, v) in seen_in(s) {
            let e = out.entry(k).or_default();
            if s.phase == "pre" && e.before.is_none() {
                e.before = Some(v.clone());
            }
            if s.phase == "post" || e.after.is_some() {
                e.after = Some(v);
            }
        }
    }
    out
}

/// A snapshot the executor wrote always holds strings here; one that does not is shown as unreadable.
fn text(v: &Value) -> String {
    v.as_str().unwrap_or("(unreadable)").to_owned()
}

fn managers(s: &SnapshotRow) -> Vec<(String, String)> {
    let Some(Value::Object(m)) = s.state.get("managers") else { return Vec::new() };
    m.iter().map(|(site, v)| (site.clone(), text(v))).collect()
}

fn appliance_field(field: &'static str) -> impl Fn(&SnapshotRow) -> Vec<(String, String)> {
    move |s| {
        let Some(Value::Object(m)) = s.state.get("appliances") else { return Vec::new() };
        m.iter().filter(|(_, a)| !a[field].is_null()).map(|(id, a)| (id.clone(), text(&a[field]))).collect()
    }
}

fn appliances(snapshots: &[SnapshotRow]) -> BTreeMap<String, ApplianceChange> {
    let mut out: BTreeMap<String, ApplianceChange> = BTreeMap::new();
    for (id, version) in before_after(snapshots, appliance_field("version")) {
        out.entry(id).or_default().version = version;
    }
    for (id, peer) in before_after(snapshots, appliance_field("peer_version")) {
        out.entry(id).or_default().peer_version = peer;
    }
    out
}

fn services(s: &SnapshotRow) -> Vec<(String, String)> {
    let Some(Value::Object(meshes)) = s.state.get("services") else { return Vec::new() };
    meshes
        .iter()
        .flat_map(|(mesh, m)| {
            m.as_object().into_iter().flatten().map(move |(name, v)| (format!("{mesh}/{name}"), text(v)))
        })
        .collect()
}

fn tunnels(s: &SnapshotRow) -> Vec<(String, Vec<TunnelStatus>)> {
    let Some(Value::Object(m)) = s.state.get("appliances") else { return Vec::new() };
    m.iter()
        .filter_map(|(id, a)| {
            let list = a.get("tunnels")?.as_array()?;
            let seen = list
                .iter()
                .map(|t| TunnelStatus { peer: t["peer"].as_str().map(str::to_owned), status: text(&t["status"]) })
                .collect();
            Some((id.clone(), seen))
        })
        .collect()
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
            "rehearsed" => r.real_run_pause = Some(detail),
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
        let shown = |v: &Option<String>| md(v.as_deref().unwrap_or("–"));
        let _ = writeln!(s, "## Versions\n\n| | before | after |\n|---|---|---|");
        for (site, c) in &self.managers {
            let _ = writeln!(s, "| manager {} | {} | {} |", md(site), shown(&c.before), shown(&c.after));
        }
        for (id, c) in &self.appliances {
            let with_peer = |v: &Option<String>, peer: &Option<String>| match peer {
                Some(p) => format!("{} (peer {})", shown(v), md(p)),
                None => shown(v),
            };
            let before = with_peer(&c.version.before, &c.peer_version.before);
            let after = with_peer(&c.version.after, &c.peer_version.after);
            let _ = writeln!(s, "| appliance {} | {before} | {after} |", md(id));
        }
        let statuses: Vec<(String, &Change<String>)> =
            (self.status.iter().map(|(id, c)| (format!("appliance {id}"), c)))
                .chain(self.services.iter().map(|(k, c)| (format!("service {k}"), c)))
                .collect();
        if !statuses.is_empty() {
            let _ = writeln!(s, "\n## Status as the managers reported it\n\n| | before | after |\n|---|---|---|");
            for (what, c) in statuses {
                let _ = writeln!(s, "| {} | {} | {} |", md(&what), shown(&c.before), shown(&c.after));
            }
        }
        if !self.tunnels.is_empty() {
            let _ = writeln!(s, "\n## Tunnels\n\n| appliance | before | after |\n|---|---|---|");
            let listed = |v: &Option<Vec<TunnelStatus>>| match v.as_deref() {
                None => "–".to_owned(),
                Some([]) => "(no tunnels listed)".to_owned(),
                Some(list) => list
                    .iter()
                    .map(|t| match &t.peer {
                        Some(p) => format!("to {} {}", md(p), md(&t.status)),
                        None => md(&t.status),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            for (id, c) in &self.tunnels {
                let _ = writeln!(s, "| {} | {} | {} |", md(id), listed(&c.before), listed(&c.after));
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
        let rehearsed: Vec<String> = self
            .steps
            .iter()
            .filter_map(|st| st.real_run_pause.as_ref().map(|why| format!("{}: {why}", st.step)))
            .collect();
        if !rehearsed.is_empty() {
            let _ = writeln!(
                s,
                "\n## A real run pauses on these steps\n\nThis run was a rehearsal against hcx-sim, which carried them out itself.\n"
            );
            for r in rehearsed {
                let _ = writeln!(s, "- {}", md(&r));
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

impl Document for Report {
    const TAG: &'static str = "hcx-apply-report/v1";
}

/// Every run of a journal, oldest first (`hcx apply history --format json`, document `hcx-apply-history/v1`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct History {
    /// The runs.
    pub runs: Vec<RunRow>,
}

impl Document for History {
    const TAG: &'static str = "hcx-apply-history/v1";
}

/// The runs of a journal.
///
/// # Errors
/// [`ApplyError::Journal`].
pub fn history(journal: &Journal) -> Result<History, ApplyError> {
    Ok(History { runs: journal.runs()? })
}

impl History {
    /// One line per run, for a terminal.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for r in &self.runs {
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
        s
    }
}
