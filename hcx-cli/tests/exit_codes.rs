//! Exit codes and streams are a contract: each code of `hcx_cli::exit::Exit` (except `apply`'s, in
//! `apply_streams.rs`), clap's usage errors, where results and diagnostics go, and the man pages.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use std::process::Stdio;

use common::{assert_exit, hcx, s, scratch, stderr, stdout, temp_file as temp};
use hcx_cli::exit::Exit;

/// The plan date of every test: never today.
const DATE: &str = "2026-11-28";

#[test]
fn exit_0_clean_and_1_findings_at_the_fail_on_level() {
    // The sample plan has warnings and no blockers.
    assert_exit(&hcx(&["check", "--date", DATE]), Exit::Clean);
    let o = hcx(&["check", "--date", DATE, "--fail-on", "warning"]);
    assert_exit(&o, Exit::Findings);
    assert!(stderr(&o).contains("failing on warning (exit code 1)"), "{}", stderr(&o));
}

#[test]
fn clap_usage_errors_exit_2_with_the_hcx_error_prefix() {
    let o = hcx(&["--bogus"]);
    assert_exit(&o, Exit::Usage);
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.starts_with("hcx: error: unexpected argument '--bogus' found\n"), "{err}");
    assert!(err.contains("\nUsage: hcx [OPTIONS] <COMMAND>\n"), "{err}");
    assert!(err.contains("For more information, try '--help'."), "{err}");

    let o = hcx(&["plan", "--bogus"]);
    assert_exit(&o, Exit::Usage);
    let err = stderr(&o);
    assert!(err.starts_with("hcx: error: unexpected argument '--bogus' found\n"), "{err}");
    assert!(err.contains("Usage: hcx plan [OPTIONS]"), "{err}");

    // A bad value, a missing subcommand, a missing argument: the same prefix, the same code.
    for (args, first) in [
        (&["plan", "--fail-on", "sometimes"][..], "hcx: error: invalid value 'sometimes' for '--fail-on <FAIL_ON>'"),
        (&["catalog", "frobnicate"][..], "hcx: error: unrecognized subcommand 'frobnicate'"),
        (&["path", "4.11.3"][..], "hcx: error: the following required arguments were not provided:"),
    ] {
        let o = hcx(args);
        assert_exit(&o, Exit::Usage);
        assert!(stderr(&o).starts_with(first), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }

    // No command at all: the help, on stderr, as a usage error.
    let o = hcx(&[]);
    assert_exit(&o, Exit::Usage);
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("Usage: hcx [OPTIONS] <COMMAND>"), "{}", stderr(&o));

    // Coloured, the prefix is red like every other error.
    let o = hcx(&["--color", "always", "--bogus"]);
    assert_exit(&o, Exit::Usage);
    assert!(stderr(&o).starts_with("\x1b[1m\x1b[31mhcx: error:"), "{:?}", stderr(&o));
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    let o = hcx(&["--help"]);
    assert_exit(&o, Exit::Clean);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let help = stdout(&o);
    assert!(help.contains("Usage: hcx [OPTIONS] <COMMAND>"), "{help}");
    // The exit status table, from the one place it is written.
    assert!(help.contains(&hcx_cli::exit::help_text()), "{help}");
    for e in Exit::ALL {
        assert!(help.contains(&format!("  {:>3}  {}: ", e.code(), e.name())), "{e:?}: {help}");
    }
    assert_exit(&hcx(&["-h"]), Exit::Clean);
    assert_exit(&hcx(&["plan", "--help"]), Exit::Clean);
    assert_exit(&hcx(&["help", "plan"]), Exit::Clean);

    let o = hcx(&["--version"]);
    assert_exit(&o, Exit::Clean);
    assert!(stdout(&o).starts_with(&format!("hcx {}\n", env!("CARGO_PKG_VERSION"))), "{}", stdout(&o));
    assert!(stderr(&o).is_empty());
}

#[test]
fn bad_input_exits_2_and_prints_nothing_on_stdout() {
    let o = hcx(&["plan", "--fleet", "/nonexistent/fleet.json", "--date", DATE]);
    assert_exit(&o, Exit::Usage);
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("\nhcx: error: invalid fleet /nonexistent/fleet.json: "), "{}", stderr(&o));
}

#[test]
fn catalog_show_of_an_unknown_release_exits_2() {
    let o = hcx(&["catalog", "show", "4.99.0", "--date", DATE]);
    assert_exit(&o, Exit::Usage);
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let as_of = hcx_core::Catalog::bundled().as_of();
    assert_eq!(
        stderr(&o),
        format!("hcx: error: 4.99.0 is not a release known to the catalog (as of {as_of}): `hcx catalog` lists them\n")
    );
    // A release inside a documented source range is known to the rules, if not listed: still shown.
    let o = hcx(&["catalog", "show", "4.6.0", "--date", DATE]);
    assert_exit(&o, Exit::Clean);
    assert!(stdout(&o).contains("the rules below cover it as a source"), "{}", stdout(&o));
    assert_exit(&hcx(&["catalog", "show", "4.11.5", "--date", DATE]), Exit::Clean);
    assert_exit(&hcx(&["catalog", "show", "four", "--date", DATE]), Exit::Usage);
}

#[test]
fn diff_exits_1_when_the_plans_differ_and_0_when_equal() {
    let dir = scratch("diff-plans");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    for (file, target) in [(&a, "validated"), (&b, "latest")] {
        let o = hcx(&["plan", "--date", DATE, "--target", target, "--out", s(file)]);
        assert_exit(&o, Exit::Clean);
    }
    let o = hcx(&["diff", s(&a), s(&a)]);
    assert_exit(&o, Exit::Clean);
    assert!(stdout(&o).starts_with("plan diff: "), "{}", stdout(&o));
    let o = hcx(&["diff", s(&a), s(&b)]);
    assert_exit(&o, Exit::Findings);
    assert!(stdout(&o).contains("target_reason"), "the differences are the result, on stdout: {}", stdout(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let o = hcx(&["diff", s(&a), s(&b), "--format", "json"]);
    assert_exit(&o, Exit::Findings);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["fields"].as_array().unwrap().iter().any(|f| f["field"] == "target_reason"), "{v}");
    assert_exit(&hcx(&["diff", s(&a), "/nonexistent/plan.json"]), Exit::Usage);
}

#[test]
fn catalog_diff_exits_1_when_the_catalogs_differ_and_0_when_equal() {
    let a = temp("catalog-same.json", hcx_core::Catalog::bundled_json());
    assert_exit(&hcx(&["catalog", "diff", s(&a), s(&a)]), Exit::Clean);
    let mut doc: serde_json::Value = serde_json::from_str(hcx_core::Catalog::bundled_json()).unwrap();
    doc["releases"].as_array_mut().unwrap().retain(|r| r["version"] != "4.0.1");
    let b = temp("catalog-other.json", &doc.to_string());
    let o = hcx(&["catalog", "diff", s(&a), s(&b)]);
    assert_exit(&o, Exit::Findings);
    assert!(stdout(&o).contains("removed releases 4.0.1"), "{}", stdout(&o));
}

#[test]
fn a_plan_redirected_to_a_file_is_the_plan_alone() {
    let dir = scratch("plan-redirect");
    let file = dir.join("plan.json");
    let o = common::command()
        .args(["plan", "--date", DATE, "--format", "json"])
        .stdout(Stdio::from(std::fs::File::create(&file).unwrap()))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_exit(&o, Exit::Clean);
    let saved = std::fs::read_to_string(&file).unwrap();
    let plan = hcx_core::plan::Plan::from_json(&saved).unwrap();
    assert!(plan.verify_digest().is_ok());
    // The diagnostics went to the terminal, not into the file.
    let err = stderr(&o);
    assert!(err.contains("hcx: catalog: bundled") && err.contains("bundled sample fleet"), "{err}");
    assert!(!saved.contains("hcx: "), "{saved}");
}

#[test]
fn man_out_dir_writes_a_manpath_with_every_page_it_references() {
    let dir = scratch("man");
    let o = hcx(&["man", "--out-dir", s(&dir)]);
    assert_exit(&o, Exit::Clean);
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    let man1 = dir.join("man1");
    let mut written: Vec<String> =
        std::fs::read_dir(&man1).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    written.sort();
    // Nothing but the section directory at the top.
    let top: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(top, ["man1"]);
    for page in ["hcx.1", "hcx-plan.1", "hcx-apply.1", "hcx-apply-report.1", "hcx-catalog-show.1", "hcx-man.1"] {
        assert!(written.iter().any(|w| w == page), "{page} missing from {written:?}");
    }
    assert!(!written.iter().any(|w| w.contains("help")), "{written:?}");
    for page in &written {
        assert!(page.ends_with(".1"), "{page}");
        let text = std::fs::read_to_string(man1.join(page)).unwrap();
        let title = format!("\n.TH {} 1 ", page.trim_end_matches(".1"));
        assert!(text.contains(&title), "{page}: {text}");
        assert_eq!(text.matches(".ds Aq").count(), 2, "one preamble: {page}");
        assert!(text.contains(".SH \"EXIT STATUS\"\n"), "{page}");
        // Every `hcx-...(1)` a page names is a page written.
        let plain = text.replace("\\-", "-");
        assert!(!plain.contains("help(1)"), "{page}");
        for (i, _) in plain.match_indices("(1)") {
            let name_start = plain[..i].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).map_or(0, |j| j + 1);
            let name = &plain[name_start..i];
            if name.starts_with("hcx") {
                assert!(written.contains(&format!("{name}.1")), "{page} refers to {name}(1), which is not written");
            }
        }
    }
    let root = std::fs::read_to_string(man1.join("hcx.1")).unwrap();
    assert!(root.contains("hcx\\-plan(1)"), "{root}");
    assert!(root.contains(".TP\n\\fB4\\fR\ndrift: "), "{root}");

    // `hcx man` alone prints hcx.1, which names no help page either.
    let o = hcx(&["man"]);
    assert_exit(&o, Exit::Clean);
    assert_eq!(stdout(&o), root);
}
