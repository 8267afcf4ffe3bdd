//! The README is tested: every command block of `README.md`, `docs/*.md` and `examples/*/README.md` runs here,
//! or is marked as not run, with the reason next to it.
//!
//! A fenced block's info string says what happens to it:
//!
//! - ` ```console `: a transcript. [trycmd] runs every `$ ` line with the `hcx` built for this test (`NAME=VALUE`
//!   before the command sets the environment) and compares what it prints, stdout and stderr together, with the
//!   lines below it. `? N` under a command is its expected exit code (no line: 0). In the expected output, `...`
//!   alone on a line stands for any lines, and `[..]` for any text within a line: digests of discovered fleets
//!   (they record the simulator's ports), timestamps, task ids. The blocks of one file run in order, in one
//!   scratch directory whose top level links to the repository's (so `examples/fleets/multi-site.json` is found
//!   and files a command writes stay in the scratch directory).
//! - ` ```sh simulator `: lines that start simulators in the background
//!   (`cargo run -q -p hcx-sim -- --scenario FILE [--time-scale N] [--port 0] --write-endpoints FILE &`). This
//!   test starts the same scenarios in process, with the same options, before the file's transcripts run, and
//!   writes the endpoints files into their scratch directory.
//! - ` ```sh `: a shell snippet. bash runs it (`set -eo pipefail`) in a scratch directory like the transcripts',
//!   with the `hcx` built for this test first on `PATH`, `HOME` in the scratch directory, and
//!   `cargo run -q -p hcx-cli -- ARGS` standing for `hcx ARGS`. It must exit 0 (` ```sh exit=0|1 ` allows the
//!   codes listed), and every file it writes with `> FILE`, `--out FILE` or `hcx man --out-dir DIR`
//!   (`DIR/man1/hcx.1`) must exist and not be empty. A snippet that calls `man` is skipped without it, unless
//!   `HCX_REQUIRE_TOOLS` is set (the test command sets it after installing man-db).
//! - ` ```sh not-run `: shown, never run here; the text next to the block says why and what runs it instead
//!   (installs, the test command itself, builds of the C library).
//! - any other info string (`json`, `rust`, `python`, `text`, ...) is not a command. A block of them that starts
//!   with `$ ` is refused (a transcript must be a `console` block), and so is a fence without an info string
//!   (trycmd would run it).
//!
//! After a change of output, regenerate the transcripts in place and review the diff:
//!
//! ```text
//! TRYCMD=overwrite cargo test -p hcx-cli --test readme
//! ```
//!
//! (trycmd keeps the `...` and `[..]` elisions that still match.)
//!
//! [trycmd]: https://docs.rs/trycmd

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

/// A fenced block of a Markdown file.
#[derive(Debug)]
struct Block {
    /// The file, relative to the repository.
    file: String,
    /// The line of the opening fence (1-based).
    line: usize,
    /// The language: the first word of the info string (empty for a bare fence).
    lang: String,
    /// The other words of the info string.
    attrs: Vec<String>,
    /// The lines between the fences.
    body: Vec<String>,
}

impl Block {
    fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    fn has(&self, attr: &str) -> bool {
        self.attrs.iter().any(|a| a == attr)
    }

    /// The exit codes a `sh` block may end with.
    fn allowed_exits(&self) -> BTreeSet<i32> {
        match self.attrs.iter().find_map(|a| a.strip_prefix("exit=")) {
            Some(list) => list.split('|').map(|c| c.parse().expect("exit=N|M")).collect(),
            None => BTreeSet::from([0]),
        }
    }
}

/// The repository's root.
fn root() -> PathBuf {
    common::repo_path("").canonicalize().unwrap()
}

/// The documents whose command blocks are tested, relative to the repository.
fn documents() -> Vec<String> {
    let root = root();
    let mut files = vec!["README.md".to_owned()];
    let mut more = Vec::new();
    if let Ok(dir) = std::fs::read_dir(root.join("docs")) {
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") {
                more.push(format!("docs/{name}"));
            }
        }
    }
    for e in std::fs::read_dir(root.join("examples")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().join("README.md").is_file() {
            more.push(format!("examples/{name}/README.md"));
        }
    }
    more.sort();
    files.extend(more);
    files
}

/// The fenced blocks of `file` (fences at the start of a line, three or more backticks).
fn blocks(file: &str) -> Vec<Block> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let mut out = Vec::new();
    let mut open: Option<(String, Block)> = None;
    for (i, line) in text.lines().enumerate() {
        let ticks = line.chars().take_while(|&c| c == '`').count();
        match &mut open {
            None if ticks >= 3 => {
                let mut words = line[ticks..].split_whitespace().map(str::to_owned);
                let lang = words.next().unwrap_or_default();
                let block =
                    Block { file: file.to_owned(), line: i + 1, lang, attrs: words.collect(), body: Vec::new() };
                open = Some((line[..ticks].to_owned(), block));
            }
            None => {}
            Some((fence, block)) => {
                if line.starts_with(fence.as_str()) && line[fence.len()..].trim().is_empty() {
                    out.push(open.take().unwrap().1);
                } else {
                    block.body.push(line.to_owned());
                }
            }
        }
    }
    assert!(open.is_none(), "{file}: a fenced block is never closed");
    out
}

#[test]
fn every_command_block_is_run_or_marked_not_run() {
    let mut problems = Vec::new();
    for file in documents() {
        for b in blocks(&file) {
            let first = b.body.iter().find(|l| !l.trim().is_empty()).map(String::as_str).unwrap_or("");
            match b.lang.as_str() {
                "" => problems.push(format!(
                    "{}: a fence without an info string (trycmd would run it): say console, sh, sh not-run or the language",
                    b.at()
                )),
                "console" => {
                    if !b.attrs.is_empty() || !first.starts_with("$ ") {
                        problems.push(format!("{}: a console block is a transcript: `$ ` lines, no attributes", b.at()));
                    }
                }
                "sh" => {
                    for a in &b.attrs {
                        let known = a == "not-run"
                            || a == "simulator"
                            || a.strip_prefix("exit=").is_some_and(|l| l.split('|').all(|c| c.parse::<i32>().is_ok()));
                        if !known {
                            problems.push(format!("{}: unknown attribute {a:?} (not-run, simulator, exit=N|M)", b.at()));
                        }
                    }
                }
                _ => {
                    if first.starts_with("$ ") {
                        problems.push(format!("{}: a transcript in a {:?} block: make it a console block", b.at(), b.lang));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "the README's blocks:\n{}", problems.join("\n"));
}

/// Makes `dir` an empty directory with the repository's top level linked into it.
fn scratch_like_repo(dir: &Path) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    std::fs::create_dir_all(dir).unwrap();
    let root = root();
    for e in std::fs::read_dir(&root).unwrap().flatten() {
        let name = e.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        std::os::unix::fs::symlink(e.path(), dir.join(&name)).unwrap();
    }
}

/// A directory name for `file` (`examples/fleets/README.md` -> `examples-fleets-README`).
fn flat(file: &str) -> String {
    file.trim_end_matches(".md").replace('/', "-")
}

/// One simulator line of a `sh simulator` block.
#[derive(Debug, PartialEq)]
struct SimLine {
    scenario: String,
    endpoints: String,
    time_scale: Option<f64>,
}

fn parse_sim_line(at: &str, line: &str) -> Option<SimLine> {
    let line = line.split(" #").next().unwrap().trim();
    if line.is_empty() {
        return None;
    }
    let line =
        line.strip_suffix('&').unwrap_or_else(|| panic!("{at}: a simulator runs in the background (`&`)")).trim();
    let args = line
        .strip_prefix("cargo run -q -p hcx-sim --")
        .or_else(|| line.strip_prefix("hcx-sim"))
        .unwrap_or_else(|| panic!("{at}: not a simulator line: {line}"));
    let mut words = args.split_whitespace();
    let (mut scenario, mut endpoints, mut time_scale) = (None, None, None);
    while let Some(w) = words.next() {
        let mut value = || words.next().unwrap_or_else(|| panic!("{at}: {w} needs a value")).to_owned();
        match w {
            "--scenario" => scenario = Some(value()),
            "--write-endpoints" => endpoints = Some(value()),
            "--time-scale" => time_scale = Some(value().parse().unwrap_or_else(|_| panic!("{at}: --time-scale N"))),
            "--port" => assert_eq!(value(), "0", "{at}: the test gives every manager an ephemeral port"),
            _ => panic!("{at}: this test does not know the simulator option {w}; teach parse_sim_line"),
        }
    }
    Some(SimLine {
        scenario: scenario.unwrap_or_else(|| panic!("{at}: --scenario FILE")),
        endpoints: endpoints.unwrap_or_else(|| panic!("{at}: --write-endpoints FILE")),
        time_scale,
    })
}

#[test]
fn simulator_lines_parse() {
    let line = "cargo run -q -p hcx-sim -- --scenario s.json --time-scale 600 --write-endpoints e.json &  # note";
    assert_eq!(
        parse_sim_line("t", line),
        Some(SimLine { scenario: "s.json".into(), endpoints: "e.json".into(), time_scale: Some(600.0) })
    );
    assert_eq!(parse_sim_line("t", "   "), None);
}

/// Starts the simulators of `file`'s `sh simulator` blocks (as the `hcx-sim` binary would: the scenario's own
/// time scale unless the line gives one), writing their endpoints files into `cwd`.
fn start_simulators(rt: &tokio::runtime::Runtime, file: &str, cwd: &Path) -> Vec<Simulator> {
    let mut sims = Vec::new();
    for b in blocks(file).into_iter().filter(|b| b.lang == "sh" && b.has("simulator")) {
        for (i, line) in b.body.iter().enumerate() {
            let at = format!("{}:{}", b.file, b.line + 1 + i);
            let Some(sim) = parse_sim_line(&at, line) else { continue };
            let scenario = Scenario::load(root().join(&sim.scenario)).unwrap_or_else(|e| panic!("{at}: {e}"));
            let scale = sim.time_scale.unwrap_or(scenario.timing.time_scale);
            let started = rt
                .block_on(Simulator::start(scenario, PortPlan::Ephemeral, SimClock::real(scale)))
                .unwrap_or_else(|e| panic!("{at}: {e}"));
            started.write_endpoints(&cwd.join(&sim.endpoints)).unwrap();
            sims.push(started);
        }
    }
    sims
}

#[test]
fn transcripts() {
    let exit_table = check_exit_code_table();
    if let Some(e) = &exit_table {
        eprintln!("{e}");
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let cases = trycmd::TestCases::new();
    cases.register_bin("hcx", PathBuf::from(env!("CARGO_BIN_EXE_hcx")));
    let mut sims = Vec::new();
    for file in documents() {
        if !blocks(&file).iter().any(|b| b.lang == "console") {
            continue;
        }
        // trycmd runs `NAME.md` in `NAME.in/` when that directory exists; NAME.md links to the document, so
        // `TRYCMD=overwrite` writes the new output into the document itself.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme").join(flat(&file));
        let name = Path::new(&file).file_stem().unwrap().to_string_lossy().into_owned();
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        let cwd = dir.join(format!("{name}.in"));
        scratch_like_repo(&cwd);
        let link = dir.join(format!("{name}.md"));
        std::os::unix::fs::symlink(root().join(&file), &link).unwrap();
        sims.extend(start_simulators(&rt, &file, &cwd));
        cases.case(link);
    }
    cases.run();
    drop(sims);
    assert!(exit_table.is_none(), "{}", exit_table.unwrap_or_default());
}

/// The files a shell line writes: `> FILE`, `--out FILE`, and `hcx man --out-dir DIR`'s `DIR/man1/hcx.1`.
fn written_files(line: &str, home: &Path) -> Vec<PathBuf> {
    let line = line.split(" #").next().unwrap();
    let words: Vec<&str> = line.split_whitespace().collect();
    let expand = |w: &str| match w.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None => PathBuf::from(w),
    };
    let mut files = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        match (*w, next) {
            (">" | "--out", Some(f)) if !f.starts_with("/dev/") => files.push(expand(f)),
            ("--out-dir", Some(d)) if line.contains("hcx man") => files.push(expand(d).join("man1/hcx.1")),
            _ => {}
        }
    }
    files
}

#[test]
fn shell_blocks() {
    let hcx_dir = Path::new(env!("CARGO_BIN_EXE_hcx")).parent().unwrap().to_owned();
    let path = format!("{}:{}", hcx_dir.display(), std::env::var("PATH").unwrap_or_default());
    let man_found = Command::new("sh").args(["-c", "command -v man"]).output().unwrap().status.success();
    let mut ran = 0;
    for file in documents() {
        for (n, b) in blocks(&file).into_iter().enumerate() {
            if b.lang != "sh" || b.has("not-run") || b.has("simulator") {
                continue;
            }
            let calls_man = b.body.iter().any(|l| l.split_whitespace().any(|w| w == "man"));
            if calls_man && !man_found {
                assert!(
                    std::env::var_os("HCX_REQUIRE_TOOLS").is_none(),
                    "{}: HCX_REQUIRE_TOOLS is set but man is missing",
                    b.at()
                );
                eprintln!("note: {}: man not found; skipping this block", b.at());
                continue;
            }
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-sh").join(format!("{}-{n}", flat(&file)));
            scratch_like_repo(&dir);
            let home = dir.join("home");
            std::fs::create_dir(&home).unwrap();
            let script = format!(
                "set -eo pipefail\n\
                 cargo() {{\n\
                 \x20   if [[ \"$1 $2 $3 $4 $5\" == 'run -q -p hcx-cli --' ]]; then shift 5; hcx \"$@\"; return; fi\n\
                 \x20   echo \"readme test: only 'cargo run -q -p hcx-cli --' runs here, not: cargo $*\" >&2; return 99\n\
                 }}\n{}\n",
                b.body.join("\n")
            );
            let out = Command::new("bash")
                .args(["-c", &script, "bash"])
                .current_dir(&dir)
                .env("PATH", &path)
                .env("HOME", &home)
                .env("MANPAGER", "cat")
                .env("PAGER", "cat")
                // man-db's seccomp sandbox refuses the shared memory of a preloaded libfaketime (the clock stage
                // of the test command), and its pipeline then fails with 127.
                .env("MAN_DISABLE_SECCOMP", "1")
                .env_remove("HCX_LOG")
                .env_remove("HCX_PASSWORD")
                .output()
                .unwrap();
            let code = out.status.code().unwrap_or(-1);
            assert!(
                b.allowed_exits().contains(&code),
                "{}: exit {code}, expected one of {:?}\n--- stdout\n{}\n--- stderr\n{}",
                b.at(),
                b.allowed_exits(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            for line in &b.body {
                for f in written_files(line, &home) {
                    let f = dir.join(f);
                    let len = std::fs::metadata(&f).map(|m| m.len()).unwrap_or(0);
                    assert!(len > 0, "{}: `{line}` should have written {}", b.at(), f.display());
                }
            }
            ran += 1;
        }
    }
    assert!(ran > 0, "no sh block ran: the README's shell snippets are gone?");
}

/// The README's exit-code table is the one `hcx --help` and the man page print (`hcx_cli::exit`), between
/// `<!-- exit-codes:start -->` and `<!-- exit-codes:end -->`; `TRYCMD=overwrite` rewrites it too. Returns what
/// differs. (Called by [`transcripts`], before trycmd runs, so two writers never rewrite the README at once.)
fn check_exit_code_table() -> Option<String> {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (open, close) = ("<!-- exit-codes:start -->\n", "<!-- exit-codes:end -->");
    let a = text.find(open).expect("README.md: <!-- exit-codes:start --> is missing") + open.len();
    let b = a + text[a..].find(close).expect("README.md: <!-- exit-codes:end --> is missing");
    let want = format!("\n{}\n", hcx_cli::exit::markdown());
    if text[a..b] == want {
        return None;
    }
    if std::env::var("TRYCMD").as_deref() == Ok("overwrite") {
        std::fs::write(&path, format!("{}{want}{}", &text[..a], &text[b..])).unwrap();
        return None;
    }
    Some(format!(
        "README.md's exit-code table differs from hcx_cli::exit::markdown() (TRYCMD=overwrite rewrites it):\n\
         --- README\n{}\n--- hcx\n{want}",
        &text[a..b]
    ))
}
