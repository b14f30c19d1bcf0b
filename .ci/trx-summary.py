#!/usr/bin/env python3
"""Sum the <ResultSummary><Counters> of every *.trx file under a results directory.

usage: trx-summary.py RESULTS_DIR

Prints one line per run (first-level subdirectory of RESULTS_DIR, e.g. sqlite/postgres):
    sqlite: 40 passed, 0 failed
then the grand total on its own line:
    80 passed, 0 failed

"failed" counts the TRX counters failed + error + timeout + aborted, so a timed-out or
aborted test is never reported as a success.

Exit status: 0 if the totals are clean, 1 if any test failed, no TRX file was found,
total executed is 0, or a TRX file cannot be parsed.
"""
import os
import sys
import xml.etree.ElementTree as ET

FAIL_ATTRS = ("failed", "error", "timeout", "aborted")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def counters_of(path):
    root = ET.parse(path).getroot()
    for summary in root.iter():
        if local(summary.tag) != "ResultSummary":
            continue
        for el in summary:
            if local(el.tag) == "Counters":
                a = el.attrib

                def n(k):
                    try:
                        return int(a.get(k, "0") or 0)
                    except ValueError:
                        return 0

                return {
                    "total": n("total"),
                    "executed": n("executed"),
                    "passed": n("passed"),
                    "failed": sum(n(k) for k in FAIL_ATTRS),
                }
    raise ValueError("no ResultSummary/Counters element")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    base = sys.argv[1]
    runs = {}  # run name -> totals
    bad = 0
    nfiles = 0
    for dirpath, _dirs, files in os.walk(base):
        for f in sorted(files):
            if not f.lower().endswith(".trx"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, base)
            run = rel.split(os.sep)[0] if os.sep in rel else "."
            nfiles += 1
            try:
                c = counters_of(path)
            except Exception as e:  # noqa: BLE001 - report and count as failure
                print(f"ERROR: cannot read {path}: {e}", file=sys.stderr)
                bad += 1
                continue
            t = runs.setdefault(run, {"total": 0, "executed": 0, "passed": 0, "failed": 0, "files": 0})
            for k in ("total", "executed", "passed", "failed"):
                t[k] += c[k]
            t["files"] += 1

    total = {"executed": 0, "passed": 0, "failed": 0}
    order = {"sqlite": 0, "postgres": 1}
    for run in sorted(runs, key=lambda r: (order.get(r, 2), r)):
        t = runs[run]
        print(f"{run}: {t['passed']} passed, {t['failed']} failed")
        if t["executed"] == 0:
            print(f"WARNING: run '{run}' executed 0 tests ({t['files']} TRX file(s))", file=sys.stderr)
        for k in total:
            total[k] += t[k]
    print(f"{total['passed']} passed, {total['failed']} failed")

    rc = 0
    if nfiles == 0:
        print(f"ERROR: no .trx files found under {base}", file=sys.stderr)
        rc = 1
    elif total["executed"] == 0:
        print("ERROR: no tests were executed", file=sys.stderr)
        rc = 1
    if bad:
        rc = 1
    if total["failed"] > 0:
        rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
