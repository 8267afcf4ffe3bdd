//! `hcx discover` over 400 simulated managers reads well: alike warnings and failures are one line each, a
//! line per site only with `-v`, nothing with `-qq`, and no progress bar when stderr is not a terminal.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use std::path::{Path, PathBuf};

use common::{PASSWORD, assert_exit, s, scratch, stderr, stdout};
use hcx_cli::exit::Exit;
use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

/// Connector–cloud pairs: 400 managers, each on its own loopback port.
const PAIRS: usize = 200;

async fn fleet(name: &str) -> (Simulator, PathBuf) {
    let sim = Simulator::start(Scenario::generate(PAIRS), PortPlan::Ephemeral, SimClock::manual()).await.unwrap();
    assert_eq!(sim.managers().len(), 2 * PAIRS);
    let endpoints = scratch(name).join("endpoints.json");
    sim.write_endpoints(&endpoints).unwrap();
    (sim, endpoints)
}

/// `hcx [flags] discover --endpoints FILE [extra]` with `env`, off the runtime the simulator runs on.
async fn discover(
    endpoints: &Path,
    flags: &[&'static str],
    extra: &[&'static str],
    env: Vec<(String, String)>,
) -> std::process::Output {
    let endpoints = endpoints.to_path_buf();
    let (flags, extra) = (flags.to_vec(), extra.to_vec());
    tokio::task::spawn_blocking(move || {
        common::command()
            .args(flags)
            .args(["discover", "--endpoints", s(&endpoints)])
            .args(extra)
            .env("HCX_PASSWORD", PASSWORD)
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_hundred_managers_fold_their_warnings() {
    let (_sim, endpoints) = fleet("scale").await;

    let o = discover(&endpoints, &[], &[], Vec::new()).await;
    assert_exit(&o, Exit::Clean);
    let err = stderr(&o);
    assert!(err.lines().count() <= 20, "{} stderr lines:\n{err}", err.lines().count());
    assert!(!err.contains('\r') && !err.contains('\x1b'), "no bar or colour into a pipe: {err:?}");
    // Every connector has one extension whose binding the API does not report: one warning each, folded.
    let folded = err.lines().find(|l| l.contains("the HCX API does not report port-group binding")).unwrap();
    assert!(folded.contains(&format!("{PAIRS} sites: the HCX API")), "{folded}");
    assert!(folded.contains("(conn-0000, conn-0001, conn-0002, … and 197 more)"), "{folded}");
    assert_eq!(err.matches("port-group binding").count(), 1, "{err}");
    let fleet = hcx_core::fleet::Fleet::from_json(&stdout(&o)).unwrap();
    assert_eq!(fleet.sites.len(), 2 * PAIRS);

    let quietest = discover(&endpoints, &["-qq"], &[], Vec::new()).await;
    assert_exit(&quietest, Exit::Clean);
    assert_eq!(stderr(&quietest), "", "-qq: nothing when nothing fails");
    assert_eq!(quietest.stdout, o.stdout, "verbosity changes stderr only");
    let quiet = discover(&endpoints, &["-q"], &[], Vec::new()).await;
    assert_eq!(stderr(&quiet), "", "-q: errors only");

    let verbose = discover(&endpoints, &["-v"], &[], Vec::new()).await;
    assert_exit(&verbose, Exit::Clean);
    let err = stderr(&verbose);
    assert!(err.contains("conn-0000: HCX 4.10.2") && err.contains("avs-0199: HCX 4.10.3"), "{err}");
    assert_eq!(err.lines().filter(|l| l.contains(": HCX 4.10.")).count(), 2 * PAIRS, "{err}");
    assert!(err.contains(&format!("{} answered, 0 failed", 2 * PAIRS)), "{err}");
    assert_eq!(err.matches("port-group binding").count(), 1, "-v still folds the warnings: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alike_failures_are_one_line_and_the_error_stays_short() {
    let (_sim, endpoints) = fleet("scale-failures").await;
    // A wrong password for 50 connectors: the same refusal from each.
    let wrong: Vec<(String, String)> = (0..50)
        .map(|i| (hcx_cli::discover::password_var(&format!("conn-{i:04}")), "wrong-secret-value".to_owned()))
        .collect();

    let partial = discover(&endpoints, &[], &["--allow-partial"], wrong.clone()).await;
    assert_exit(&partial, Exit::Clean);
    let err = stderr(&partial);
    assert!(err.lines().count() <= 20, "{} stderr lines:\n{err}", err.lines().count());
    let failed = err.lines().find(|l| l.contains("did not answer: ")).unwrap();
    assert!(failed.contains("50 sites did not answer: POST /hybridity/api/sessions: login refused"), "{failed}");
    assert!(failed.contains("(conn-0000, conn-0001, conn-0002, … and 47 more)"), "{failed}");
    assert!(err.contains("150 sites: the HCX API does not report port-group binding"), "{err}");
    assert!(!err.contains("wrong-secret-value"));

    let refused = discover(&endpoints, &[], &[], wrong).await;
    assert_exit(&refused, Exit::Usage);
    let err = stderr(&refused);
    assert!(err.lines().count() <= 20, "{} stderr lines:\n{err}", err.lines().count());
    let error = err.lines().find(|l| l.starts_with("hcx: error:")).unwrap();
    assert!(
        error.contains("50 of 400 managers did not answer: POST /hybridity/api/sessions: login refused (http 401) (conn-0000, conn-0001, conn-0002, … and 47 more)"),
        "{error}"
    );
    assert!(!err.contains("port-group binding"), "no warnings about an inventory that is not written: {err}");
    assert!(refused.stdout.is_empty());
}
