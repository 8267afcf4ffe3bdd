"""Baseline: discover every manager of an endpoints file one after the other with Python `requests`.

Usage: HCX_PASSWORD=... python3 bench/discover_sequential.py ENDPOINTS.json
Prints the number of managers and requests made.
"""

import sys

from discover_common import discover_one, load_endpoints, password


def main():
    endpoints = load_endpoints(sys.argv[1])
    pw = password()
    requests_made = sum(discover_one(e, pw) for e in endpoints)
    print(f"{len(endpoints)} managers, {requests_made} requests")


if __name__ == "__main__":
    main()
