//! What the CLI test files share: running the `hcx` binary, reading its output, scratch directories and a
//! simulated fleet to discover.

#![allow(dead_code, reason = "each test file uses the helpers it needs")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

/// The simulator's password for every manager.
pub const PASSWORD: &str = "hcx-sim-password";

/// An on-premises Connector paired with an AVS Cloud Manager, one mesh.
pub const AVS_PAIR: &str = include_str!("../../../hcx-sim/scenarios/avs-pair.json");

/// Asserts the process ended with `exit`, showing both streams when it did not.
#[track_caller]
pub fn assert_exit(o: &Output, exit: hcx_cli::exit::Exit) {
    assert_eq!(o.status.code(), Some(i32::from(exit.code())), "stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o));
}

/// The steps a person does (snapshots, bundles), comma-separated, as an operator who did them confirms them
/// up front (`--confirm`).
pub fn manual_steps(plan: &hcx_core::plan::Plan) -> String {
    let ids: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| !s.automated && s.kind != hcx_core::plan::StepKind::UpgradeManager)
        .map(|s| s.id.to_string())
        .collect();
    ids.join(",")
}

/// The `hcx` binary, with none of the caller's colour, log or password settings.
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hcx"));
    c.env_remove("NO_COLOR").env_remove("HCX_LOG").env_remove("HCX_PASSWORD");
    c
}

/// Runs `hcx ARGS` to the end.
pub fn hcx(args: &[&str]) -> Output {
    command().args(args).output().unwrap()
}

/// Runs `hcx ARGS` with `stdin` on standard input and `env` set.
pub fn hcx_with(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut child = command()
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The command may stop reading early (a refused input): a broken pipe here is expected then.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

/// [`hcx_with`] off the async runtime, so a simulator on the same runtime keeps answering.
pub async fn hcx_blocking(args: &[&str], stdin: &'static [u8], env: &[(&'static str, &'static str)]) -> Output {
    let args: Vec<String> = args.iter().map(|&a| a.to_owned()).collect();
    let env = env.to_vec();
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        hcx_with(&a, stdin, &env)
    })
    .await
    .unwrap()
}

/// Output bytes as text; the CLI writes UTF-8 only.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// An empty scratch directory `name` of this test binary (each test gives its own name).
pub fn scratch(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let binary = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("hcx-cli-test").to_owned();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(binary).join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A file `name` holding `text`, in a scratch directory of its own.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let f = scratch(name).join(name);
    std::fs::write(&f, text).unwrap();
    f
}

/// A path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A golden file of hcx-core (`hcx-core/tests/golden/NAME`).
pub fn golden(name: &str) -> String {
    std::fs::read_to_string(repo_path("hcx-core/tests/golden").join(name)).unwrap()
}

/// A path in the repository.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

/// The avs-pair simulator on loopback and its endpoints file, in the scratch directory `name`.
pub async fn sim_endpoints(name: &str) -> (Simulator, PathBuf, PathBuf) {
    let sim = Simulator::start(Scenario::from_json(AVS_PAIR).unwrap(), PortPlan::Ephemeral, SimClock::manual())
        .await
        .unwrap();
    let dir = scratch(name);
    let endpoints = dir.join("endpoints.json");
    sim.write_endpoints(&endpoints).unwrap();
    (sim, endpoints, dir)
}

/// Two on-premises managers and a mesh at 4.8.2: the rehearsal scenario `hcx apply` tests run against.
pub const REHEARSAL: &str = include_str!("../../../hcx-sim/scenarios/rehearsal-4.8.2.json");

/// The plan of a scenario's fleet to the latest release, on a fixed date.
pub fn plan_of(scenario: &Scenario) -> hcx_core::plan::Plan {
    use hcx_core::plan::{PlanOptions, TargetSpec};
    let date = time::macros::date!(2026 - 12 - 01);
    let catalog = hcx_core::catalog::Catalog::bundled();
    hcx_core::plan::plan(&scenario.fleet, catalog, &PlanOptions::new(TargetSpec::Latest, date)).unwrap()
}

/// The simulator of `live` (on a clock every request moves on, so no test sleeps), and a scratch directory
/// `name` holding `plan.json` (the plan of `planned`) and `endpoints.json`.
pub async fn apply_setup(name: &str, planned: &Scenario, live: Scenario) -> (Simulator, hcx_core::plan::Plan, PathBuf) {
    let plan = plan_of(planned);
    let clock = SimClock::manual();
    clock.set_auto_advance(std::time::Duration::from_secs(5));
    let sim = Simulator::start(live, PortPlan::Ephemeral, clock).await.unwrap();
    let dir = scratch(name);
    std::fs::write(dir.join("plan.json"), plan.to_json()).unwrap();
    sim.write_endpoints(&dir.join("endpoints.json")).unwrap();
    (sim, plan, dir)
}

/// Runs `hcx apply plan.json --endpoints endpoints.json --journal journal.sqlite ARGS` in `dir`, off the runtime
/// the simulator uses; stdout goes to `stdout_file` when given (the shell's `> FILE`), else into the output.
pub async fn apply_in(dir: &Path, args: &[&str], stdout_file: Option<&Path>) -> Output {
    let mut cmd = command();
    cmd.current_dir(dir)
        .args(["apply", "plan.json", "--endpoints", "endpoints.json", "--journal", "journal.sqlite"])
        .args(args)
        .env("HCX_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    match stdout_file {
        Some(f) => cmd.stdout(Stdio::from(std::fs::File::create(f).unwrap())),
        None => cmd.stdout(Stdio::piped()),
    };
    tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
}
