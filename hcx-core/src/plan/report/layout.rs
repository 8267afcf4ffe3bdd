//! Fixed layout rules for the report's SVG drawings: the Gantt timeline (one lane per site, lanes grouped
//! per site pair) and the topology (one row per site pair: source, meshes, destination).
//!
//! Layout is plain geometry; the template writes it out (and escapes every string). Sizes are in SVG user
//! units, text widths are estimated from a fixed character width so that labels are cut, not overflowing.

use std::collections::{HashMap, HashSet};
use std::fmt;

use time::OffsetDateTime;

use crate::fleet::MaintenanceWindow;
use crate::plan::{Owner, Plan};

use super::duration_text;
use super::timeline::Timeline;
use super::topology::{MeshNode, SiteNode, Topology};

/// Width of every drawing.
pub(super) const WIDTH: f64 = 1000.0;
/// The lane-label column of the timeline.
const LABEL_W: f64 = 170.0;
/// The rollback-deadline column at the right of the lanes.
const RIGHT_COL: f64 = 128.0;
/// Where the time axis ends.
const AXIS_RIGHT: f64 = WIDTH - RIGHT_COL - 8.0;
const AXIS_H: f64 = 22.0;
const LANE_H: f64 = 32.0;
const BAR_H: f64 = 20.0;
/// Estimated width of one character of 11-12 px sans-serif text.
const CHAR_W: f64 = 6.6;
/// Groups beyond this many start collapsed.
const OPEN_GROUPS: usize = 6;

/// A coordinate, printed with one decimal.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub(super) struct Px(pub f64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

/// Cuts `text` to about `width` units, with an ellipsis.
pub(super) fn fit(text: &str, width: f64) -> String {
    // Truncation keeps whole characters; the estimate errs on the short side.
    let max = ((width / CHAR_W).floor() as usize).max(1);
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// One step's bar.
#[derive(Clone, Debug)]
pub(super) struct Bar {
    pub step: String,
    pub x: Px,
    pub y: Px,
    pub w: Px,
    pub h: Px,
    /// The phase, for the colour.
    pub phase: &'static str,
    pub provider: bool,
    /// Extended networks go down during it.
    pub outage: bool,
    /// The id, when it fits inside the bar.
    pub label: String,
    /// Tooltip: id, title and times.
    pub title: String,
}

/// A shaded maintenance window.
#[derive(Clone, Debug)]
pub(super) struct Shade {
    pub x: Px,
    pub w: Px,
    pub title: String,
}

/// A lane's rollback deadline: a line on the axis when it falls inside it, and its time in the right column.
#[derive(Clone, Debug)]
pub(super) struct Flag {
    pub step: String,
    /// On the axis, when the deadline falls inside it.
    pub x: Option<Px>,
    /// The right column's text.
    pub label: String,
    pub title: String,
}

/// One site's lane.
#[derive(Clone, Debug)]
pub(super) struct Lane {
    pub site: String,
    pub label: String,
    pub title: String,
    pub y: Px,
    pub bottom: Px,
    pub h: Px,
    pub text_y: Px,
    /// The site's display name, under its id.
    pub sub: String,
    pub sub_y: Px,
    pub bars: Vec<Bar>,
    pub shades: Vec<Shade>,
    pub flag: Option<Flag>,
}

/// An axis tick.
#[derive(Clone, Debug)]
pub(super) struct Tick {
    pub x: Px,
    pub label: String,
}

/// The lanes of one site pair, drawn as one SVG.
#[derive(Clone, Debug)]
pub(super) struct LaneGroup {
    pub title: String,
    pub height: Px,
    pub lanes: Vec<Lane>,
    pub open: bool,
    /// Steps in the group, for the summary line.
    pub steps: usize,
}

/// The timeline drawing.
#[derive(Clone, Debug)]
pub(super) struct Gantt {
    pub groups: Vec<LaneGroup>,
    /// Where the deadline column's text starts.
    pub flag_x: Px,
    pub ticks: Vec<Tick>,
    /// Steps that did not fit, laid end to end on their own strip.
    pub unfitted: Vec<Bar>,
}

/// Formats an instant for a tick or a flag: `12-05 20:00`.
pub(super) fn stamp(t: OffsetDateTime) -> String {
    format!("{:02}-{:02} {:02}:{:02}", u8::from(t.month()), t.day(), t.hour(), t.minute())
}

struct Scale {
    per_minute: f64,
    end: i64,
}

impl Scale {
    fn x(&self, minute: i64) -> f64 {
        LABEL_W + (minute.clamp(0, self.end) as f64) * self.per_minute
    }
}

/// Lays out the timeline.
pub(super) fn gantt(plan: &Plan, timeline: &Timeline, topology: &Topology, windows: &[MaintenanceWindow]) -> Gantt {
    let end = timeline.placed.iter().map(|t| t.end).max().unwrap_or(0).max(60);
    let scale = Scale { per_minute: (AXIS_RIGHT - LABEL_W) / end as f64, end };
    let ticks = ticks(timeline, &scale);
    let lanes_by_group = lane_sites(plan, topology);
    let group_count = lanes_by_group.len();
    let mut groups = Vec::with_capacity(group_count);
    for (i, (title, sites)) in lanes_by_group.into_iter().enumerate() {
        let mut lanes = Vec::with_capacity(sites.len());
        let mut steps = 0;
        for (l, site) in sites.iter().enumerate() {
            let y = AXIS_H + l as f64 * LANE_H;
            let lane = lane(plan, timeline, topology, windows, &scale, site, y);
            steps += lane.bars.len();
            lanes.push(lane);
        }
        groups.push(LaneGroup {
            title,
            height: Px(AXIS_H + sites.len() as f64 * LANE_H + 4.0),
            lanes,
            open: group_count <= OPEN_GROUPS || i == 0,
            steps,
        });
    }
    Gantt { groups, flag_x: Px(WIDTH - RIGHT_COL + 6.0), ticks, unfitted: unfitted(plan, timeline) }
}

/// Lane sites grouped per pair, in the fleet's pair order; a site is drawn once, in its first pair.
fn lane_sites(plan: &Plan, topology: &Topology) -> Vec<(String, Vec<String>)> {
    let mut used: HashSet<&str> = HashSet::new();
    let mut groups = Vec::new();
    for (a, b) in &topology.pairs {
        let lanes: Vec<String> = [a, b].into_iter().filter(|s| used.insert(s.as_str())).map(|s| s.to_owned()).collect();
        if !lanes.is_empty() {
            groups.push((format!("{a} → {b}"), lanes));
        }
    }
    let rest: Vec<String> = topology.sites.iter().filter(|s| used.insert(&s.id)).map(|s| s.id.clone()).collect();
    if !rest.is_empty() {
        groups.push(("sites in no pair".to_owned(), rest));
    }
    if plan.steps.iter().any(|s| s.site.is_none()) {
        groups.push(("steps for no one site".to_owned(), vec![String::new()]));
    }
    groups
}

fn lane(
    plan: &Plan,
    timeline: &Timeline,
    topology: &Topology,
    windows: &[MaintenanceWindow],
    scale: &Scale,
    site: &str,
    y: f64,
) -> Lane {
    let node = topology.site(site);
    let name = node.and_then(|n| n.name.as_deref());
    let label = if site.is_empty() { "(no site)".to_owned() } else { site.to_owned() };
    let bars: Vec<Bar> = plan
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.site.as_deref().unwrap_or("") == site)
        .filter_map(|(i, _)| timeline.get(i))
        .map(|t| {
            let s = &plan.steps[t.step];
            let x = scale.x(t.start);
            let w = (scale.x(t.end) - x).max(2.0);
            let when = match (timeline.instant(t.start), timeline.instant(t.end)) {
                (Some(a), Some(b)) => match &t.local {
                    Some(local) => format!("{} – {} UTC; {local}", stamp(a), stamp(b)),
                    None => format!("{} – {} UTC", stamp(a), stamp(b)),
                },
                _ => format!("+{} – +{}", duration_text(t.start), duration_text(t.end)),
            };
            let owner = if s.owner == Owner::Provider { " · provider" } else { "" };
            Bar {
                step: s.id.to_string(),
                x: Px(x),
                y: Px(y + (LANE_H - BAR_H) / 2.0),
                w: Px(w),
                h: Px(BAR_H),
                phase: s.phase.as_str(),
                provider: s.owner == Owner::Provider,
                outage: !s.impact.networks.is_empty(),
                label: if w >= (s.id.len() as f64 + 1.0) * CHAR_W { s.id.to_string() } else { String::new() },
                title: format!("{} {} ({when}, {} min{owner})", s.id, s.title, s.estimate.minutes),
            }
        })
        .collect();
    let shades = shades(plan, timeline, windows, scale, site);
    let flag = flag(plan, timeline, scale, site);
    Lane {
        site: site.to_owned(),
        label: fit(&label, LABEL_W - 12.0),
        title: name.map_or_else(|| label.clone(), |n| format!("{label} ({n})")),
        y: Px(y),
        bottom: Px(y + LANE_H),
        h: Px(LANE_H),
        text_y: Px(if name.is_some() { y + 14.0 } else { y + LANE_H / 2.0 + 4.0 }),
        sub: name.map_or_else(String::new, |n| fit(n, LABEL_W - 12.0)),
        sub_y: Px(y + 26.0),
        bars,
        shades,
        flag,
    }
}

fn shades(plan: &Plan, timeline: &Timeline, windows: &[MaintenanceWindow], scale: &Scale, site: &str) -> Vec<Shade> {
    let Some(origin) = timeline.origin else { return Vec::new() };
    let Some(last) = origin.checked_add(time::Duration::minutes(scale.end)) else { return Vec::new() };
    windows
        .iter()
        .filter(|w| w.site.as_deref().is_none_or(|s| s == site))
        .flat_map(|w| w.occurrences_between(plan.date, origin, last))
        .map(|o| {
            let (a, b) = ((o.start - origin).whole_minutes(), (o.end - origin).whole_minutes());
            let x = scale.x(a);
            Shade {
                x: Px(x),
                w: Px(scale.x(b) - x),
                title: format!("maintenance window {} – {}", stamp(o.start), stamp(o.end)),
            }
        })
        .collect()
}

/// The lane's earliest rollback deadline: once it passes, the plan can no longer be rolled back as written.
fn flag(plan: &Plan, timeline: &Timeline, scale: &Scale, site: &str) -> Option<Flag> {
    let d = timeline
        .deadlines
        .iter()
        .filter(|d| plan.steps[d.step].site.as_deref().unwrap_or("") == site)
        .min_by_key(|d| d.at)?;
    let step = &plan.steps[d.step];
    let when = timeline.instant(d.at).map_or_else(|| format!("+{}", duration_text(d.at)), stamp);
    Some(Flag {
        step: step.id.to_string(),
        x: (d.at <= scale.end).then(|| Px(scale.x(d.at))),
        label: format!("{when} ({})", step.id),
        title: format!(
            "rollback of {} possible until {when}{}",
            step.id,
            step.rollback
                .as_ref()
                .and_then(|r| r.expires_after_hours)
                .map_or_else(String::new, |h| format!(" ({h} h after the step starts)"))
        ),
    })
}

fn ticks(timeline: &Timeline, scale: &Scale) -> Vec<Tick> {
    const STEPS: [i64; 10] = [15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];
    let every = STEPS.iter().copied().find(|s| scale.end / s <= 8).unwrap_or(10080);
    let mut out = Vec::new();
    let mut last_day = None;
    let mut m = 0;
    while m <= scale.end {
        let label = match timeline.instant(m) {
            Some(t) if last_day == Some(t.date()) => format!("{:02}:{:02}", t.hour(), t.minute()),
            Some(t) => {
                last_day = Some(t.date());
                stamp(t)
            }
            None => format!("+{}", duration_text(m)),
        };
        out.push(Tick { x: Px(scale.x(m)), label });
        m += every;
    }
    out
}

fn unfitted(plan: &Plan, timeline: &Timeline) -> Vec<Bar> {
    let total: i64 = timeline.unfitted.iter().map(|(i, _)| i64::from(plan.steps[*i].estimate.minutes)).sum();
    let per_minute = (AXIS_RIGHT - LABEL_W) / total.max(1) as f64;
    let mut x = LABEL_W;
    timeline
        .unfitted
        .iter()
        .map(|(i, reason)| {
            let s = &plan.steps[*i];
            let w = (f64::from(s.estimate.minutes) * per_minute).max(2.0);
            let bar = Bar {
                step: s.id.to_string(),
                x: Px(x),
                y: Px(AXIS_H + (LANE_H - BAR_H) / 2.0),
                w: Px(w),
                h: Px(BAR_H),
                phase: s.phase.as_str(),
                provider: s.owner == Owner::Provider,
                outage: !s.impact.networks.is_empty(),
                label: if w >= (s.id.len() as f64 + 1.0) * CHAR_W { s.id.to_string() } else { String::new() },
                title: format!("{} {} ({} min): {reason}", s.id, s.title, s.estimate.minutes),
            };
            x += w;
            bar
        })
        .collect()
}

// ---- topology ----

const SITE_W: f64 = 230.0;
const SITE_H: f64 = 62.0;
const MESH_X: f64 = 300.0;
const MESH_W: f64 = 400.0;
const DEST_X: f64 = WIDTH - SITE_W;
const ROW_GAP: f64 = 18.0;
const MESH_HEAD: f64 = 22.0;
const GROUP_H: f64 = 18.0;
const PILL_H: f64 = 16.0;

/// A site's box.
#[derive(Clone, Debug)]
pub(super) struct SiteBox {
    pub id: String,
    pub x: Px,
    pub y: Px,
    pub w: Px,
    pub h: Px,
    pub cx: Px,
    pub lines: [String; 3],
    pub title: String,
    pub provider: bool,
    /// A repeat of a site drawn in an earlier row.
    pub repeat: bool,
}

/// An extended network's pill.
#[derive(Clone, Debug)]
pub(super) struct Pill {
    pub network: String,
    pub x: Px,
    pub y: Px,
    pub w: Px,
    pub text_x: Px,
    pub label: String,
}

/// An appliance group's line in a mesh box.
#[derive(Clone, Debug)]
pub(super) struct GroupLine {
    pub y: Px,
    pub label: String,
    pub versions: String,
    pub title: String,
}

/// A mesh's box.
#[derive(Clone, Debug)]
pub(super) struct MeshBox {
    pub id: String,
    pub x: Px,
    pub y: Px,
    pub w: Px,
    pub h: Px,
    pub header: String,
    pub title: String,
    pub groups: Vec<GroupLine>,
    pub pills: Vec<Pill>,
}

/// A connecting line.
#[derive(Clone, Debug)]
pub(super) struct Link {
    pub x1: Px,
    pub y1: Px,
    pub x2: Px,
    pub y2: Px,
    /// `pair` (no mesh) or `mesh`.
    pub class: &'static str,
}

/// The topology drawing.
#[derive(Clone, Debug)]
pub(super) struct TopoDrawing {
    pub height: Px,
    pub sites: Vec<SiteBox>,
    pub meshes: Vec<MeshBox>,
    pub links: Vec<Link>,
}

/// Lays out the topology: one row per pair, then the sites in no pair.
pub(super) fn topology(t: &Topology) -> TopoDrawing {
    let mut d = TopoDrawing { height: Px(0.0), sites: Vec::new(), meshes: Vec::new(), links: Vec::new() };
    let mut drawn: HashSet<&str> = HashSet::new();
    let mut meshes_of: HashMap<(&str, &str), Vec<&MeshNode>> = HashMap::new();
    for m in &t.meshes {
        meshes_of.entry((m.source.as_str(), m.destination.as_str())).or_default().push(m);
    }
    let mut y = 8.0;
    for (a, b) in &t.pairs {
        let meshes = meshes_of.remove(&(a.as_str(), b.as_str())).unwrap_or_default();
        y = pair_row(&mut d, t, &mut drawn, (a, b), &meshes, y);
    }
    // Meshes whose pair is not in the fleet's pairs (a saved plan may name only the mesh).
    let mut rest: Vec<_> = meshes_of.into_iter().collect();
    rest.sort_by_key(|(k, _)| *k);
    for ((a, b), meshes) in rest {
        y = pair_row(&mut d, t, &mut drawn, (a, b), &meshes, y);
    }
    for s in &t.sites {
        if drawn.insert(&s.id) {
            d.sites.push(site_box(s, 0.0, y, false));
            y += SITE_H + ROW_GAP;
        }
    }
    d.height = Px(y.max(SITE_H + 16.0));
    d
}

fn pair_row<'a>(
    d: &mut TopoDrawing,
    t: &'a Topology,
    drawn: &mut HashSet<&'a str>,
    (a, b): (&'a str, &'a str),
    meshes: &[&MeshNode],
    y: f64,
) -> f64 {
    let mesh_heights: Vec<f64> = meshes.iter().map(|m| mesh_height(m)).collect();
    let stacked: f64 = mesh_heights.iter().sum::<f64>() + 8.0 * mesh_heights.len().saturating_sub(1) as f64;
    let row_h = stacked.max(SITE_H);
    let site_y = y + (row_h - SITE_H) / 2.0;
    let mid = site_y + SITE_H / 2.0;
    for (id, x) in [(a, 0.0), (b, DEST_X)] {
        let repeat = !drawn.insert(id);
        let node = t.site(id).cloned().unwrap_or_else(|| SiteNode {
            id: id.to_owned(),
            name: None,
            role: None,
            platform: None,
            now: None,
            target: None,
            provider: false,
        });
        d.sites.push(site_box(&node, x, site_y, repeat));
    }
    if meshes.is_empty() {
        d.links.push(Link { x1: Px(SITE_W), y1: Px(mid), x2: Px(DEST_X), y2: Px(mid), class: "pair" });
    }
    let mut my = y + (row_h - stacked) / 2.0;
    for (m, h) in meshes.iter().zip(mesh_heights) {
        let cy = my + h / 2.0;
        d.links.push(Link { x1: Px(SITE_W), y1: Px(mid), x2: Px(MESH_X), y2: Px(cy), class: "mesh" });
        d.links.push(Link { x1: Px(MESH_X + MESH_W), y1: Px(cy), x2: Px(DEST_X), y2: Px(mid), class: "mesh" });
        d.meshes.push(mesh_box(m, my, h));
        my += h + 8.0;
    }
    y + row_h + ROW_GAP
}

fn site_box(s: &SiteNode, x: f64, y: f64, repeat: bool) -> SiteBox {
    let head = match &s.name {
        Some(n) => format!("{} · {n}", s.id),
        None => s.id.clone(),
    };
    let kind = if s.provider { format!("{} · provider-managed", s.kind()) } else { s.kind() };
    let versions = if repeat { "drawn above".to_owned() } else { s.versions() };
    SiteBox {
        id: s.id.clone(),
        x: Px(x),
        y: Px(y),
        w: Px(SITE_W),
        h: Px(SITE_H),
        cx: Px(x + 10.0),
        lines: [fit(&head, SITE_W - 20.0), fit(&kind, SITE_W - 20.0), fit(&versions, SITE_W - 20.0)],
        title: format!("{head}\n{kind}\n{}", s.versions()),
        provider: s.provider,
        repeat,
    }
}

/// Pills per line: a group's networks are laid left to right and wrap; `(network index, x)`.
fn pill_rows(networks: &[String]) -> Vec<Vec<(usize, f64)>> {
    let mut rows = Vec::new();
    let mut row: Vec<(usize, f64)> = Vec::new();
    let mut x = 0.0;
    for (n, net) in networks.iter().enumerate() {
        let w = pill_width(net);
        if x + w > MESH_W - 24.0 && !row.is_empty() {
            rows.push(std::mem::take(&mut row));
            x = 0.0;
        }
        row.push((n, x));
        x += w + 6.0;
    }
    if !row.is_empty() {
        rows.push(row);
    }
    rows
}

/// Pill text is 10 px: narrower than the 11-12 px of the other labels.
const PILL_CHAR_W: f64 = 6.0;

fn pill_width(net: &str) -> f64 {
    (net.chars().count() as f64 * PILL_CHAR_W + 16.0).min(MESH_W - 24.0)
}

fn mesh_height(m: &MeshNode) -> f64 {
    let pill_lines: usize = m.groups.iter().map(|g| pill_rows(&g.networks).len()).sum();
    MESH_HEAD + m.groups.len() as f64 * GROUP_H + pill_lines as f64 * (PILL_H + 4.0) + 6.0
}

fn mesh_box(m: &MeshNode, y: f64, h: f64) -> MeshBox {
    let services = if m.services.is_empty() { String::new() } else { format!(" · {}", m.services.join(", ")) };
    let mut groups = Vec::new();
    let mut pills = Vec::new();
    let mut gy = y + MESH_HEAD;
    for g in &m.groups {
        let versions = match (&g.now, &g.target) {
            (Some(n), Some(t)) if n != t => format!("{n} → {t}"),
            (Some(n), _) => n.clone(),
            (None, Some(t)) => format!("→ {t}"),
            (None, None) => String::new(),
        };
        let label = g.label();
        groups.push(GroupLine {
            y: Px(gy + 13.0),
            label: fit(&label, MESH_W - 130.0),
            versions: fit(&versions, 118.0),
            title: format!("{label} {versions}"),
        });
        gy += GROUP_H;
        for row in pill_rows(&g.networks) {
            for (n, x) in row {
                let net = &g.networks[n];
                let w = pill_width(net);
                let px = MESH_X + 16.0 + x;
                pills.push(Pill {
                    network: net.clone(),
                    x: Px(px),
                    y: Px(gy),
                    w: Px(w),
                    text_x: Px(px + 7.0),
                    label: fit(net, (w - 14.0) * CHAR_W / PILL_CHAR_W),
                });
            }
            gy += PILL_H + 4.0;
        }
    }
    MeshBox {
        id: m.id.clone(),
        x: Px(MESH_X),
        y: Px(y),
        w: Px(MESH_W),
        h: Px(h),
        header: fit(&format!("mesh {}{services}", m.id), MESH_W - 16.0),
        title: format!("service mesh {} ({} → {}){services}", m.id, m.source, m.destination),
        groups,
        pills,
    }
}
