//! Fleet strings (site ids and names, mesh, appliance and network names, zones) made safe for the outputs
//! that people paste or print: CommonMark inline text for change tickets, and text without control or bidi
//! characters for terminals.
//!
//! A fleet file is not trusted to be polite: a site named `# Title`, `[x](http://evil)` or
//! `<img src=x onerror=alert(1)>` must show as those characters, not as a heading, a link or HTML; an ESC
//! sequence must not colour a terminal; a right-to-left override must not reorder the text around it.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` must not reach a reader raw: control characters (C0 including newline, CR and tab, DEL,
/// C1), Unicode bidi marks, embeddings, overrides and isolates (which reorder the text around them), and the
/// Unicode line and paragraph separators.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` with every [`hidden`] character shown as `\u{..}` (lowercase hex, as Rust writes it), so a name keeps
/// what it says and a reader sees that something odd is in it.
pub(crate) fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            // Writing to a String cannot fail.
            let _ = fmt::Write::write_fmt(&mut o, format_args!("\\u{{{:x}}}", u32::from(c)));
        } else {
            o.push(c);
        }
    }
    Cow::Owned(o)
}

/// `s` made safe for a terminal line: every control character (ESC sequences, BEL, a line break), bidi
/// control and line separator shown as `\u{..}`, so text from a fleet or a manager cannot colour, move the
/// cursor, clear the screen, write the clipboard or fake a line of its own.
///
/// ```
/// use hcx_core::plan::terminal_text;
///
/// assert_eq!(terminal_text("dc1"), "dc1");
/// assert_eq!(terminal_text("ok\u{1b}[2J\nhcx apply: succeeded"), r"ok\u{1b}[2J\u{a}hcx apply: succeeded");
/// ```
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    visible(s)
}

/// [`visible`], keeping newlines: for a whole rendered document (the HTML report) whose own line breaks are
/// layout, and where a newline inside a value is only whitespace.
pub(crate) fn visible_keeping_newlines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && hidden(c)) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for line in s.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(body) => {
                o.push_str(&visible(body));
                o.push('\n');
            }
            None => o.push_str(&visible(line)),
        }
    }
    Cow::Owned(o)
}

/// Text for a terminal: [`visible`] as a `Display`, so `write!` needs no temporary string.
pub(crate) struct Plain<'a>(&'a str);

/// See [`Plain`].
pub(crate) fn plain(s: &str) -> Plain<'_> {
    Plain(s)
}

impl fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(self.0))
    }
}

/// CommonMark inline text: [`markdown_escape`] as a `Display`.
pub(crate) struct Md<'a>(&'a str);

/// See [`Md`].
pub(crate) fn md(s: &str) -> Md<'_> {
    Md(s)
}

impl fmt::Display for Md<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = visible(self.0);
        let chars: Vec<char> = text.chars().collect();
        let n = chars.len();
        let lead = chars.iter().take_while(|c| **c == ' ').count();
        let trail = if lead == n { 0 } else { chars.iter().rev().take_while(|c| **c == ' ').count() };
        // `1.` or `1)` followed by a space or the end starts an ordered list at the start of a line.
        let digits = chars[lead..].iter().take_while(|c| c.is_ascii_digit()).count();
        let marker = (digits > 0
            && matches!(chars.get(lead + digits), Some('.' | ')'))
            && chars.get(lead + digits + 1).is_none_or(|c| *c == ' '))
        .then_some(lead + digits);
        let mut buf = [0u8; 4];
        for (i, &c) in chars.iter().enumerate() {
            // Leading spaces would indent (four make a code block in a list item); trailing ones would be
            // trimmed. As character references they are plain spaces to every CommonMark reader.
            if i < lead || i >= n - trail {
                f.write_str("&#32;")?;
                continue;
            }
            let escape = match c {
                '\\' | '`' | '*' | '[' | ']' | '<' | '&' | '|' | '~' | '$' | '^' => true,
                // Between two letters or digits, `_` can neither open nor close emphasis (`ne_ha_a`).
                '_' => {
                    !(i > 0 && chars[i - 1].is_alphanumeric() && chars.get(i + 1).is_some_and(|x| x.is_alphanumeric()))
                }
                '#' | '>' | '-' | '+' | '=' => i == lead,
                _ => Some(i) == marker,
            };
            if escape {
                f.write_str("\\")?;
            }
            f.write_str(c.encode_utf8(&mut buf))?;
        }
        Ok(())
    }
}

/// `s` as CommonMark inline text that reads as exactly `s`: in a paragraph, a list item or a table cell it
/// makes no heading, list, quote, code, emphasis, link, image, HTML, table cell or line break.
///
/// Control characters (newline, CR, tab, ESC, C1, ...), Unicode bidi overrides and isolates and the Unicode
/// line separators are shown as `\u{1b}` notation first, so a name can neither start a new line nor reorder
/// the text around it.
///
/// The escaping is minimal, so ordinary names stay readable (`avs-weu`, `4.10.3`, `ne_ha_a`, `Zürich`,
/// `dc1->avs-weu`): a backslash goes before
/// - every `` \ ` * [ ] < & | ~ $ ^ `` (code spans, emphasis, links and images, HTML and autolinks,
///   character references, table cells, strikethrough and fences, the math of GitHub and GitLab, and
///   superscripts);
/// - `_` unless it sits between two letters or digits, where CommonMark never reads it as emphasis;
/// - a first character `# > - + =` (heading, quote, list item, thematic break, setext underline);
/// - the `.` or `)` of leading digits followed by a space or the end (an ordered list item).
///
/// Leading and trailing spaces are written as `&#32;`, so they neither indent nor vanish. Long strings are
/// kept whole. Bare URLs stay text in CommonMark; renderers that link them (GitHub's autolinks) show the
/// URL itself as the link text.
///
/// ```
/// use hcx_core::plan::markdown_escape;
///
/// assert_eq!(markdown_escape("[x](http://evil)"), r"\[x\](http://evil)");
/// assert_eq!(markdown_escape("# dc1"), r"\# dc1");
/// assert_eq!(markdown_escape("dc1->avs-weu"), "dc1->avs-weu");
/// assert_eq!(markdown_escape("a\u{1b}[31m"), r"a\\u{1b}\[31m");
/// ```
pub fn markdown_escape(s: &str) -> String {
    md(s).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

    use proptest::prelude::*;
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    use super::*;

    /// Every extension a ticket system might turn on, except smart punctuation, which rewrites plain text.
    fn options() -> Options {
        Options::all() - Options::ENABLE_SMART_PUNCTUATION
    }

    /// The text of a document that must be one paragraph of plain text; panics on any other event.
    fn paragraph_text(doc: &str) -> String {
        let mut text = String::new();
        let events: Vec<Event<'_>> = Parser::new_ext(doc, options()).collect();
        let (first, rest) = events.split_first().unwrap();
        let (last, inner) = rest.split_last().unwrap();
        assert_eq!(*first, Event::Start(Tag::Paragraph), "{doc:?}: {events:?}");
        assert_eq!(*last, Event::End(TagEnd::Paragraph), "{doc:?}: {events:?}");
        for e in inner {
            match e {
                Event::Text(t) => text.push_str(t),
                other => panic!("{doc:?} yields {other:?}, not plain text: {events:?}"),
            }
        }
        text
    }

    /// The cells of the one body row of a table whose header has `columns` cells.
    fn table_cells(doc: &str, columns: usize) -> Vec<String> {
        let mut cells: Vec<String> = Vec::new();
        let mut in_body = false;
        for e in Parser::new_ext(doc, options()) {
            match e {
                Event::End(TagEnd::TableHead) => in_body = true,
                Event::Start(Tag::TableCell) if in_body => cells.push(String::new()),
                Event::Text(t) if in_body => cells.last_mut().unwrap().push_str(&t),
                Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow)
                | Event::End(TagEnd::Table | TagEnd::TableRow | TagEnd::TableCell)
                | Event::Start(Tag::TableCell)
                | Event::Text(_) => {}
                other => panic!("{doc:?} yields {other:?} in a table"),
            }
        }
        assert_eq!(cells.len(), columns, "{doc:?}");
        cells
    }

    const HOSTILE: &[&str] = &[
        "# h",
        "## h ##",
        "[l](http://x)",
        "![i](http://x/p.png)",
        "*e*",
        "_e_",
        "__s__",
        "`c`",
        "``c``",
        "a|b",
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        "<http://x>",
        "&lt;b&gt; &amp; &#65;",
        "\u{1b}[31mred\u{1b}[0m",
        "a\nb",
        "a\r\nb",
        "a\tb",
        "bell\u{7}",
        "c1\u{85}\u{9b}",
        "\u{202e}txt.exe",
        "\u{2066}iso\u{2069} \u{200f}",
        "a\u{2028}b",
        "dc1->avs-weu",
        "\"quoted\" 'single'",
        "> quote",
        "- item",
        "+ item",
        "* item",
        "1. item",
        "1) item",
        "12.",
        "4.10.3",
        "---",
        "- - -",
        "***",
        "___",
        "===",
        "```rust",
        "~~~",
        "~~strike~~",
        "$x$",
        "$$x$$",
        "[^1]",
        "[[wiki]]",
        "[x]: http://evil",
        "    indented",
        "trailing  ",
        " ",
        "a\\",
        "a\\|b",
        ":::",
        ": def",
        "\\*",
        "www.example.com",
        "ne_ha_a",
        "_lead",
        "trail_",
        "Zürich",
        "東京",
        "x^2^ H~2~O",
        "{#id .class}",
        "a  \nb",
        "!",
        "![",
        "<!-- c -->",
        "- [ ] task",
    ];

    #[test]
    fn ordinary_names_stay_as_they_are() {
        for s in [
            "avs-weu",
            "sm-dc1-weu",
            "4.10.3-24447633",
            "ne_ha_a",
            "Zürich DC 1",
            "東京",
            "dc1->avs-weu",
            "a (b), c: d",
        ] {
            assert_eq!(markdown_escape(s), s);
        }
    }

    #[test]
    fn hostile_strings_read_back_as_themselves_in_a_paragraph() {
        for s in HOSTILE {
            assert_eq!(paragraph_text(&markdown_escape(s)), visible(s), "{s:?} as {:?}", markdown_escape(s));
        }
    }

    #[test]
    fn hostile_strings_read_back_as_themselves_in_a_list_item_and_after_text() {
        for s in HOSTILE {
            let e = markdown_escape(s);
            assert_eq!(paragraph_text(&format!("x {e} y")), format!("x {} y", visible(s)), "{s:?}");
            let doc = format!("- {e}\n");
            let events: Vec<Event<'_>> = Parser::new_ext(&doc, options()).collect();
            let text: String =
                events.iter().filter_map(|e| if let Event::Text(t) = e { Some(t.to_string()) } else { None }).collect();
            assert_eq!(text, visible(s), "{s:?}: {events:?}");
            assert!(
                events.iter().all(|e| matches!(
                    e,
                    Event::Text(_)
                        | Event::Start(Tag::List(None) | Tag::Item)
                        | Event::End(TagEnd::List(false) | TagEnd::Item)
                )),
                "{s:?}: {events:?}"
            );
        }
    }

    #[test]
    fn hostile_strings_stay_in_their_table_cell() {
        for s in HOSTILE {
            let doc =
                format!("| a | b | c |\n|---|---|---|\n| {} | {} | x |\n", markdown_escape(s), markdown_escape(s));
            assert_eq!(table_cells(&doc, 3), [visible(s).as_ref(), visible(s).as_ref(), "x"], "{s:?}");
        }
    }

    #[test]
    fn controls_and_bidi_are_shown_not_kept() {
        assert_eq!(visible("a\u{1b}[31m\n\u{202e}b"), "a\\u{1b}[31m\\u{a}\\u{202e}b");
        assert_eq!(plain("x\ry").to_string(), "x\\u{d}y");
        assert!(matches!(visible("Zürich 東京"), Cow::Borrowed(_)));
        assert_eq!(visible_keeping_newlines("a\u{1b}\nb\u{202e}\n"), "a\\u{1b}\nb\\u{202e}\n");
    }

    #[test]
    fn a_long_name_is_kept_whole() {
        let long = "a*".repeat(5_000);
        assert_eq!(paragraph_text(&markdown_escape(&long)), long);
    }

    proptest! {
        #[test]
        fn any_text_reads_back_as_itself(s in "[ -~\n\r\t\u{1b}\u{85}\u{202e}äZ東_*]{0,40}") {
            let e = markdown_escape(&s);
            let shown = visible(&s);
            if shown.is_empty() {
                prop_assert!(e.is_empty());
            } else {
                prop_assert_eq!(paragraph_text(&e), shown.as_ref());
            }
        }
    }
}
