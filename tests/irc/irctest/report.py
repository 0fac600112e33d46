"""Compares two irctest runs (JUnit XML): passes, failures and skips of each, and the
tests the reference passes that party-bridge does not."""

import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    results = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            results[name] = "failed"
        elif case.find("skipped") is not None:
            results[name] = "skipped"
        else:
            results[name] = "passed"
    return results


def count(results, outcome):
    return sum(1 for r in results.values() if r == outcome)


def main():
    reference_label, reference_path, party_path = sys.argv[1:4]
    reference = outcomes(reference_path)
    party = outcomes(party_path)
    print(f"{'server':<16} {'passed':>7} {'failed':>7} {'skipped':>8}")
    for label, results in [(reference_label, reference), ("party-bridge", party)]:
        print(
            f"{label:<16} {count(results, 'passed'):>7} {count(results, 'failed'):>7}"
            f" {count(results, 'skipped'):>8}"
        )
    passed_ref = count(reference, "passed")
    passed_party = count(party, "passed")
    ratio = passed_party / passed_ref if passed_ref else float("nan")
    print(f"party-bridge passes {ratio:.2f}x as many as {reference_label}")
    failing = sorted(n for n, r in party.items() if r == "failed")
    print(f"\nparty-bridge failures ({len(failing)}):")
    for name in failing:
        mark = " (passes on " + reference_label + ")" if reference.get(name) == "passed" else ""
        print(f"  {name}{mark}")
    return 0 if passed_party >= passed_ref else 1


if __name__ == "__main__":
    sys.exit(main())
