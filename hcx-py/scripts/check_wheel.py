"""Checks a built `hcx` wheel and sdist: abi3 tag, the package files, stubs and `py.typed`, nothing else.

Usage: python hcx-py/scripts/check_wheel.py WHEEL SDIST
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

#: Files the wheel must hold (besides the native module and the .dist-info metadata).
REQUIRED = {
    "hcx/__init__.py",
    "hcx/__main__.py",
    "hcx/errors.py",
    "hcx/events.py",
    "hcx/literals.py",
    "hcx/_hcx.pyi",
    "hcx/py.typed",
}


def check_wheel(wheel: Path) -> list[str]:
    problems = []
    # name-version-python-abi-platform.whl
    parts = wheel.stem.split("-")
    if len(parts) != 5 or parts[2] != "cp310" or parts[3] != "abi3":
        problems.append(f"{wheel.name}: not a cp310-abi3 wheel")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    missing = REQUIRED - names
    if missing:
        problems.append(f"{wheel.name}: missing {sorted(missing)}")
    native = [n for n in names if n.startswith("hcx/_hcx.") and n.endswith((".so", ".pyd"))]
    if len(native) != 1:
        problems.append(f"{wheel.name}: expected one native module hcx/_hcx.*.so, found {native}")
    extra = sorted(n for n in names if not (n in REQUIRED or n in native or ".dist-info/" in n))
    if extra:
        problems.append(f"{wheel.name}: unexpected files {extra}")
    return problems


def check_sdist(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as t:
        names = t.getnames()
    wanted = ["pyproject.toml", "python/hcx/py.typed", "python/hcx/_hcx.pyi", "hcx-core/data/catalog.json"]
    return [f"{sdist.name}: no {w}" for w in wanted if not any(n.endswith("/" + w) for n in names)]


def main() -> int:
    wheel, sdist = Path(sys.argv[1]), Path(sys.argv[2])
    problems = check_wheel(wheel) + check_sdist(sdist)
    for p in problems:
        print(f"check_wheel: {p}", file=sys.stderr)
    if not problems:
        print(f"{wheel.name}: cp310-abi3, {len(REQUIRED)} package files, stubs and py.typed present")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
