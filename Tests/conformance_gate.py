#!/usr/bin/env python3
"""Fails (exit 1) when the conformance report is below the bar.

Reads the table check.py prints: one row per category with its pass rate,
and a TOTAL row. The bar: --total percent overall, --category percent in
every category that judged at least one case, and at least --judged cases
judged in all (a checker that skips what it cannot read must not pass).
"""
import argparse
import re
import sys

parser = argparse.ArgumentParser()
parser.add_argument("report")
parser.add_argument("--total", type=float, default=95.0)
parser.add_argument("--category", type=float, default=90.0)
parser.add_argument("--judged", type=int, default=0)
args = parser.parse_args()

row = re.compile(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)%\s*$")
problems, total, judged_total, passed_total = [], None, 0, 0
for line in open(args.report, encoding="utf-8"):
    m = row.match(line)
    if not m:
        continue
    name, cases, passed, failed, skipped, rate = m.groups()
    passed, failed, rate = int(passed), int(failed), float(rate)
    if name == "TOTAL":
        total = rate
        judged_total, passed_total = passed + failed, passed
    elif passed + failed > 0 and rate < args.category:
        problems.append(f"{name}: {rate:.1f}% < {args.category:.0f}%")
if total is None:
    problems.append("no TOTAL row: did the checker run?")
elif total < args.total:
    problems.append(f"TOTAL: {total:.1f}% < {args.total:.0f}%")
if judged_total < args.judged:
    problems.append(f"only {judged_total} cases judged, fewer than {args.judged}")
print(f"conformance: {passed_total} of {judged_total} judged cases pass ({total or 0:.1f}%)")
for p in problems:
    print("conformance below the bar:", p)
sys.exit(1 if problems else 0)
