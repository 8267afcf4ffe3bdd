//! The CLI against bad and oversized input and odd managers: input caps, standard input, short messages for
//! huge values, impossible dates, empty passwords, and discoveries that find no valid fleet.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use common::{PASSWORD, hcx, hcx_blocking, hcx_with, s, scratch as dir, sim_endpoints, stderr};

#[test]
fn fleet_dash_reads_standard_input() {
    let o = hcx_with(&["check", "--fleet", "-", "--date", "2026-11-28"], hcx_core::plan::SAMPLE_FLEET.as_bytes(), &[]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("HCX checks"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("bundled sample"), "{}", stderr(&o));
}

#[test]
fn the_input_cap_refuses_a_larger_fleet_with_exit_2() {
    let d = dir("cap");
    let f = d.join("fleet.json");
    std::fs::write(&f, hcx_core::plan::SAMPLE_FLEET).unwrap();
    let o = hcx(&["plan", "--fleet", s(&f), "--max-input-bytes", "100"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("larger than the cap of 100 bytes"), "{}", stderr(&o));
    let o =
        hcx_with(&["plan", "--fleet", "-", "--max-input-bytes", "100"], hcx_core::plan::SAMPLE_FLEET.as_bytes(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("from standard input"), "{}", stderr(&o));
}

#[test]
fn a_ten_megabyte_version_gives_a_short_message() {
    let huge = format!("4.1{}", "1".repeat(10 << 20));
    let fleet = hcx_core::plan::SAMPLE_FLEET.replacen("4.10.3.0-24447633", &huge, 1);
    assert!(fleet.len() > 10 << 20);
    let o = hcx_with(&["plan", "--fleet", "-"], fleet.as_bytes(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", &stderr(&o)[..200.min(o.stderr.len())]);
    let err = stderr(&o);
    assert!(err.len() < 2000, "the message copies the input: {} bytes", err.len());
    assert!(err.contains(&format!("invalid hcx version \"4.{}…\" (10 MiB)", "1".repeat(22))), "{err}");
}

#[test]
fn impossible_dates_are_refused() {
    for date in ["0000-01-01", "1969-12-31"] {
        let o = hcx(&["plan", "--date", date]);
        assert_eq!(o.status.code(), Some(2), "{date}: {}", stderr(&o));
        assert!(stderr(&o).contains("the year must be between 1970 and 9999"), "{}", stderr(&o));
    }
}

#[test]
fn durations_are_checked() {
    let o = hcx(&["discover", "--endpoints", "x.json", "--deadline", "soon"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("invalid duration"), "{}", stderr(&o));
}

#[test]
fn an_empty_endpoints_list_is_bad_input() {
    let d = dir("empty");
    let f = d.join("endpoints.json");
    std::fs::write(&f, r#"{"schema":"hcx-endpoints/v1","endpoints":[]}"#).unwrap();
    let out = d.join("fleet.json");
    let o = hcx(&["discover", "--endpoints", s(&f), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no endpoints listed"), "{}", stderr(&o));
    assert!(!out.exists(), "no empty fleet is written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_password_on_standard_input_is_refused() {
    let (_sim, endpoints, _) = sim_endpoints("stdin").await;
    let o = hcx_blocking(&["discover", "--endpoints", s(&endpoints), "--password-stdin"], b"\n", &[]).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("empty password for site"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn localhost_in_the_endpoints_file_matches_127_0_0_1_in_cloud_configs() {
    let (_sim, endpoints, d) = sim_endpoints("localhost").await;
    let text = std::fs::read_to_string(&endpoints).unwrap().replace("http://127.0.0.1:", "http://localhost:");
    std::fs::write(&endpoints, text).unwrap();
    let out = d.join("fleet.json");
    let args = ["discover", "--endpoints", s(&endpoints), "--out", s(&out)];
    let o = hcx_blocking(&args, b"", &[("HCX_PASSWORD", PASSWORD)]).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fleet = hcx_core::fleet::Fleet::load(&out).unwrap();
    assert_eq!((fleet.pairs.len(), fleet.meshes.len()), (1, 1), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discovered_fleet_that_fails_validation_exits_2_but_is_written() {
    let (_sim, endpoints, d) = sim_endpoints("invalid").await;
    // The Cloud site declared a Connector: the pair the managers report then ends at a Connector.
    let text = std::fs::read_to_string(&endpoints).unwrap().replace("\"cloud\"", "\"connector\"");
    std::fs::write(&endpoints, text).unwrap();
    let out = d.join("fleet.json");
    let args = ["discover", "--endpoints", s(&endpoints), "--out", s(&out)];
    let o = hcx_blocking(&args, b"", &[("HCX_PASSWORD", PASSWORD)]).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("not a valid fleet"), "{err}");
    assert!(err.contains(&format!("written to {} anyway", out.display())), "{err}");
    assert!(err.contains("$.pairs[0].destination"), "every problem is named: {err}");
    assert!(std::fs::read_to_string(&out).unwrap().contains("hcx-fleet/v1"));
    // Without --out nothing goes to standard output, which a pipeline would take for a fleet.
    let o = hcx_blocking(&args[..3], b"", &[("HCX_PASSWORD", PASSWORD)]).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}
