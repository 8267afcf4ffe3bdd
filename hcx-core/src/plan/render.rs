//! Human renderings of a plan: terminal text and Markdown for a change ticket.

use std::fmt::Write as _;

use time::format_description::well_known::Rfc3339;

use super::report::{md, plain};
use super::{Finding, Phase, Plan, Rollback, Severity, Step};

fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Blocker => "BLOCKER",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn finding_state(f: &Finding) -> &'static str {
    if f.severity == Severity::Blocker && f.acknowledged { " (acknowledged)" } else { "" }
}

fn headline(p: &Plan) -> String {
    let s = &p.summary;
    format!(
        "{} site{}, {} pair{}, {} mesh{}; {} step{}; {} blocker{}{}, {} warning{}",
        s.sites,
        plural(s.sites),
        s.pairs,
        plural(s.pairs),
        s.meshes,
        if s.meshes == 1 { "" } else { "es" },
        s.steps,
        plural(s.steps),
        s.blockers,
        plural(s.blockers),
        if s.acknowledged > 0 { format!(" (+{} acknowledged)", s.acknowledged) } else { String::new() },
        s.warnings,
        plural(s.warnings),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn step_tags(s: &Step) -> String {
    format!("{} · {} · {} min", s.owner, if s.automated { "automated" } else { "manual" }, s.estimate.minutes)
}

fn time_text(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

impl Plan {
    /// The plan for a terminal: grouped, blockers first.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        self.text_head(&mut o);
        self.text_findings(&mut o);
        self.text_steps(&mut o);
        self.text_schedule(&mut o);
        o
    }

    /// The plan as Markdown for a change ticket.
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        self.markdown_head(&mut o);
        self.markdown_findings(&mut o);
        self.markdown_steps(&mut o);
        self.markdown_schedule(&mut o);
        o.push_str(&super::report::markdown_diagrams(self));
        o
    }

    /// The headline: target, dates, counts, readiness.
    fn text_head(&self, o: &mut String) {
        let _ = writeln!(o, "HCX upgrade plan: target {}", self.target);
        let _ = writeln!(o, "  {}", plain(&self.target_reason));
        let _ = writeln!(o, "  plan date {}, catalog as of {}", self.date, self.catalog_as_of);
        let _ = writeln!(o, "  {}", headline(self));
        if self.has_blockers() {
            let _ = writeln!(
                o,
                "  NOT READY: resolve the blockers below (or acknowledge them with --ack RULE-ID[:SUBJECT])"
            );
        }
        if self.does_not_fit() {
            let _ = writeln!(
                o,
                "  DOES NOT FIT: {} step{} outside the maintenance windows (see Schedule)",
                self.summary.unfitted,
                plural(self.summary.unfitted)
            );
        }
    }

    /// Every finding with its fix and sources.
    fn text_findings(&self, o: &mut String) {
        let _ = writeln!(o);
        let _ = writeln!(o, "Findings");
        for f in &self.findings {
            let _ =
                writeln!(o, "  [{}] {}{}: {}", severity_mark(f.severity), f.rule, finding_state(f), plain(&f.message));
            if f.severity != Severity::Info {
                let _ = writeln!(o, "      fix: {}", plain(&f.remediation));
            }
            if !f.sources.is_empty() {
                let _ = writeln!(o, "      sources: {}", plain(&f.sources.join(", ")));
            }
        }
    }

    /// The steps by phase.
    fn text_steps(&self, o: &mut String) {
        let mut phase: Option<Phase> = None;
        let _ = writeln!(o);
        let _ = writeln!(o, "Steps");
        for s in &self.steps {
            if phase != Some(s.phase) {
                phase = Some(s.phase);
                let _ = writeln!(o, "  {}", s.phase);
            }
            let _ = writeln!(o, "    {:<4} {}  [{}]", s.id, plain(&s.title), step_tags(s));
            for i in &s.instructions {
                let _ = writeln!(o, "         - {}", plain(i));
            }
            let _ = writeln!(o, "         impact: {}", plain(&s.impact.summary));
            if !s.impact.networks.is_empty() {
                let _ = writeln!(o, "         networks: {}", plain(&s.impact.networks.join(", ")));
            }
            if let Some(r) = &s.rollback {
                let _ = writeln!(o, "         rollback: {}", plain(&format!("{}{}", r.summary, expiry(r))));
            }
            if !s.depends_on.is_empty() {
                let _ = writeln!(o, "         after: {}", plain(&s.depends_on.join(", ")));
            }
            if !s.rules.is_empty() {
                let rules: Vec<&str> = s.rules.iter().map(|r| r.as_str()).collect();
                let _ = writeln!(o, "         rules: {}", rules.join(", "));
            }
        }
    }

    /// The window of each step, and what did not fit.
    fn text_schedule(&self, o: &mut String) {
        if let Some(sch) = &self.schedule {
            let _ = writeln!(o);
            let _ = writeln!(o, "Schedule");
            for slot in &sch.slots {
                let _ = write!(
                    o,
                    "  {:<4} window {}  {} .. {}",
                    slot.step,
                    slot.window + 1,
                    time_text(slot.start),
                    time_text(slot.end)
                );
                match local_text(slot) {
                    Some(local) => {
                        let _ = writeln!(o, "  ({})", plain(&local));
                    }
                    None => o.push('\n'),
                }
            }
            if sch.unfitted.is_empty() {
                let _ = writeln!(o, "  every step fits the maintenance windows");
            } else {
                let _ = writeln!(o, "  did not fit:");
                for u in &sch.unfitted {
                    let _ = writeln!(o, "  {:<4} {}", u.step, plain(&u.reason));
                }
            }
        }
    }

    /// The headline as a list: target, dates, scope, status.
    fn markdown_head(&self, o: &mut String) {
        let _ = writeln!(o, "# HCX upgrade plan: target {}", self.target);
        let _ = writeln!(o);
        let _ = writeln!(o, "- **Target:** {}", md(&self.target_reason));
        let _ = writeln!(o, "- **Plan date:** {} (catalog as of {})", self.date, self.catalog_as_of);
        let _ = writeln!(o, "- **Scope:** {}", headline(self));
        let _ = writeln!(
            o,
            "- **Status:** {}",
            match (self.has_blockers(), self.does_not_fit()) {
                (true, _) => "not ready: blockers open".to_owned(),
                (false, true) =>
                    format!("does not fit: {} step(s) outside the maintenance windows", self.summary.unfitted),
                (false, false) => "ready to schedule".to_owned(),
            }
        );
    }

    /// The findings as a table.
    fn markdown_findings(&self, o: &mut String) {
        let _ = writeln!(o);
        let _ = writeln!(o, "## Findings");
        let _ = writeln!(o);
        let _ = writeln!(o, "| Severity | Rule | Finding | Remediation | Sources |");
        let _ = writeln!(o, "|---|---|---|---|---|");
        for f in &self.findings {
            let _ = writeln!(
                o,
                "| {}{} | `{}` | {} | {} | {} |",
                f.severity,
                finding_state(f),
                f.rule,
                md(&f.message),
                md(&f.remediation),
                md(&f.sources.join(", "))
            );
        }
    }

    /// The steps as a checklist by phase.
    fn markdown_steps(&self, o: &mut String) {
        let _ = writeln!(o);
        let _ = writeln!(o, "## Steps");
        let mut phase: Option<Phase> = None;
        for s in &self.steps {
            if phase != Some(s.phase) {
                phase = Some(s.phase);
                let _ = writeln!(o);
                let _ = writeln!(o, "### {}", capitalise(s.phase.as_str()));
                let _ = writeln!(o);
            }
            let _ = writeln!(o, "- [ ] **{}** {} _({})_", md(&s.id), md(&s.title), step_tags(s));
            for i in &s.instructions {
                let _ = writeln!(o, "  - {}", md(i));
            }
            let _ = writeln!(o, "  - Impact: {}", md(&s.impact.summary));
            if !s.impact.networks.is_empty() {
                let _ = writeln!(o, "  - Extended networks affected: {}", md(&s.impact.networks.join(", ")));
            }
            if let Some(r) = &s.rollback {
                let _ = writeln!(o, "  - Rollback: {}", md(&format!("{}{}", r.summary, expiry(r))));
            }
            if !s.depends_on.is_empty() {
                let _ = writeln!(o, "  - After: {}", md(&s.depends_on.join(", ")));
            }
        }
    }

    /// The schedule as a table, and what did not fit.
    fn markdown_schedule(&self, o: &mut String) {
        if let Some(sch) = &self.schedule {
            let _ = writeln!(o);
            let _ = writeln!(o, "## Schedule");
            let _ = writeln!(o);
            let local = sch.slots.iter().any(|s| s.tz.is_some());
            let _ = writeln!(o, "| Step | Window | Start | End |{}", if local { " Local time |" } else { "" });
            let _ = writeln!(o, "|---|---|---|---|{}", if local { "---|" } else { "" });
            for slot in &sch.slots {
                let _ = write!(
                    o,
                    "| {} | {} | {} | {} |",
                    md(&slot.step),
                    slot.window + 1,
                    time_text(slot.start),
                    time_text(slot.end)
                );
                if local {
                    let _ = write!(o, " {} |", md(&local_text(slot).unwrap_or_default()));
                }
                o.push('\n');
            }
            if !sch.unfitted.is_empty() {
                let _ = writeln!(o);
                let _ = writeln!(o, "**Did not fit:**");
                for u in &sch.unfitted {
                    let _ = writeln!(o, "- {}: {}", md(&u.step), md(&u.reason));
                }
            }
        }
    }
}

/// When a rollback stops being possible: counted from the snapshot that backs it.
fn expiry(r: &Rollback) -> String {
    if r.irreversible {
        return String::new();
    }
    match (&r.snapshot, r.expires_after_hours, r.expires_at) {
        (Some(s), Some(h), Some(at)) => format!(" (possible until {}, {h} h after snapshot {s})", time_text(at)),
        (Some(s), Some(h), None) => format!(" (possible for {h} h after snapshot {s})"),
        (Some(s), None, _) => format!(" (possible until you delete snapshot {s})"),
        (None, Some(h), _) => format!(" (possible for {h} h)"),
        (None, None, _) => String::new(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A slot in its weekly window's zone, as `2026-11-28 20:00 CET .. 20:15 CET, Europe/Amsterdam`; `None` for a
/// one-off window (or a zone the bundled database lacks, which a checked fleet never has).
fn local_text(slot: &super::Slot) -> Option<String> {
    crate::fleet::local_span(slot.tz.as_deref()?, slot.start, slot.end)
}
