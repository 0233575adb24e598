#!/usr/bin/env python3
"""Latency-constrained NAS with a helpprof predictor file (numpy only, via tools/helpprof_predictor.py).

Regularised (aging) evolution over NAS-Bench-201 or OFA MobileNetV3 that maximises a capacity proxy under a
latency budget on the device the predictor was adapted to:

* objective, NB201: MACs of the CIFAR-10 network (every edge counted, NB201's "FLOPs"), i.e. the most compute
  that fits in the budget;
* objective, OFA: sum over active blocks of expand ratio x kernel size^2, scaled by (resolution / 224)^2 — a
  MACs-like capacity proxy of MobileNetV3 blocks (documented here, not a measured accuracy);
* constraint: predicted latency <= --budget-ms (every candidate is checked; infeasible children are rejected).

Search: population --population, tournament of --tournament, mutation of one NB201 edge (OFA: kernel/expand per
active slot with prob. 0.1, depth per stage with prob. 0.1, resolution with prob. 0.1), aging (oldest dies),
--cycles children, seeded by --seed. NB201 predictions come from one batch over all 15,625 cells.

--check measures the chosen architectures with `helpprof run` (same kernels/threads/dataset as the
predictor's measurements; median of 3 processes) and reports how many exceed the budget. `helpprof run` uses the
profiler's protocol (pinned thread, preempted runs set aside, canary-corrected estimate in `median_ms`), the same
one `profile`, `embed` and `adapt` measure with.

Example:
  python3 tools/nas_example.py device.helpp --budget-ms 5 --top 5 --check --helpprof .build/release/helpprof
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helpprof_predictor import (NB201_COUNT, OFA_EXPANDS, OFA_KERNELS, OFA_RESOLUTIONS, PredictorFileError,  # noqa: E402
                                load_predictor, nb201_arch_string, nb201_ops_from_index, nb201_index_from_ops)


def nb201_macs(ops, input_size=32, classes=10) -> int:
    """MACs of the NB201 TinyNetwork (C=16, N=5) on CIFAR-10, every edge counted (as helpprof's NB201Cost)."""
    macs = 3 * 3 * 3 * 16 * input_size * input_size
    for stage, (c, side) in enumerate([(16, input_size), (32, input_size // 2), (64, input_size // 4)]):
        if stage > 0:
            macs += 9 * (c // 2) * c * side * side + 9 * c * c * side * side + (c // 2) * c * side * side
        per_cell = sum((9 if op == 3 else 1) * c * c * side * side for op in ops if op in (2, 3))
        macs += 5 * per_cell
    return macs + 64 * classes + classes


def ofa_capacity(cfg) -> float:
    """Capacity proxy of an OFA config: sum of e * k^2 over active blocks, times (r / 224)^2."""
    total = 0.0
    for i in range(20):
        if i % 4 < cfg["d"][i // 4]:
            total += cfg["e"][i] * cfg["ks"][i] ** 2
    return total * (cfg["r"] / 224.0) ** 2


def ofa_canonical(cfg):
    """The same network with inactive slots (beyond a stage's depth) set to ks 3, e 3, as helpprof's
    OFAConfig.canonical: configs that differ only there are one network and get one key."""
    ks, e = list(cfg["ks"]), list(cfg["e"])
    for i in range(20):
        if i % 4 >= cfg["d"][i // 4]:
            ks[i], e[i] = 3, 3
    return {"r": cfg["r"], "d": list(cfg["d"]), "ks": ks, "e": e}


def ofa_text(cfg, width="1.2") -> str:
    """helpprof's config text of the canonical form (one text per network)."""
    cfg = ofa_canonical(cfg)
    return (f"r={cfg['r']} w={width} d={','.join(map(str, cfg['d']))} ks={','.join(map(str, cfg['ks']))} "
            f"e={','.join(map(str, cfg['e']))}")


class NB201Problem:
    def __init__(self, predictor):
        self.ms = predictor.predict_ms(list(range(NB201_COUNT)))
        self.ops = [nb201_ops_from_index(i) for i in range(NB201_COUNT)]
        self.objective = np.array([nb201_macs(o) for o in self.ops], dtype=np.float64)

    def random(self, rng):
        return rng.randrange(NB201_COUNT)

    def mutate(self, index, rng):
        ops = list(self.ops[index])
        k = rng.randrange(6)
        ops[k] = rng.choice([o for o in range(5) if o != ops[k]])
        return nb201_index_from_ops(ops)

    def latency(self, items):
        return np.array([self.ms[i] for i in items])

    def score(self, item):
        return self.objective[item]

    def key(self, item):
        return item

    def describe(self, item):
        return {"index": int(item), "arch": nb201_arch_string(self.ops[item]), "macs": int(self.objective[item])}

    def run_args(self, item):
        return ["--space", "nb201", "--index", str(item)]


class OFAProblem:
    def __init__(self, predictor, width):
        self.predictor = predictor
        self.width = width
        self.cache = {}

    def random(self, rng):
        return {"r": rng.choice(OFA_RESOLUTIONS), "d": [rng.choice([2, 3, 4]) for _ in range(5)],
                "ks": [rng.choice(OFA_KERNELS) for _ in range(20)], "e": [rng.choice(OFA_EXPANDS) for _ in range(20)]}

    def mutate(self, cfg, rng):
        child = {"r": cfg["r"], "d": list(cfg["d"]), "ks": list(cfg["ks"]), "e": list(cfg["e"])}
        if rng.random() < 0.1:
            child["r"] = rng.choice(OFA_RESOLUTIONS)
        for s in range(5):
            if rng.random() < 0.1:
                child["d"][s] = rng.choice([2, 3, 4])
        for i in range(20):
            if rng.random() < 0.1:
                child["ks"][i] = rng.choice(OFA_KERNELS)
            if rng.random() < 0.1:
                child["e"][i] = rng.choice(OFA_EXPANDS)
        return child

    def latency(self, items):
        texts = [ofa_text(c, self.width) for c in items]
        todo = [t for t in texts if t not in self.cache]
        if todo:
            for t, v in zip(todo, self.predictor.predict_ms(todo)):
                self.cache[t] = v
        return np.array([self.cache[t] for t in texts])

    def score(self, cfg):
        return ofa_capacity(cfg)

    def key(self, cfg):
        return ofa_text(cfg, self.width)

    def describe(self, cfg):
        return {"config": ofa_text(cfg, self.width), "capacity": round(ofa_capacity(cfg), 2)}

    def run_args(self, cfg):
        return ["--space", "ofa", "--config", ofa_text(cfg, self.width)]


def feasible_random(problem, rng, budget, tries=20000):
    for _ in range(tries):
        batch = [problem.random(rng) for _ in range(32)]
        lat = problem.latency(batch)
        for item, ms in zip(batch, lat):
            if ms <= budget:
                return item
    raise SystemExit(f"no architecture predicted under {budget} ms found: raise --budget-ms")


def evolve(problem, budget, population, tournament, cycles, seed):
    rng = random.Random(seed)
    pop = [feasible_random(problem, rng, budget) for _ in range(population)]
    history = {problem.key(p): p for p in pop}
    rejected = 0
    for _ in range(cycles):
        sample = rng.sample(pop, min(tournament, len(pop)))
        parent = max(sample, key=problem.score)
        for _attempt in range(50):
            child = problem.mutate(parent, rng)
            if problem.latency([child])[0] <= budget:
                break
            rejected += 1
        else:
            child = parent
        pop.append(child)
        pop.pop(0)
        history[problem.key(child)] = child
    ranked = sorted(history.values(), key=problem.score, reverse=True)
    return ranked, rejected


def measure(helpprof, problem, item, settings, processes=3):
    """Median over `processes` separate `helpprof run` processes of their estimate (`median_ms`: canary protocol,
    the same as profile/adapt): on VMs one process can
    land in a slower mode for its whole life (seen here: 1.46 vs 1.67 ms for the same arch), which the spread within
    a process does not show."""
    args = [helpprof, "run", *problem.run_args(item), "--kernels", settings.get("kernels", "default"),
            "--threads", str(settings.get("threads", 1)), "--repeat", "30", "--json"]
    if settings.get("dataset") and "--space" in args and args[args.index("--space") + 1] == "nb201":
        args += ["--dataset", settings["dataset"]]
    medians = []
    for _ in range(processes):
        out = subprocess.run(args, capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise SystemExit(f"helpprof run failed: {out.stderr.strip()}")
        medians.append(json.loads(out.stdout)["median_ms"])
    return float(np.median(medians))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("predictor", help="device.helpp written by `helpprof adapt`")
    parser.add_argument("--budget-ms", type=float, default=None,
                        help="latency budget in ms (default: the median predicted latency of 2,000 random archs)")
    parser.add_argument("--margin", type=float, default=0.0,
                        help="safety margin: search under budget x (1 - margin); the search pushes to the limit, so an "
                             "unbiased predictor puts about half of the chosen archs over an exact budget")
    parser.add_argument("--population", type=int, default=50)
    parser.add_argument("--tournament", type=int, default=10)
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=5, help="how many distinct best architectures to print")
    parser.add_argument("--check", action="store_true", help="measure the chosen ones with `helpprof run` (median of 3 processes)")
    parser.add_argument("--helpprof", default=".build/release/helpprof", help="helpprof binary for --check")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        predictor = load_predictor(args.predictor)
    except PredictorFileError as exc:
        print(f"nas_example: {exc}", file=sys.stderr)
        return 65
    if predictor.space == "nb201":
        problem = NB201Problem(predictor)
    else:
        # Search in the supernet width the device was measured with (the references' "w=").
        ref_text = str(predictor.reference_archs[0].get("arch", "")) if predictor.reference_archs else ""
        width = next((item[2:] for item in ref_text.split() if item.startswith("w=")), "1.2")
        problem = OFAProblem(predictor, width=width)
    budget = args.budget_ms
    if budget is None:
        rng = random.Random(args.seed + 1)
        budget = float(np.median(problem.latency([problem.random(rng) for _ in range(2000)])))
    if not 0 <= args.margin < 1:
        parser.error("--margin must be in [0, 1)")
    ranked, rejected = evolve(problem, budget * (1 - args.margin), args.population, args.tournament, args.cycles, args.seed)
    chosen = ranked[:args.top]
    predicted = problem.latency(chosen)
    settings = predictor.provenance.get("settings", {})
    results = []
    for item, ms in zip(chosen, predicted):
        row = dict(problem.describe(item), predicted_ms=round(float(ms), 4))
        if args.check:
            row["measured_ms"] = round(measure(args.helpprof, problem, item, settings), 4)
            row["violates_budget"] = row["measured_ms"] > budget
        results.append(row)
    summary = {"space": predictor.space, "budget_ms": round(budget, 4), "margin": args.margin, "cycles": args.cycles,
               "rejected_children": rejected, "chosen": results}
    if args.check:
        summary["violations"] = sum(r["violates_budget"] for r in results)
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(f"{predictor.space}: budget {budget:.3f} ms (searched under {budget * (1 - args.margin):.3f} ms), "
              f"{args.cycles} cycles, {rejected} infeasible children rejected")
        for r in results:
            extra = f"  measured {r['measured_ms']:.3f} ms{'  OVER BUDGET' if r['violates_budget'] else ''}" if args.check else ""
            name = r.get("arch") or r.get("config")
            cap = r.get("macs", r.get("capacity"))
            print(f"  predicted {r['predicted_ms']:.3f} ms  objective {cap}{extra}  {name}")
        if args.check:
            print(f"{summary['violations']}/{len(results)} chosen architectures exceed the budget when measured")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
