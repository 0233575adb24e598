#!/usr/bin/env python3
"""Summarises tools/pool_loco.sh's evaluations: held-out pool configurations (leave-one-configuration-out) and the
public meta-test devices, with and without the pool. Usage: pool_summary.py OUTDIR SPACE [--json]"""
import glob
import json
import os
import re
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def row(r, method="predictor"):
    m = r["predictor"] if method == "predictor" else r["baselines"][method]
    d = m["devices"][0] if len(m["devices"]) == 1 else None
    return {"mean_spearman": m["mean_spearman"], "std_spearman": d["spearman_std"] if d else m["std_spearman"],
            "worst_spearman": m["worst_spearman"], "mape": m["mean_mape"], "within10": m["mean_within10"]}


def markdown(res):
    def cell(x, std=True):
        return (f"{x['mean_spearman']:.3f}" + (f" ± {x['std_spearman']:.3f}" if std else "")
                + f" / {100 * x['within10']:.0f} %")
    for b, configs in sorted(res["held_out"].items()):
        print(f"\n{res['space']}, held out, {b} target measurements: ρ (± std over 5 seeds) / share within ±10 %\n")
        print("| held-out configuration | with pool (model without it) | without pool (public only) | ridge on public + other pool | MACs ρ |")
        print("|---|---|---|---|---|")
        agg = {"loco": [], "nopool": [], "ridge_pool": []}
        for name, v in configs.items():
            for k in agg:
                agg[k].append(v[k])
            print(f"| {name} | {cell(v['loco'])} | {cell(v['nopool'])} | {cell(v['ridge_pool'], False)} | "
                  f"{v['macs']['mean_spearman']:.3f} |")
        row = ["**mean**"] + [f"**{sum(x['mean_spearman'] for x in agg[k]) / len(agg[k]):.3f} / "
                              f"{100 * sum(x['within10'] for x in agg[k]) / len(agg[k]):.0f} %**" for k in agg]
        print("| " + " | ".join(row) + " | |")
        row = ["worst"] + [f"{min(x['mean_spearman'] for x in agg[k]):.3f} / {100 * min(x['within10'] for x in agg[k]):.0f} %"
                           for k in agg]
        print("| " + " | ".join(row) + " | |")


def main():
    out, space = sys.argv[1], sys.argv[2]
    res = {"space": space, "held_out": {}, "public": {}}
    for f in sorted(glob.glob(os.path.join(out, f"eval-{space}-*-b*-loco.json"))):
        m = re.match(rf"eval-({space}-.+)-b(\d+)-loco\.json$", os.path.basename(f))
        if not m or m.group(1).startswith(f"{space}-public"):
            continue
        name, b = m.group(1), int(m.group(2))
        nopool = f.replace("-loco.json", "-nopool.json")
        if not os.path.exists(nopool):
            continue
        r, n = load(f), load(nopool)
        res["held_out"].setdefault(b, {})[name] = {"loco": row(r), "nopool": row(n), "ridge_pool": row(r, "ridge"),
                                                   "ridge_public": row(n, "ridge"), "macs": row(n, "macs")}
    for f in sorted(glob.glob(os.path.join(out, f"eval-{space}-public-b*-pool.json"))):
        b = int(re.search(r"-b(\d+)-pool", f).group(1))
        n = f.replace("-pool.json", "-nopool.json")
        if os.path.exists(n):
            res["public"][b] = {"pool": row(load(f)), "nopool": row(load(n))}
    if "--json" in sys.argv:
        print(json.dumps(res, indent=1))
        return
    if "--markdown" in sys.argv:
        markdown(res)
        return
    for b, configs in sorted(res["held_out"].items()):
        print(f"\n{space}: held-out pool configurations, honest protocol, {b} target measurements, 5 seeds")
        print(f"{'configuration':34s} {'with pool (LOCO)':>28s} {'without pool':>28s} {'ridge+pool':>22s} {'MACs':>6s}")
        agg = {"loco": [], "nopool": [], "ridge_pool": []}
        for name, v in configs.items():
            cells = []
            for k in ("loco", "nopool"):
                x = v[k]
                agg[k].append(x)
                cells.append(f"ρ {x['mean_spearman']:.3f}±{x['std_spearman']:.3f} ±10% {x['within10']:.2f}")
            rp = v["ridge_pool"]
            agg["ridge_pool"].append(rp)
            print(f"{name:34s} {cells[0]:>28s} {cells[1]:>28s} {'ρ %.3f ±10%% %.2f' % (rp['mean_spearman'], rp['within10']):>22s}"
                  f" {v['macs']['mean_spearman']:6.3f}")
        for k in ("loco", "nopool", "ridge_pool"):
            xs = agg[k]
            if xs:
                print(f"  {k:10s} mean ρ {sum(x['mean_spearman'] for x in xs) / len(xs):.3f}, worst "
                      f"{min(x['mean_spearman'] for x in xs):.3f}, mean ±10% {sum(x['within10'] for x in xs) / len(xs):.3f}, "
                      f"worst ±10% {min(x['within10'] for x in xs):.3f}, mean MAPE {sum(x['mape'] for x in xs) / len(xs):.1f} %")
    for b, v in sorted(res["public"].items()):
        p, n = v["pool"], v["nopool"]
        print(f"\n{space}: public meta-test devices, {b} measurements: with pool ρ {p['mean_spearman']:.3f}±{p['std_spearman']:.3f}"
              f" worst {p['worst_spearman']:.3f} ±10% {p['within10']:.2f}; without pool ρ {n['mean_spearman']:.3f}"
              f"±{n['std_spearman']:.3f} worst {n['worst_spearman']:.3f} ±10% {n['within10']:.2f}")


if __name__ == "__main__":
    main()
