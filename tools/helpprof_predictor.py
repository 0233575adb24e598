#!/usr/bin/env python3
"""Numpy-only loader for helpprof predictor files (``device.helpp``) and latency prediction.

A predictor file is a safetensors file: an 8-byte little-endian u64 header length N, N bytes of JSON header
``{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}``, then the raw little-endian data.
This module reads it with numpy alone and verifies everything helpprof's Swift loader verifies (header length,
JSON, dtypes, shape/offset agreement, offsets tiling the data section, duplicate names, NaN/Inf, format name
and version, the SHA-256 tensor checksum). Every problem raises ``PredictorFileError`` with a message naming the
value and the expectation.

Checksum (metadata ``checksum``): ``"sha256:" + sha256(for each tensor in sorted-name order: UTF-8 name,
one 0x00 byte, raw little-endian data bytes).hexdigest()``.
"""
from __future__ import annotations

import hashlib
import json
import struct
from typing import Dict, Iterable, Optional, Tuple, Union

import numpy as np

__all__ = [
    "HelpprofPredictor",
    "load_predictor",
    "PredictorFileError",
    "load_safetensors",
    "parse_safetensors",
    "tensor_checksum",
    "verify_checksum",
    "verify_format",
    "verify_layout",
]

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I32": np.dtype("<i4"), "I64": np.dtype("<i8")}


class PredictorFileError(ValueError):
    """A malformed, corrupted, incompatible or unexpected predictor / safetensors file."""


def _reject_constant(name: str):
    raise PredictorFileError(f"header is not valid JSON: non-standard constant {name}")


def _pairs_no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise PredictorFileError(f"header key '{key}' appears twice: expected unique names")
        out[key] = value
    return out


def _nonneg_int_list(value, name: str, what: str) -> list:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise PredictorFileError(f"tensor '{name}': '{what}' {value!r} must be an array of non-negative integers")
    return value


def parse_safetensors(data: bytes, check_finite: bool = True) -> Tuple[Dict[str, np.ndarray], Dict[str, str], Dict[str, bytes]]:
    """Parses a complete safetensors file held in memory.

    Returns (tensors as numpy arrays, metadata, raw bytes per tensor). Raises PredictorFileError.
    """
    if len(data) < 8:
        raise PredictorFileError(f"file is {len(data)} bytes: expected at least 8 (the u64 header length)")
    (n,) = struct.unpack("<Q", data[:8])
    available = len(data) - 8
    if n > available:
        raise PredictorFileError(f"header length {n} is larger than the {available} bytes after the 8-byte prefix")
    try:
        text = data[8:8 + n].decode("utf-8")
        header = json.loads(text, object_pairs_hook=_pairs_no_duplicates, parse_constant=_reject_constant)
    except PredictorFileError:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PredictorFileError(f"header is not valid JSON: {exc}") from None
    if not isinstance(header, dict):
        raise PredictorFileError(f"header is a JSON {type(header).__name__}: expected an object")
    body = data[8 + n:]
    metadata: Dict[str, str] = {}
    spans = []
    for name, entry in header.items():
        if name == "__metadata__":
            if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
                raise PredictorFileError("__metadata__ must be an object of string values")
            metadata = dict(entry)
            continue
        if not name:
            raise PredictorFileError("empty tensor name: expected a non-empty name")
        if not isinstance(entry, dict):
            raise PredictorFileError(f"tensor '{name}': entry is not an object")
        extra = set(entry) - {"dtype", "shape", "data_offsets"}
        if extra:
            raise PredictorFileError(f"tensor '{name}': unexpected keys {sorted(extra)} (expected dtype, shape, data_offsets)")
        for key in ("dtype", "shape", "data_offsets"):
            if key not in entry:
                raise PredictorFileError(f"tensor '{name}': missing '{key}'")
        dtype = entry["dtype"]
        if not isinstance(dtype, str):
            raise PredictorFileError(f"tensor '{name}': 'dtype' must be a string")
        if dtype not in DTYPES:
            raise PredictorFileError(f"tensor '{name}' has dtype '{dtype}': expected one of {', '.join(DTYPES)}")
        shape = _nonneg_int_list(entry["shape"], name, "shape")
        offsets = _nonneg_int_list(entry["data_offsets"], name, "data_offsets")
        if len(offsets) != 2:
            raise PredictorFileError(f"tensor '{name}': 'data_offsets' {offsets} must be [begin, end]")
        begin, end = offsets
        if not (begin <= end <= len(body)):
            raise PredictorFileError(
                f"tensor '{name}' data_offsets [{begin}, {end}] out of range: expected 0 <= begin <= end <= {len(body)}")
        need = int(np.prod(shape, dtype=object)) * DTYPES[dtype].itemsize
        if need != end - begin:
            raise PredictorFileError(
                f"tensor '{name}' of shape {shape} and dtype {dtype} needs {need} bytes but data_offsets span {end - begin}")
        spans.append((begin, end, name, dtype, shape))
    spans.sort(key=lambda s: (s[0], s[1]))
    cursor, previous = 0, ""
    for begin, end, name, _, _ in spans:
        if begin < cursor:
            raise PredictorFileError(f"tensor '{name}' overlaps tensor '{previous}': expected disjoint byte ranges")
        if begin > cursor:
            raise PredictorFileError(f"data bytes [{cursor}, {begin}) belong to no tensor")
        cursor = end
        if end > begin:
            previous = name
    if cursor != len(body):
        raise PredictorFileError(f"data bytes [{cursor}, {len(body)}) belong to no tensor")
    tensors: Dict[str, np.ndarray] = {}
    raw: Dict[str, bytes] = {}
    for begin, end, name, dtype, shape in spans:
        chunk = bytes(body[begin:end])
        array = np.frombuffer(chunk, dtype=DTYPES[dtype]).reshape(shape)
        if check_finite and dtype in ("F32", "F64"):
            bad = np.flatnonzero(~np.isfinite(array.reshape(-1)))
            if bad.size:
                i = int(bad[0])
                raise PredictorFileError(f"tensor '{name}' element {i} is {array.reshape(-1)[i]}: expected finite values")
        tensors[name] = array
        raw[name] = chunk
    return tensors, metadata, raw


def load_safetensors(path: str, check_finite: bool = True):
    """Reads and verifies the safetensors file at ``path``; returns (tensors, metadata, raw bytes per tensor)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise PredictorFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_safetensors(data, check_finite=check_finite)


def tensor_checksum(raw: Dict[str, bytes]) -> str:
    """``sha256:`` + SHA-256 over (UTF-8 name, 0x00, raw bytes) for each tensor in sorted-name order."""
    h = hashlib.sha256()
    for name in sorted(raw):
        h.update(name.encode("utf-8"))
        h.update(b"\0")
        h.update(raw[name])
    return "sha256:" + h.hexdigest()


def verify_checksum(metadata: Dict[str, str], raw: Dict[str, bytes]) -> None:
    """Checks the stored ``checksum`` metadata against the tensors."""
    stored = metadata.get("checksum")
    if stored is None:
        raise PredictorFileError("metadata key 'checksum' is missing")
    computed = tensor_checksum(raw)
    if stored.lower() != computed:
        raise PredictorFileError(f"checksum mismatch: file says {stored}, tensors hash to {computed} (file corrupted or edited)")


def verify_format(metadata: Dict[str, str], name: str, supported_version: int) -> int:
    """Checks metadata ``format`` == name and integer ``format_version`` <= supported_version; returns the version."""
    found = metadata.get("format")
    if found is None:
        raise PredictorFileError("metadata key 'format' is missing")
    if found != name:
        raise PredictorFileError(f"file format is '{found}': expected '{name}'")
    text = metadata.get("format_version")
    if text is None:
        raise PredictorFileError("metadata key 'format_version' is missing")
    try:
        version = int(text)
    except ValueError:
        raise PredictorFileError(f"metadata 'format_version' is '{text}': expected a positive integer") from None
    if version < 1:
        raise PredictorFileError(f"metadata 'format_version' is '{text}': expected a positive integer")
    if version > supported_version:
        raise PredictorFileError(
            f"format version {version} is newer than this loader supports ({supported_version}): upgrade helpprof")
    return version


def verify_layout(tensors: Dict[str, np.ndarray], expected: Dict[str, Optional[Iterable[int]]]) -> None:
    """Checks the file holds exactly the expected tensors (name -> shape or None) as float32."""
    missing = sorted(set(expected) - set(tensors))
    if missing:
        raise PredictorFileError(f"missing tensors: {', '.join(missing)}")
    unused = sorted(set(tensors) - set(expected))
    if unused:
        raise PredictorFileError(f"unexpected tensors (not used by this model): {', '.join(unused)}")
    for name in sorted(expected):
        want = expected[name]
        if want is not None and list(tensors[name].shape) != list(want):
            raise PredictorFileError(f"tensor '{name}' has shape {list(tensors[name].shape)}: expected {list(want)}")
        if tensors[name].dtype != np.dtype("<f4"):
            raise PredictorFileError(f"tensor '{name}' has dtype {tensors[name].dtype}: expected F32")


# ---------------------------------------------------------------------------------------------------------------
# Search spaces: NB201 cells (index <-> arch string, live edges) and OFA configs (text form, HELP 145-d encoding)
# ---------------------------------------------------------------------------------------------------------------

NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
# Edges in arch-string order: (from, to).
NB201_EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
NB201_COUNT = 15625
_NB201_BASE_BY_INDEX = None


def _nb201_table():
    """Official NB201 order: base-5 enumeration (first edge most significant) shuffled by random.seed(88)."""
    global _NB201_BASE_BY_INDEX
    if _NB201_BASE_BY_INDEX is None:
        import random
        bases = list(range(NB201_COUNT))
        random.seed(88)
        random.shuffle(bases)
        _NB201_BASE_BY_INDEX = bases
    return _NB201_BASE_BY_INDEX


def nb201_ops_from_index(index: int) -> list:
    """Op codes (0..4, edge order) of the cell with official NB201 index ``index``."""
    if not (0 <= index < NB201_COUNT):
        raise PredictorFileError(f"NB201 index {index} out of range: expected 0...15624")
    base = _nb201_table()[index]
    return [(base // 5 ** (5 - k)) % 5 for k in range(6)]


def nb201_index_from_ops(ops) -> int:
    base = 0
    for op in ops:
        base = base * 5 + op
    table = _nb201_table()
    global _NB201_INDEX_BY_BASE
    try:
        return _NB201_INDEX_BY_BASE[base]
    except NameError:
        _NB201_INDEX_BY_BASE = {b: i for i, b in enumerate(table)}
        return _NB201_INDEX_BY_BASE[base]


def nb201_arch_string(ops) -> str:
    o = [NB201_OPS[k] for k in ops]
    return f"|{o[0]}~0|+|{o[1]}~0|{o[2]}~1|+|{o[3]}~0|{o[4]}~1|{o[5]}~2|"


def nb201_parse(text: str) -> list:
    """Op codes of an NB201 arch string like ``|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...|``."""
    nodes = text.strip().split("+")
    if len(nodes) != 3:
        raise PredictorFileError(f"arch string '{text}': expected 3 '+'-separated node groups")
    ops = []
    for target, group in enumerate(nodes, start=1):
        items = [s for s in group.split("|") if s]
        if len(items) != target:
            raise PredictorFileError(f"arch string '{text}': node {target} needs {target} inputs, got {len(items)}")
        for source, item in enumerate(items):
            name, _, src = item.partition("~")
            if name not in NB201_OPS or src != str(source):
                raise PredictorFileError(f"arch string '{text}': bad edge '{item}' (expected op~{source})")
            ops.append(NB201_OPS.index(name))
    return ops


def nb201_live_edges(ops):
    """(live edge flags, output connected): an edge is live when not 'none', its source is reachable from the
    input and its target reaches the output (what a dead-code-eliminating runtime keeps)."""
    fwd = [True, False, False, False]
    for k, (a, b) in enumerate(NB201_EDGES):
        if ops[k] != 0 and fwd[a]:
            fwd[b] = True
    bwd = [False, False, False, True]
    for k in reversed(range(6)):
        a, b = NB201_EDGES[k]
        if ops[k] != 0 and bwd[b]:
            bwd[a] = True
    live = [ops[k] != 0 and fwd[a] and bwd[b] for k, (a, b) in enumerate(NB201_EDGES)]
    return live, fwd[3]


OFA_KERNELS = [3, 5, 7]
OFA_EXPANDS = [3, 4, 6]
OFA_RESOLUTIONS = list(range(128, 225, 4))


def ofa_parse(text: str) -> dict:
    """Parses helpprof's OFA config text ``r=224 w=1.0 d=... ks=... e=...`` (w optional)."""
    fields = {}
    for item in text.split():
        key, eq, value = item.partition("=")
        if not eq or key not in ("r", "w", "d", "ks", "e") or key in fields:
            raise PredictorFileError(f"OFA config '{text}': bad item '{item}' (expected r=, w=, d=, ks=, e= once each)")
        fields[key] = value
    for key in ("r", "d", "ks", "e"):
        if key not in fields:
            raise PredictorFileError(f"OFA config '{text}': missing '{key}='")
    try:
        cfg = {"r": int(fields["r"]), "w": fields.get("w", "1.0"),
               "d": [int(v) for v in fields["d"].split(",")], "ks": [int(v) for v in fields["ks"].split(",")],
               "e": [int(v) for v in fields["e"].split(",")]}
    except ValueError:
        raise PredictorFileError(f"OFA config '{text}': values must be integers") from None
    if (len(cfg["d"]) != 5 or len(cfg["ks"]) != 20 or len(cfg["e"]) != 20 or cfg["r"] not in OFA_RESOLUTIONS
            or any(v not in (2, 3, 4) for v in cfg["d"]) or any(v not in OFA_KERNELS for v in cfg["ks"])
            or any(v not in OFA_EXPANDS for v in cfg["e"])):
        raise PredictorFileError(f"OFA config '{text}': expected r in 128..224 step 4, 5 depths in {{2,3,4}}, "
                                 "20 kernel sizes in {3,5,7}, 20 expand ratios in {3,4,6}")
    return cfg


def ofa_encode(cfg: dict) -> np.ndarray:
    """HELP's 145-d OFA encoding: kernel one-hots (20x3), expand one-hots (20x3), resolution one-hot (25);
    slots beyond a stage's depth are zero."""
    f = np.zeros(145, dtype=np.float32)
    for i in range(20):
        if i % 4 < cfg["d"][i // 4]:
            f[3 * i + OFA_KERNELS.index(cfg["ks"][i])] = 1
            f[60 + 3 * i + OFA_EXPANDS.index(cfg["e"][i])] = 1
    f[120 + OFA_RESOLUTIONS.index(cfg["r"])] = 1
    return f


# ---------------------------------------------------------------------------------------------------------------
# The predictor (forward pass as in Sources/Predictor/MODEL.md)
# ---------------------------------------------------------------------------------------------------------------

FORMAT_NAME = "helpprof-predictor"
FORMAT_VERSION = 1
# NB201 graph: node 0 input, 1..6 the edges in arch-string order, 7 output, 8 global.
# Row i of the adjacency holds node i's predecessors and itself; the global row is all ones.
_NB201_NODE_EDGES = [(0, 1), (0, 2), (0, 4), (1, 3), (1, 5), (2, 6), (3, 6), (4, 7), (5, 7), (6, 7)]
NB201_ADJACENCY = np.zeros((9, 9), dtype=np.float32)
for _i, _j in _NB201_NODE_EDGES:
    NB201_ADJACENCY[_j, _i] = 1
for _i in range(9):
    NB201_ADJACENCY[_i, _i] = 1
    NB201_ADJACENCY[8, _i] = 1
# HELP's one-hot slot of each op code (none 4, skip 5, conv1x1 2, conv3x3 3, avg_pool 1).
NB201_OP_SLOT = [4, 5, 2, 3, 1]


def _relu(x):
    return np.maximum(x, np.float32(0))


class HelpprofPredictor:
    """A verified, loaded ``device.helpp``: ``predict_ms(archs)`` gives latencies in milliseconds.

    Architectures: NB201 arch strings or official indices (ints); OFA config texts.
    """

    def __init__(self, path: str, expected_space: Optional[str] = None):
        tensors, metadata, raw = load_safetensors(path)
        try:
            verify_format(metadata, FORMAT_NAME, FORMAT_VERSION)
            verify_checksum(metadata, raw)
        except PredictorFileError as exc:
            raise PredictorFileError(f"{path}: {exc}") from None
        self.path = path
        self.metadata = metadata
        space = metadata.get("space")
        if space not in ("nb201", "ofa"):
            raise PredictorFileError(f"{path}: metadata 'space' is {space!r}: expected nb201 or ofa")
        if expected_space is not None and space != expected_space:
            raise PredictorFileError(f"{path} is for search space '{space}': expected '{expected_space}'")
        self.space = space

        def json_field(key, kind):
            if key not in metadata:
                raise PredictorFileError(f"{path}: metadata key '{key}' is missing")
            try:
                value = json.loads(metadata[key])
            except ValueError:
                raise PredictorFileError(f"{path}: metadata '{key}' is not JSON") from None
            if not isinstance(value, kind):
                raise PredictorFileError(f"{path}: metadata '{key}' is not a JSON {kind.__name__}")
            return value

        self.model = json_field("model", dict)
        self.normalisation = json_field("target_normalisation", dict)
        self.reference_archs = json_field("reference_archs", list)
        self.reference_latency_ms = json_field("reference_latency_ms", list)
        self.host = json_field("host", dict)
        self.provenance = json_field("provenance", dict)
        self.live_feature = metadata.get("live_feature") == "true"
        try:
            self.hidden = int(metadata["hidden"])
            self.recipe = metadata["normalisation"]
            self.norm_a = float(metadata["norm_a"])
            self.norm_b = float(metadata["norm_b"])
        except (KeyError, ValueError):
            raise PredictorFileError(f"{path}: metadata hidden/normalisation/norm_a/norm_b missing or invalid") from None
        if self.recipe not in ("log-ref-zscore", "help-minmax"):
            raise PredictorFileError(f"{path}: unknown normalisation '{self.recipe}'")
        if "hw_embedding" not in tensors:
            raise PredictorFileError(f"{path}: missing tensors: hw_embedding")
        hw_dim = tensors["hw_embedding"].size
        if hw_dim != len(self.reference_archs):
            raise PredictorFileError(f"{path}: hw_embedding has {hw_dim} values but {len(self.reference_archs)} references")
        self.features = 145 if space == "ofa" else (9 if self.live_feature else 8)
        h = self.hidden
        shapes = {"hw_embedding": [1, hw_dim]}
        if space == "nb201":
            shapes.update({"gc1.weight": [self.features, h], "gc1.bias": [1, h]})
            for layer in (2, 3, 4):
                shapes.update({f"gc{layer}.weight": [h, h], f"gc{layer}.bias": [1, h]})
        else:
            shapes.update({"fc1.weight": [self.features, h], "fc1.bias": [1, h], "fc2.weight": [h, h], "fc2.bias": [1, h]})
        shapes.update({"fc_hw1.weight": [hw_dim, h], "fc_hw1.bias": [1, h], "fc_hw2.weight": [h, h], "fc_hw2.bias": [1, h],
                       "fc3.weight": [2 * h, 2 * h], "fc3.bias": [1, 2 * h], "fc4.weight": [2 * h, 2 * h],
                       "fc4.bias": [1, 2 * h], "fc5.weight": [2 * h, 1], "fc5.bias": [1, 1]})
        if "ridge_ln_ms" in tensors:
            shapes["ridge_ln_ms"] = [1, NB201_COUNT]
        try:
            verify_layout(tensors, shapes)
        except PredictorFileError as exc:
            raise PredictorFileError(f"{path}: {exc}") from None
        self.w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()}
        self._load_guard_rails()
        # The hardware branch does not depend on the architecture: compute it once.
        e = _relu(self.w["hw_embedding"] @ self.w["fc_hw1.weight"] + self.w["fc_hw1.bias"])
        self._hw = _relu(e @ self.w["fc_hw2.weight"] + self.w["fc_hw2.bias"])

    # -- encoding --------------------------------------------------------------------------------------------
    def _nb201_ops(self, arch):
        if isinstance(arch, (int, np.integer)) and not isinstance(arch, bool):
            return nb201_ops_from_index(int(arch))
        if isinstance(arch, str):
            text = arch.strip()
            if text.lstrip("-").isdigit():
                return nb201_ops_from_index(int(text))
            return nb201_parse(text)
        raise PredictorFileError(f"architecture {arch!r}: expected an NB201 arch string or index")

    def encode(self, archs) -> np.ndarray:
        """NB201: (n, 9, F) node features; OFA: (n, 145)."""
        if self.space == "ofa":
            return np.stack([ofa_encode(ofa_parse(a)) for a in archs]).astype(np.float32) if archs else np.zeros((0, 145), np.float32)
        f = self.features
        x = np.zeros((len(archs), 9, f), dtype=np.float32)
        for b, arch in enumerate(archs):
            ops = self._nb201_ops(arch)
            x[b, 0, 0] = 1
            for k in range(6):
                x[b, 1 + k, NB201_OP_SLOT[ops[k]]] = 1
            x[b, 7, 6] = 1
            x[b, 8, 7] = 1
            if self.live_feature:
                live, connected = nb201_live_edges(ops)
                if connected:
                    x[b, 0, 8] = 1
                    x[b, 7, 8] = 1
                for k in range(6):
                    if live[k]:
                        x[b, 1 + k, 8] = 1
        return x

    # -- forward ---------------------------------------------------------------------------------------------
    def predict_normalised(self, archs) -> np.ndarray:
        """Model outputs before de-normalisation (float32)."""
        archs = list(archs)
        w = self.w
        x = self.encode(archs)
        if self.space == "nb201":
            h = x
            for layer in (1, 2, 3, 4):
                hw_ = h @ w[f"gc{layer}.weight"]                      # (n, 9, h)
                h = _relu(np.einsum("ij,njk->nik", NB201_ADJACENCY, hw_) + w[f"gc{layer}.bias"])
            h = h[:, 8, :]                                          # global node
        else:
            h = _relu(x @ w["fc1.weight"] + w["fc1.bias"])
            h = _relu(h @ w["fc2.weight"] + w["fc2.bias"])
        y = np.concatenate([h, np.broadcast_to(self._hw, (h.shape[0], self._hw.shape[1]))], axis=1)
        y = _relu(y @ w["fc3.weight"] + w["fc3.bias"])
        y = _relu(y @ w["fc4.weight"] + w["fc4.bias"])
        y = y @ w["fc5.weight"] + w["fc5.bias"]
        return y[:, 0].astype(np.float32)

    def denormalise(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=np.float32).astype(np.float64)
        if self.recipe == "log-ref-zscore":
            return np.exp(y * self.norm_b + self.norm_a)
        return (y - 0.05) / 0.9 * (self.norm_b - self.norm_a) + self.norm_a

    def predict_ms(self, archs) -> np.ndarray:
        """Predicted latency (ms per forward pass on the adapted device) for each architecture."""
        archs = list(archs)
        out = np.empty(len(archs), dtype=np.float64)
        for start in range(0, len(archs), 4096):
            part = archs[start:start + 4096]
            out[start:start + len(part)] = self.denormalise(self.predict_normalised(part))
        return self.apply_guard_rails(archs, out)

    def _load_guard_rails(self):
        """Issue #13 keys (all optional): clamp_ln_ms_lo/hi, tensor ridge_ln_ms + blend_meta_weight."""
        md, path = self.metadata, self.path
        self.clamp_ln = None
        self.clamped_count = 0
        if "clamp_ln_ms_lo" in md or "clamp_ln_ms_hi" in md:
            try:
                lo, hi = float(md["clamp_ln_ms_lo"]), float(md["clamp_ln_ms_hi"])
            except (KeyError, ValueError):
                raise PredictorFileError(f"{path}: metadata clamp_ln_ms_lo/hi missing or not numbers") from None
            if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
                raise PredictorFileError(f"{path}: clamp_ln_ms_lo/hi {lo}/{hi}: expected finite lo <= hi")
            self.clamp_ln = (lo, hi)
        self.ridge_ln = None
        self.meta_weight = 1.0
        if "ridge_ln_ms" in self.w:
            if self.space != "nb201":
                raise PredictorFileError(f"{path}: ridge_ln_ms is for nb201 predictors only")
            try:
                w = float(md["blend_meta_weight"])
            except (KeyError, ValueError):
                raise PredictorFileError(f"{path}: metadata blend_meta_weight missing or not a number") from None
            if not 0.0 <= w <= 1.0:
                raise PredictorFileError(f"{path}: blend_meta_weight {w}: expected 0...1")
            self.ridge_ln = self.w["ridge_ln_ms"].reshape(-1).astype(np.float64)
            self.meta_weight = w

    def apply_guard_rails(self, archs, ms: np.ndarray) -> np.ndarray:
        """As helpprof's AdaptedPredictor.predictMs: ln ms = w*ln(meta) + (1-w)*ridge_ln_ms[index], then clamped
        to [clamp_ln_ms_lo, clamp_ln_ms_hi] (NaN -> the range's ln centre); `clamped_count` = how many were clamped."""
        if self.clamp_ln is None and (self.ridge_ln is None or self.meta_weight >= 1):
            self.clamped_count = 0
            return ms
        with np.errstate(divide="ignore", invalid="ignore"):
            ln = np.where(ms > 0, np.log(np.where(ms > 0, ms, 1.0)), np.where(np.isnan(ms), np.nan, -np.inf))
        if self.ridge_ln is not None and self.meta_weight < 1:
            idx = np.array([nb201_index_from_ops(self._nb201_ops(a)) for a in archs], dtype=np.int64)
            r = self.ridge_ln[idx]
            ln = r if self.meta_weight == 0 else self.meta_weight * ln + (1 - self.meta_weight) * r
        if self.clamp_ln is None:
            self.clamped_count = 0
            return np.exp(ln)
        lo, hi = self.clamp_ln
        bad = np.isnan(ln) | (ln < lo) | (ln > hi)
        self.clamped_count = int(bad.sum())
        ln = np.where(np.isnan(ln), (lo + hi) / 2, np.clip(ln, lo, hi))
        return np.exp(ln)


def load_predictor(path: str, expected_space: Optional[str] = None) -> HelpprofPredictor:
    """Loads and verifies a predictor file (see HelpprofPredictor)."""
    return HelpprofPredictor(path, expected_space=expected_space)


def _main(argv=None) -> int:
    import argparse
    import sys
    parser = argparse.ArgumentParser(description="Predict latency with a helpprof predictor file (numpy only).")
    parser.add_argument("predictor", help="device.helpp written by `helpprof adapt`")
    parser.add_argument("--index", type=int, action="append", default=[], help="NB201 official index")
    parser.add_argument("--arch", action="append", default=[], help="NB201 arch string or OFA config text")
    parser.add_argument("--all", action="store_true", help="all 15,625 NB201 cells")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        p = load_predictor(args.predictor)
        archs = list(args.index) + list(args.arch)
        if args.all:
            archs += list(range(NB201_COUNT))
        if not archs:
            parser.error("nothing to predict: give --index, --arch or --all")
        ms = p.predict_ms(archs)
    except PredictorFileError as exc:
        print(f"helpprof_predictor: error: {exc}", file=sys.stderr)
        return 65
    if args.json:
        print(json.dumps([{"arch": a, "predicted_ms": float(v)} for a, v in zip(archs, ms)], indent=1))
    else:
        for a, v in zip(archs, ms):
            print(f"{v:.4f} ms  {a}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
