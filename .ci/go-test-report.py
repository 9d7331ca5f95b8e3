#!/usr/bin/env python3
"""Reads `go test -json` on stdin and prints what a person needs: each package's ok/FAIL line,
the whole output of every failed test, then one SKIP line per skipped test with its reason, and
a closing 'go: N passed, N failed, N skipped'. go test's exit status stays the verdict."""
import json
import sys

outputs = {}   # (package, test) -> output lines
ended = set()
verdicts = {}  # package -> its "FAIL\tpackage" line
skips = []     # (package, test, reason)
counts = {"pass": 0, "fail": 0, "skip": 0}


def show(lines):
    sys.stdout.write("".join(lines))


for raw in sys.stdin:
    try:
        ev = json.loads(raw)
    except ValueError:
        sys.stdout.write(raw)  # not an event: pass it on as it is
        continue
    action, pkg, test = ev.get("Action"), ev.get("Package", ev.get("ImportPath", "")), ev.get("Test")
    if action in ("build-output",):
        sys.stdout.write(ev.get("Output", ""))
    elif action == "output" and test:
        outputs.setdefault((pkg, test), []).append(ev.get("Output", ""))
    elif action == "output":
        out = ev.get("Output", "")
        if out.startswith("FAIL\t"):
            verdicts[pkg] = out  # printed after what failed, below
        elif out not in ("PASS\n", "FAIL\n"):
            sys.stdout.write(out)
    elif action in counts and test:
        counts[action] += 1
        ended.add((pkg, test))
        lines = outputs.pop((pkg, test), [])
        if action == "fail":
            show(lines)
        elif action == "skip":
            reason = " ".join(l.strip() for l in lines
                              if not l.startswith(("=== ", "--- ")) and l.strip()) or "(no reason given)"
            reason = reason.replace(": SKIP: ", ": ", 1)  # the test's own "SKIP:" (internal/testreq)
            skips.append((pkg, test, reason))
    elif action == "fail" and not test:
        # a package that failed outside a test's verdict (a timeout, a panic): show what ran
        for (p, t), lines in sorted(outputs.items()):
            if p == pkg and (p, t) not in ended:
                show(lines)
        sys.stdout.write(verdicts.pop(pkg, f"FAIL\t{pkg}\n"))
    sys.stdout.flush()

for pkg, test, reason in skips:
    print(f"SKIP: {pkg} {test}: {reason}")
print(f"go: {counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
