//! Mermaid diagrams for the Markdown form: a `gantt` block for the timeline and a `graph` block for the
//! topology, which GitHub, GitLab and Azure DevOps wikis draw (elsewhere they stay readable code blocks).
//!
//! On by default: the Markdown form is for change tickets and wikis, where these render. Plans too large
//! for Mermaid to draw legibly get a sentence pointing at the HTML report instead.

use std::fmt::Write as _;

use time::{Duration, OffsetDateTime};

use crate::plan::{Owner, Plan};

use super::timeline::Timeline;
use super::topology::Topology;

/// Above this many steps, a Gantt chart is no longer legible in a wiki.
const MAX_GANTT_STEPS: usize = 150;
/// Above this many pairs, the graph is no longer legible.
const MAX_GRAPH_PAIRS: usize = 40;

/// The `## Diagrams` section of the Markdown form.
pub(crate) fn markdown_diagrams(plan: &Plan) -> String {
    let mut o = String::from("\n## Diagrams\n\n");
    let timeline = Timeline::of(plan);
    if plan.steps.len() > MAX_GANTT_STEPS {
        let _ = writeln!(
            o,
            "The timeline of {} steps is too large for a Mermaid chart: see the HTML report (`--format html`).\n",
            plan.steps.len()
        );
    } else if !timeline.placed.is_empty() {
        gantt(&mut o, plan, &timeline);
    }
    let topology = Topology::from_plan(plan);
    if topology.pairs.len() > MAX_GRAPH_PAIRS {
        let _ = writeln!(
            o,
            "The topology of {} pairs is too large for a Mermaid graph: see the HTML report (`--format html`).",
            topology.pairs.len()
        );
    } else if !topology.sites.is_empty() {
        graph(&mut o, &topology);
    }
    o
}

/// Text safe inside a Gantt task name: `:` and `;` end a task, `#` starts an entity, backticks would end the
/// fence; angle brackets are shown as look-alikes since Gantt names take no entities. Control and bidi
/// characters are shown as `\u{..}` first (a newline would end the task line).
fn task_text(s: &str) -> String {
    super::escape::visible(s)
        .replace("->", "→")
        .chars()
        .map(|c| match c {
            ':' => '∶',
            ';' => ',',
            '#' => '♯',
            '`' => '\'',
            '<' => '‹',
            '>' => '›',
            c => c,
        })
        .collect()
}

/// Text safe inside a quoted graph label: Mermaid entity codes for what would end or inject markup, and
/// control and bidi characters shown as `\u{..}` (a newline would end the label's line).
fn label_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in super::escape::visible(s).chars() {
        match c {
            '"' => o.push_str("#quot;"),
            '<' => o.push_str("#lt;"),
            '>' => o.push_str("#gt;"),
            '&' => o.push_str("#amp;"),
            '#' => o.push_str("#35;"),
            '`' => o.push_str("#96;"),
            c => o.push(c),
        }
    }
    o
}

fn gantt(o: &mut String, plan: &Plan, timeline: &Timeline) {
    // Unscheduled plans start at midnight of the plan date, so the chart reads as relative hours.
    let origin = timeline.origin.unwrap_or_else(|| plan.date.midnight().assume_utc());
    let _ = writeln!(o, "```mermaid\ngantt");
    let _ = writeln!(
        o,
        "    title HCX upgrade to {}{}",
        plan.target,
        if timeline.origin.is_some() { " (UTC)" } else { " (no windows: relative times)" }
    );
    let _ = writeln!(o, "    dateFormat YYYY-MM-DDTHH:mm\n    axisFormat %H:%M");
    let mut site: Option<&str> = None;
    // One section per site, sites in the order the plan first names them.
    let mut first: Vec<&str> = Vec::new();
    for s in &plan.steps {
        let here = s.site.as_deref().unwrap_or("");
        if !first.contains(&here) {
            first.push(here);
        }
    }
    let rank = |t: &&super::timeline::Timed| {
        let here = plan.steps[t.step].site.as_deref().unwrap_or("");
        (first.iter().position(|f| *f == here), t.step)
    };
    let mut placed: Vec<_> = timeline.placed.iter().collect();
    placed.sort_by_key(rank);
    for t in placed {
        let s = &plan.steps[t.step];
        let here = s.site.as_deref().unwrap_or("");
        if site != Some(here) {
            site = Some(here);
            let _ = writeln!(o, "    section {}", if here.is_empty() { "fleet".to_owned() } else { task_text(here) });
        }
        let start = minute_text(origin + Duration::minutes(t.start));
        let tags = match (s.impact.networks.is_empty(), s.owner == Owner::Provider) {
            (false, _) => "crit, ",
            (true, true) => "active, ",
            _ => "",
        };
        let owner = if s.owner == Owner::Provider { " (provider)" } else { "" };
        let _ = writeln!(
            o,
            "    {} {}{owner} :{tags}{}, {start}, {}m",
            s.id,
            task_text(&shorten(&s.title, 60)),
            task_id(&s.id),
            (t.end - t.start).max(1)
        );
    }
    let _ = writeln!(o, "```\n");
}

/// `YYYY-MM-DDTHH:mm`, the `dateFormat` of the chart.
fn minute_text(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

fn task_id(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase()
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn graph(o: &mut String, t: &Topology) {
    let _ = writeln!(o, "```mermaid\ngraph LR");
    let node = |id: &str| t.sites.iter().position(|s| s.id == id).map_or_else(|| "x".to_owned(), |i| format!("s{i}"));
    for (i, s) in t.sites.iter().enumerate() {
        let provider = if s.provider { "<br/>upgraded by the provider" } else { "" };
        let _ = writeln!(o, "    s{i}[\"<b>{}</b><br/>{}{provider}\"]", label_text(&s.id), label_text(&s.versions()));
    }
    let mut meshed: Vec<(String, String)> = Vec::new();
    for (i, m) in t.meshes.iter().enumerate() {
        let groups: Vec<String> = m.groups.iter().map(|g| label_text(&g.label())).collect();
        let _ = writeln!(
            o,
            "    m{i}{{{{\"mesh {}{}{}\"}}}}",
            label_text(&m.id),
            if groups.is_empty() { "" } else { "<br/>" },
            groups.join("<br/>")
        );
        let _ = writeln!(o, "    {} --- m{i} --- {}", node(&m.source), node(&m.destination));
        meshed.push((m.source.clone(), m.destination.clone()));
        for (g, group) in m.groups.iter().enumerate() {
            for (n, net) in group.networks.iter().enumerate() {
                let _ = writeln!(o, "    m{i} -.- n{i}_{g}_{n}([\"{}\"])", label_text(net));
            }
        }
    }
    for (a, b) in &t.pairs {
        if !meshed.iter().any(|(x, y)| x == a && y == b) {
            let _ = writeln!(o, "    {} --> {}", node(a), node(b));
        }
    }
    let _ = writeln!(o, "```");
}
