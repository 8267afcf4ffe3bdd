//! A fleet whose ids and names are markup, control characters, bidi overrides and `->`: every rendering of
//! its plan (text, Markdown, Mermaid, HTML, the findings) shows them as text.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{Plan, PlanOptions, SAMPLE_FLEET, TargetSpec, markdown_escape, plan};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use time::macros::date;

/// Site `dc1`: a heading, a link, a newline, `->`, quotes, `]`, `;` and an ESC sequence.
const SITE_A: &str = "# h\n[l](http://x)->\"q\"]; \u{1b}[31mred";
/// Site `avs-weu`: raw HTML, emphasis, a code span, a table pipe, CR, BEL and a right-to-left override.
const SITE_B: &str = "<img src=x onerror=alert(1)> *e* `c` | \r\u{7}\u{202e}end";
/// Mesh `sm-dc1-weu`: a script, `->`, a pipe and a newline before a heading.
const MESH: &str = "<script>alert(1)</script> -> `m` |\n## mesh";
/// Appliance `ix-1`: a list item with emphasis.
const IX: &str = "- ix *e*";
/// NE HA group `ne-ha-a`: an ordered list item and a C1 control (NEL).
const HA: &str = "1. ha\u{85}";
/// Network `web-vlan10`: a link and a right-to-left mark.
const WEB: &str = "web[l](http://x)\u{200f}";
/// Site name `Amsterdam DC1`: an image and bidi isolates.
const NAME_A: &str = "![i](http://x/p.png) \u{2066}iso\u{2069}";

/// A 10,000-character network name made of markup.
fn long_network() -> String {
    format!("db{}", "|*`<".repeat(2_500))
}

/// A 10,000-character site name.
fn long_name() -> String {
    "*_|".repeat(3_334)[..10_000].to_owned()
}

/// Replaces every string value `from` in a JSON document.
fn rename(v: &mut serde_json::Value, from: &str, to: &str) {
    match v {
        serde_json::Value::String(s) if s == from => *s = to.to_owned(),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| rename(x, from, to)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| rename(x, from, to)),
        _ => {}
    }
}

fn hostile_fleet() -> Fleet {
    let mut v: serde_json::Value = serde_json::from_str(SAMPLE_FLEET).unwrap();
    for (from, to) in [
        ("dc1", SITE_A),
        ("avs-weu", SITE_B),
        ("sm-dc1-weu", MESH),
        ("ix-1", IX),
        ("ne-ha-a", HA),
        ("web-vlan10", WEB),
        ("db-vlan30", &long_network()),
        ("Amsterdam DC1", NAME_A),
        ("AVS West Europe", &long_name()),
    ] {
        rename(&mut v, from, to);
    }
    // The fleet document takes any non-blank string as an id or a name.
    Fleet::from_json(&v.to_string()).unwrap()
}

fn planned(fleet: &Fleet) -> Plan {
    plan(fleet, Catalog::bundled(), &PlanOptions::new(TargetSpec::Validated, date!(2026 - 11 - 28))).unwrap()
}

/// No control character but the newline, and no bidi character, reaches the output.
fn assert_no_hidden(what: &str, out: &str) {
    let bad = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            || matches!(c, '\u{2028}' | '\u{2029}')
    };
    if let Some((i, c)) = out.char_indices().find(|(_, c)| bad(*c)) {
        panic!("{what}: {c:?} at byte {i}: {:?}", &out[i.saturating_sub(40)..(i + 40).min(out.len())]);
    }
}

/// Byte offsets where `pat` occurs with its first character not backslash-escaped.
fn unescaped(s: &str, pat: &str) -> Vec<usize> {
    s.match_indices(pat)
        .map(|(i, _)| i)
        .filter(|&i| s.as_bytes()[..i].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0)
        .collect()
}

/// The Markdown outside the fenced Mermaid blocks, and the blocks.
fn split_mermaid(md: &str) -> (String, Vec<Vec<&str>>) {
    let mut prose = String::new();
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut inside = false;
    for line in md.lines() {
        if inside {
            if line == "```" {
                inside = false;
            } else {
                blocks.last_mut().unwrap().push(line);
            }
        } else if line == "```mermaid" {
            inside = true;
            blocks.push(Vec::new());
        } else {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    assert!(!inside, "an unclosed Mermaid block");
    (prose, blocks)
}

/// Markdown whose only markup is the renderer's own: checked as text and as parsed events.
fn assert_markdown_is_safe(what: &str, md: &str) {
    assert_no_hidden(what, md);
    let (prose, _) = split_mermaid(md);
    for pat in ["](", "![", "<img", "<script", "<"] {
        assert_eq!(unescaped(&prose, pat), Vec::<usize>::new(), "{what}: unescaped {pat:?}");
    }
    // Every table row has as many cell separators as its header.
    let mut header: Option<usize> = None;
    for line in prose.lines() {
        if line.starts_with('|') {
            let pipes = unescaped(line, "|").len();
            match header {
                None => header = Some(pipes),
                Some(h) => assert_eq!(pipes, h, "{what}: a table row with another cell count: {line:.200}"),
            }
        } else {
            header = None;
        }
        if line.starts_with('#') {
            let text = line.trim_start_matches('#').trim_start();
            assert!(our_heading(text), "{what}: a heading from fleet data: {line:.200}");
        }
    }
    let mut headings: Vec<String> = Vec::new();
    let mut heading: Option<String> = None;
    let mut strong: Option<String> = None;
    for e in Parser::new_ext(md, Options::all() - Options::ENABLE_SMART_PUNCTUATION) {
        match e {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => headings.extend(heading.take()),
            Event::Start(Tag::Strong) => strong = Some(String::new()),
            Event::End(TagEnd::Strong) => {
                let s = strong.take().unwrap();
                assert!(
                    s.ends_with(':') || (s.starts_with('S') && s[1..].parse::<u32>().is_ok()),
                    "{what}: bold {s:?}"
                );
            }
            Event::Text(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some(s) = strong.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::Code(c) => assert!(
                c.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') || &*c == "--format html",
                "{what}: a code span from fleet data: {c:?}"
            ),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                assert_eq!(&*lang, "mermaid", "{what}: a code block");
            }
            Event::Start(
                Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::HtmlBlock
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(CodeBlockKind::Indented)
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::FootnoteDefinition(_),
            )
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::HardBreak
            | Event::Rule => panic!("{what}: markup from fleet data: {e:?}"),
            _ => {}
        }
    }
    for h in &headings {
        assert!(our_heading(h), "{what}: heading {h:?}");
    }
}

/// The headings the renderers write: the title, the sections and the phases.
fn our_heading(text: &str) -> bool {
    let sections = ["Findings", "Steps", "Schedule", "Diagrams", "Prepare", "Managers", "Converge", "Mesh", "Verify"];
    let title = |prefix: &str| {
        text.strip_prefix(prefix).is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || " .on-".contains(c)))
    };
    title("HCX upgrade plan: target ") || title("HCX checks: target ") || sections.contains(&text)
}

/// A quoted graph node, `s0["..."]`, `m0{{"..."}}` or `n0_1_0(["..."])`: generated id, quoted label, no quote
/// or markup inside it but the renderer's own `<b>` and `<br/>`.
fn assert_node(line: &str, node: &str) {
    let id_len = node.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(node.len());
    let (id, rest) = node.split_at(id_len);
    assert!(
        id.len() >= 2 && id.starts_with(['s', 'm', 'n']) && id[1..].chars().all(|c| c.is_ascii_digit() || c == '_'),
        "generated node id, not {id:?}: {line:.200}"
    );
    let label = ["[\"", "{{\"", "([\""]
        .iter()
        .zip(["\"]", "\"}}", "\"])"])
        .find_map(|(open, close)| rest.strip_prefix(open)?.strip_suffix(close))
        .unwrap_or_else(|| panic!("an unquoted label: {line:.200}"));
    let bare = label.replace("<b>", "").replace("</b>", "").replace("<br/>", "");
    for bad in ['"', '<', '>', '`', '\n'] {
        assert!(!bare.contains(bad), "{bad:?} in a label: {line:.200}");
    }
}

fn assert_mermaid_is_safe(blocks: &[Vec<&str>], steps: usize) {
    assert_eq!(blocks.len(), 2, "a gantt and a graph");
    let gantt = &blocks[0];
    assert_eq!(gantt[0], "gantt");
    let sections = gantt.iter().filter(|l| l.starts_with("    section ")).count();
    let tasks: Vec<&&str> = gantt[4..].iter().filter(|l| !l.starts_with("    section ")).collect();
    assert_eq!(sections, 2, "one section per site: {gantt:#?}");
    assert_eq!(tasks.len(), steps, "one line per step: {gantt:#?}");
    for l in &gantt[1..] {
        assert!(!l.contains(['#', ';', '`']), "a Gantt line with markup: {l:.200}");
    }
    for l in tasks {
        // `S1 name :tags, start, length`: the name holds no `:`, which would end it.
        let (name, rest) = l.split_once(':').unwrap();
        assert!(name.trim_start().starts_with('S') && name.ends_with(' '), "a task name: {l:.200}");
        let id = rest.trim_start_matches("crit, ").trim_start_matches("active, ");
        assert!(id.starts_with('s') && id.split(", ").count() == 3, "a task's data: {l:.200}");
    }
    let graph = &blocks[1];
    assert_eq!(graph[0], "graph LR");
    let mut sites = 0;
    for line in &graph[1..] {
        let body = line.trim_start();
        let parts: Vec<&str> = body.split(' ').collect();
        if parts.len() < 3 || !["---", "-->", "-.-"].contains(&parts[1]) {
            assert_node(line, body);
            sites += usize::from(body.starts_with('s'));
            continue;
        }
        // An edge: ids and arrows, the last id possibly defining a network node.
        for (i, p) in parts.iter().enumerate() {
            if i % 2 == 1 {
                assert!(["---", "-->", "-.-"].contains(p), "an arrow, not {p:?}: {line:.200}");
            } else if p.contains(['[', '(', '{']) {
                assert_node(line, &parts[i..].join(" "));
                break;
            } else {
                assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "a node id {p:?}: {line:.200}");
            }
        }
    }
    assert_eq!(sites, 2, "a site id with `->` is still one site: {graph:#?}");
}

#[test]
fn the_hostile_fleet_is_accepted_and_planned() {
    let fleet = hostile_fleet();
    assert_eq!(fleet.sites[0].id, SITE_A);
    assert_eq!(fleet.sites[1].name.as_deref(), Some(long_name().as_str()));
    let p = planned(&fleet);
    assert!(p.findings.iter().any(|f| f.message.contains(SITE_A)), "a finding names the hostile site");
    assert!(p.steps.iter().any(|s| s.title.contains(MESH)), "a step names the hostile mesh");
}

#[test]
fn text_shows_controls_and_bidi_instead_of_sending_them() {
    let fleet = hostile_fleet();
    let p = planned(&fleet);
    for (what, out) in [("text", p.to_text()), ("findings text", p.findings_to_text())] {
        assert_no_hidden(what, &out);
        assert!(out.contains(r"# h\u{a}[l](http://x)->"), "{what}: the newline is shown");
        assert!(out.contains(r"\u{1b}[31mred"), "{what}: ESC is shown");
        assert!(
            !out.lines().any(|l| l.starts_with("[l](") || l.starts_with("## mesh")),
            "{what}: a line from fleet data"
        );
    }
    assert!(p.to_text().contains(r"\u{d}\u{7}\u{202e}end"), "CR, BEL and the override are shown");
}

#[test]
fn plan_markdown_keeps_fleet_strings_as_text() {
    let fleet = hostile_fleet();
    let p = planned(&fleet);
    let md = p.to_markdown();
    assert_markdown_is_safe("plan markdown", &md);
    // The strings are there, escaped, not dropped or cut.
    for s in [SITE_A, SITE_B, MESH, IX, WEB, long_network().as_str()] {
        // Escaped as a whole string, or (with fewer escapes) as part of a sentence.
        let inside = markdown_escape(&format!("x{s}"));
        assert!(md.contains(&markdown_escape(s)) || md.contains(&inside[1..]), "{s:.40?} is shown");
    }
    let (_, blocks) = split_mermaid(&md);
    assert_mermaid_is_safe(&blocks, p.steps.len());
}

#[test]
fn findings_markdown_keeps_fleet_strings_as_text() {
    let p = planned(&hostile_fleet());
    let md = p.findings_to_markdown();
    assert_markdown_is_safe("findings markdown", &md);
    assert!(md.contains(&markdown_escape(SITE_A)));
}

#[test]
fn html_escapes_markup_and_shows_controls() {
    let fleet = hostile_fleet();
    let p = planned(&fleet);
    for page in [p.to_html(Some(&fleet)).unwrap(), p.to_html(None).unwrap()] {
        assert_no_hidden("html", &page);
        for raw in ["<img", "<script"] {
            assert!(!page.contains(raw), "html: raw {raw:?}");
        }
        assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "the mesh is shown as text");
        assert!(page.contains(r"\u{202e}end"), "the override is shown");
    }
    let page = p.to_html(Some(&fleet)).unwrap();
    assert!(page.contains(&long_name()), "the long name is kept whole");
}
