//! The shell integration of `hcx`: completions, the man page, `--version`, `--color`/`NO_COLOR`, `-v`/`-q`.
//!
//! `man` is needed for the man page test; it is skipped without it unless `HCX_REQUIRE_TOOLS` is set (as the
//! test command does after installing man-db).

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::process::Command;

mod common;

use common::{command as hcx, hcx as run, scratch, sim_endpoints, text};

fn tool_missing(tool: &str) -> bool {
    let found = Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().unwrap().status.success();
    if !found {
        assert!(std::env::var_os("HCX_REQUIRE_TOOLS").is_none(), "HCX_REQUIRE_TOOLS is set but {tool} is missing");
        eprintln!("note: {tool} not found; skipping");
    }
    !found
}

#[test]
fn version_names_the_catalog_date_and_digest() {
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    // The digest is the one a plan records for the catalog it was made with.
    let plan: serde_json::Value =
        serde_json::from_slice(&run(&["plan", "--date", "2026-11-28", "--format", "json"]).stdout).unwrap();
    let (digest, as_of) =
        (plan["inputs"]["catalog"].as_str().unwrap(), plan["inputs"]["catalog_as_of"].as_str().unwrap());
    assert!(digest.starts_with("sha256:"), "{digest}");
    assert_eq!(
        text(&o.stdout),
        format!("hcx {}\ncatalog: hcx-catalog/v1 as of {as_of}, {digest}\n", env!("CARGO_PKG_VERSION"))
    );
    // -V stays the short form.
    assert_eq!(text(&run(&["-V"]).stdout), format!("hcx {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_exist_for_every_shell_and_bash_sources_them() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", text(&o.stderr));
        let script = text(&o.stdout);
        assert!(script.contains("plan") && script.contains("completions") && script.contains("color"), "{shell}");
    }
    let dir = scratch("completions");
    let file = dir.join("hcx.bash");
    std::fs::write(&file, run(&["completions", "bash"]).stdout).unwrap();
    // Sourcing registers the completion function; calling it completes the subcommands.
    let script = r#"set -eu
source "$1"
complete -p hcx
COMP_WORDS=(hcx pl); COMP_CWORD=1; COMP_LINE="hcx pl"; COMP_POINT=${#COMP_LINE}
_hcx hcx pl hcx
printf 'reply: %s\n' "${COMPREPLY[@]}""#;
    let o = Command::new("bash").args(["-c", script, "bash"]).arg(&file).output().unwrap();
    let out = text(&o.stdout);
    assert!(o.status.success(), "sourcing failed:\n{out}\n{}", text(&o.stderr));
    assert!(out.contains("-F _hcx hcx"), "{out}");
    assert!(out.contains("reply: plan"), "{out}");
    assert!(!out.contains("reply: check"), "{out}");
}

#[test]
fn zsh_and_fish_parse_their_scripts_where_installed() {
    for (shell, check) in [("zsh", vec!["-n"]), ("fish", vec!["--no-execute"])] {
        if Command::new("sh").args(["-c", &format!("command -v {shell}")]).output().unwrap().status.success() {
            let dir = scratch(shell);
            let file = dir.join(format!("hcx.{shell}"));
            std::fs::write(&file, run(&["completions", shell]).stdout).unwrap();
            let o = Command::new(shell).args(&check).arg(&file).output().unwrap();
            assert!(o.status.success(), "{shell}: {}", text(&o.stderr));
        }
    }
}

#[test]
fn the_man_page_renders_with_man_l() {
    let dir = scratch("man");
    let page = dir.join("hcx.1");
    let o = run(&["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    std::fs::write(&page, &o.stdout).unwrap();
    assert!(text(&o.stdout).starts_with(".ie"), "roff expected");

    let pages = dir.join("pages");
    let o = run(&["man", "--out-dir", pages.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // A MANPATH entry: the pages go into its section directory.
    for name in ["hcx.1", "hcx-plan.1", "hcx-completions.1", "hcx-man.1"] {
        assert!(pages.join("man1").join(name).is_file(), "no man1/{name}");
    }

    if tool_missing("man") {
        return;
    }
    let o = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    let shown = text(&o.stdout);
    assert!(o.status.success(), "man -l failed: {}", text(&o.stderr));
    for heading in ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS", "EXIT STATUS", "STREAMS", "VERSION"] {
        assert!(shown.contains(heading), "no {heading} in:\n{shown}");
    }
    assert!(shown.contains("completions") && shown.contains("--color"), "{shown}");
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let bad = ["path", "1", "2"];
    let plain = run(&bad);
    assert_eq!(plain.status.code(), Some(2));
    // Not a terminal: `auto` gives plain text.
    assert!(text(&plain.stderr).starts_with("hcx: error: invalid hcx version"), "{}", text(&plain.stderr));

    let coloured = run(&["--color", "always", "path", "1", "2"]);
    assert_eq!(coloured.status.code(), Some(2));
    assert!(text(&coloured.stderr).starts_with("\x1b[1;31mhcx: error:\x1b[0m invalid hcx version"));
    // An explicit `always` wins over NO_COLOR; `never` and `auto` do not colour.
    let forced = hcx().args(["path", "1", "2", "--color=always"]).env("NO_COLOR", "1").output().unwrap();
    assert!(text(&forced.stderr).contains("\x1b["));
    let never = run(&["--color", "never", "path", "1", "2"]);
    assert!(!text(&never.stderr).contains('\x1b'));
    let env = hcx().args(["path", "1", "2"]).env("NO_COLOR", "1").output().unwrap();
    assert!(!text(&env.stderr).contains('\x1b'));

    let invalid = run(&["--color", "sometimes", "path", "4.3.3", "4.10.3"]);
    assert_eq!(invalid.status.code(), Some(2));
    assert!(text(&invalid.stderr).contains("sometimes"));
}

#[test]
fn verbose_shows_debug_events_and_conflicts_with_quiet() {
    let args = ["path", "4.3.3", "4.10.3"];
    let normal = run(&args);
    assert_eq!(normal.status.code(), Some(0));
    assert_eq!(text(&normal.stderr), "");
    let debug = hcx().arg("-vv").args(args).output().unwrap();
    assert_eq!(debug.status.code(), Some(0));
    assert!(text(&debug.stderr).contains("DEBUG") && text(&debug.stderr).contains("sha256"), "{}", text(&debug.stderr));
    assert_eq!(debug.stdout, normal.stdout, "logs never go to stdout");
    assert!(!text(&hcx().arg("-v").args(args).output().unwrap().stderr).contains("DEBUG"));
    let filtered = hcx().args(args).env("HCX_LOG", "debug").output().unwrap();
    assert!(text(&filtered.stderr).contains("DEBUG"));
    assert_eq!(run(&["-v", "-q", "path", "4.3.3", "4.10.3"]).status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_drops_warnings_but_keeps_the_error() {
    let (_sim, endpoints, _) = sim_endpoints("quiet").await;
    let discover = move |extra: &'static [&'static str]| {
        let e = endpoints.clone();
        tokio::task::spawn_blocking(move || {
            hcx()
                .args(extra)
                .args(["discover", "--endpoints", e.to_str().unwrap()])
                .env("HCX_PASSWORD", "wrong-secret-value")
                .output()
                .unwrap()
        })
    };
    let normal = discover(&[]).await.unwrap();
    let quiet = discover(&["-q"]).await.unwrap();
    for o in [&normal, &quiet] {
        assert_eq!(o.status.code(), Some(2));
        assert!(text(&o.stderr).contains("hcx: error:"), "{}", text(&o.stderr));
        assert!(!text(&o.stderr).contains("wrong-secret-value"));
    }
    assert!(text(&normal.stderr).contains("WARN"), "{}", text(&normal.stderr));
    assert!(!text(&quiet.stderr).contains("WARN"), "{}", text(&quiet.stderr));
}
