#!/usr/bin/env python3
"""Test-retest agreement of two helpprof profile CSVs.

Usage: tools/retest.py A.csv B.csv [--column latency_ms] [--json]

Joins the rows on (arch_index, arch_str) and prints the number of common archs, the Spearman rank correlation
of the column, Kendall's tau, the median and 90th percentile of |a-b|/((a+b)/2), and how many rows were flagged
noisy in each file. No third-party packages: ranks use average ties, like scipy.stats.spearmanr.
"""
import argparse
import csv
import json
import math
import sys


def read(path, column):
    rows = {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if column not in (reader.fieldnames or []):
            sys.exit(f"retest.py: {path} has no column '{column}' (columns: {reader.fieldnames})")
        for r in reader:
            try:
                v = float(r[column])
            except (TypeError, ValueError):
                sys.exit(f"retest.py: {path}: {column} '{r.get(column)}' is not a number")
            rows[(r["arch_index"], r["arch_str"])] = (v, r.get("noisy", "0") == "1")
    return rows


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1
        for k in range(i, j + 1):
            r[order[k]] = avg
        i = j + 1
    return r


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = math.sqrt(sum((x - ma) ** 2 for x in a))
    vb = math.sqrt(sum((y - mb) ** 2 for y in b))
    return cov / (va * vb) if va > 0 and vb > 0 else float("nan")


def kendall(a, b):
    n, s = len(a), 0
    for i in range(n):
        for j in range(i + 1, n):
            d = (a[i] - a[j]) * (b[i] - b[j])
            s += (d > 0) - (d < 0)
    return 2 * s / (n * (n - 1)) if n > 1 else float("nan")


def quantile(xs, q):
    s = sorted(xs)
    h = (len(s) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--column", default="latency_ms")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    A, B = read(args.a, args.column), read(args.b, args.column)
    keys = sorted(set(A) & set(B))
    if len(keys) < 3:
        sys.exit(f"retest.py: only {len(keys)} archs in common: expected at least 3")
    a = [A[k][0] for k in keys]
    b = [B[k][0] for k in keys]
    rel = [abs(x - y) / ((x + y) / 2) for x, y in zip(a, b) if x + y > 0]
    out = {
        "column": args.column,
        "common": len(keys),
        "only_a": len(A) - len(keys),
        "only_b": len(B) - len(keys),
        "spearman": pearson(ranks(a), ranks(b)),
        "kendall_tau": kendall(a, b),
        "median_abs_rel_diff": quantile(rel, 0.5),
        "p90_abs_rel_diff": quantile(rel, 0.9),
        "median_ratio_b_over_a": quantile([y / x for x, y in zip(a, b) if x > 0], 0.5),
        "noisy_a": sum(A[k][1] for k in keys),
        "noisy_b": sum(B[k][1] for k in keys),
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{out['common']} common archs ({args.column}); Spearman {out['spearman']:.4f}, "
              f"Kendall tau {out['kendall_tau']:.4f}; |rel diff| median {out['median_abs_rel_diff'] * 100:.2f}% "
              f"p90 {out['p90_abs_rel_diff'] * 100:.2f}%; median ratio b/a {out['median_ratio_b_over_a']:.4f}; "
              f"noisy {out['noisy_a']} / {out['noisy_b']}")


if __name__ == "__main__":
    main()
