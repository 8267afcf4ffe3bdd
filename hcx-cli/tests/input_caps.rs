//! Every file `hcx` reads is read under a cap, with the fleet's error: a path to something that never ends
//! (`/dev/zero`) or a huge file is refused with exit 2, naming the file and the cap, instead of being read
//! until memory runs out. Without the caps, each `/dev/zero` case here would read forever.

#![cfg(unix)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use std::path::{Path, PathBuf};

use common::{assert_exit, command, hcx, repo_path, s, scratch, stderr};
use hcx_cli::exit::Exit;

/// The fleet's own message for an input over the cap (hcx-core's `InputError::TooLarge`).
const OVER_THE_CAP: &str = "input is larger than the cap of";

/// Runs `hcx ARGS` with a password for every manager (the endpoints files below need one before connecting).
fn hcx_pw(args: &[&str]) -> std::process::Output {
    command().args(args).env("HCX_PASSWORD", "secret").output().unwrap()
}

/// Asserts a refusal with exit 2 whose message names `what` and the cap.
#[track_caller]
fn assert_capped(o: &std::process::Output, what: &str, cap: &str) {
    assert_exit(o, Exit::Usage);
    let err = stderr(o);
    assert!(err.contains(&format!("hcx: error: {what}: {OVER_THE_CAP} {cap}")), "{err}");
}

/// An endpoints file naming one manager that is never contacted (the refusals come first).
fn endpoints(dir: &Path) -> PathBuf {
    let f = dir.join("endpoints.json");
    let text = r#"{"schema":"hcx-endpoints/v1","endpoints":[
        {"site":"dc1","url":"https://127.0.0.1:9","role":"connector","platform":"on-prem","username":"u"}]}"#;
    std::fs::write(&f, text).unwrap();
    f
}

/// A saved plan of the multi-site example fleet.
fn saved_plan(dir: &Path) -> PathBuf {
    let f = dir.join("plan.json");
    let fleet = repo_path("examples/fleets/multi-site.json");
    let o = hcx(&["plan", "--fleet", s(&fleet), "--date", "2026-12-01", "--out", s(&f), "--fail-on", "warning"]);
    assert!(f.is_file(), "{}", stderr(&o));
    f
}

#[test]
fn a_catalog_file_is_capped() {
    assert_capped(&hcx(&["plan", "--catalog", "/dev/zero"]), "cannot read catalog /dev/zero", "64 MiB");
    assert_capped(
        &hcx(&["path", "4.9.0", "4.11.4", "--catalog", "/dev/zero"]),
        "cannot read catalog /dev/zero",
        "64 MiB",
    );
    assert_capped(&hcx(&["catalog", "validate", "/dev/zero"]), "cannot read catalog /dev/zero", "64 MiB");
    let bundled = repo_path("hcx-core/data/catalog.json");
    assert_capped(&hcx(&["catalog", "diff", s(&bundled), "/dev/zero"]), "cannot read catalog /dev/zero", "64 MiB");
    // A regular file over the cap is refused from its size, without reading it (sparse: no disk used).
    let big = scratch("big-catalog").join("catalog.json");
    std::fs::File::create(&big).unwrap().set_len(65 << 20).unwrap();
    assert_capped(&hcx(&["plan", "--catalog", s(&big)]), &format!("cannot read catalog {}", big.display()), "64 MiB");
}

#[test]
fn a_saved_plan_is_capped() {
    assert_capped(&hcx(&["show", "/dev/zero"]), "cannot read the plan /dev/zero", "256 MiB");
    let dir = scratch("saved-plan");
    let plan = saved_plan(&dir);
    assert_capped(&hcx(&["diff", s(&plan), "/dev/zero"]), "cannot read the plan /dev/zero", "256 MiB");
    // The cap of show and diff is --max-input-bytes, which the message names.
    let o = hcx(&["show", s(&plan), "--max-input-bytes", "1000"]);
    assert_capped(&o, &format!("cannot read the plan {}", plan.display()), "1000 bytes");
    assert!(stderr(&o).contains("(--max-input-bytes)"), "{}", stderr(&o));
    assert_exit(&hcx(&["show", s(&plan)]), Exit::Clean);
    let o = hcx_pw(&["apply", "/dev/zero", "--endpoints", s(&endpoints(&dir))]);
    assert_capped(&o, "cannot read plan /dev/zero", "256 MiB");
}

#[test]
fn an_endpoints_file_is_capped() {
    assert_capped(&hcx_pw(&["discover", "--endpoints", "/dev/zero"]), "cannot read endpoints file /dev/zero", "64 MiB");
    let plan = saved_plan(&scratch("endpoints"));
    let o = hcx_pw(&["apply", s(&plan), "--endpoints", "/dev/zero"]);
    assert_capped(&o, "cannot read endpoints file /dev/zero", "64 MiB");
}

#[test]
fn a_ca_bundle_is_capped() {
    let dir = scratch("ca-cert");
    let ep = endpoints(&dir);
    let plan = saved_plan(&dir);
    for args in [
        vec!["discover", "--endpoints", s(&ep), "--ca-cert", "/dev/zero"],
        vec!["plan", "--discover", s(&ep), "--ca-cert", "/dev/zero"],
        vec!["apply", s(&plan), "--endpoints", s(&ep), "--ca-cert", "/dev/zero"],
    ] {
        assert_capped(&hcx_pw(&args), "--ca-cert /dev/zero", "4 MiB");
    }
}
