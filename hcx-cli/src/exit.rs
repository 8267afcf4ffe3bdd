//! The exit status of `hcx`, in one table: every command returns one of these, `--help` and the man page
//! render the table, and the tests check each code.
//!
//! A command's result (plans, reports, listings, JSON) goes to stdout; diagnostics, progress and logs go to
//! stderr ([`STREAMS`]).

use std::process::ExitCode;

/// How `hcx` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exit {
    /// Nothing to report.
    Clean,
    /// Findings at the `--fail-on` level, or inputs that differ.
    Findings,
    /// Bad input or usage.
    Usage,
    /// `apply` waits for a person.
    Paused,
    /// The live state differs from the plan.
    Drift,
    /// `apply` failed.
    Failed,
    /// `apply` cannot tell whether a call took effect.
    NeedsConfirmation,
    /// Stopped by SIGINT or SIGTERM.
    Interrupted,
}

impl Exit {
    /// Every exit status, in the order of their codes.
    pub const ALL: [Exit; 8] = [
        Exit::Clean,
        Exit::Findings,
        Exit::Usage,
        Exit::Paused,
        Exit::Drift,
        Exit::Failed,
        Exit::NeedsConfirmation,
        Exit::Interrupted,
    ];

    /// The process exit code.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Usage => 2,
            Exit::Paused => 3,
            Exit::Drift => 4,
            Exit::Failed => 5,
            Exit::NeedsConfirmation => 6,
            Exit::Interrupted => 130,
        }
    }

    /// One word for it.
    pub const fn name(self) -> &'static str {
        match self {
            Exit::Clean => "clean",
            Exit::Findings => "findings",
            Exit::Usage => "bad input or usage",
            Exit::Paused => "paused",
            Exit::Drift => "drift",
            Exit::Failed => "failed",
            Exit::NeedsConfirmation => "needs confirmation",
            Exit::Interrupted => "interrupted",
        }
    }

    /// When a command exits with it (plain text; commands and flags in backquotes).
    pub const fn meaning(self) -> &'static str {
        match self {
            Exit::Clean => {
                "nothing at the `--fail-on` level; the inputs of `diff` and `catalog diff` are equal; `apply` \
                 finished, or its dry run found no drift"
            }
            Exit::Findings => {
                "unacknowledged findings at the `--fail-on` level (`plan`, `check`; `apply` refuses to start); no \
                 supported path (`path`); problems in the file (`catalog validate`); the inputs differ (`diff`, \
                 `catalog diff`)"
            }
            Exit::Usage => {
                "an unknown command, flag or value, an unreadable or invalid file, an unknown release, target or \
                 rule; the message starts with `hcx: error:`"
            }
            Exit::Paused => "`apply` waits for a person: do the step, then `hcx apply --resume --confirm STEP`",
            Exit::Drift => {
                "the live state differs from the plan's before-state: `apply --execute` stops there, a dry run \
                 lists every difference"
            }
            Exit::Failed => "a task, a check or a manager call failed during `apply --execute`",
            Exit::NeedsConfirmation => {
                "`apply` cannot tell whether a call took effect: check, then `--confirm-resend STEP`"
            }
            Exit::Interrupted => "`apply` stopped on SIGINT or SIGTERM; the journal is consistent: `--resume`",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

/// Which output goes where.
pub const STREAMS: &str = "A command's result (a plan, findings, a report, a dry run's listing of the calls, JSON) \
                           goes to stdout; diagnostics, progress and logs go to stderr.";

/// Width of the `--help` text.
const HELP_WIDTH: usize = 100;

/// `head`, then the words of `text` in lines of at most [`HELP_WIDTH`] columns (a longer word stays whole),
/// every line but the first indented by `indent` spaces.
fn wrap(head: &str, text: &str, indent: usize) -> String {
    let mut o = head.to_owned();
    let mut column = head.len();
    for word in text.split_whitespace() {
        if column > indent && column + 1 + word.len() > HELP_WIDTH {
            o.push('\n');
            o.push_str(&" ".repeat(indent));
            column = indent;
        } else if column > 0 && !o.ends_with(' ') {
            o.push(' ');
            column += 1;
        }
        o.push_str(word);
        column += word.len();
    }
    o
}

/// The table as plain text, for `--help`.
pub fn help_text() -> String {
    let mut o = String::from("Exit status:\n");
    for e in Exit::ALL {
        o.push_str(&wrap(&format!("  {:>3}  {}:", e.code(), e.name()), e.meaning(), 7));
        o.push('\n');
    }
    o.push('\n');
    o.push_str(&wrap("", STREAMS, 0));
    o
}

/// The table as Markdown (a list), for the README.
pub fn markdown() -> String {
    let mut o = String::new();
    for e in Exit::ALL {
        o.push_str(&format!("- `{}` {}: {}\n", e.code(), e.name(), e.meaning()));
    }
    o.push('\n');
    o.push_str(STREAMS);
    o.push('\n');
    o
}

/// Text as roff: backslashes and hyphens escaped, backquoted words in bold.
fn roff_text(text: &str) -> String {
    let mut o = String::new();
    let mut bold = false;
    for c in text.chars() {
        match c {
            '\\' => o.push_str("\\e"),
            '-' => o.push_str("\\-"),
            '`' => {
                o.push_str(if bold { "\\fR" } else { "\\fB" });
                bold = !bold;
            }
            c => o.push(c),
        }
    }
    if bold {
        o.push_str("\\fR");
    }
    // A line starting with a dot or a quote would be a request.
    if o.starts_with(['.', '\'']) { format!("\\&{o}") } else { o }
}

/// The `EXIT STATUS` and `STREAMS` sections of the man pages, as roff.
pub fn roff() -> String {
    let mut o = String::from(".SH \"EXIT STATUS\"\n");
    for e in Exit::ALL {
        o.push_str(&format!(".TP\n\\fB{}\\fR\n{}: {}\n", e.code(), roff_text(e.name()), roff_text(e.meaning())));
    }
    o.push_str(".SH STREAMS\n");
    o.push_str(&roff_text(STREAMS));
    o.push('\n');
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_in_order() {
        let codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        assert_eq!(&codes[..6], &[0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn roff_escapes_hyphens_and_bolds_commands() {
        assert_eq!(roff_text("`--fail-on` level"), "\\fB\\-\\-fail\\-on\\fR level");
        assert_eq!(roff_text(".x"), "\\&.x");
        assert!(roff().contains(".TP\n\\fB4\\fR\ndrift: the live state"), "{}", roff());
    }

    #[test]
    fn help_lists_every_code_in_short_lines() {
        let h = help_text();
        for e in Exit::ALL {
            assert!(h.contains(&format!("{:>3}  {}: ", e.code(), e.name())), "{h}");
        }
        assert!(h.lines().all(|l| l.len() <= HELP_WIDTH), "{h}");
        assert!(h.contains("\n       "), "continued lines are indented: {h}");
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let text = "a ".repeat(120);
        let wrapped = wrap("  1  x:", text.trim_end(), 4);
        assert!(wrapped.starts_with("  1  x: a a"), "{wrapped}");
        assert_eq!(wrapped.split_whitespace().count(), 2 + 120);
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    a")), "{wrapped}");
    }
}
