//! The self-contained HTML report: one file with inline CSS and SVG, no script and no request, readable from
//! an e-mail attachment or a ticket, with a print stylesheet.
//!
//! Templating: [askama]. Templates are compiled with the crate, so a typo in a field name is a build error,
//! not a blank report; HTML escaping is on by default for every value, which is what a report full of fleet
//! names needs; and rendering is plain Rust with no runtime template engine (a 100-pair plan renders in a few
//! milliseconds). maud would also escape and compile, but its macro syntax hides the HTML a reviewer wants to
//! read; minijinja checks templates only at run time.
//!
//! The page also carries a `Content-Security-Policy` that forbids scripts and every fetch, so even a string
//! that escaped escaping could neither run nor call home.

use std::collections::HashMap;

use askama::Template;

use crate::fleet::Fleet;
use crate::plan::{Finding, NeUpgradeMode, Owner, Plan, Severity, Step};

use super::layout::{self, Gantt, TopoDrawing, stamp};
use super::timeline::Timeline;
use super::topology::Topology;
use super::{duration_text, release};

/// Groups of steps beyond this many start collapsed.
const OPEN_STEP_GROUPS: usize = 6;
/// Pairs beyond this many collapse the topology drawing.
const OPEN_TOPOLOGY_PAIRS: usize = 12;

/// The report could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("cannot render the plan as HTML")]
pub struct RenderError(#[source] askama::Error);

impl Plan {
    /// The plan as one self-contained HTML page: summary, timeline, topology, outages, rollback deadlines,
    /// findings and every step with its instructions.
    ///
    /// With the fleet the plan was made from, the topology shows every site's role and platform, the NE HA
    /// groups and every extended network; from a saved plan alone it shows what the plan's steps name.
    ///
    /// # Errors
    /// [`RenderError`] if the template fails (it renders plain values, so this points at a bug).
    pub fn to_html(&self, fleet: Option<&Fleet>) -> Result<String, RenderError> {
        let html = Report::new(self, fleet).render().map_err(RenderError)?;
        // askama escapes markup; control and bidi characters pass it. The template has none of its own, so
        // any in the page came from the fleet: shown as `\u{..}`, they cannot reorder or hide text.
        Ok(match super::escape::visible_keeping_newlines(&html) {
            std::borrow::Cow::Borrowed(_) => html,
            std::borrow::Cow::Owned(shown) => shown,
        })
    }
}

/// A site in the header, `terraform plan` style.
struct SiteRow {
    /// `~` changes, `=` stays.
    mark: &'static str,
    id: String,
    name: String,
    kind: String,
    versions: String,
}

/// An extended network's outages, for the header.
struct NetworkSummary {
    network: String,
    steps: String,
    /// Upper bound: the estimates of the steps it goes down in.
    bound: String,
}

/// One row of the outage table.
struct OutageRow {
    network: String,
    appliance: String,
    mode: &'static str,
    step: String,
    title: String,
    window: String,
    outage: String,
}

/// One row of the deadline table.
struct DeadlineRow {
    step: String,
    title: String,
    site: String,
    until: String,
    how: String,
}

/// Findings of one severity.
struct FindingGroup<'a> {
    severity: &'static str,
    findings: Vec<&'a Finding>,
}

/// A step with its derived text.
struct StepView<'a> {
    s: &'a Step,
    tags: String,
    when: String,
    rollback: Option<String>,
    provider: bool,
    rules: String,
}

/// The steps of one pair.
struct StepGroup<'a> {
    title: String,
    open: bool,
    steps: Vec<StepView<'a>>,
}

/// A step that did not fit, with why.
struct UnfittedRow {
    step: String,
    title: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Report<'a> {
    plan: &'a Plan,
    status_class: &'static str,
    status: String,
    scope: String,
    sites: Vec<SiteRow>,
    networks: Vec<NetworkSummary>,
    critical_path: String,
    span: String,
    digest: Option<String>,
    gantt: Gantt,
    scheduled: bool,
    topo: TopoDrawing,
    topo_open: bool,
    topo_from_fleet: bool,
    topo_summary: String,
    outages: Vec<OutageRow>,
    deadlines: Vec<DeadlineRow>,
    findings: Vec<FindingGroup<'a>>,
    /// Unacknowledged blockers, named in the header.
    blockers: Vec<&'a Finding>,
    step_groups: Vec<StepGroup<'a>>,
    unfitted: Vec<UnfittedRow>,
    width: layout::Px,
}

impl<'a> Report<'a> {
    fn new(plan: &'a Plan, fleet: Option<&Fleet>) -> Self {
        let timeline = Timeline::of(plan);
        let topology = fleet.map_or_else(|| Topology::from_plan(plan), |f| Topology::from_fleet(f, plan));
        let windows = fleet.map_or(&[][..], |f| &f.windows[..]);
        let (status_class, status) = status(plan, &timeline);
        let s = &plan.summary;
        Report {
            plan,
            status_class,
            status,
            scope: format!(
                "{}, {}, {}, {}",
                count(s.sites, "site", "sites"),
                count(s.pairs, "pair", "pairs"),
                count(s.meshes, "mesh", "meshes"),
                count(s.steps, "step", "steps"),
            ),
            sites: site_rows(&topology),
            networks: network_summary(plan),
            critical_path: duration_text(timeline.critical_path),
            span: span_text(&timeline),
            digest: Some(plan.digest.clone()).filter(|d| !d.is_empty()),
            gantt: layout::gantt(plan, &timeline, &topology, windows),
            scheduled: plan.schedule.is_some(),
            topo: layout::topology(&topology),
            topo_open: topology.pairs.len() <= OPEN_TOPOLOGY_PAIRS,
            topo_from_fleet: topology.from_fleet,
            topo_summary: format!(
                "{}, {}, {}, {}",
                count(topology.sites.len(), "site", "sites"),
                count(topology.pairs.len(), "pair", "pairs"),
                count(topology.meshes.len(), "mesh", "meshes"),
                count(topology.networks().len(), "extended network", "extended networks"),
            ),
            outages: outage_rows(plan, &timeline, &topology),
            deadlines: deadline_rows(plan, &timeline),
            findings: finding_groups(plan),
            blockers: plan.findings.iter().filter(|f| f.blocks()).collect(),
            step_groups: step_groups(plan, &timeline),
            unfitted: timeline
                .unfitted
                .iter()
                .map(|(i, reason)| UnfittedRow {
                    step: plan.steps[*i].id.to_string(),
                    title: plan.steps[*i].title.clone(),
                    reason: reason.clone(),
                })
                .collect(),
            width: layout::Px(layout::WIDTH),
        }
    }
}

/// `1 pair`, `3 pairs`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn status(plan: &Plan, timeline: &Timeline) -> (&'static str, String) {
    if plan.has_blockers() {
        let n = plan.summary.blockers;
        ("blocked", format!("Not ready: {n} blocker{} open", if n == 1 { "" } else { "s" }))
    } else if !timeline.unfitted.is_empty() {
        let n = timeline.unfitted.len();
        (
            "unfitted",
            format!("Does not fit the maintenance windows: {n} step{} left over", if n == 1 { "" } else { "s" }),
        )
    } else {
        ("ready", "Ready to schedule".to_owned())
    }
}

fn span_text(timeline: &Timeline) -> String {
    match (timeline.instant(0), timeline.instant(timeline.span)) {
        (Some(a), Some(b)) => {
            format!("{} in the windows ({} – {} UTC)", duration_text(timeline.span), stamp(a), stamp(b))
        }
        _ => format!(
            "{} with one site doing one thing at a time (no windows in the fleet)",
            duration_text(timeline.span)
        ),
    }
}

fn site_rows(t: &Topology) -> Vec<SiteRow> {
    t.sites
        .iter()
        .map(|s| SiteRow {
            mark: if s.target.as_ref().is_some_and(|x| s.now.as_ref() != Some(x)) { "~" } else { "=" },
            id: s.id.clone(),
            name: s.name.clone().unwrap_or_default(),
            kind: if s.provider { format!("{} · upgraded by the provider", s.kind()) } else { s.kind() },
            versions: s.versions(),
        })
        .collect()
}

/// Every extended network that goes down, with the steps it goes down in.
fn network_summary(plan: &Plan) -> Vec<NetworkSummary> {
    let mut order: Vec<&str> = Vec::new();
    let mut by: HashMap<&str, Vec<&Step>> = HashMap::new();
    for s in &plan.steps {
        for n in &s.impact.networks {
            by.entry(n.as_str()).or_insert_with(|| {
                order.push(n);
                Vec::new()
            });
            by.entry(n.as_str()).or_default().push(s);
        }
    }
    order
        .into_iter()
        .map(|n| {
            let steps = &by[n];
            let minutes: i64 = steps.iter().map(|s| i64::from(s.estimate.minutes)).sum();
            NetworkSummary {
                network: n.to_owned(),
                steps: steps.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(", "),
                bound: format!("within {}", duration_text(minutes)),
            }
        })
        .collect()
}

fn window_text(timeline: &Timeline, i: usize) -> String {
    match timeline.get(i) {
        Some(t) => match (t.window, timeline.instant(t.start), timeline.instant(t.end)) {
            (Some(w), Some(a), Some(b)) => match &t.local {
                Some(local) => format!("window {}: {} – {} UTC ({local})", w + 1, stamp(a), stamp(b)),
                None => format!("window {}: {} – {} UTC", w + 1, stamp(a), stamp(b)),
            },
            _ => format!("+{} – +{} (relative)", duration_text(t.start), duration_text(t.end)),
        },
        None => "did not fit".to_owned(),
    }
}

fn mode_text(m: Option<NeUpgradeMode>) -> &'static str {
    match m {
        Some(NeUpgradeMode::Standard) => "standard (redeploy)",
        Some(NeUpgradeMode::InService) => "in-service",
        Some(NeUpgradeMode::HaStandbyFirst) => "HA: standby first",
        _ => "—",
    }
}

fn outage_rows(plan: &Plan, timeline: &Timeline, topology: &Topology) -> Vec<OutageRow> {
    let mut rows = Vec::new();
    for (i, s) in plan.steps.iter().enumerate() {
        for n in &s.impact.networks {
            let carrier = topology
                .meshes
                .iter()
                .filter(|m| s.mesh.as_deref().is_none_or(|id| id == m.id))
                .flat_map(|m| &m.groups)
                .find(|g| g.networks.contains(n))
                .map_or_else(|| s.appliances.join(", "), |g| g.label());
            rows.push(OutageRow {
                network: n.clone(),
                appliance: carrier,
                mode: mode_text(s.impact.ne_mode),
                step: s.id.to_string(),
                title: s.title.clone(),
                window: window_text(timeline, i),
                outage: format!("{} (within the step's {} min)", s.impact.summary, s.estimate.minutes),
            });
        }
    }
    rows
}

fn deadline_rows(plan: &Plan, timeline: &Timeline) -> Vec<DeadlineRow> {
    timeline
        .deadlines
        .iter()
        .map(|d| {
            let s = &plan.steps[d.step];
            let hours = s.rollback.as_ref().and_then(|r| r.expires_after_hours).unwrap_or(0);
            let until = timeline.instant(d.at).map_or_else(
                || format!("{hours} h after the step starts"),
                |t| format!("{} UTC ({hours} h)", stamp(t)),
            );
            DeadlineRow {
                step: s.id.to_string(),
                title: s.title.clone(),
                site: s.site.as_deref().unwrap_or("").to_owned(),
                until,
                how: s.rollback.as_ref().map_or_else(String::new, |r| r.summary.to_string()),
            }
        })
        .collect()
}

fn finding_groups(plan: &Plan) -> Vec<FindingGroup<'_>> {
    [Severity::Blocker, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|sev| FindingGroup {
            severity: sev.as_str(),
            findings: plan.findings.iter().filter(|f| f.severity == sev).collect(),
        })
        .filter(|g| !g.findings.is_empty())
        .collect()
}

fn step_groups<'a>(plan: &'a Plan, timeline: &Timeline) -> Vec<StepGroup<'a>> {
    let mut groups: Vec<StepGroup<'a>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, s) in plan.steps.iter().enumerate() {
        let key = s.pairs.first().map_or_else(|| "the whole fleet".to_owned(), |p| p.replace("->", " → "));
        let g = *at.entry(key.clone()).or_insert_with(|| {
            groups.push(StepGroup { title: key, open: true, steps: Vec::new() });
            groups.len() - 1
        });
        groups[g].steps.push(StepView {
            s,
            tags: format!(
                "{} · {} · {} min{}",
                s.owner,
                if s.automated { "automated" } else { "manual" },
                s.estimate.minutes,
                match (&s.from, &s.to) {
                    (Some(a), Some(b)) => format!(" · {} → {}", release(a), release(b)),
                    _ => String::new(),
                }
            ),
            when: window_text(timeline, i),
            rollback: s.rollback.as_ref().map(|r| match r.expires_after_hours {
                Some(h) => format!("{} (possible for {h} h after the step starts)", r.summary),
                None => r.summary.to_string(),
            }),
            provider: s.owner == Owner::Provider,
            rules: s.rules.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        });
    }
    let open = groups.len() <= OPEN_STEP_GROUPS;
    for (i, g) in groups.iter_mut().enumerate() {
        g.open = open || i == 0;
    }
    groups
}
