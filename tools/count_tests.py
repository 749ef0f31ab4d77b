#!/usr/bin/env python3
"""Counts test cases from Bazel's test.xml files: `count_tests.py TESTLOGS_DIR LABEL`.

Prints one line `LABEL: N passed, N failed, N skipped` and appends the numbers to the file named
by $H2_TEST_TOTALS (if set), which .ci/run sums into its final line. A test target whose
test.xml has no test cases (a corpus replay, a shell test) counts as one case, judged by the
target's own status.
"""
import os
import sys
import xml.etree.ElementTree as ET


def count(root_dir):
    passed = failed = skipped = 0
    for dirpath, _, files in os.walk(root_dir, followlinks=True):
        if "test.xml" not in files:
            continue
        try:
            tree = ET.parse(os.path.join(dirpath, "test.xml"))
        except ET.ParseError:
            failed += 1
            continue
        cases = list(tree.iter("testcase"))
        suites = list(tree.iter("testsuite"))
        if not cases:
            bad = any(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
            failed, passed = (failed + 1, passed) if bad else (failed, passed + 1)
            continue
        for case in cases:
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif case.find("skipped") is not None or case.get("status") == "notrun":
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped


def main():
    root, label = sys.argv[1], sys.argv[2]
    p, f, s = count(root)
    print(f"{label}: {p} passed, {f} failed, {s} skipped")
    totals = os.environ.get("H2_TEST_TOTALS")
    if totals:
        with open(totals, "a") as out:
            out.write(f"{p} {f} {s}\n")


if __name__ == "__main__":
    main()
