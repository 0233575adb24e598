#!/usr/bin/env python3
"""Writes the shared golden predictor files and manifest.json: one verdict per file that BOTH loaders must give.

    python3 tools/tests/golden_bad/make_golden.py      # rewrites tools/tests/golden_bad/*.helpp and manifest.json

Checked by Tests/CLITests/GoldenPredictorFilesCLITests.swift (`helpprof predict`) and
tools/tests/test_golden_bad.py (`helpprof_predictor.py`): each file's exit code (0 accept, 65 malformed data,
1 unreadable) must equal the manifest's in both. The two good files are small (hidden width 4) predictors whose
metadata is that of the Swift-written fixtures (tools/tests/fixtures/*-test.helpp); every bad file is one edit
of a good one. Deterministic: rerunning gives the same bytes.
"""
from __future__ import annotations

import json
import os
import struct
import sys
from typing import Callable, Dict, List, Tuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
import helpprof_predictor as hp  # noqa: E402

HIDDEN = 4
Parts = Tuple[Dict[str, np.ndarray], Dict[str, str]]


def tiny(fixture: str, seed: int) -> Parts:
    """The fixture's metadata with hidden width 4 tensors (seeded, |w| <= 0.5)."""
    tensors, metadata, _ = hp.load_safetensors(os.path.join(HERE, "..", "fixtures", fixture))
    rng = np.random.default_rng(seed)
    out = {}
    for name, t in sorted(tensors.items()):
        if name == "hw_embedding":
            out[name] = np.array(t, dtype=np.float32)
            continue
        shape = [HIDDEN if d == 100 else (2 * HIDDEN if d == 200 else d) for d in t.shape]
        out[name] = (rng.random(shape, dtype=np.float32) - np.float32(0.5)).astype(np.float32)
    md = dict(metadata, hidden=str(HIDDEN))
    model = json.loads(md["model"])
    model["hidden"] = HIDDEN
    md["model"] = json.dumps(model, separators=(",", ":"), sort_keys=True)
    return out, md


def main() -> None:
    bases = {"nb201": tiny("nb201-test.helpp", 1), "ofa": tiny("ofa-test.helpp", 2)}
    ofa_ref = json.loads(bases["ofa"][1]["reference_archs"])[0]["arch"]
    args = {"nb201": ["--index", "1462"], "ofa": ["--config", ofa_ref]}
    cases: List[dict] = []

    def case(name: str, space: str, exit_code: int, why: str, edit: Callable[[Dict[str, np.ndarray], Dict[str, str]], None],
             reseal: bool = True) -> None:
        tensors = {k: np.array(v) for k, v in bases[space][0].items()}
        metadata = dict(bases[space][1])
        edit(tensors, metadata)
        if reseal:
            metadata = hp.seal_metadata(tensors, metadata)
        hp.write_safetensors(os.path.join(HERE, name), tensors, metadata)
        cases.append({"file": name, "args": args[space], "exit": exit_code, "why": why})

    def raw_case(name: str, space: str, exit_code: int, why: str, data: bytes) -> None:
        with open(os.path.join(HERE, name), "wb") as handle:
            handle.write(data)
        cases.append({"file": name, "args": args[space], "exit": exit_code, "why": why})

    def md(**changes):
        def edit(_t, m):
            for k, v in changes.items():
                if v is None:
                    m.pop(k, None)
                else:
                    m[k] = v
        return edit

    def bomb(depth: int) -> str:
        return "[" * depth + "]" * depth

    nothing = md()
    case("good-nb201.helpp", "nb201", 0, "valid NB201 predictor", nothing)
    case("good-ofa.helpp", "ofa", 0, "valid OFA predictor (w1.2)", nothing)
    case("kind-missing.helpp", "nb201", 65, "metadata kind absent", md(kind=None))
    case("format-version-space.helpp", "nb201", 65, "format_version ' 2'", md(format_version=" 2"))
    case("format-version-plus.helpp", "nb201", 65, "format_version '+2'", md(format_version="+2"))
    case("format-version-1.helpp", "nb201", 65, "version 1: checksum without metadata", md(format_version="1"))
    case("format-version-3.helpp", "nb201", 65, "newer version", md(format_version="3"))
    case("format-other.helpp", "nb201", 65, "another format name", md(format="helpprof-profile"))

    def flip_norm_a(_t, m):
        a = bytearray(m["norm_a"].encode())
        a[-2] ^= 0x01
        m["norm_a"] = a.decode()
    case("norm-a-bitflip.helpp", "nb201", 65, "one bit of norm_a flipped after sealing", flip_norm_a, reseal=False)
    case("norm-b-zero.helpp", "nb201", 65, "norm_b = 0", md(norm_b="0"))
    case("norm-b-nan.helpp", "nb201", 65, "norm_b nan", md(norm_b="nan"))
    case("norm-a-overflow.helpp", "nb201", 65, "norm_a 1e999 (inf)", md(norm_a="1e999"))
    case("norm-a-hex.helpp", "nb201", 65, "norm_a as a hex float", md(norm_a="0x1p3"))
    case("norm-a-underscore.helpp", "nb201", 65, "norm_a '1_0'", md(norm_a="1_0"))
    case("norm-a-absurd.helpp", "nb201", 65, "norm_a 1e30 (exp overflows)", md(norm_a="1e30"))
    case("minmax-inverted.helpp", "nb201", 65, "help-minmax with lo > hi", md(normalisation="help-minmax", norm_a="5", norm_b="1"))

    def big_weights(t, _m):
        t["fc5.weight"] = np.full_like(t["fc5.weight"], np.float32(1e30))
    case("weights-1e30.helpp", "nb201", 65, "absurd weights", big_weights)

    def nan_weight(t, _m):
        t["fc5.bias"] = np.array([[np.nan]], np.float32)
    case("weights-nan.helpp", "nb201", 65, "NaN weight", nan_weight)
    case("json-bomb-deep.helpp", "nb201", 65, "host nested 5000 deep (Python recursion limit 1000)", md(host=bomb(5000)))
    case("json-bomb-40.helpp", "nb201", 65, "provenance nested 40 deep (over the limit of 32)", md(provenance=bomb(40)))
    case("json-nan.helpp", "nb201", 65, "NaN in reference_latency_ms JSON",
         md(reference_latency_ms="[NaN" + ",1" * (len(json.loads(bases["nb201"][1]["reference_latency_ms"])) - 1) + "]"))

    def extra_tensor(t, _m):
        t["surprise"] = np.zeros((1, 1), np.float32)
    case("tensor-extra.helpp", "nb201", 65, "an unknown tensor", extra_tensor)

    def missing_tensor(t, _m):
        del t["gc2.weight"]
    case("tensor-missing.helpp", "nb201", 65, "gc2.weight absent", missing_tensor)

    def reshaped(t, _m):
        t["fc5.weight"] = t["fc5.weight"].reshape(1, -1)
    case("tensor-reshaped.helpp", "nb201", 65, "fc5.weight 1x8 for 8x1 (same count)", reshaped)

    def f64(t, _m):
        t["fc5.bias"] = t["fc5.bias"].astype(np.float64)
    case("tensor-f64.helpp", "nb201", 65, "an F64 tensor", f64)
    case("members-2.helpp", "nb201", 65, "members 2 without member1 tensors", md(members="2"))
    case("hidden-space.helpp", "nb201", 65, "hidden ' 4'", md(hidden=" 4"))
    case("live-feature-caps.helpp", "nb201", 65, "live_feature 'True'", md(live_feature="True"))
    case("space-bad.helpp", "nb201", 65, "space mobilenet", md(space="mobilenet"))
    case("ofa-width-missing.helpp", "ofa", 65, "OFA predictor without ofa_width", md(ofa_width=None))
    case("ofa-width-wrong.helpp", "ofa", 65, "ofa_width 1.0 but w1.2 references", md(ofa_width="1.0"))
    case("ofa-width-in-nb201.helpp", "nb201", 65, "ofa_width in an nb201 file", md(ofa_width="1.2"))

    def hw_differs(t, _m):
        t["hw_embedding"] = t["hw_embedding"] + np.float32(0.25)
    case("hw-embedding-differs.helpp", "nb201", 65, "hw_embedding tensor != device_embedding", hw_differs)

    def norm_json_differs(_t, m):
        stated = json.loads(m["target_normalisation"])
        stated["a"] = stated["a"] + 0.5
        m["target_normalisation"] = json.dumps(stated, separators=(",", ":"), sort_keys=True)
    case("target-normalisation-differs.helpp", "nb201", 65, "target_normalisation a != norm_a", norm_json_differs)
    case("reference-latency-negative.helpp", "nb201", 65, "a negative reference latency",
         md(reference_latency_ms="[-1" + ",1" * (len(json.loads(bases["nb201"][1]["reference_latency_ms"])) - 1) + "]"))

    def shots_mismatch(_t, m):
        prov = json.loads(m["provenance"])
        prov["shots"] = prov["shots"] + 1
        m["provenance"] = json.dumps(prov, separators=(",", ":"), sort_keys=True)
    case("provenance-shots-mismatch.helpp", "nb201", 65, "provenance shots != listed", shots_mismatch)

    def json_edit(key, change):
        def edit(_t, m):
            value = json.loads(m[key])
            change(value)
            m[key] = json.dumps(value, separators=(",", ":"), sort_keys=True)
        return edit
    case("host-empty.helpp", "nb201", 65, "host {}", md(host="{}"))
    case("host-cpus-string.helpp", "nb201", 65, "host logicalCPUs as a string",
         json_edit("host", lambda h: h.update(logicalCPUs="2")))
    case("provenance-seed-negative.helpp", "nb201", 65, "provenance seed -1 (a UInt64)",
         json_edit("provenance", lambda p: p.update(seed=-1)))
    case("provenance-shot-no-latency.helpp", "nb201", 65, "a shot without latencyMs",
         json_edit("provenance", lambda p: p["shotArchs"][0].pop("latencyMs")))
    case("provenance-unknown-key.helpp", "nb201", 0, "an unknown provenance key (ignored, as Codable does)",
         json_edit("provenance", lambda p: p.update(note="x")))
    case("reference-archs-extra-key.helpp", "nb201", 0, "an unknown key in a reference (ignored)",
         json_edit("reference_archs", lambda r: r[0].update(note="x")))
    case("reference-index-string.helpp", "nb201", 65, "a reference index as a string",
         json_edit("reference_archs", lambda r: r[0].update(index="1")))
    case("validation-metric-string.helpp", "nb201", 65, "validation spearman as a string",
         json_edit("validation", lambda v: v["metrics"].update(spearman="high")))

    def upper_checksum(t, m):
        m.update(hp.seal_metadata(t, m))
        m["checksum"] = "sha256:" + m["checksum"][7:].upper()
    case("checksum-uppercase.helpp", "nb201", 65, "checksum in uppercase hex", upper_checksum, reseal=False)
    case("checksum-missing.helpp", "nb201", 65, "no checksum", md(checksum=None), reseal=False)

    good = open(os.path.join(HERE, "good-nb201.helpp"), "rb").read()
    raw_case("truncated.helpp", "nb201", 65, "cut in the data section", good[:len(good) - 5])
    raw_case("empty.helpp", "nb201", 65, "zero bytes", b"")
    raw_case("header-length-huge.helpp", "nb201", 65, "header length 7e18", struct.pack("<Q", 7 * 10 ** 18) + good[8:])
    raw_case("device-profile.json", "nb201", 65, "a device profile (JSON) passed as a predictor",
             json.dumps({"schema_version": 1, "space": "nb201", "references": []}).encode())
    (n,) = struct.unpack("<Q", good[:8])
    header = good[8:8 + n].decode()
    dup = header.replace('"__metadata__":{', '"__metadata__":{"kind":"x",', 1)
    dup_bytes = dup.encode()
    dup_bytes += b" " * (-len(dup_bytes) % 8)
    raw_case("metadata-duplicate-key.helpp", "nb201", 65, "a metadata key twice",
             struct.pack("<Q", len(dup_bytes)) + dup_bytes + good[8 + n:])
    cases.append({"file": "does-not-exist.helpp", "args": args["nb201"], "exit": 1, "why": "no such file"})
    with open(os.path.join(HERE, "manifest.json"), "w") as handle:
        json.dump({"about": "Expected exit code of `helpprof predict --predictor FILE ARGS` and of "
                            "`helpprof_predictor.py FILE ARGS` for each file; written by make_golden.py",
                   "cases": cases}, handle, indent=1)
        handle.write("\n")
    print(f"wrote {len(cases)} cases to {HERE}")


if __name__ == "__main__":
    main()
