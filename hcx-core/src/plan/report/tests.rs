//! Tests of the report renderings.

use time::macros::date;

use crate::Catalog;
use crate::fleet::Fleet;
use crate::plan::{Plan, PlanOptions, SAMPLE_FLEET, TargetSpec, plan};

use super::layout::fit;
use super::mermaid::markdown_diagrams;
use super::timeline::Timeline;

fn planned(fleet: &Fleet) -> Plan {
    let options = PlanOptions::new(TargetSpec::Version("4.11.4".parse().expect("a version")), date!(2026 - 11 - 28));
    plan(fleet, Catalog::bundled(), &options).expect("plannable")
}

fn sample() -> Fleet {
    Fleet::from_json(SAMPLE_FLEET).expect("the sample fleet is valid")
}

const EVIL: &str = "<script>alert(1)</script>";

/// Replaces every string value `from` in a JSON document.
fn rename(v: &mut serde_json::Value, from: &str, to: &str) {
    match v {
        serde_json::Value::String(s) if s == from => *s = to.to_owned(),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| rename(x, from, to)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| rename(x, from, to)),
        _ => {}
    }
}

/// The sample fleet with a site id, a site name, a mesh id, an HA group and a network that are markup.
fn hostile() -> Fleet {
    let mut v: serde_json::Value = serde_json::from_str(SAMPLE_FLEET).expect("JSON");
    rename(&mut v, "dc1", EVIL);
    rename(&mut v, "Amsterdam DC1", "<img src=x onerror=alert(2)>");
    rename(&mut v, "sm-dc1-weu", "mesh\"><script>alert(3)</script>");
    rename(&mut v, "ne-ha-a", "ha'<style>");
    rename(&mut v, "web-vlan10", "web&<svg onload=alert(4)>");
    Fleet::from_json(&v.to_string()).expect("the hostile fleet is valid")
}

fn html(p: &Plan, fleet: Option<&Fleet>) -> String {
    p.to_html(fleet).expect("renders")
}

#[test]
fn fleet_strings_are_escaped_as_text() {
    let fleet = hostile();
    let p = planned(&fleet);
    for page in [html(&p, Some(&fleet)), html(&p, None)] {
        assert!(!page.contains("<script"), "a raw <script> tag in the page");
        assert!(!page.contains("<img"), "a raw <img> tag in the page");
        assert!(!page.contains("<svg onload"), "a raw <svg onload> in the page");
        assert_eq!(page.matches("<style").count(), 1, "a second <style> element");
        assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "the site id is shown as text");
        assert!(page.contains("web&#38;&#60;svg onload=alert(4)&#62;"), "the network is shown as text");
    }
    let with_fleet = html(&p, Some(&fleet));
    assert!(with_fleet.contains("&#60;img src=x onerror=alert(2)&#62;"), "the site name is shown as text");
    assert!(
        with_fleet.contains("data-mesh=\"mesh&#34;&#62;&#60;script&#62;alert(3)"),
        "the mesh id stays inside its attribute"
    );
}

#[test]
fn page_is_self_contained() {
    let fleet = sample();
    let page = html(&planned(&fleet), Some(&fleet));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    for needle in ["<script", " src=", "http://", "https://", "@import", "<link"] {
        assert!(!page.contains(needle), "the page references {needle:?}");
    }
    assert!(page.contains("@media print"), "a print stylesheet");
}

#[test]
fn every_site_step_and_network_has_an_svg_element() {
    for fleet in
        [sample(), Fleet::from_json(include_str!("../../../../examples/fleets/multi-site.json")).expect("valid")]
    {
        let p = planned(&fleet);
        for (page, full) in [(html(&p, Some(&fleet)), true), (html(&p, None), false)] {
            for s in &p.steps {
                assert!(page.contains(&format!("data-step=\"{}\"", s.id)), "no bar for {}", s.id);
            }
            for site in &fleet.sites {
                assert!(page.contains(&format!("data-site=\"{}\"", site.id)), "no box for {}", site.id);
            }
            let networks = if full {
                fleet.extensions.iter().map(|e| e.network.clone()).collect::<Vec<_>>()
            } else {
                p.steps.iter().flat_map(|s| s.impact.networks.clone()).collect()
            };
            for n in networks {
                assert!(page.contains(&format!("data-network=\"{n}\"")), "no pill for {n}");
            }
        }
    }
}

#[test]
fn header_summarises_versions_outages_and_the_critical_path() {
    let fleet = sample();
    let p = planned(&fleet);
    let page = html(&p, Some(&fleet));
    assert!(page.contains("4.10.3 → 4.11.4"), "the Connector's versions");
    assert!(page.contains("4.11.3 → 4.11.4"), "the Cloud Manager's versions");
    assert!(page.contains("upgraded by the provider"), "the provider-owned manager is marked");
    // Prechecks, snapshot and bundle (90 min), the Connector hop (60), convergence (15), IX (30), the NE HA
    // group (45), the standalone NE (30) and verification (15): every step waits for the one before.
    assert_eq!(Timeline::of(&p).critical_path, 255);
    assert!(page.contains("4 h 15 min of dependent steps"));
    assert!(page.contains(&format!("Catalog as of</dt><dd>{}", p.catalog_as_of)));
    assert!(p.digest.starts_with("sha256:"));
    assert!(page.contains(&format!("<code>{}</code>", p.digest)), "the plan digest");
    assert!(page.contains("db-vlan30"));
}

#[test]
fn unfitted_steps_are_drawn_apart_with_their_reason() {
    let text = SAMPLE_FLEET.replace(r#""duration": "6h""#, r#""duration": "1h""#);
    let fleet = Fleet::from_json(&text).expect("valid");
    let p = planned(&fleet);
    let schedule = p.schedule.as_ref().expect("windows give a schedule");
    assert!(!schedule.unfitted.is_empty(), "one-hour windows cannot hold the plan");
    let page = html(&p, Some(&fleet));
    assert!(page.contains("Did not fit the maintenance windows"));
    assert!(page.contains("class=\"status unfitted\""));
    let strip = &page[page.find("class=\"gantt unfitted\"").expect("the strip")..];
    for u in &schedule.unfitted {
        assert!(strip.contains(&format!("data-step=\"{}\"", u.step)), "{} on the strip", u.step);
    }
}

#[test]
fn deadlines_are_absolute_in_a_scheduled_plan() {
    let fleet = sample();
    let page = html(&planned(&fleet), Some(&fleet));
    // S7's run-command snapshot S5 ends at 19:30 UTC (20:30 in Amsterdam) on 28 November and is kept 72 h.
    assert!(page.contains("12-01 19:30 UTC (72 h)"), "{page}");
    assert!(page.contains("class=\"deadline\" data-step=\"S7\""));
}

#[test]
fn large_plans_collapse_their_detail() {
    let mut text = String::from(r#"{"schema": "hcx-fleet/v1", "sites": ["#);
    let mut pairs = Vec::new();
    for i in 0..20 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"id": "c{i}", "role": "connector", "platform": "on-prem", "version": "4.10.3"}},
               {{"id": "a{i}", "role": "cloud", "platform": "avs", "version": "4.11.3"}}"#
        ));
        pairs.push(format!(r#"{{"source": "c{i}", "destination": "a{i}"}}"#));
    }
    text.push_str(&format!(r#"], "pairs": [{}]}}"#, pairs.join(",")));
    let fleet = Fleet::from_json(&text).expect("valid");
    let page = html(&planned(&fleet), Some(&fleet));
    assert_eq!(page.matches("<details class=\"lanes\" open>").count(), 1, "only the first pair's lanes open");
    assert_eq!(page.matches("<details class=\"lanes\"").count(), 20, "one lane group per pair");
    assert!(page.contains("<details class=\"topology\">"), "the topology starts collapsed");
    assert!(page.contains("<details class=\"plan-sites\"><summary>40 sites"), "the site list starts collapsed");
    let small = html(&planned(&sample()), Some(&sample()));
    assert!(small.contains("<details class=\"plan-sites\" open>"), "a small plan shows its sites");
    assert!(small.contains("<details class=\"net-summary\" open>"), "and its network outages");
}

#[test]
fn markdown_gains_a_gantt_and_a_graph() {
    let p = planned(&sample());
    let md = p.to_markdown();
    assert!(md.contains("```mermaid\ngantt\n"), "{md}");
    assert!(
        md.contains("    S6 Upgrade the HCX Connector dc1 from 4.10.3-24447633 to 4.11.4 :s6, 2026-11-28T20:30, 60m")
    );
    assert!(md.contains("S7 Upgrade the HCX Cloud Manager"));
    assert!(md.contains("(provider) :active, s7, 2026-11-28T19:30, 60m"), "{md}");
    assert!(md.contains(":crit, s11, 2026-11-28T23:00, 30m"), "an outage step is critical");
    assert!(md.contains("```mermaid\ngraph LR\n"));
    assert!(md.contains("s0 --- m0 --- s1"));
}

#[test]
fn mermaid_labels_cannot_break_out() {
    let p = planned(&hostile());
    let diagrams = markdown_diagrams(&p);
    let graph = &diagrams[diagrams.find("graph LR").expect("a graph")..];
    assert!(!graph.contains("<script"), "{graph}");
    assert!(graph.contains("#lt;script#gt;alert(1)#lt;/script#gt;"));
    let gantt = &diagrams[..diagrams.find("graph LR").expect("a graph")];
    assert!(!gantt.contains("<script"), "{gantt}");
    assert_eq!(diagrams.matches("```").count(), 4, "two fenced blocks, none broken");
}

#[test]
fn unscheduled_plans_use_relative_times() {
    let mut fleet = sample();
    fleet.windows.clear();
    let p = planned(&fleet);
    assert!(p.schedule.is_none());
    let page = html(&p, Some(&fleet));
    assert!(page.contains("times are relative to the start"));
    assert!(page.contains("+1 h"), "relative ticks");
    assert!(markdown_diagrams(&p).contains("(no windows: relative times)"));
}

#[test]
fn labels_are_cut_with_an_ellipsis() {
    assert_eq!(fit("short", 100.0), "short");
    let cut = fit("a-very-long-network-name-indeed", 66.0);
    assert_eq!(cut.chars().count(), 10);
    assert!(cut.ends_with('…'));
}

#[test]
fn weekly_windows_show_local_times_beside_utc() {
    let fleet = sample();
    let page = html(&planned(&fleet), Some(&fleet));
    // S6 runs 20:30-21:30 UTC on 28 November, 21:30-22:30 in Amsterdam (CET).
    assert!(
        page.contains("window 1: 11-28 20:30 – 11-28 21:30 UTC (2026-11-28 21:30 CET .. 22:30 CET, Europe/Amsterdam)"),
        "{page}"
    );
    assert!(page.contains("11-28 20:30 – 11-28 21:30 UTC; 2026-11-28 21:30 CET .. 22:30 CET, Europe/Amsterdam"));
    // One-off windows have no zone: UTC only.
    let mut once = sample();
    for w in &mut once.windows {
        *w = crate::fleet::MaintenanceWindow::once(
            w.site.clone(),
            time::macros::datetime!(2026-11-28 19:00 UTC),
            time::macros::datetime!(2026-11-29 01:00 UTC),
        );
    }
    let page = html(&planned(&once), Some(&once));
    assert!(page.contains("window 1: 11-28 20:30 – 11-28 21:30 UTC"));
    assert!(!page.contains("Europe/Amsterdam"));
}
