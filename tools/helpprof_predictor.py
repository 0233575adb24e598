#!/usr/bin/env python3
"""Numpy-only loader for helpprof predictor files (``device.helpp``) and latency prediction.

A predictor file is a safetensors file: an 8-byte little-endian u64 header length N, N bytes of JSON header
``{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}}``, then the raw little-endian data.
This module reads it with numpy alone and verifies everything helpprof's Swift loader verifies (header length,
JSON, dtypes, shape/offset agreement, offsets tiling the data section, duplicate names, NaN/Inf, format name
and version, the SHA-256 checksum over tensors and metadata, every metadata field, the exact tensor layout,
usable normalisation constants, the OFA width). The same golden bad files (tools/tests/golden_bad) get the same
verdict here and in Swift.

Errors (each has ``exit_code``, the code ``helpprof`` exits with for the same problem):
``PredictorFileError`` (65) a malformed, corrupted or incompatible file; ``PredictorIOError`` (1, a subclass of
PredictorFileError) a file that cannot be read; ``ArchError`` (64) an architecture that is not valid input.

Checksum (metadata ``checksum``, see ``content_checksum``): ``"sha256:" + SHA-256 hex`` over the domain tag
``helpprof-checksum-2\0``, then per tensor in sorted-name order ``b"T" str(name) str(dtype) u64(ndim) u64(dim)...
u64(nbytes) bytes``, then per metadata key except ``checksum`` in sorted order ``b"M" str(key) str(value)``, with
``str(s) = u64(len(utf8)) + utf8`` and u64 little-endian.

Use: ``p = load_predictor("device.helpp"); p.predict_ms([1462, "|nor_conv_3x3~0|+|...|"])``. Install it as a
package with ``pip install ./tools`` (offline; numpy is the only dependency): module ``helpprof_predictor`` and
command ``helpprof-predictor FILE --index N``; or run this file directly.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import struct
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

__all__ = [
    "ArchError",
    "HelpprofError",
    "HelpprofPredictor",
    "PredictorFileError",
    "PredictorIOError",
    "content_checksum",
    "load_predictor",
    "load_safetensors",
    "parse_safetensors",
    "seal_metadata",
    "verify_checksum",
    "verify_format",
    "verify_layout",
    "write_safetensors",
]

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I32": np.dtype("<i4"), "I64": np.dtype("<i8")}
EXIT_USAGE, EXIT_DATA, EXIT_FAILURE = 64, 65, 1


class HelpprofError(ValueError):
    """Base of this module's errors; ``exit_code`` is helpprof's exit code for the same problem."""
    exit_code = EXIT_FAILURE


class PredictorFileError(HelpprofError):
    """A malformed, corrupted, incompatible or unexpected predictor / safetensors file (exit 65)."""
    exit_code = EXIT_DATA


class PredictorIOError(PredictorFileError):
    """A file that cannot be read at all (exit 1, a run-time failure, as in helpprof)."""
    exit_code = EXIT_FAILURE


class ArchError(HelpprofError):
    """An architecture that is not valid input: bad index, arch string, OFA config or width (exit 64)."""
    exit_code = EXIT_USAGE


# One number syntax for text in data files, as Swift's StrictNumber: JSON's decimal grammar, nothing else
# (Python's float() would take " 1", "1_0", "inf", "nan"; Swift's Double() takes "0x1p3").
_STRICT_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")
_STRICT_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
# Limits on JSON metadata values (PredictorMetadata.maxJSONDepth / maxJSONBytes in Swift).
MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 4 << 20
# Largest |weight| of an adapted predictor (StoredTensors.maxAbsWeight in Swift).
MAX_ABS_WEIGHT = 1e4


def strict_float(text: str) -> Optional[float]:
    """The value of ``text`` in the strict decimal grammar, else None (may be inf on overflow)."""
    if not isinstance(text, str) or len(text) > 64 or not _STRICT_FLOAT.match(text):
        return None
    return float(text)


def strict_int(text: str) -> Optional[int]:
    """The value of ``text`` as ``-?(0|[1-9][0-9]*)`` within 64-bit range, else None."""
    if not isinstance(text, str) or len(text) > 20 or not _STRICT_INT.match(text):
        return None
    v = int(text)
    return v if -(1 << 63) <= v < (1 << 63) else None


def json_depth(text: str) -> int:
    """Deepest nesting of [ and { outside string literals (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
            continue
        if c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


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
        if json_depth(text) > 64:
            raise PredictorFileError("header is not valid JSON: nesting deeper than 64")
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
        raise PredictorIOError(f"cannot access {path}: {exc.strerror or exc}") from None
    try:
        return parse_safetensors(data, check_finite=check_finite)
    except PredictorFileError:
        if data.lstrip(b" \t\r\n")[:1] in (b"{", b"["):
            raise PredictorFileError(f"{path} is JSON text (a device profile from `helpprof embed`?), not a "
                                     "safetensors predictor from `helpprof adapt`") from None
        raise


CHECKSUM_DOMAIN = b"helpprof-checksum-2\0"


def content_checksum(tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str],
                     raw: Optional[Mapping[str, bytes]] = None) -> str:
    """The checksum over tensors (name, dtype, shape, bytes) and metadata (every key but ``checksum``)."""
    def u64(v: int) -> bytes:
        return struct.pack("<Q", v)

    def text(v: str) -> bytes:
        b = v.encode("utf-8")
        return u64(len(b)) + b

    names = {np.dtype(v): k for k, v in DTYPES.items()}
    h = hashlib.sha256(CHECKSUM_DOMAIN)
    for name in sorted(tensors, key=lambda k: k.encode("utf-8")):
        array = tensors[name]
        data = raw[name] if raw is not None else np.ascontiguousarray(array).tobytes()
        dtype = names.get(np.dtype(array.dtype).newbyteorder("<"))
        if dtype is None:
            raise PredictorFileError(f"tensor '{name}' has dtype {array.dtype}: expected one of {', '.join(DTYPES)}")
        h.update(b"T" + text(name) + text(dtype) + u64(array.ndim) + b"".join(u64(d) for d in array.shape))
        h.update(u64(len(data)) + data)
    for key in sorted((k for k in metadata if k != "checksum"), key=lambda k: k.encode("utf-8")):
        h.update(b"M" + text(key) + text(metadata[key]))
    return "sha256:" + h.hexdigest()


def seal_metadata(tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> Dict[str, str]:
    """``metadata`` with its ``checksum`` set for ``tensors``."""
    out = {k: v for k, v in metadata.items() if k != "checksum"}
    out["checksum"] = content_checksum(tensors, out)
    return out


def write_safetensors(path: str, tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> None:
    """Writes a safetensors file like helpprof does (metadata first, tensors in sorted-name order, header padded
    with spaces to 8 bytes). Metadata is written as given: seal it first (``seal_metadata``) for a valid file."""
    header: Dict[str, Any] = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    blobs, offset = [], 0
    names = {np.dtype(v): k for k, v in DTYPES.items()}
    for name in sorted(tensors, key=lambda k: k.encode("utf-8")):
        array = np.asarray(tensors[name])
        dtype = names[np.dtype(array.dtype).newbyteorder("<")]
        data = np.ascontiguousarray(array, dtype=DTYPES[dtype]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def verify_checksum(metadata: Mapping[str, str], raw: Mapping[str, bytes],
                    tensors: Optional[Mapping[str, np.ndarray]] = None) -> None:
    """Checks the stored ``checksum`` metadata against the tensors and metadata."""
    stored = metadata.get("checksum")
    if stored is None:
        raise PredictorFileError("metadata key 'checksum' is missing")
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", stored):
        raise PredictorFileError(f"metadata 'checksum' is '{stored[:200]}': expected 'sha256:' followed by 64 lowercase hex digits")
    if tensors is None:
        raise PredictorFileError("verify_checksum needs the tensors (shapes and dtypes are covered)")
    computed = content_checksum(tensors, metadata, raw)
    if stored != computed:
        raise PredictorFileError(f"checksum mismatch: file says {stored}, its tensors and metadata hash to {computed} "
                                 "(file corrupted or edited)")


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
    version = strict_int(text)
    if version is None or version < 1:
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


def nb201_ops_from_index(index: int) -> List[int]:
    """Op codes (0..4, edge order) of the cell with official NB201 index ``index``."""
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not (0 <= index < NB201_COUNT):
        raise ArchError(f"NB201 index {index!r} out of range: expected 0...15624")
    base = _nb201_table()[int(index)]
    return [(base // 5 ** (5 - k)) % 5 for k in range(6)]


_NB201_INDEX_BY_BASE: Optional[Dict[int, int]] = None


def nb201_index_from_ops(ops: Sequence[int]) -> int:
    """Official NB201 index of the cell with op codes ``ops``."""
    global _NB201_INDEX_BY_BASE
    base = 0
    for op in ops:
        base = base * 5 + op
    if _NB201_INDEX_BY_BASE is None:
        _NB201_INDEX_BY_BASE = {b: i for i, b in enumerate(_nb201_table())}
    return _NB201_INDEX_BY_BASE[base]


def nb201_arch_string(ops: Sequence[int]) -> str:
    o = [NB201_OPS[k] for k in ops]
    return f"|{o[0]}~0|+|{o[1]}~0|{o[2]}~1|+|{o[3]}~0|{o[4]}~1|{o[5]}~2|"


def _shown(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def nb201_parse(text: str) -> List[int]:
    """Op codes of an NB201 arch string like ``|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...|``."""
    nodes = text.strip().split("+")
    if len(nodes) != 3:
        raise ArchError(f"arch string '{_shown(text)}': expected 3 '+'-separated node groups")
    ops = []
    for target, group in enumerate(nodes, start=1):
        items = [s for s in group.split("|") if s]
        if len(items) != target:
            raise ArchError(f"arch string '{_shown(text)}': node {target} needs {target} inputs, got {len(items)}")
        for source, item in enumerate(items):
            name, _, src = item.partition("~")
            if name not in NB201_OPS or src != str(source):
                raise ArchError(f"arch string '{_shown(text)}': bad edge '{_shown(item, 40)}' (expected op~{source})")
            ops.append(NB201_OPS.index(name))
    return ops


def nb201_live_edges(ops: Sequence[int]) -> Tuple[List[bool], bool]:
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
OFA_WIDTHS = ("1.0", "1.2")


def ofa_width(value: Union[str, float, int]) -> str:
    """Canonical OFA width "1.0" or "1.2" from text ("1", "1.0", "1.00", "1.2", "1.20") or a number."""
    if isinstance(value, bool):
        raise ArchError(f"width {value!r} is not an OFA width: expected 1.0 or 1.2")
    if isinstance(value, (int, float, np.integer, np.floating)):
        for w in OFA_WIDTHS:
            if abs(float(value) - float(w)) < 1e-9:
                return w
    elif isinstance(value, str):
        found = {"1.0": "1.0", "1": "1.0", "1.00": "1.0", "1.2": "1.2", "1.20": "1.2"}.get(value)
        if found:
            return found
    raise ArchError(f"width '{_shown(str(value), 40)}' is not an OFA width: expected 1.0 or 1.2")


def _ofa_validate(cfg: dict, shown: str) -> dict:
    if (len(cfg["d"]) != 5 or len(cfg["ks"]) != 20 or len(cfg["e"]) != 20 or cfg["r"] not in OFA_RESOLUTIONS
            or any(v not in (2, 3, 4) for v in cfg["d"]) or any(v not in OFA_KERNELS for v in cfg["ks"])
            or any(v not in OFA_EXPANDS for v in cfg["e"])):
        raise ArchError(f"OFA config '{_shown(shown)}': expected r in 128..224 step 4, 5 depths in {{2,3,4}}, "
                        "20 kernel sizes in {3,5,7}, 20 expand ratios in {3,4,6}")
    return cfg


def ofa_parse(text: str, default_width: Optional[str] = None) -> dict:
    """Parses helpprof's OFA config text ``r=224 w=1.2 d=... ks=... e=...``; without ``w=`` the width is
    ``default_width`` (a predictor's), else "1.0" (as helpprof's text parser). Key ``w`` of the result is the
    width and ``w_given`` whether the text named it."""
    fields: Dict[str, str] = {}
    for item in text.split():
        key, eq, value = item.partition("=")
        if not eq or key not in ("r", "w", "d", "ks", "e") or key in fields:
            raise ArchError(f"OFA config '{_shown(text)}': bad item '{_shown(item, 40)}' (expected r=, w=, d=, ks=, e= once each)")
        fields[key] = value
    for key in ("r", "d", "ks", "e"):
        if key not in fields:
            raise ArchError(f"OFA config '{_shown(text)}': missing '{key}='")

    def ints(v: str) -> List[int]:
        out = [strict_int(x) for x in v.split(",")]
        if any(x is None for x in out):
            raise ArchError(f"OFA config '{_shown(text)}': values must be integers")
        return out  # type: ignore[return-value]

    r = ints(fields["r"])
    cfg = {"r": r[0] if len(r) == 1 else -1, "d": ints(fields["d"]), "ks": ints(fields["ks"]), "e": ints(fields["e"]),
           "w": ofa_width(fields["w"]) if "w" in fields else (default_width or "1.0"), "w_given": "w" in fields}
    return _ofa_validate(cfg, text)


def ofa_from_dict(config: Mapping[str, Any], default_width: Optional[str] = None) -> dict:
    """An OFA config from a dict like helpprof's JSON: ``ks``, ``e``, ``d`` lists, ``resolution`` or ``r`` (an int
    or a one-element list), optional ``width``/``w``."""
    shown = json.dumps(config, default=str)[:120] if isinstance(config, Mapping) else repr(config)
    known = {"ks", "e", "d", "resolution", "r", "width", "w", "wid"}
    if not isinstance(config, Mapping) or not set(config) <= known:
        raise ArchError(f"OFA config {shown}: expected keys ks, e, d, resolution (or r) and optional width")

    def ints(key: str) -> List[int]:
        v = config.get(key)
        if hasattr(v, "tolist"):
            v = v.tolist()
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            v = [v]
        if not isinstance(v, (list, tuple)) or not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in v):
            raise ArchError(f"OFA config {shown}: '{key}' must be a list of integers")
        return [int(x) for x in v]

    for key in ("ks", "e", "d"):
        if key not in config:
            raise ArchError(f"OFA config {shown}: missing '{key}'")
    rkey = "resolution" if "resolution" in config else "r"
    if rkey not in config:
        raise ArchError(f"OFA config {shown}: missing 'resolution'")
    r = ints(rkey)
    wkey = next((k for k in ("width", "w", "wid") if k in config), None)
    cfg = {"r": r[0] if len(r) == 1 else -1, "d": ints("d"), "ks": ints("ks"), "e": ints("e"),
           "w": ofa_width(config[wkey]) if wkey else (default_width or "1.0"), "w_given": wkey is not None}
    return _ofa_validate(cfg, shown)


OFA_INACTIVE_FILL = (3, 3)  # ks, e written into inactive slots (Swift's OFAConfig.inactiveFill)


def ofa_text(cfg: Mapping[str, Any]) -> str:
    """helpprof's canonical text of an OFA config (``OFAConfig.canonicalText``): slots beyond a stage's depth are
    written as ks 3, e 3, so two configs that are the same network print the same text."""
    d = list(cfg["d"])
    active = [i // 4 < len(d) and i % 4 < d[i // 4] for i in range(len(cfg["ks"]))]
    ks = [k if a else OFA_INACTIVE_FILL[0] for k, a in zip(cfg["ks"], active)]
    e = [x if a else OFA_INACTIVE_FILL[1] for x, a in zip(cfg["e"], active)]
    return (f"r={cfg['r']} w={cfg.get('w', '1.0')} d={','.join(map(str, d))} "
            f"ks={','.join(map(str, ks))} e={','.join(map(str, e))}")


def ofa_encode(cfg: Mapping[str, Any]) -> np.ndarray:
    """HELP's 145-d OFA encoding: kernel one-hots (20x3), expand one-hots (20x3), resolution one-hot (25);
    slots beyond a stage's depth are zero. The width is not encoded."""
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
FORMAT_VERSION = 2
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


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, np.float32(0))


# The JSON metadata objects as Swift decodes them (Codable: unknown keys ignored, "?" = optional or null).
# Types: "str", "int" (no fraction), "uint", "num", ["list", T], or a nested dict.
_HOST = {"hostname": "str", "cpuModel": "str", "logicalCPUs": "int", "simdLevel": "str", "openBLASCore": "str",
         "kernel": "str", "os": "str", "virtualization": "str", "frequencyScaling": "str", "warnings": ["list", "str"]}
_SETTINGS = {"kernels": "str", "threads": "int", "batch": "int", "dataset": "str?", "protocolSummary": "str",
             "metaPredictorID": "str", "maxSecondsPerArch": "num?", "maxSamples": "int?"}
_SHOT = {"index": "int?", "arch": "str", "latencyMs": "num"}
_PROVENANCE = {"helpprofVersion": "str", "metaPredictorID": "str", "shots": "int", "seed": "uint",
               "shotStrategy": "str", "shotArchs": ["list", _SHOT], "settings": _SETTINGS, "createdAt": "str",
               "referenceSource": "str?"}
_METRICS = {k: "num" for k in ("spearman", "pearson", "kendall", "mapePercent", "within10Percent", "within5Percent",
                                "maxErrorPercent")}
_METRICS["count"] = "int"
_VALIDATION = {"metrics": _METRICS, "seed": "uint"}
_REFERENCE = {"index": "int", "arch": "str"}


def _check_schema(value: Any, schema: Any, where: str) -> None:
    """Raises PredictorFileError where ``value`` would not decode in Swift as ``schema``."""
    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise PredictorFileError(f"{where} is not valid: expected a JSON object")
        for key, sub in schema.items():
            optional = isinstance(sub, str) and sub.endswith("?")
            if key not in value or value[key] is None:
                if optional:
                    continue
                raise PredictorFileError(f"{where} is not valid: field .{key} is missing")
            _check_schema(value[key], sub.rstrip("?") if optional else sub, f"{where}.{key}")
        return
    if isinstance(schema, list):
        if not isinstance(value, list):
            raise PredictorFileError(f"{where} is not valid: expected a JSON array")
        for i, item in enumerate(value):
            _check_schema(item, schema[1], f"{where}[{i}]")
        return
    ok = {"str": isinstance(value, str),
          "int": isinstance(value, int) and not isinstance(value, bool) and -(1 << 63) <= value < (1 << 63),
          "uint": isinstance(value, int) and not isinstance(value, bool) and 0 <= value < (1 << 64),
          "num": number(value) and math.isfinite(float(value))}[schema]
    if not ok:
        raise PredictorFileError(f"{where} has the wrong type: expected {schema}")


Arch = Union[int, str, Mapping[str, Any]]


class HelpprofPredictor:
    """A verified, loaded ``device.helpp``: ``predict_ms(archs)`` gives latencies in milliseconds.

    Architectures: NB201 official indices (ints, numpy ints, digit strings) or arch strings; OFA config texts
    (``r=... w=... d=... ks=... e=...``; without ``w=`` the predictor's width) or dicts (``ks``, ``e``, ``d``,
    ``resolution``, optional ``width``). ``predict_ms`` takes one architecture, a list or tuple, or a numpy (or
    torch) array of indices; a subnet of another width than the predictor's ``ofa_width`` is an ``ArchError``.
    """

    space: str
    ofa_width: Optional[str]
    metadata: Dict[str, str]

    def __init__(self, path: str, expected_space: Optional[str] = None):
        tensors, metadata, raw = load_safetensors(path)
        try:
            self._verify(tensors, metadata, raw, expected_space)
        except PredictorFileError as exc:
            raise PredictorFileError(f"{path}: {exc}") from None
        self.path = path

    # -- verification (mirrors PredictorMetadata.init and PredictorFile.load in Swift) ---------------------
    def _verify(self, tensors: Dict[str, np.ndarray], metadata: Dict[str, str], raw: Dict[str, bytes],
                expected_space: Optional[str]) -> None:
        version = verify_format(metadata, FORMAT_NAME, FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise PredictorFileError(f"format version {version} was written by an older helpprof whose checksum did not "
                                     f"cover the metadata: run `helpprof adapt` again to write version {FORMAT_VERSION}")
        verify_checksum(metadata, raw, tensors)
        self.metadata = metadata

        def field(key: str) -> str:
            if key not in metadata:
                raise PredictorFileError(f"metadata key '{key}' is missing")
            return metadata[key]

        def json_field(key: str, kind: type) -> Any:
            text = field(key)
            if len(text.encode("utf-8")) > MAX_JSON_BYTES:
                raise PredictorFileError(f"metadata '{key}' is {len(text.encode('utf-8'))} bytes: expected at most {MAX_JSON_BYTES}")
            if json_depth(text) > MAX_JSON_DEPTH:
                raise PredictorFileError(f"metadata '{key}' nests deeper than {MAX_JSON_DEPTH} levels")
            try:
                value = json.loads(text, parse_constant=_reject_constant)
            except (ValueError, RecursionError):
                raise PredictorFileError(f"metadata '{key}' is not valid JSON") from None
            if not isinstance(value, kind):
                raise PredictorFileError(f"metadata '{key}' is not a JSON {'object' if kind is dict else 'array'}")
            return value

        def number_list(key: str) -> List[float]:
            values = json_field(key, list)
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
                raise PredictorFileError(f"metadata '{key}' is not valid: expected an array of numbers")
            return [float(v) for v in values]

        space = field("space")
        if space not in ("nb201", "ofa"):
            raise PredictorFileError(f"metadata 'space' is '{space[:40]}': expected nb201 or ofa")
        if expected_space is not None and space != expected_space:
            raise PredictorFileError(f"is for search space '{space}': expected '{expected_space}'")
        self.space = space
        width = metadata.get("ofa_width")
        if space == "ofa":
            if width is None:
                raise PredictorFileError("metadata key 'ofa_width' is missing (an OFA predictor records its supernet width)")
            if width not in OFA_WIDTHS:
                raise PredictorFileError(f"metadata 'ofa_width' is '{width[:20]}': expected 1.0 or 1.2")
        elif width is not None:
            raise PredictorFileError("metadata 'ofa_width' is set in an nb201 predictor: expected it only for ofa")
        self.ofa_width = width
        self.model = json_field("model", dict)
        self.normalisation = json_field("target_normalisation", dict)
        self.reference_archs = json_field("reference_archs", list)
        _check_schema(self.reference_archs, ["list", _REFERENCE], "metadata 'reference_archs'")
        self.reference_latency_ms = number_list("reference_latency_ms")
        self.device_embedding = number_list("device_embedding")
        self.host = json_field("host", dict)
        _check_schema(self.host, _HOST, "metadata 'host'")
        self.provenance = json_field("provenance", dict)
        _check_schema(self.provenance, _PROVENANCE, "metadata 'provenance'")
        self.validation = json_field("validation", dict) if "validation" in metadata else None
        if self.validation is not None:
            _check_schema(self.validation, _VALIDATION, "metadata 'validation'")
        n = len(self.reference_archs)
        if n < 1:
            raise PredictorFileError("metadata 'reference_archs' is empty")
        if len(self.reference_latency_ms) != n or len(self.device_embedding) != n:
            raise PredictorFileError(f"{n} reference archs but {len(self.reference_latency_ms)} reference latencies and "
                                     f"{len(self.device_embedding)} embedding values: expected one each")
        if not all(math.isfinite(v) and v > 0 for v in self.reference_latency_ms):
            raise PredictorFileError("metadata 'reference_latency_ms' holds a value that is not a positive number of ms")
        if not all(math.isfinite(v) for v in self.device_embedding):
            raise PredictorFileError("metadata 'device_embedding' holds a value that is not a finite number")
        shots, listed = self.provenance.get("shots"), self.provenance.get("shotArchs")
        if not isinstance(shots, int) or isinstance(shots, bool) or not isinstance(listed, list) or shots < 0 or shots != len(listed):
            raise PredictorFileError(f"provenance says {shots!r} shots but lists {len(listed) if isinstance(listed, list) else 'none'}")
        if width is not None:
            for r in self.reference_archs:
                try:
                    cfg = ofa_parse(r["arch"])
                except ArchError:
                    cfg = None
                if cfg is None or cfg["w"] != width:
                    raise PredictorFileError(f"reference architecture '{_shown(r['arch'], 60)}' is not an OFA config of "
                                             f"width {width} (metadata 'ofa_width')")

        # The adapted predictor (AdaptedPredictor.init in Swift).
        kind = metadata.get("kind")
        if kind != "helpprof-adapted-predictor":
            raise PredictorFileError(f"metadata kind is '{(kind or 'none')[:60]}', expected helpprof-adapted-predictor")
        recipe = field("normalisation")
        if recipe not in ("log-ref-zscore", "help-minmax"):
            raise PredictorFileError(f"metadata 'normalisation' is '{recipe[:40]}': expected log-ref-zscore or help-minmax")
        self.recipe = recipe

        def number(key: str) -> float:
            v = strict_float(field(key))
            if v is None or not math.isfinite(v):
                raise PredictorFileError(f"metadata '{key}' is '{metadata[key][:40]}': expected a finite decimal number")
            return v

        def integer(key: str, lo: int, hi: int) -> int:
            v = strict_int(field(key))
            if v is None or not lo <= v <= hi:
                raise PredictorFileError(f"metadata '{key}' is '{metadata[key][:40]}': expected an integer in {lo}...{hi}")
            return v

        a, b = number("norm_a"), number("norm_b")
        if recipe == "log-ref-zscore" and not (b > 0 and abs(a) <= 100 and b <= 100):
            raise PredictorFileError(f"norm_a {a}, norm_b {b} are not usable log-latency constants: "
                                     "expected |norm_a| <= 100 and 0 < norm_b <= 100")
        if recipe == "help-minmax" and not (0 < a < b <= 1e9):
            raise PredictorFileError(f"norm_a {a}, norm_b {b} are not a latency range: expected 0 < norm_a < norm_b")
        self.norm_a, self.norm_b = a, b
        live = field("live_feature")
        if live not in ("true", "false"):
            raise PredictorFileError(f"metadata 'live_feature' is '{live[:40]}': expected true or false")
        self.live_feature = live == "true"
        hw = tensors.get("hw_embedding")
        if hw is None or hw.ndim != 2 or hw.shape[0] != 1 or not 1 <= hw.shape[1] <= 4096:
            raise PredictorFileError("tensor hw_embedding is missing or not 1 x N (N = reference count)")
        hw_dim = int(hw.shape[1])
        self.hidden = integer("hidden", 1, 4096)
        self.members = integer("members", 1, 64) if "members" in metadata else 1
        self.features = 145 if space == "ofa" else (9 if self.live_feature else 8)
        shapes: Dict[str, Optional[List[int]]] = {"hw_embedding": [1, hw_dim]}
        for k in range(self.members):
            shapes.update({(f"member{k}." if k else "") + name: shape for name, shape in self._shapes(hw_dim).items()})
        if space == "nb201" and "ridge_ln_ms" in tensors:
            shapes["ridge_ln_ms"] = [1, NB201_COUNT]
        verify_layout(tensors, shapes)
        for name in sorted(tensors):
            bad = np.flatnonzero(~(np.abs(tensors[name].reshape(-1)) <= MAX_ABS_WEIGHT))
            if bad.size:
                raise PredictorFileError(f"tensor '{name}' element {int(bad[0])} is {tensors[name].reshape(-1)[bad[0]]}: "
                                         f"expected |value| <= {MAX_ABS_WEIGHT:g}")
        if hw_dim != n:
            raise PredictorFileError(f"hardware embedding has {hw_dim} values but {n} reference archs are listed")
        if not np.array_equal(hw.reshape(-1), np.array(self.device_embedding, dtype=np.float32)):
            raise PredictorFileError("tensor hw_embedding differs from metadata 'device_embedding'")
        stated = self.normalisation
        def same(x: Any, y: float) -> bool:  # 1e-12 relative, as Swift (whose JSON numbers may be off by an ulp)
            return isinstance(x, (int, float)) and not isinstance(x, bool) and abs(x - y) <= 1e-12 * max(1.0, abs(y))
        if not (same(stated.get("a"), a) and same(stated.get("b"), b) and stated.get("recipe") == recipe):
            raise PredictorFileError(f"metadata 'target_normalisation' {json.dumps(stated)[:120]} disagrees with "
                                     f"normalisation {recipe}, norm_a {a}, norm_b {b}")
        self.w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()}
        # The hardware branch does not depend on the architecture: compute it once per member.
        self._hw = []
        for k in range(self.members):
            w = self._member(k)
            e = _relu(self.w["hw_embedding"] @ w["fc_hw1.weight"] + w["fc_hw1.bias"])
            self._hw.append(_relu(e @ w["fc_hw2.weight"] + w["fc_hw2.bias"]))
        self._load_guard_rails()

    def _shapes(self, hw_dim: int) -> Dict[str, List[int]]:
        h, shapes = self.hidden, {}
        if self.space == "nb201":
            shapes.update({"gc1.weight": [self.features, h], "gc1.bias": [1, h]})
            for layer in (2, 3, 4):
                shapes.update({f"gc{layer}.weight": [h, h], f"gc{layer}.bias": [1, h]})
        else:
            shapes.update({"fc1.weight": [self.features, h], "fc1.bias": [1, h], "fc2.weight": [h, h], "fc2.bias": [1, h]})
        shapes.update({"fc_hw1.weight": [hw_dim, h], "fc_hw1.bias": [1, h], "fc_hw2.weight": [h, h], "fc_hw2.bias": [1, h],
                       "fc3.weight": [2 * h, 2 * h], "fc3.bias": [1, 2 * h], "fc4.weight": [2 * h, 2 * h],
                       "fc4.bias": [1, 2 * h], "fc5.weight": [2 * h, 1], "fc5.bias": [1, 1]})
        return shapes

    def _member(self, k: int) -> Dict[str, np.ndarray]:
        prefix = f"member{k}." if k else ""
        return {name: self.w[prefix + name] for name in self._shapes(self.w["hw_embedding"].shape[1])}

    # -- architectures ---------------------------------------------------------------------------------------
    @staticmethod
    def _as_list(archs: Any) -> List[Any]:
        """One architecture or many (list, tuple, numpy/torch array, iterable) as a list."""
        if isinstance(archs, (str, bytes, Mapping)) or isinstance(archs, (int, np.integer)):
            return [archs]
        if hasattr(archs, "tolist") and not isinstance(archs, (list, tuple)):
            values = archs.tolist()
            return values if isinstance(values, list) else [values]
        try:
            return list(archs)
        except TypeError:
            raise ArchError(f"architecture {archs!r}: expected an index, an arch string, an OFA config or a list of them") from None

    def _nb201_ops(self, arch: Any) -> List[int]:
        if isinstance(arch, (int, np.integer)) and not isinstance(arch, bool):
            return nb201_ops_from_index(int(arch))
        if isinstance(arch, str):
            text = arch.strip()
            if re.fullmatch(r"[0-9]+", text, flags=re.ASCII):
                return nb201_ops_from_index(int(text))
            if re.fullmatch(r"-[0-9]+", text, flags=re.ASCII):
                raise ArchError(f"NB201 index {text} out of range: expected 0...15624")
            return nb201_parse(text)
        raise ArchError(f"architecture {_shown(repr(arch))}: expected an NB201 arch string or index")

    def _ofa_config(self, arch: Any) -> dict:
        if isinstance(arch, str):
            cfg = ofa_parse(arch, default_width=self.ofa_width)
        elif isinstance(arch, Mapping):
            cfg = ofa_from_dict(arch, default_width=self.ofa_width)
        else:
            raise ArchError(f"architecture {_shown(repr(arch))}: expected an OFA config text or dict")
        if self.ofa_width is not None and cfg["w"] != self.ofa_width:
            raise ArchError(f"OFA subnet '{_shown(ofa_text(cfg), 80)}' has width {cfg['w']} but this predictor was adapted "
                            f"on width {self.ofa_width} subnets: give w={self.ofa_width}")
        return cfg

    def canonical(self, arch: Arch) -> Tuple[Optional[int], str]:
        """(index or None, canonical text) of one architecture, as ``helpprof predict`` prints it."""
        if self.space == "ofa":
            return None, ofa_text(self._ofa_config(arch))
        ops = self._nb201_ops(arch)
        return nb201_index_from_ops(ops), nb201_arch_string(ops)

    def encode(self, archs: Any) -> np.ndarray:
        """NB201: (n, 9, F) node features; OFA: (n, 145)."""
        archs = self._as_list(archs)
        if self.space == "ofa":
            if not archs:
                return np.zeros((0, 145), np.float32)
            return np.stack([ofa_encode(self._ofa_config(a)) for a in archs]).astype(np.float32)
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
    def predict_normalised(self, archs: Any) -> np.ndarray:
        """Model outputs before de-normalisation (float32; the members' mean for an ensemble)."""
        x = self.encode(archs)
        total = np.zeros(x.shape[0], dtype=np.float32)
        for k in range(self.members):
            w = self._member(k)
            if self.space == "nb201":
                h = x
                for layer in (1, 2, 3, 4):
                    hw_ = h @ w[f"gc{layer}.weight"]                      # (n, 9, h)
                    h = _relu(np.einsum("ij,njk->nik", NB201_ADJACENCY, hw_) + w[f"gc{layer}.bias"])
                h = h[:, 8, :]                                          # global node
            else:
                h = _relu(x @ w["fc1.weight"] + w["fc1.bias"])
                h = _relu(h @ w["fc2.weight"] + w["fc2.bias"])
            hw = self._hw[k]
            y = np.concatenate([h, np.broadcast_to(hw, (h.shape[0], hw.shape[1]))], axis=1)
            y = _relu(y @ w["fc3.weight"] + w["fc3.bias"])
            y = _relu(y @ w["fc4.weight"] + w["fc4.bias"])
            y = y @ w["fc5.weight"] + w["fc5.bias"]
            total += y[:, 0].astype(np.float32)
        return (total / np.float32(self.members)).astype(np.float32)

    def denormalise(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=np.float32).astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.recipe == "log-ref-zscore":
                return np.exp(y * self.norm_b + self.norm_a)
            return (y - 0.05) / 0.9 * (self.norm_b - self.norm_a) + self.norm_a

    def predict_ms(self, archs: Any) -> np.ndarray:
        """Predicted latency (ms per forward pass on the adapted device) for each architecture; one architecture
        gives a 1-element array. A non-finite or non-positive prediction is a PredictorFileError."""
        archs = self._as_list(archs)
        out = np.empty(len(archs), dtype=np.float64)
        for start in range(0, len(archs), 4096):
            part = archs[start:start + 4096]
            out[start:start + len(part)] = self.denormalise(self.predict_normalised(part))
        # As Swift's predictMetaMs: a non-finite meta-prediction means unusable weights or constants (an error);
        # then the blend with the stored ridge predictions and the plausible-range clamp (predictMsCounted).
        bad = np.flatnonzero(~(np.isfinite(out) & (out > 0)))
        if bad.size:
            i = int(bad[0])
            raise PredictorFileError(f"{self.path}: the predictor gives {out[i]} ms for {_shown(str(archs[i]), 80)}: its "
                                     "weights or normalisation constants are unusable (expected a positive finite latency)")
        return self.apply_guard_rails(archs, out)

    def _load_guard_rails(self):
        """Issue #13 keys (all optional): clamp_ln_ms_lo/hi, tensor ridge_ln_ms + blend_meta_weight."""
        md = self.metadata
        self.clamp_ln = None
        self.clamped_count = 0
        if "clamp_ln_ms_lo" in md or "clamp_ln_ms_hi" in md:
            try:
                lo, hi = strict_float(md["clamp_ln_ms_lo"]), strict_float(md["clamp_ln_ms_hi"])
                if lo is None or hi is None:
                    raise ValueError
            except (KeyError, ValueError):
                raise PredictorFileError(f"metadata clamp_ln_ms_lo/hi missing or not numbers") from None
            if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
                raise PredictorFileError(f"clamp_ln_ms_lo/hi {lo}/{hi}: expected finite lo <= hi")
            self.clamp_ln = (lo, hi)
        self.ridge_ln = None
        self.meta_weight = 1.0
        if "ridge_ln_ms" in self.w:
            if self.space != "nb201":
                raise PredictorFileError(f"ridge_ln_ms is for nb201 predictors only")
            try:
                w = strict_float(md["blend_meta_weight"])
                if w is None:
                    raise ValueError
            except (KeyError, ValueError):
                raise PredictorFileError(f"metadata blend_meta_weight missing or not a number") from None
            if not 0.0 <= w <= 1.0:
                raise PredictorFileError(f"blend_meta_weight {w}: expected 0...1")
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


class _ArgumentParser:
    """argparse with helpprof's exit code for bad usage (64) instead of argparse's 2."""

    @staticmethod
    def make():
        import argparse

        class Parser(argparse.ArgumentParser):
            def error(self, message: str):  # type: ignore[override]
                self.print_usage(__import__("sys").stderr)
                self.exit(EXIT_USAGE, f"helpprof_predictor: error: {message}\n")
        return Parser


def _format_json(rows: List[Tuple[Optional[int], str, float]]) -> str:
    """The exact layout of ``helpprof predict --json``."""
    items = ['  {"arch": ' + json.dumps(arch, ensure_ascii=False) + ', "index": ' + ("null" if index is None else str(index))
             + ', "predicted_ms": ' + repr(float(ms)) + "}" for index, arch, ms in rows]
    return "[" + "".join(("\n" if n == 0 else ",\n") + item for n, item in enumerate(items)) + "\n]\n"


def _main(argv: Optional[Sequence[str]] = None) -> int:
    import sys
    parser = _ArgumentParser.make()(
        prog="helpprof_predictor",
        description="Predict latency with a helpprof predictor file (numpy only). Exit codes as helpprof: "
                    "64 bad input, 65 malformed predictor file, 1 run-time failure.")
    parser.add_argument("predictor", help="device.helpp written by `helpprof adapt`")
    parser.add_argument("--index", action="append", default=[], help="NB201 official index (repeatable)")
    parser.add_argument("--arch", action="append", default=[], help="NB201 arch string or OFA config text (repeatable)")
    parser.add_argument("--config", action="append", default=[], help="OFA config text (repeatable)")
    parser.add_argument("--all", action="store_true", help="all 15,625 NB201 cells")
    parser.add_argument("--json", action="store_true", help="print JSON (the same keys as `helpprof predict --json`)")
    args = parser.parse_args(argv)
    if not (args.index or args.arch or args.config or args.all):
        parser.error("nothing to predict: give --index, --arch, --config or --all")
    try:
        p = load_predictor(args.predictor)
        archs: List[Any] = []
        for text in args.index:
            if not re.fullmatch(r"[0-9]+", text, flags=re.ASCII):
                raise ArchError(f"--index '{_shown(text, 40)}': expected an integer in 0...15624")
            archs.append(int(text))
        if (archs or args.all) and p.space != "nb201":
            raise ArchError(f"--index/--all need an nb201 predictor; {args.predictor} is for {p.space}")
        if args.config and p.space != "ofa":
            raise ArchError(f"--config needs an ofa predictor; {args.predictor} is for {p.space}")
        archs += list(args.arch) + list(args.config)
        if args.all:
            archs += list(range(NB201_COUNT))
        rows = [p.canonical(a) for a in archs]
        ms = p.predict_ms(archs)
    except HelpprofError as exc:
        print(f"helpprof_predictor: error: {exc}", file=sys.stderr)
        return exc.exit_code
    if args.json:
        text = _format_json([(i, a, v) for (i, a), v in zip(rows, ms)])
    else:
        text = "".join(f"{v:.4f} ms  " + (f"{i}  " if i is not None else "") + a + "\n" for (i, a), v in zip(rows, ms))
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        try:
            sys.stdout = None  # type: ignore[assignment]  # no second failing flush at exit
        finally:
            print(f"helpprof_predictor: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


def _main_exit() -> None:
    """Entry point of the installed ``helpprof-predictor`` command."""
    raise SystemExit(_main())


if __name__ == "__main__":
    raise SystemExit(_main())
