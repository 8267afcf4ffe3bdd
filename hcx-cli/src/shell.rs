//! How `hcx` fits the shell: the global `--color`, `-v`/`-q` flags, `hcx completions SHELL`, `hcx man` and the
//! long `--version` naming the bundled catalog.

use std::ffi::OsString;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::sync::OnceLock;

use clap::{ArgAction, Args, CommandFactory as _, FromArgMatches as _, ValueEnum};
use hcx_core::Catalog;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

use crate::exit::{self, Exit};
use crate::{Cli, CliError};

/// The environment variable that replaces the `-v`/`-q` level with a `tracing` filter (`hcx_core=debug`).
pub const LOG_ENV: &str = "HCX_LOG";

/// Flags every subcommand accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// When to colour diagnostics: `auto` (stderr is a terminal and NO_COLOR is unset), `always` or `never`.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorMode::Auto, global = true)]
    pub color: ColorMode,
    /// More log output on stderr (repeatable): -v info, -vv debug, -vvv trace.
    #[arg(short, long, action = ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Less log output on stderr: -q errors only, -qq none. `HCX_LOG` (a tracing filter) overrides both.
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub quiet: u8,
    /// How log records look on stderr: `text` for people, `json` (one object per line, with timestamp, level
    /// and fields) for a log pipeline. The `hcx: …` diagnostics stay text.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

/// The shape of log records on stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per record, coloured as `--color` says.
    Text,
    /// One JSON object per line (tracing-subscriber's JSON format), never coloured.
    Json,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorMode {
    /// Colour when writing to a terminal, unless `NO_COLOR` is set (to anything but the empty string).
    Auto,
    /// Always colour, even into a pipe or with `NO_COLOR` set.
    Always,
    /// Never colour.
    Never,
}

impl ColorMode {
    /// Whether to colour, given `NO_COLOR` and `TERM` and whether the stream is a terminal.
    /// An explicit `always` or `never` wins over the environment, as <https://no-color.org> asks.
    pub fn enabled(self, no_color: Option<&OsString>, term: Option<&OsString>, is_terminal: bool) -> bool {
        match self {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb"),
        }
    }

    /// [`ColorMode::enabled`] for stderr and this process's environment.
    pub fn for_stderr(self) -> bool {
        self.enabled(
            std::env::var_os("NO_COLOR").as_ref(),
            std::env::var_os("TERM").as_ref(),
            std::io::stderr().is_terminal(),
        )
    }
}

/// The `tracing` level for a `-v` count and a `-q` count (default: warnings).
pub fn log_level(verbose: u8, quiet: u8) -> LevelFilter {
    match (verbose, quiet) {
        (0, 0) => LevelFilter::WARN,
        (0, 1) => LevelFilter::ERROR,
        (0, _) => LevelFilter::OFF,
        (1, _) => LevelFilter::INFO,
        (2, _) => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// How diagnostics look on stderr, once the flags are known.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    /// The `hcx: error: ` prefix, red and bold when colouring.
    pub fn error_prefix(self) -> &'static str {
        if self.color { "\x1b[1;31mhcx: error:\x1b[0m " } else { "hcx: error: " }
    }
}

/// Applies the global flags: installs the stderr log subscriber and returns the diagnostics style.
pub fn init(global: &GlobalArgs) -> Style {
    let color = global.color.for_stderr();
    let filter = match std::env::var(LOG_ENV) {
        Ok(directives) if !directives.trim().is_empty() => EnvFilter::new(directives),
        _ => EnvFilter::default().add_directive(log_level(global.verbose, global.quiet).into()),
    };
    let builder = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter);
    // A second `run` in one process (tests) keeps the first subscriber; that is harmless.
    let _ = match global.log_format {
        LogFormat::Text => builder.with_ansi(color).with_target(false).without_time().try_init(),
        LogFormat::Json => builder.json().with_ansi(false).flatten_event(true).with_current_span(false).try_init(),
    };
    tracing::debug!("hcx {}", long_version().replace('\n', "; "));
    Style { color }
}

/// Parses the command line with clap's own help and errors coloured as `--color` (scanned first) says.
///
/// # Errors
/// A usage error, already reported on stderr with the `hcx: error:` prefix ([`Exit::Usage`]); `--help` and
/// `--version`, already printed on stdout ([`Exit::Clean`]).
pub fn parse(args: Vec<OsString>) -> Result<Cli, Exit> {
    let mode = scan_color(&args);
    let choice = match mode {
        Some(ColorMode::Always) => clap::ColorChoice::Always,
        Some(ColorMode::Never) => clap::ColorChoice::Never,
        // clap's `auto` honours NO_COLOR, CLICOLOR and whether the stream is a terminal.
        Some(ColorMode::Auto) | None => clap::ColorChoice::Auto,
    };
    command()
        .color(choice)
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
        .map_err(|e| report_clap_error(&e, mode.unwrap_or(ColorMode::Auto)))
}

/// Prints a clap error or help as clap would, but usage errors start with `hcx: error:` like every other
/// error; returns the exit status.
fn report_clap_error(e: &clap::Error, mode: ColorMode) -> Exit {
    use clap::error::ErrorKind;
    match e.kind() {
        // Help and version go to stdout.
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return Exit::Clean;
        }
        // Help instead of an error, on stderr.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return Exit::Usage;
        }
        _ => {}
    }
    let rendered = e.render();
    let text = if mode.for_stderr() { rendered.ansi().to_string() } else { rendered.to_string() };
    // clap starts its message with `error:` (after its colour codes when colouring): name the program first.
    let text = match text.find("error:") {
        Some(i) if i == 0 || (text.starts_with('\x1b') && i < 32) => format!("{}hcx: {}", &text[..i], &text[i..]),
        _ => format!("hcx: error: {text}"),
    };
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes()).and_then(|()| stderr.flush());
    Exit::Usage
}

/// The clap command with the long version and the exit status table filled in.
pub fn command() -> clap::Command {
    Cli::command().long_version(long_version()).after_help(exit::help_text())
}

/// The last `--color WHEN` or `--color=WHEN` before a `--`; invalid values are left for clap to report.
fn scan_color(args: &[OsString]) -> Option<ColorMode> {
    let mut found = None;
    let mut iter = args.iter().skip(1).map(|a| a.to_str().unwrap_or_default());
    while let Some(arg) = iter.next() {
        let value = match arg {
            "--" => break,
            "--color" => iter.next(),
            _ => arg.strip_prefix("--color="),
        };
        if let Some(mode) = value.and_then(|v| ColorMode::from_str(v, false).ok()) {
            found = Some(mode);
        }
    }
    found
}

/// `hcx --version`: the package version, then the bundled catalog's schema, `as_of` date and digest (the
/// `sha256:` digest a plan records in `inputs.catalog`, so a saved plan can be matched to the binary's catalog).
pub fn long_version() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let catalog = Catalog::bundled();
        let digest = hcx_core::plan::catalog_digest(catalog).unwrap_or_else(|e| format!("unavailable ({e})"));
        format!("{}\ncatalog: {} as of {}, {digest}", env!("CARGO_PKG_VERSION"), catalog.data().schema, catalog.as_of())
    })
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (man1/hcx.1, man1/hcx-plan.1, ...) into this directory, a MANPATH entry,
    /// instead of printing hcx.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// `hcx completions SHELL`: the completion script on stdout.
pub fn completions(a: &CompletionsArgs) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut command(), "hcx", &mut script);
    let script = String::from_utf8(script)
        .map_err(|e| CliError::Input(format!("the {} completion script is not UTF-8: {e}", a.shell)))?;
    crate::out(&script)
}

/// The man section of every page.
const MAN_SECTION: &str = "1";

/// The command tree as the man pages show it: without clap's `help` subcommands, which get no page of their
/// own (`hcx help plan` is `hcx plan --help`).
fn man_command() -> clap::Command {
    fn without_help(cmd: clap::Command) -> clap::Command {
        cmd.disable_help_subcommand(true).mut_subcommands(without_help)
    }
    let mut cmd = without_help(command());
    cmd.build();
    cmd
}

/// One man page: clap_mangen's sections, then the exit status table; the subcommands it names are the pages
/// [`man_pages`] writes.
fn man_page(cmd: &clap::Command) -> Result<String, std::io::Error> {
    let man = clap_mangen::Man::new(cmd.clone())
        .section(MAN_SECTION)
        .source(format!("hcx {}", env!("CARGO_PKG_VERSION")))
        .manual("hcx manual");
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if cmd.get_subcommands().any(|c| !c.is_hide_set()) {
        man.render_subcommands_section(&mut page)?;
    }
    page.extend_from_slice(exit::roff().as_bytes());
    if cmd.get_version().or_else(|| cmd.get_long_version()).is_some() {
        man.render_version_section(&mut page)?;
    }
    let page = String::from_utf8(page).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    // Each section rendered alone starts with the same preamble (the apostrophe string): keep the first.
    let mut lines = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in page.lines() {
        if !(line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")) || seen.insert(line) {
            lines.push(line);
        }
    }
    Ok(lines.join("\n") + "\n")
}

/// Every page: `hcx.1`, then one per visible subcommand, depth first (`hcx-apply.1`, `hcx-apply-report.1`, ...),
/// as (file name, roff).
pub fn man_pages() -> Result<Vec<(String, String)>, CliError> {
    fn walk(cmd: &clap::Command, pages: &mut Vec<(String, String)>) -> Result<(), std::io::Error> {
        let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name());
        pages.push((format!("{name}.{MAN_SECTION}"), man_page(cmd)?));
        for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
            walk(sub, pages)?;
        }
        Ok(())
    }
    let mut pages = Vec::new();
    walk(&man_command(), &mut pages).map_err(|e| CliError::Input(format!("cannot render the man pages: {e}")))?;
    Ok(pages)
}

/// `hcx man`: the man page (roff) on stdout, or every page into `--out-dir DIR` as `DIR/man1/*.1`.
pub fn man(a: &ManArgs) -> Result<(), CliError> {
    let Some(dir) = &a.out_dir else {
        let page = man_page(&man_command()).map_err(|e| CliError::Input(format!("cannot render the man page: {e}")))?;
        return crate::out(&page);
    };
    let section = dir.join(format!("man{MAN_SECTION}"));
    let failed =
        |e: std::io::Error| CliError::Input(format!("cannot write the man pages to {}: {e}", section.display()));
    std::fs::create_dir_all(&section).map_err(failed)?;
    let pages = man_pages()?;
    for (name, page) in &pages {
        std::fs::write(section.join(name), page).map_err(failed)?;
    }
    eprintln!("hcx: wrote {} man pages to {}", pages.len(), section.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    fn os(s: &str) -> OsString {
        s.into()
    }

    #[test]
    fn auto_colours_only_a_terminal_without_no_color() {
        let (set, empty, dumb) = (os("1"), os(""), os("dumb"));
        assert!(ColorMode::Auto.enabled(None, None, true));
        assert!(!ColorMode::Auto.enabled(None, None, false));
        assert!(!ColorMode::Auto.enabled(Some(&set), None, true));
        // NO_COLOR counts only when it is not empty.
        assert!(ColorMode::Auto.enabled(Some(&empty), None, true));
        assert!(!ColorMode::Auto.enabled(None, Some(&dumb), true));
        assert!(ColorMode::Always.enabled(Some(&set), Some(&dumb), false));
        assert!(!ColorMode::Never.enabled(None, None, true));
    }

    #[test]
    fn verbosity_maps_to_levels() {
        assert_eq!(log_level(0, 0), LevelFilter::WARN);
        assert_eq!(log_level(0, 1), LevelFilter::ERROR);
        assert_eq!(log_level(0, 2), LevelFilter::OFF);
        assert_eq!(log_level(1, 0), LevelFilter::INFO);
        assert_eq!(log_level(2, 0), LevelFilter::DEBUG);
        assert_eq!(log_level(5, 0), LevelFilter::TRACE);
    }

    #[test]
    fn the_color_flag_is_scanned_before_parsing() {
        let args = |v: &[&str]| v.iter().map(|s| os(s)).collect::<Vec<_>>();
        assert_eq!(scan_color(&args(&["hcx", "plan"])), None);
        assert_eq!(scan_color(&args(&["hcx", "--color", "never", "plan"])), Some(ColorMode::Never));
        assert_eq!(scan_color(&args(&["hcx", "plan", "--color=always"])), Some(ColorMode::Always));
        assert_eq!(scan_color(&args(&["hcx", "--color=bogus"])), None);
        assert_eq!(scan_color(&args(&["hcx", "--", "--color=always"])), None);
    }

    #[test]
    fn the_long_version_names_the_bundled_catalog() {
        let digest = hcx_core::plan::catalog_digest(Catalog::bundled()).unwrap();
        assert!(digest.starts_with("sha256:") && digest.len() == 7 + 64, "{digest}");
        assert!(long_version().ends_with(&format!("as of {}, {digest}", Catalog::bundled().as_of())));
    }
}
