//! The findings alone (what `check` prints): terminal text, Markdown and JSON.

use std::fmt::Write as _;

use super::report::{md, plain};
use super::{Finding, Plan, Severity};

fn acknowledged(f: &Finding) -> &'static str {
    if f.severity == Severity::Blocker && f.acknowledged { " (acknowledged)" } else { "" }
}

impl Plan {
    /// The findings for a terminal, blockers first.
    pub fn findings_to_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "HCX checks: target {} on {}", self.target, self.date);
        for f in &self.findings {
            let _ = writeln!(o, "  [{}] {}{}: {}", f.severity, f.rule, acknowledged(f), plain(&f.message));
            if f.severity != Severity::Info {
                let _ = writeln!(o, "      fix: {}", plain(&f.remediation));
            }
        }
        let _ = writeln!(o, "{} blocker(s), {} warning(s)", self.summary.blockers, self.summary.warnings);
        o
    }

    /// The findings as a Markdown table for a change ticket.
    pub fn findings_to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# HCX checks: target {} on {}", self.target, self.date);
        let _ = writeln!(o);
        let _ = writeln!(o, "| Severity | Rule | Finding | Remediation |");
        let _ = writeln!(o, "|---|---|---|---|");
        for f in &self.findings {
            let _ = writeln!(
                o,
                "| {}{} | `{}` | {} | {} |",
                f.severity,
                acknowledged(f),
                f.rule,
                md(&f.message),
                md(&f.remediation)
            );
        }
        o
    }

    /// The findings as pretty JSON: the `hcx-findings/v1` document (`{"schema", "date", "findings", "target"}`).
    pub fn findings_to_json(&self) -> String {
        let doc = crate::schema::FindingsDocument {
            date: self.date.to_string(),
            findings: &self.findings,
            target: self.target.to_string(),
        };
        // Findings hold strings and booleans only: serialising them cannot fail.
        crate::schema::to_json_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": {:?}}}\n", e.to_string()))
    }
}
