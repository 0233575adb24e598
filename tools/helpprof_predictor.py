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
