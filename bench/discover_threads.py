"""Baseline: discover every manager of an endpoints file with Python `requests` on 32 threads (one manager
per thread at a time, its calls in sequence).

Usage: HCX_PASSWORD=... python3 bench/discover_threads.py ENDPOINTS.json [THREADS]
Prints the number of managers and requests made.
"""

import sys
from concurrent.futures import ThreadPoolExecutor

from discover_common import discover_one, load_endpoints, password


def main():
    endpoints = load_endpoints(sys.argv[1])
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    pw = password()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        requests_made = sum(pool.map(lambda e: discover_one(e, pw), endpoints))
    print(f"{len(endpoints)} managers, {requests_made} requests")


if __name__ == "__main__":
    main()
