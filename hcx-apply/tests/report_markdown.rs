//! The change record's Markdown shows what the journal holds (site ids, titles, messages the managers sent)
//! as text: no heading, link, image, HTML or extra table cell comes from it.

use std::collections::BTreeMap;

use hcx_apply::journal::RunRow;
use hcx_apply::report::{ApplianceChange, Change, Report, StepRecord, TunnelStatus};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

const SITE: &str = "# h\n[l](http://x)->\"q\" \u{1b}[31m";
const TITLE: &str = "<img src=x onerror=alert(1)> *e* `c` | \u{202e}end";
const PROBLEM: &str = "![i](http://x/p.png)\r\n## injected <script>alert(1)</script>";

fn hostile_report() -> Report {
    let change = |before: Option<&str>, after: Option<&str>| Change {
        before: before.map(str::to_owned),
        after: after.map(str::to_owned),
    };
    let managers = BTreeMap::from([(SITE.to_owned(), change(Some("4.10.3 | x"), Some("<b>4.11.4</b>")))]);
    let appliances = BTreeMap::from([(
        "ix|1".to_owned(),
        ApplianceChange { version: change(Some("4.10.3"), None), peer_version: change(Some("<u>4.9</u>"), None) },
    )]);
    let tunnels = BTreeMap::from([(
        "ix|1".to_owned(),
        Change {
            before: Some(vec![TunnelStatus { peer: Some("[p](http://x)".to_owned()), status: "UP".to_owned() }]),
            after: None,
        },
    )]);
    Report {
        run: RunRow {
            id: 1,
            plan_digest: "sha256:`](http://x)".to_owned(),
            fleet: format!("{SITE}, dc2"),
            who: "*me*@host\u{7}".to_owned(),
            started: "2026-11-28T20:00:00Z".to_owned(),
            finished: None,
            outcome: Some("failed\n# not a heading".to_owned()),
            mode: "execute".to_owned(),
        },
        managers,
        appliances,
        status: BTreeMap::from([("ix|1".to_owned(), change(Some("UP | x"), Some("<i>DOWN</i>")))]),
        services: BTreeMap::from([("sm|1/INTERCONNECT".to_owned(), change(Some("[UP](http://x)"), None))]),
        tunnels,
        steps: vec![StepRecord {
            step: "S1".to_owned(),
            title: TITLE.to_owned(),
            started: Some("2026-11-28T20:00:00Z".to_owned()),
            outcome: "failed".to_owned(),
            tasks: vec!["t|1".to_owned()],
            confirmations: vec![format!("confirmed by <u>{SITE}</u>")],
            problems: vec![PROBLEM.to_owned()],
            rollback: Some("- revert [now](http://x)".to_owned()),
            real_run_pause: Some("a real run pauses here: *provider* | <b>".to_owned()),
            ..StepRecord::default()
        }],
    }
}

/// Byte offsets where `pat` occurs with its first character not backslash-escaped.
fn unescaped(s: &str, pat: &str) -> usize {
    s.match_indices(pat)
        .filter(|(i, _)| s.as_bytes()[..*i].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0)
        .count()
}

#[test]
fn journal_strings_stay_text_in_the_change_record() {
    let md = hostile_report().to_markdown();
    let hidden = |c: char| (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}');
    assert!(!md.contains(hidden), "a control or bidi character: {md}");
    for pat in ["](", "![", "<img", "<script", "<b>", "<u>", "`]"] {
        assert_eq!(unescaped(&md, pat), 0, "unescaped {pat:?} in\n{md}");
    }
    // The fleet's own headings only, and every table row as wide as its header.
    let mut header: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with('#') {
            assert!(
                line.starts_with("# HCX upgrade change record") || line.starts_with("## "),
                "a heading from the journal: {line}"
            );
        }
        if line.starts_with('|') {
            let pipes = unescaped(line, "|");
            assert_eq!(pipes, *header.get_or_insert(pipes), "a row with another cell count: {line}");
        } else {
            header = None;
        }
    }
    let mut headings = Vec::new();
    let mut in_heading = false;
    for e in Parser::new_ext(&md, Options::all() - Options::ENABLE_SMART_PUNCTUATION) {
        match e {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                headings.push(String::new());
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) if in_heading => {
                if let Some(h) = headings.last_mut() {
                    h.push_str(&t);
                }
            }
            Event::Start(
                Tag::Link { .. } | Tag::Image { .. } | Tag::HtmlBlock | Tag::CodeBlock(_) | Tag::BlockQuote(_),
            )
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::Code(_) => panic!("markup from the journal: {e:?}\n{md}"),
            _ => {}
        }
    }
    assert_eq!(
        headings,
        [
            "HCX upgrade change record: run 1",
            "Versions",
            "Status as the managers reported it",
            "Tunnels",
            "Steps",
            "Confirmations, reconciliations, drift and failures",
            "A real run pauses on these steps",
            "Rollback windows that applied"
        ]
    );
    // Shown, not dropped.
    assert!(md.contains(r"\<img src=x onerror=alert(1)> \*e\* \`c\` \| \\u{202e}end"), "{md}");
}

#[test]
fn a_plain_digest_stays_a_code_span() {
    let mut r = hostile_report();
    r.run.plan_digest = "sha256:0123abcd".to_owned();
    assert!(r.to_markdown().contains("- plan: `sha256:0123abcd`\n"));
}
