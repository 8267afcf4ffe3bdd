"""``python -m hcx plan``: the ``hcx plan`` command for machines without the Rust CLI.

Exit codes: 0 the plan has no unacknowledged blocker, 1 it has blockers, 2 bad input.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence

import hcx

EXIT_CLEAN = 0
EXIT_BLOCKERS = 1
EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hcx", description="Plan VMware HCX upgrades.")
    parser.add_argument("--version", action="version", version=f"hcx {hcx.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    plan_cmd = commands.add_parser(
        "plan",
        help="make an upgrade plan for a fleet",
        description="Make an upgrade plan. Exit codes: 0 no blockers, 1 blockers, 2 bad input.",
    )
    source = plan_cmd.add_mutually_exclusive_group()
    source.add_argument(
        "--fleet",
        metavar="FILE",
        help="the hcx-fleet/v1 JSON file ('-' reads standard input); default: the bundled sample fleet",
    )
    source.add_argument(
        "--discover",
        metavar="ENDPOINTS",
        help="discover the fleet from the managers in this hcx-endpoints/v1 file "
        "(passwords from HCX_PASSWORD_<SITE> or HCX_PASSWORD)",
    )
    plan_cmd.add_argument(
        "--target",
        default=None,
        metavar="V|latest|validated",
        help="the target release (default: validated where a platform of the fleet lists one, else latest)",
    )
    plan_cmd.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="output format (default: text)",
    )
    plan_cmd.add_argument(
        "--ack",
        action="append",
        default=[],
        metavar="ID",
        help="acknowledge a rule id so its blockers no longer block (repeatable)",
    )
    plan_cmd.add_argument(
        "--date",
        type=datetime.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day to judge support status on (default: today, UTC)",
    )
    plan_cmd.add_argument("--catalog", metavar="FILE", help="a catalog file to use instead of the bundled one")
    plan_cmd.add_argument(
        "--ne-in-service",
        action="store_true",
        help="prefer the In-Service Network Extension upgrade where it is allowed",
    )
    return parser


def _load_fleet(source: str | None, endpoints: str | None) -> hcx.Fleet:
    if endpoints is not None:
        return hcx.discover(endpoints).fleet
    if source is None:
        print("hcx: no --fleet given: planning the bundled sample fleet", file=sys.stderr)
        return hcx.Fleet.sample()
    if source == "-":
        return hcx.Fleet.from_json(sys.stdin.read())
    return hcx.Fleet.load(source)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        fleet = _load_fleet(args.fleet, args.discover)
        catalog = hcx.Catalog.load(args.catalog) if args.catalog else None
        # No target and no date: hcx-core's defaults, the same as `hcx plan`.
        plan = hcx.plan(
            fleet,
            args.target,
            ack=args.ack,
            date=args.date,
            catalog=catalog,
            ne_in_service=args.ne_in_service,
        )
    except hcx.HcxError as e:
        print(f"hcx: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rendered = {"text": plan.to_text, "markdown": plan.to_markdown, "json": plan.to_json}[args.format]()
    sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")
    return EXIT_BLOCKERS if plan.has_blockers else EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
