#!/usr/bin/env python3
"""Convert the public HELP latency tables (CSV) into the compact binary layout helpprof reads.

Usage: python3 tools/convert_datasets.py [SRC_DIR] [OUT_DIR]
  SRC_DIR defaults to /work/shared/data, OUT_DIR to profiles/datasets.

Output (all little-endian, row-major):
  nb201_latency.f32  float32 [15625 x 27]  latency (ms) of NB201 arch_index i on device j
  nb201_ops.u8       uint8   [15625 x 6]   op code per edge (0 none, 1 skip, 2 conv1x1, 3 conv3x3, 4 avgpool)
  ofa_latency.f32    float32 [5000 x 12]   latency (ms) of OFA subnet i on device j
  ofa_archs.u8       uint8   [5000 x 46]   resolution/4, d[5], ks[20], e[20] (raw values; inactive slots kept)
  index.json         devices (column order), shapes, files, HELP splits and reference archs, provenance
Only the Python standard library is used, so the conversion is reproducible anywhere.
"""
import csv, gzip, json, os, struct, sys, hashlib

def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"
    out = sys.argv[2] if len(sys.argv) > 2 else "profiles/datasets"
    os.makedirs(out, exist_ok=True)
    files = {}

    def write(name, fmt, values):
        data = struct.pack("<%d%s" % (len(values), fmt), *values)
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        files[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    # NB201 latencies (wide table) and ops.
    with gzip.open(os.path.join(src, "nb201_latency_wide.csv.gz"), "rt") as f:
        r = csv.reader(f)
        head = next(r)
        nb_devices = [c.split(":", 1)[1] for c in head[1:]]
        rows = [row for row in r]
    assert [int(row[0]) for row in rows] == list(range(15625)), "nb201 rows must be arch_index 0..15624"
    write("nb201_latency.f32", "f", [float(v) for row in rows for v in row[1:]])
    with open(os.path.join(src, "nb201_archs.csv")) as f:
        r = csv.DictReader(f)
        keys = ["e0_1from0", "e1_2from0", "e2_2from1", "e3_3from0", "e4_3from1", "e5_3from2"]
        arch_rows = list(r)
    assert [int(x["arch_index"]) for x in arch_rows] == list(range(15625))
    write("nb201_ops.u8", "B", [int(x[k]) for x in arch_rows for k in keys])

    # OFA latencies and configs.
    with open(os.path.join(src, "ofa_latency_help.csv")) as f:
        r = csv.reader(f)
        head = next(r)
        ofa_devices = head[1:]
        rows = list(r)
    assert [int(row[0]) for row in rows] == list(range(5000))
    write("ofa_latency.f32", "f", [float(v) for row in rows for v in row[1:]])
    with open(os.path.join(src, "ofa_archs.csv")) as f:
        arows = list(csv.DictReader(f))
    assert [int(x["arch_index"]) for x in arows] == list(range(5000))
    vals = []
    for x in arows:
        rec = [int(x["resolution"]) // 4] + [int(v) for v in x["d"].split("-")] + \
              [int(v) for v in x["ks"].split("-")] + [int(v) for v in x["e"].split("-")]
        assert len(rec) == 46 and int(x["resolution"]) % 4 == 0
        vals += rec
    write("ofa_archs.u8", "B", vals)

    with open(os.path.join(src, "help_protocol.json")) as f:
        proto = json.load(f)
    index = {
        "format": "helpprof-datasets-1",
        "provenance": "HayeonLee/HELP commit 45f70eb (MIT), data/<space>/latency/*.pt via the shared CSV tables; "
                      "see README.md",
        "nb201": {"archs": 15625, "devices": nb_devices, "latency": "nb201_latency.f32", "ops": "nb201_ops.u8",
                  "splits": {k: proto["nasbench201"][k] for k in
                             ["meta_train_devices", "meta_valid_devices", "meta_test_devices"]},
                  "help_reference_archs": proto["nasbench201"]["hardware_embedding_index"],
                  "help_train_pool": [0, 900], "help_query_pool": [900, 1900]},
        "ofa": {"archs": 5000, "devices": ofa_devices, "latency": "ofa_latency.f32", "archs_file": "ofa_archs.u8",
                "arch_record": "resolution/4, d[5], ks[20], e[20] as uint8",
                "splits": {k: proto["ofa"][k] for k in
                           ["meta_train_devices", "meta_valid_devices", "meta_test_devices"]},
                "help_reference_archs": proto["ofa"]["hardware_embedding_index"],
                "help_train_pool": [0, 4000], "help_query_pool": [4000, 5000]},
        "files": files,
    }
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")

if __name__ == "__main__":
    main()
