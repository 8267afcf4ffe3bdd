"""``python -m hcx plan``: the ``hcx plan`` command for machines without the Rust CLI.

It takes every option of ``hcx plan`` (a test compares them with ``hcx plan --help``) except the CLI's global
``--color``, ``--log-format``, ``-v`` and ``-q``: it writes no colour and no log. ``--catalog-url`` fetches the catalog but keeps
no offline copy (the CLI falls back to the last good copy it cached).

Exit codes: 0 no unacknowledged finding at the ``--fail-on`` level, 1 there are some, 2 bad input.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from collections.abc import Sequence
from pathlib import Path

import hcx

EXIT_CLEAN = 0
EXIT_BLOCKERS = 1
EXIT_BAD_INPUT = 2

#: The formats of `--format`, and the extensions of `--out` that choose one.
FORMATS = ("text", "markdown", "json", "html")
EXTENSIONS = {"txt": "text", "text": "text", "md": "markdown", "markdown": "markdown", "json": "json", "html": "html"}

#: hcx-core's defaults, as `hcx plan --help` shows them.
DEFAULT_MAX_INPUT_BYTES = 64 << 20
DEFAULT_MAX_RESPONSE_BYTES = 16 << 20


class BadInput(Exception):
    """A command-line value that cannot be used (exit 2)."""


def duration(text: str) -> float:
    """A duration as the CLI reads it: ``30s``, ``500ms``, ``2m``, ``1h`` or bare seconds; in seconds."""
    t = text.strip()
    digits = t[: len(t) - len(t.lstrip("0123456789"))]
    unit = t[len(digits) :]
    scale = {"ms": 0.001, "": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}.get(unit)
    if not digits or scale is None:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: expected e.g. 30s, 500ms, 2m, 1h or seconds")
    seconds = int(digits) * scale
    if seconds == 0:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: must be more than zero")
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hcx", description="Plan VMware HCX upgrades.")
    parser.add_argument("--version", action="version", version=f"hcx {hcx.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    plan_cmd = commands.add_parser(
        "plan",
        help="make an upgrade plan for a fleet",
        description="Make an upgrade plan. Exit codes: 0 no findings at the --fail-on level, 1 some, 2 bad input.",
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
        "--max-input-bytes",
        type=int,
        default=DEFAULT_MAX_INPUT_BYTES,
        metavar="BYTES",
        help=f"largest fleet document read, in bytes (default: {DEFAULT_MAX_INPUT_BYTES})",
    )
    plan_cmd.add_argument("--concurrency", type=int, metavar="N", help="with --discover: managers read at once")
    connect = plan_cmd.add_argument_group("with --discover: TLS trust, timeouts and the response size cap")
    trust = connect.add_mutually_exclusive_group()
    trust.add_argument(
        "--ca-cert", metavar="FILE", help="PEM file of the CA certificate(s) that signed the managers' certificates"
    )
    trust.add_argument(
        "--danger-accept-invalid-certs",
        action="store_true",
        help="accept any TLS certificate, unverified (self-signed lab managers); never use in production",
    )
    connect.add_argument(
        "--connect-timeout", type=duration, metavar="DURATION", help="longest wait for a connection (default: 10s)"
    )
    connect.add_argument(
        "--read-timeout",
        type=duration,
        metavar="DURATION",
        help="longest wait for the next bytes of a response (default: half of --timeout)",
    )
    connect.add_argument(
        "--timeout", type=duration, metavar="DURATION", help="longest one request may take (default: 60s)"
    )
    connect.add_argument(
        "--max-response-bytes",
        type=int,
        default=DEFAULT_MAX_RESPONSE_BYTES,
        metavar="BYTES",
        help=f"largest response body read from a manager (default: {DEFAULT_MAX_RESPONSE_BYTES})",
    )
    connect.add_argument(
        "--danger-allow-insecure-http",
        "--allow-insecure-http",
        action="store_true",
        dest="allow_insecure_http",
        help="allow plain http, password included, to managers not on loopback; never use in production",
    )
    plan_cmd.add_argument(
        "--target",
        default=None,
        metavar="V|latest|validated",
        help="the target release (default: validated where a platform of the fleet lists one, else latest)",
    )
    plan_cmd.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: from the extension of --out: .json, .md, .txt, .html; else text)",
    )
    plan_cmd.add_argument(
        "--out",
        metavar="FILE",
        help="write the document to FILE (stdout gets a one-line summary naming the file and the plan digest)",
    )
    plan_cmd.add_argument(
        "--ack",
        action="append",
        default=[],
        metavar="RULE-ID[:SUBJECT]",
        help="acknowledge a rule everywhere, or for one site, pair, mesh or appliance (repeatable)",
    )
    plan_cmd.add_argument(
        "--fail-on",
        choices=("blocker", "warning"),
        default="blocker",
        help="exit 1 on unacknowledged findings of this severity or worse (default: blocker)",
    )
    plan_cmd.add_argument(
        "--min-confidence",
        choices=("confirmed", "secondary", "third-party"),
        metavar="LEVEL",
        help="path evidence weaker than this is a blocker (weak-evidence): confirmed, secondary or third-party",
    )
    plan_cmd.add_argument(
        "--date",
        type=datetime.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the day to judge support status on (default: today, UTC)",
    )
    catalog = plan_cmd.add_mutually_exclusive_group()
    catalog.add_argument("--catalog", metavar="FILE", help="a catalog file to use instead of the bundled one")
    catalog.add_argument("--catalog-url", metavar="URL", help="fetch the catalog from an https URL (validated)")
    plan_cmd.add_argument(
        "--catalog-sha256", metavar="HEX", help="with --catalog-url: the expected SHA-256 of the fetched file"
    )
    plan_cmd.add_argument(
        "--ne-in-service",
        action="store_true",
        help="prefer the In-Service Network Extension upgrade where it is allowed",
    )
    return parser


def _load_fleet(args: argparse.Namespace) -> hcx.Fleet:
    if args.discover is not None:
        return hcx.discover(
            args.discover,
            concurrency=args.concurrency,
            ca_bundle=args.ca_cert,
            danger_accept_invalid_certs=args.danger_accept_invalid_certs,
            connect_timeout=args.connect_timeout,
            read_timeout=args.read_timeout,
            timeout=args.timeout,
            max_response_bytes=args.max_response_bytes,
            allow_insecure_http=args.allow_insecure_http,
        ).fleet
    if args.fleet is None:
        print("hcx: no --fleet given: planning the bundled sample fleet", file=sys.stderr)
        return hcx.Fleet.sample()
    if args.fleet == "-":
        return hcx.Fleet.from_json(sys.stdin.read(), max_input_bytes=args.max_input_bytes)
    return hcx.Fleet.load(args.fleet, max_input_bytes=args.max_input_bytes)


def _load_catalog(args: argparse.Namespace) -> hcx.Catalog | None:
    if args.catalog_sha256 is not None and args.catalog_url is None:
        raise BadInput("--catalog-sha256 needs --catalog-url")
    if args.catalog is not None:
        return hcx.Catalog.load(args.catalog)
    if args.catalog_url is not None:
        return hcx.Catalog.fetch(args.catalog_url, sha256=args.catalog_sha256)
    return None


def _format(args: argparse.Namespace) -> str:
    if args.format is not None:
        return str(args.format)
    if args.out is None:
        return "text"
    ext = Path(args.out).suffix.lstrip(".").lower()
    if not ext:
        return "text"
    if ext not in EXTENSIONS:
        raise BadInput(f"cannot tell the output format from the extension .{ext}: give --format")
    return EXTENSIONS[ext]


def _check_discover_options(args: argparse.Namespace) -> None:
    """The connection options are for --discover, as in the CLI (which refuses --concurrency without it)."""
    if args.discover is None and args.concurrency is not None:
        raise BadInput("--concurrency needs --discover")
    if args.concurrency is not None and args.concurrency < 1:
        raise BadInput("--concurrency must be at least 1")
    for name in ("--max-input-bytes", "--max-response-bytes"):
        value = getattr(args, name.lstrip("-").replace("-", "_"))
        if value < 0:
            raise BadInput(f"{name} must be >= 0")


def _render(plan: hcx.Plan, fleet: hcx.Fleet, output: str) -> str:
    if output == "markdown":
        return plan.to_markdown()
    if output == "json":
        return plan.to_json()
    if output == "html":
        # With the fleet, the report draws its topology (as `hcx plan --format html` does).
        return plan.to_html(fleet)
    return plan.to_text()


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        _check_discover_options(args)
        output = _format(args)
        catalog = _load_catalog(args)
        fleet = _load_fleet(args)
        # No target and no date: hcx-core's defaults, the same as `hcx plan`.
        plan = hcx.plan(
            fleet,
            args.target,
            ack=args.ack,
            date=args.date,
            catalog=catalog,
            ne_in_service=args.ne_in_service,
            min_confidence=args.min_confidence,
        )
        rendered = _render(plan, fleet, output)
        text = rendered if rendered.endswith("\n") else rendered + "\n"
        if args.out is not None:
            try:
                Path(args.out).write_text(text)
            except OSError as e:
                raise BadInput(f"cannot write the plan to {args.out}: {e.strerror or e}") from e
            print(
                f"hcx: wrote {args.out} ({plan.schema}, target {plan.target}, {plan.summary.steps} steps, "
                f"{plan.summary.blockers} blockers; digest {plan.digest})"
            )
        else:
            sys.stdout.write(text)
    except (hcx.HcxError, BadInput) as e:
        print(f"hcx: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if plan.fails_on(args.fail_on):
        return EXIT_BLOCKERS
    return EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
