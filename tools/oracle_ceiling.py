#!/usr/bin/env python3
"""How far can ANY predictor go on a device? An oracle fitted on (almost) all of the device's own latencies.

Usage: python3 tools/oracle_ceiling.py [profiles/datasets] [devices...]   (numpy only; default: HELP's NB201
meta-test devices)

For each device: ridge regression of ln(latency) on a rich encoding of the NB201 cell (one-hot op per edge, the
same for the effective cell after dead-op pruning, and all pairwise products of those 60 indicators: 1,830
features), fitted on the 14,625 archs OUTSIDE HELP's query pool (indices 900..1899) -- i.e. 14,625 target
measurements instead of the 10-20 of the few-shot protocol -- and scored (Spearman) on HELP's query set (the pool
minus the device's 10 %/90 % latency tails, 800 archs). The in-sample Spearman on the fit set is printed too: a
device whose latencies the cell explains poorly even in-sample is limited by its measurements (noise, whole-ms
rounding), not by the predictor. Also printed: the ceiling left by rounding alone (Spearman between the
latencies and the same latencies jittered uniformly within their rounding step) -- not the limit when it is high.
If scikit-learn is installed, a second oracle (gradient-boosted trees on the 60 indicators, same fit set) is
printed as well. This is a diagnostic, not a product feature; it reads only profiles/datasets.
"""
import json, os, sys
import numpy as np

CELL = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]  # (to, from) of the six edges, arch-string order

def pruned(ops):
    fwd = [True, False, False, False]
    for k, (t, f) in enumerate(CELL):
        if ops[k] and fwd[f]: fwd[t] = True
    bwd = [False, False, False, True]
    for k in reversed(range(6)):
        t, f = CELL[k]
        if ops[k] and bwd[t]: bwd[f] = True
    return [ops[k] if ops[k] and fwd[f] and bwd[t] else 0 for k, (t, f) in enumerate(CELL)]

def ranks(x):
    order = np.argsort(x, kind="mergesort"); r = np.empty(len(x)); r[order] = np.arange(len(x))
    # average ranks for ties
    _, inv, cnt = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, r); return (sums / cnt)[inv]

def spearman(a, b):
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])

def main():
    d = sys.argv[1] if len(sys.argv) > 1 and os.path.isdir(sys.argv[1]) else "profiles/datasets"
    idx = json.load(open(os.path.join(d, "index.json")))["nb201"]
    devs = idx["devices"]
    wanted = [a for a in sys.argv[1:] if not os.path.isdir(a)] or idx["splits"]["meta_test_devices"]
    lat = np.fromfile(os.path.join(d, idx["latency"]), "<f4").reshape(15625, len(devs)).astype(np.float64)
    ops = np.fromfile(os.path.join(d, idx["ops"]), np.uint8).reshape(15625, 6)
    pr = np.array([pruned(list(o)) for o in ops])
    base = np.concatenate([(ops == k) for k in range(5)] + [(pr == k) for k in range(5)], 1).astype(np.float64)
    iu = np.triu_indices(base.shape[1], 1)
    X = np.concatenate([base, (base[:, :, None] * base[:, None, :])[:, iu[0], iu[1]]], 1)
    X = X[:, X.std(0) > 0]
    lo, hi = idx["help_query_pool"]
    fit = np.setdiff1d(np.arange(15625), np.arange(lo, hi))
    rng = np.random.default_rng(0)
    try:
        from sklearn.ensemble import HistGradientBoostingRegressor
    except ImportError:
        HistGradientBoostingRegressor = None
    print(f"{'device':16s} {'oracle ρ (query)':>17s} {'in-sample ρ':>12s} {'GBM ρ (query)':>14s} {'rounding ceiling':>17s} {'distinct':>9s}")
    for name in wanted:
        y = lat[:, devs.index(name)]
        q = np.arange(lo, hi); yq = y[q]; a, b = np.percentile(yq, [10, 90]); q = q[(yq >= a) & (yq <= b)]
        Xf = X[fit]; mx = Xf.mean(0); ly = np.log(y[fit]); my = ly.mean()
        A = (Xf - mx).T @ (Xf - mx) + 1.0 * np.eye(X.shape[1])
        w = np.linalg.solve(A, (Xf - mx).T @ (ly - my))
        pq = (X[q] - mx) @ w; pf = (Xf - mx) @ w
        vals = np.unique(y[q]); step = np.min(np.diff(vals)) if len(vals) > 1 else 0
        rounding = np.mean([spearman(y[q], y[q] + rng.uniform(-step / 2, step / 2, len(q))) for _ in range(10)])
        gbm = float("nan")
        if HistGradientBoostingRegressor is not None:
            m = HistGradientBoostingRegressor(max_iter=500, random_state=0).fit(base[fit], np.log(y[fit]))
            gbm = spearman(m.predict(base[q]), y[q])
        print(f"{name:16s} {spearman(pq, y[q]):17.3f} {spearman(pf, y[fit]):12.3f} {gbm:14.3f} {rounding:17.3f} {len(vals):9d}")

if __name__ == "__main__":
    main()
