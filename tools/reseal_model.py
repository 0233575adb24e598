#!/usr/bin/env python3
"""Re-seals helpprof safetensors files (meta-predictors, predictor files) with the checksum over tensors and
metadata, keeping every tensor bit-identical. For files written before the checksum covered the metadata (or
before meta-predictors carried one), e.g. a bundled model trained on an older branch:

    python3 tools/reseal_model.py Sources/Predictor/Resources/nb201-meta.safetensors

Predictor files (`format` = helpprof-predictor) of format version 1 are raised to version 2 and, for OFA, get
`ofa_width` from their reference architectures. Only for files you trust: sealing vouches for the content.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpprof_predictor as hp  # noqa: E402


def reseal(path: str) -> str:
    """Re-seals ``path`` in place; returns the new checksum."""
    with open(path, "rb") as handle:
        tensors, metadata, raw = hp.parse_safetensors(handle.read())
    before = {k: hashlib.sha256(v).digest() for k, v in raw.items()}
    metadata = dict(metadata)
    if metadata.get("format") == hp.FORMAT_NAME and metadata.get("format_version") == "1":
        metadata["format_version"] = str(hp.FORMAT_VERSION)
        if metadata.get("space") == "ofa" and "ofa_width" not in metadata:
            refs = json.loads(metadata["reference_archs"])
            metadata["ofa_width"] = hp.ofa_parse(refs[0]["arch"])["w"]
    sealed = hp.seal_metadata(tensors, metadata)
    tmp = path + ".reseal-tmp"
    hp.write_safetensors(tmp, tensors, sealed)
    with open(tmp, "rb") as handle:
        t2, m2, raw2 = hp.parse_safetensors(handle.read())
    if {k: hashlib.sha256(v).digest() for k, v in raw2.items()} != before:
        os.unlink(tmp)
        raise hp.PredictorFileError(f"{path}: tensors would change: not written")
    hp.verify_checksum(m2, raw2, t2)
    os.replace(tmp, path)
    return sealed["checksum"]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    for path in args.files:
        try:
            print(f"{path}: {reseal(path)}")
        except hp.HelpprofError as exc:
            print(f"reseal_model: error: {exc}", file=sys.stderr)
            return exc.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
