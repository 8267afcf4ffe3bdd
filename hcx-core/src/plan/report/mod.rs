//! Drawings of a plan for the people who approve it: a self-contained HTML report ([`Plan::to_html`]) and
//! Mermaid diagrams for the Markdown form.
//!
//! The facts both draw from — when each step runs, the critical path, which extended network goes down in
//! which step, the fleet's shape — are computed once here from the plan's public fields (and the fleet, when
//! given), so the two renderings cannot disagree.
//!
//! [`Plan::to_html`]: super::Plan::to_html

mod escape;
mod html;
mod layout;
mod mermaid;
mod timeline;
mod topology;

pub use escape::{markdown_escape, terminal_text};
pub(super) use escape::{md, plain};
pub use html::RenderError;
pub(super) use mermaid::markdown_diagrams;

/// A release as people say it (`4.10.3`), without the build.
fn release(v: &crate::HcxVersion) -> String {
    if v.revision() == 0 {
        format!("{}.{}.{}", v.major(), v.minor(), v.patch())
    } else {
        format!("{}.{}.{}.{}", v.major(), v.minor(), v.patch(), v.revision())
    }
}

/// Minutes as people read them: `45 min`, `2 h 15 min`, `3 d 4 h`.
fn duration_text(minutes: i64) -> String {
    let m = minutes.max(0);
    match (m / 1440, (m % 1440) / 60, m % 60) {
        (0, 0, min) => format!("{min} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, min) => format!("{h} h {min} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests;
