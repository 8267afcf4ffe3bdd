"""Prints the wheel's size and the time of `import hcx` in a fresh interpreter (median of several runs).

Usage (with the wheel installed in the running interpreter's environment):
    python hcx-py/scripts/measure.py WHEEL [RUNS]
The figures are reported, not asserted: speed belongs in measurements, not in tests.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path


def import_time(runs: int) -> tuple[float, float]:
    """Median wall time of a bare interpreter and of one running `import hcx`, in milliseconds."""

    def median(code: str) -> float:
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd="/")
            samples.append((time.perf_counter() - start) * 1000)
        return statistics.median(samples)

    return median("pass"), median("import hcx")


def main() -> int:
    wheel = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    size = wheel.stat().st_size
    bare, with_hcx = import_time(runs)
    print(f"wheel {wheel.name}: {size / 1024 / 1024:.2f} MiB ({size} bytes)")
    print(f"import hcx: {with_hcx - bare:.1f} ms over a bare interpreter start ({bare:.1f} ms; median of {runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
