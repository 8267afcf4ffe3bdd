"""Exercises the UniFFI-generated Python bindings of hcx-ffi.

Run by hcx-ffi/tests/uniffi_python.rs, which generates the `hcx_ffi` module from the built cdylib and puts its
directory on PYTHONPATH. argv[1] is the hcx-core/data directory.
"""

import json
import os
import sys
import unittest

import hcx_ffi
from hcx_ffi import (
    Catalog,
    Fleet,
    HcxError,
    PathProblem,
    Plan,
    PlanOptions,
    Platform,
    Severity,
    SiteRole,
    VersionOrder,
    compare_versions,
    library_version,
    parse_version,
)

DATA = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../hcx-core/data")
DATE = "2026-11-28"


class Versions(unittest.TestCase):
    def test_parse(self):
        v = parse_version("4.9.0.0-23529166")
        self.assertEqual((v.major, v.minor, v.patch, v.revision), (4, 9, 0, 0))
        self.assertEqual(v.build, "23529166")
        self.assertEqual(v.canonical, "4.9.0-23529166")
        self.assertEqual(parse_version("9.1.1").canonical, "9.1.1.0")
        self.assertIsNone(parse_version("4.10.3").build)

    def test_compare(self):
        self.assertEqual(compare_versions("4.10.0", "4.9.2"), VersionOrder.GREATER)
        self.assertEqual(compare_versions("4.9.2", "4.10.0"), VersionOrder.LESS)
        self.assertEqual(compare_versions("4.10.3", "4.10.3.0-24447633"), VersionOrder.EQUAL)

    def test_invalid_version_is_typed(self):
        with self.assertRaises(HcxError.InvalidVersion) as caught:
            parse_version("4.x")
        self.assertIn('invalid hcx version "4.x"', caught.exception.reason)
        # Every variant is also an HcxError.
        with self.assertRaises(HcxError):
            compare_versions("4.10.3", "4.10")

    def test_library_version(self):
        self.assertRegex(library_version(), r"^\d+\.\d+\.\d+")


class Catalogs(unittest.TestCase):
    def test_bundled(self):
        catalog = Catalog()
        self.assertRegex(catalog.as_of(), r"^\d{4}-\d{2}-\d{2}$")
        self.assertIn("4.11.4", catalog.releases())
        self.assertTrue(catalog.is_known("4.10.3.0"))
        self.assertFalse(catalog.is_known("4.10.99"))

    def test_upgrade_path(self):
        path = Catalog().upgrade_path("4.3.3", "4.10.3")
        self.assertEqual(path.stepping_stones, ["4.8.3", "4.9.2"])
        self.assertEqual((path.from_version, path.to_version), ("4.3.3", "4.10.3"))
        self.assertEqual([(h.from_version, h.to_version) for h in path.hops],
                         [("4.3.3", "4.8.3"), ("4.8.3", "4.9.2"), ("4.9.2", "4.10.3")])
        self.assertTrue(all(h.rule and h.sources for h in path.hops))

    def test_no_path_has_a_problem(self):
        cases = {
            ("4.10.3", "4.9.0"): PathProblem.DOWNGRADE,
            ("4.0.0", "4.10.3"): PathProblem.REDEPLOY_REQUIRED,
            ("4.12.7", "9.1.1.0"): PathProblem.UNKNOWN_RELEASE,
            ("4.11.5", "9.0.0"): PathProblem.FORBIDDEN,
            ("4.10.0", "4.10.1"): PathProblem.NOT_DOCUMENTED,
        }
        for (src, dst), problem in cases.items():
            with self.subTest(src=src, dst=dst):
                with self.assertRaises(HcxError.NoUpgradePath) as caught:
                    Catalog().upgrade_path(src, dst)
                self.assertEqual(caught.exception.problem, problem)
                self.assertTrue(caught.exception.reason)

    def test_from_json_and_file(self):
        path = os.path.join(DATA, "catalog.json")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(Catalog.from_json(text).as_of(), Catalog().as_of())
        self.assertEqual(Catalog.from_file(path).releases(), Catalog().releases())
        with self.assertRaises(HcxError.InvalidCatalog):
            Catalog.from_json("{}")
        with self.assertRaises(HcxError.Io):
            Catalog.from_file("/nonexistent/catalog.json")


class Fleets(unittest.TestCase):
    def test_sample(self):
        sites = Fleet.sample().sites()
        self.assertEqual([s.id for s in sites], ["dc1", "avs-weu"])
        self.assertEqual(sites[0].role, SiteRole.CONNECTOR)
        self.assertEqual(sites[0].platform, Platform.ON_PREM)
        self.assertEqual(sites[1].platform, Platform.AVS)
        self.assertEqual(sites[1].version, "4.11.3-24972695")
        self.assertEqual(sites[0].name, "Amsterdam DC1")

    def test_round_trip_and_file(self):
        text = Fleet.sample().to_json()
        self.assertEqual(json.loads(text)["schema"], "hcx-fleet/v1")
        self.assertEqual(Fleet.from_json(text).sites(), Fleet.sample().sites())
        self.assertEqual(Fleet.from_file(os.path.join(DATA, "sample-fleet.json")).sites(), Fleet.sample().sites())
        self.assertEqual(Fleet().sites(), [])

    def test_invalid_fleet_lists_every_problem(self):
        bad = json.dumps({
            "schema": "hcx-fleet/v1",
            "sites": [
                {"id": "dc1", "role": "connector", "platform": "on-prem", "version": "4.x"},
                {"id": "dc2", "role": "manager", "platform": "avs", "version": "4.11.3"},
            ],
        })
        with self.assertRaises(HcxError.InvalidFleet) as caught:
            Fleet.from_json(bad)
        paths = [p.path for p in caught.exception.problems]
        self.assertIn("$.sites[0].version", paths)
        self.assertIn("$.sites[1].role", paths)
        with self.assertRaises(HcxError.Io):
            Fleet.from_file("/nonexistent/fleet.json")


class Plans(unittest.TestCase):
    def test_sample_plan(self):
        plan = Plan(Fleet.sample(), Catalog(), PlanOptions(target="validated", date=DATE))
        self.assertEqual(plan.target(), "4.11.4")
        self.assertTrue(plan.target_reason())
        steps = plan.steps()
        self.assertGreater(len(steps), 0)
        self.assertEqual([s.id for s in steps], ["S%d" % (i + 1) for i in range(len(steps))])
        self.assertEqual(plan.summary().steps, len(steps))
        self.assertEqual(plan.summary().sites, 2)
        upgrades = [s for s in steps if s.kind == hcx_ffi.StepKind.UPGRADE_MANAGER]
        self.assertTrue(upgrades and all(s.to_version for s in upgrades))

        doc = json.loads(plan.to_json())
        self.assertEqual(doc["schema"], "hcx-plan/v2")
        self.assertEqual(doc["target"], "4.11.4")
        self.assertEqual(len(doc["steps"]), len(steps))
        self.assertIn("4.11.4", plan.to_markdown())
        self.assertIn("4.11.4", plan.to_text())

        findings = plan.findings()
        self.assertEqual([f.rule for f in findings], [f["rule"] for f in doc["findings"]])
        self.assertTrue(all(isinstance(f.severity, Severity) for f in findings))
        blockers = [f for f in findings if f.severity == Severity.BLOCKER and not f.acknowledged]
        self.assertEqual(plan.has_blockers(), bool(blockers))

    def test_check_matches_the_plan(self):
        options = PlanOptions(target="4.11.4", date=DATE, acknowledge=["snapshot-window"], ne_in_service=True)
        plan = Plan(Fleet.sample(), Catalog(), options)
        self.assertEqual(hcx_ffi.check(Fleet.sample(), Catalog(), options), plan.findings())

    def test_plan_errors_are_typed(self):
        with self.assertRaises(HcxError.PlanFailed) as caught:
            Plan(Fleet(), Catalog(), PlanOptions(target="validated", date=DATE))
        self.assertIn("no sites", caught.exception.reason)
        with self.assertRaises(HcxError.PlanFailed) as caught:
            Plan(Fleet.sample(), Catalog(), PlanOptions(target="latest", date=DATE, acknowledge=["no-such-rule"]))
        self.assertIn("no-such-rule", caught.exception.reason)
        with self.assertRaises(HcxError.PlanFailed):
            Plan(Fleet.sample(), Catalog(), PlanOptions(target="4.10.99", date=DATE))
        with self.assertRaises(HcxError.InvalidArgument) as caught:
            Plan(Fleet.sample(), Catalog(), PlanOptions(target="newest"))
        self.assertIn('invalid target "newest"', caught.exception.reason)
        with self.assertRaises(HcxError.InvalidArgument):
            Plan(Fleet.sample(), Catalog(), PlanOptions(target="latest", date="2026-13-45"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
