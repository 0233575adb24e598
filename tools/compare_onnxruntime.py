#!/usr/bin/env python3
"""Compare helpprof's runtime with onnxruntime on the same networks (same weights, same input).

For each sampled architecture:
  1. `helpprof run ... --dump-weights DIR` writes graph.json (ONNX-style nodes), weights.bin, input.bin,
     output.bin (float32) -- exactly the network helpprof runs.
  2. The graph is rebuilt with onnx.helper, run in onnxruntime (single-threaded by default), and the logits are
     checked against helpprof's (max |diff| <= 1e-3 * max |logit|).
  3. Timing, interleaved: in each round, for each arch, `helpprof run --repeat R --json` (its own median over R
     passes after warm-up, CLOCK_MONOTONIC_RAW) and R onnxruntime runs (median, perf_counter_ns) alternate.
     Per arch the reported time is the median over rounds of those medians.

Prints JSON: geomean_ratio (helpprof / onnxruntime), spearman (rank correlation of the two latency lists),
per-arch rows, and the context (threads, kernels, versions).

Usage (creates tools/.venv-onnx with onnxruntime, onnx, numpy from PyPI on first use):
  python3 tools/compare_onnxruntime.py --space nb201 --count 30 --seed 0 --threads 1
  python3 tools/compare_onnxruntime.py --space ofa --count 10 --resolution 224 --width 1.0
  python3 tools/compare_onnxruntime.py --space nb201 --count 5 --extra=--prune-dead-ops   # flags for helpprof run
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv-onnx")
VENV_PY = os.path.join(VENV, "bin", "python")


def ensure_venv():
    """Re-executes this script inside tools/.venv-onnx, creating it (pip install) when missing."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(VENV_PY):
        print("creating %s (onnxruntime, onnx, numpy from PyPI)..." % VENV, file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([VENV_PY, "-m", "pip", "install", "-q", "onnxruntime", "onnx", "numpy"])
    os.execv(VENV_PY, [VENV_PY] + sys.argv)


def default_binary():
    root = os.path.dirname(HERE)
    for scratch in (".build-h2", ".build"):
        p = os.path.join(root, scratch, "release", "helpprof")
        if os.path.exists(p):
            return p
    return os.path.join(root, ".build", "release", "helpprof")


def sample_archs(args):
    rng = random.Random(args.seed)
    archs = []
    if args.space == "nb201":
        for idx in rng.sample(range(15625), args.count):
            archs.append({"label": "nb201 #%d %s" % (idx, args.dataset),
                          "args": ["--space", "nb201", "--index", str(idx), "--dataset", args.dataset]})
    else:
        for _ in range(args.count):
            d = [rng.choice([2, 3, 4]) for _ in range(5)]
            ks = [rng.choice([3, 5, 7]) for _ in range(20)]
            e = [rng.choice([3, 4, 6]) for _ in range(20)]
            text = "r=%d w=%s d=%s ks=%s e=%s" % (args.resolution, args.width, ",".join(map(str, d)),
                                                  ",".join(map(str, ks)), ",".join(map(str, e)))
            archs.append({"label": "ofa " + text, "args": ["--space", "ofa", "--config", text]})
    return archs


def build_onnx(dump_dir):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    with open(os.path.join(dump_dir, "graph.json")) as f:
        g = json.load(f)
    blob = np.fromfile(os.path.join(dump_dir, "weights.bin"), dtype="<f4")
    inits = []
    for ini in g["initializers"]:
        arr = blob[ini["offset"]:ini["offset"] + ini["count"]].reshape(ini["shape"])
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, dtype=np.float32), ini["name"]))
    nodes = []
    for n in g["nodes"]:
        attrs = {}
        for k, v in n.get("ints", {}).items():
            attrs[k] = v[0] if k in ("group", "count_include_pad", "axis", "transB") else v
        for k, v in n.get("floats", {}).items():
            attrs[k] = float(v)
        nodes.append(helper.make_node(n["op"], n["inputs"], n["outputs"], name=n["name"], **attrs))
    graph = helper.make_graph(
        nodes, "helpprof",
        [helper.make_tensor_value_info(g["inputName"], TensorProto.FLOAT, g["inputShape"])],
        [helper.make_tensor_value_info(g["outputName"], TensorProto.FLOAT, g["outputShape"])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    x = np.fromfile(os.path.join(dump_dir, "input.bin"), dtype="<f4").reshape(g["inputShape"])
    y = np.fromfile(os.path.join(dump_dir, "output.bin"), dtype="<f4").reshape(g["outputShape"])
    return model, g, x, y


def spearman(a, b):
    import numpy as np

    def ranks(v):
        v = np.asarray(v, dtype=float)
        order = v.argsort()
        r = np.empty(len(v))
        r[order] = np.arange(len(v))
        # average ties
        for val in np.unique(v):
            m = v == val
            if m.sum() > 1:
                r[m] = r[m].mean()
        return r

    if len(a) < 2:
        return float("nan")
    ra, rb = ranks(a), ranks(b)
    return float(np.corrcoef(ra, rb)[0, 1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--space", choices=["nb201", "ofa"], default="nb201")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dataset", default="cifar10")
    ap.add_argument("--resolution", type=int, default=224)
    ap.add_argument("--width", default="1.0")
    ap.add_argument("--kernels", default="default")
    ap.add_argument("--repeat", type=int, default=20, help="passes per timing sample (median)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    ap.add_argument("--helpprof", default=None, help="path to a release helpprof binary")
    ap.add_argument("--extra", default="", help="extra helpprof run flags, e.g. '--prune-dead-ops'")
    ap.add_argument("--no-check", action="store_true", help="skip the output comparison")
    args = ap.parse_args()
    ensure_venv()

    import numpy as np
    import onnxruntime as ort
    import onnx

    exe = args.helpprof or default_binary()
    if not os.path.exists(exe):
        sys.exit("helpprof binary not found at %s: build with swift build -c release" % exe)
    extra = args.extra.split()
    common = ["--kernels", args.kernels, "--threads", str(args.threads)] + extra
    archs = sample_archs(args)

    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL

    rows = []
    with tempfile.TemporaryDirectory(prefix="helpprof-onnx-") as tmp:
        for i, a in enumerate(archs):
            d = os.path.join(tmp, "a%d" % i)
            out = subprocess.run([exe, "run"] + a["args"] + common + ["--repeat", "1", "--warmup", "0", "--json",
                                                                       "--dump-weights", d],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit("helpprof failed for %s: %s" % (a["label"], out.stderr.strip()))
            info = json.loads(out.stdout)
            model, g, x, y = build_onnx(d)
            sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
            got = sess.run(None, {g["inputName"]: x})[0]
            scale = float(np.abs(y).max()) or 1.0
            err = float(np.abs(got - y).max()) / scale
            a.update(sess=sess, feed={g["inputName"]: x}, macs=info["macs"], rel_err=err,
                     match=bool(err <= 1e-3), helpprof_ms=[], ort_ms=[])
            if not args.no_check and not a["match"]:
                print("warning: output mismatch for %s: max rel err %.3g" % (a["label"], err), file=sys.stderr)

        for _ in range(args.rounds):
            for a in archs:
                out = subprocess.run([exe, "run"] + a["args"] + common + ["--repeat", str(args.repeat), "--json"],
                                     capture_output=True, text=True, check=True)
                hj = json.loads(out.stdout)
                a["helpprof_ms"].append(hj["median_ms"])
                a.setdefault("helpprof_min", []).append(hj["min_ms"])
                sess, feed = a["sess"], a["feed"]
                for _ in range(3):
                    sess.run(None, feed)
                ts = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter_ns()
                    sess.run(None, feed)
                    ts.append((time.perf_counter_ns() - t0) / 1e6)
                a["ort_ms"].append(float(np.median(ts)))
                a.setdefault("ort_min", []).append(float(np.min(ts)))

    for a in archs:
        h = float(np.median(a["helpprof_ms"]))
        o = float(np.median(a["ort_ms"]))
        hm, om = float(np.min(a["helpprof_min"])), float(np.min(a["ort_min"]))
        hb, ob = float(np.min(a["helpprof_ms"])), float(np.min(a["ort_ms"]))
        rows.append({"arch": a["label"], "macs": a["macs"], "helpprof_ms": round(h, 4), "onnxruntime_ms": round(o, 4),
                     "ratio": round(h / o, 4), "helpprof_min_ms": round(hm, 4), "onnxruntime_min_ms": round(om, 4),
                     "ratio_min": round(hm / om, 4), "helpprof_best_round_ms": round(hb, 4),
                     "onnxruntime_best_round_ms": round(ob, 4), "ratio_best_round": round(hb / ob, 4),
                     "max_rel_err": a["rel_err"], "outputs_match": a["match"]})
    ratios = [r["ratio"] for r in rows]
    result = {
        "space": args.space,
        "count": len(rows),
        "seed": args.seed,
        "threads": args.threads,
        "kernels": args.kernels,
        "extra_flags": args.extra,
        "repeat": args.repeat,
        "rounds": args.rounds,
        "geomean_ratio": round(math.exp(sum(math.log(r) for r in ratios) / len(ratios)), 4),
        "spearman": round(spearman([r["helpprof_ms"] for r in rows], [r["onnxruntime_ms"] for r in rows]), 4),
        "geomean_ratio_min": round(math.exp(sum(math.log(r["ratio_min"]) for r in rows) / len(rows)), 4),
        "spearman_min": round(spearman([r["helpprof_min_ms"] for r in rows], [r["onnxruntime_min_ms"] for r in rows]), 4),
        "geomean_ratio_best_round": round(math.exp(sum(math.log(r["ratio_best_round"]) for r in rows) / len(rows)), 4),
        "spearman_best_round": round(spearman([r["helpprof_best_round_ms"] for r in rows],
                                              [r["onnxruntime_best_round_ms"] for r in rows]), 4),
        "note": "ratio = helpprof / onnxruntime; *_ms: median over rounds of per-round medians; *_min_ms: minimum "
                "single pass; *_best_round_ms: lowest per-round median (least disturbed round)",
        "all_outputs_match": all(r["outputs_match"] for r in rows),
        "onnxruntime_version": ort.__version__,
        "onnx_version": onnx.__version__,
        "rows": rows,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
