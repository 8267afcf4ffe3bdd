"""Exercises the UniFFI-generated Python bindings of hcx-ffi.

Run by hcx-ffi/tests/uniffi_python.rs, which generates the `hcx_ffi` module from the built cdylib and puts its
directory on PYTHONPATH. argv[1] is the hcx-core/data directory.
"""

import datetime
import hashlib
import json
import os
import sys
import unittest

import hcx_core
import hcx_ffi
from hcx_core import Platform, Severity, SiteRole
from hcx_ffi import (
    Catalog,
    Fleet,
    HcxError,
    PathProblem,
    Plan,
    PlanOptions,
    VersionOrder,
    compare_versions,
    library_version,
    parse_version,
)

DATA = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../hcx-core/data")
DATE = "2026-11-28"


def utc_today():
    """Today in UTC, as the library reads it (`hcx_core::plan::today`); faketime moves both."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def on_one_day(run):
    """Runs `run` so that every read of today's date in it sees the same UTC day, and returns its result and
    that day. `run` runs again when midnight passed during it, which happens at most once in two short runs."""
    while True:
        before = utc_today()
        result = run()
        if utc_today() == before:
            return result, before


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
        upgrades = [s for s in steps if s.kind == hcx_core.StepKind.UPGRADE_MANAGER]
        self.assertTrue(upgrades and all(s.to for s in upgrades))

        doc = json.loads(plan.to_json())
        self.assertEqual(doc["schema"], "hcx-plan/v2")
        self.assertEqual(doc["target"], "4.11.4")
        self.assertEqual(len(doc["steps"]), len(steps))
        self.assertIn("4.11.4", plan.to_markdown())
        self.assertIn("4.11.4", plan.to_text())

        findings = plan.findings()
        self.assertEqual([f.rule.name.lower().replace("_", "-") for f in findings], [f["rule"] for f in doc["findings"]])
        self.assertTrue(all(isinstance(f.severity, Severity) for f in findings))
        blockers = [f for f in findings if f.severity == Severity.BLOCKER and not f.acknowledged]
        self.assertEqual(plan.has_blockers(), bool(blockers))

    def test_no_options_is_the_core_default_and_the_digest_is_recomputable(self):
        def plans():
            default = Plan(Fleet.sample(), Catalog(), PlanOptions())
            return default, Plan(Fleet.sample(), Catalog(), PlanOptions(target="validated"))

        (default, explicit), today = on_one_day(plans)
        self.assertEqual(default.to_json(), explicit.to_json())
        doc = json.loads(default.to_json())
        self.assertEqual(doc["date"], today.isoformat())
        self.assertEqual(doc["schema"], "hcx-plan/v2")
        body = {k: v for k, v in doc.items() if k != "digest"}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        self.assertEqual(default.digest(), "sha256:" + hashlib.sha256(canonical.encode()).hexdigest())
        self.assertTrue(default.findings_to_text().startswith("HCX checks: target 4.11.4"))

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


def _fields(cls):
    """The field names of a generated record class (Python keywords get a leading underscore)."""
    import inspect
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    return {n[1:] if n.startswith("_") else n for n in names}


class ModelFields(unittest.TestCase):
    """The records are hcx-core's own types: every field of the plan schema is a field of a generated record."""

    CLASSES = {
        "": "PlanRecord", "inputs": "PlanInputs", "input_options": "InputOptions", "summary": "Summary",
        "finding": "Finding", "impact": "Impact", "rollback": "Rollback", "estimate": "Estimate",
        "state_view": "StateView", "step": "Step", "slot": "Slot", "unfitted": "Unfitted", "schedule": "Schedule",
    }

    def test_every_schema_field_is_a_record_field(self):
        schema_path = os.path.join(DATA, "..", "schema", "hcx-plan-v2.schema.json")
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        objects = {"": set(schema["properties"])}
        objects.update({k: set(d["properties"]) for k, d in schema["$defs"].items() if "properties" in d})
        self.assertEqual(set(objects), set(self.CLASSES), "a schema object with no record in this test")
        for name, props in objects.items():
            with self.subTest(schema=name or "plan"):
                self.assertLessEqual(props, _fields(getattr(hcx_core, self.CLASSES[name])))
        # Actions: each `type` is a variant of Action; its fields plus the StepAction's `before`/`after`.
        self.assertEqual(_fields(hcx_core.StepAction), {"op", "before", "after"})
        for variant in schema["$defs"]["action"]["oneOf"]:
            kind = variant["properties"]["type"]["const"]
            cls = getattr(hcx_core.Action, kind.upper().replace("-", "_"))
            with self.subTest(action=kind):
                self.assertLessEqual(set(variant["properties"]) - {"type", "before", "after"}, _fields(cls))

    def test_the_plan_record_matches_the_json(self):
        plan = Plan(Fleet.from_file(os.path.join(DATA, "sample-fleet.json")), Catalog(),
                    PlanOptions(target="validated", date=DATE))
        record = plan.record()
        doc = json.loads(plan.to_json())
        self.assertEqual(record.digest, doc["digest"])
        self.assertEqual(str(record.target), doc["target"])
        self.assertEqual(record.date, doc["date"])
        self.assertEqual([s.id for s in record.steps], [s["id"] for s in doc["steps"]])
        self.assertEqual(record.steps, plan.steps())
        for step, js in zip(record.steps, doc["steps"]):
            self.assertLessEqual(set(js), _fields(type(step)))
            self.assertEqual(step.action.before.managers, js["action"]["before"]["managers"])
        upgrade = next(s for s in record.steps if s.kind == hcx_core.StepKind.UPGRADE_MANAGER)
        self.assertIsInstance(upgrade.action.op, hcx_core.Action.UPGRADE_MANAGER)
        self.assertEqual(upgrade.action.op.to, "4.11.4")
        fleet = Fleet.sample().record()
        self.assertEqual(fleet.sites, Fleet.sample().sites())
        self.assertEqual(len(fleet.windows), len(json.loads(Fleet.sample().to_json())["windows"]))


class WeeklyWindows(unittest.TestCase):
    """The weekly window form reads, plans and writes back as it does in Rust, Python and C."""

    WEEKLY = {"days": ["sat"], "start": "22:00", "duration": "6h", "tz": "America/New_York"}

    def fleet(self, weekly):
        doc = json.loads(Fleet.sample().to_json())
        doc["windows"] = [{"weekly": weekly}]
        return Fleet.from_json(json.dumps(doc))

    def test_the_form_reads_and_plans(self):
        fleet = self.fleet(self.WEEKLY)
        (window,) = fleet.record().windows
        self.assertIsNone(window.start)
        self.assertEqual(window.weekly.days, [hcx_core.Weekday.SAT])
        self.assertEqual((window.weekly.start, window.weekly.duration, window.weekly.tz), ("22:00", "6h", "America/New_York"))
        self.assertEqual(json.loads(fleet.to_json())["windows"], [{"weekly": self.WEEKLY}])
        # The fall-back night in New York: 22:00 EDT is 02:00 UTC.
        plan = Plan(fleet, Catalog(), PlanOptions(target="4.11.4", date="2026-10-31"))
        slots = json.loads(plan.to_json())["schedule"]["slots"]
        self.assertEqual(min(s["start"] for s in slots), "2026-11-01T02:00:00Z")
        self.assertEqual({s.tz for s in plan.record().schedule.slots}, {"America/New_York"})

    def test_an_unknown_zone_names_its_path(self):
        with self.assertRaises(HcxError.InvalidFleet) as caught:
            self.fleet({**self.WEEKLY, "tz": "Mars/Olympus_Mons"})
        self.assertIn('$.windows[0].weekly.tz: unknown time zone "Mars/Olympus_Mons"', caught.exception.reason)


if __name__ == "__main__":
    unittest.main(verbosity=2)
