#!/usr/bin/env python3
"""Prints the Swift Testing tests a log shows as started but never finished (used by scripts/test.sh on a hang)."""
import re
import sys

started, finished = [], set()
with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
    for line in log:
        if m := re.search(r"◇ Test (.*) started\.", line):
            if m.group(1) != "run":
                started.append(m.group(1))
        elif m := re.search(r"[✔✘━] Test (.*) (?:passed|failed) after ", line):
            # A parameterised test finishes as "NAME with N test cases".
            finished.add(re.sub(r" with \d+ test cases?$", "", m.group(1)))


def is_finished(name):
    # A test case starts as "case passing ARGUMENTS to NAME" and finishes with its test.
    if name.startswith("case passing "):
        return any(name.endswith(" to " + test) for test in finished)
    return name in finished


for name in dict.fromkeys(started):
    if not is_finished(name):
        print("  " + name)
