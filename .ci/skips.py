"""Count the skipped tests per reason over pytest's JUnit XML reports (one per run of the suite).

Usage: ``python3 .ci/skips.py REPORT.xml ...``. Prints one line per reason with its count and
the runs it came from, then the total; exits 1 if any test was skipped, since under
``CI=true`` a missing tool or service is an error (splynx_testing/machine.py) and nothing should skip.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path


def skip_reasons(report: Path) -> list[str]:
    """The reason of every skipped test case in one JUnit XML report."""
    return [skipped.get("message", "").strip() or "(no reason given)"
            for skipped in ET.parse(report).getroot().iter("skipped")]


def main(reports: list[str]) -> int:
    counts: Counter[str] = Counter()
    runs: defaultdict[str, set[str]] = defaultdict(set)
    for report in map(Path, reports):
        for reason in skip_reasons(report):
            counts[reason] += 1
            runs[reason].add(report.stem)
    print(f"skipped tests per reason ({len(reports)} runs: {', '.join(Path(r).stem for r in reports) or 'none'})")
    for reason, count in counts.most_common():
        print(f"{count:6d}  {reason}  [{', '.join(sorted(runs[reason]))}]")
    print(f"{sum(counts.values()):6d}  skipped in all")
    return 1 if counts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
