#!/usr/bin/env python3
"""conformance-gate.py KNOWN_FAILURES REPORT.json...: every case in the runners' --json-out
reports must pass except those KNOWN_FAILURES names (one case id a line, # comments). A listed
case that passes, or that is no recorded case, fails the gate too, so the list stays true."""
import json, sys

known = set()
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if line:
        known.add(line)
results = {}
for path in sys.argv[2:]:
    with open(path) as f:
        results.update(json.load(f))
if not results:
    sys.exit("conformance gate: the runners reported no case")
failed = {cid: r.get("why") for cid, r in results.items() if r.get("result") != "pass"}
problems = [f"FAIL {cid}: {why}" for cid, why in sorted(failed.items()) if cid not in known]
problems += [f"{cid} passes now: take it off .ci/conformance-known-failures.txt"
             for cid in sorted(known) if cid in results and cid not in failed]
problems += [f"{cid} in .ci/conformance-known-failures.txt is not a recorded case"
             for cid in sorted(known - results.keys())]
for cid in sorted(known & failed.keys()):
    print(f"known failure {cid}: {failed[cid]}")
for p in problems:
    print(p)
print(f"conformance: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if problems else 0)
