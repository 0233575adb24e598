"""The numpy-only safetensors reader agrees with helpprof's Swift writer and rejects every malformed input."""
import hashlib
import json
import os
import struct

import numpy as np
import pytest

from helpprof_predictor import (PredictorFileError, content_checksum, parse_safetensors, load_safetensors,
                                verify_checksum, verify_format, verify_layout)

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "crosscheck.safetensors")
# Pinned by Tests/TensorFileTests (TensorFileCrossCheckTests): the Swift writer produces exactly these bytes.
FILE_SHA256 = "d5c9896d5e6b5bd7b2e5bcaa87823937d48972c9658a9d04dc01bb936e9649c0"
TENSOR_CHECKSUM = "sha256:53eda35dc325973897440c603a435f8e3429ba27e8684b3884da271a389cb6ec"


def raw_file(header, data=b"", length=None):
    text = header if isinstance(header, bytes) else json.dumps(header, separators=(",", ":")).encode()
    n = len(text) if length is None else length
    return struct.pack("<Q", n) + text + data


def f32(*values):
    return np.array(values, dtype="<f4").tobytes()


def test_swift_written_fixture_parses_with_numpy():
    with open(FIXTURE, "rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == FILE_SHA256
    tensors, metadata, raw = load_safetensors(FIXTURE)
    np.testing.assert_array_equal(tensors["layer.weight"], (np.arange(12, dtype=np.float32) * 0.25 - 1.5).reshape(3, 4))
    np.testing.assert_array_equal(tensors["layer.bias"], np.array([1, -2.5, 3e-8], dtype=np.float32))
    assert tensors["scalar"].shape == () and float(tensors["scalar"]) == 7.0
    np.testing.assert_array_equal(tensors["d"], np.array([np.pi, -1e300]))
    np.testing.assert_array_equal(tensors["i64"], np.array([np.iinfo(np.int64).min, -1, 0, np.iinfo(np.int64).max]))
    np.testing.assert_array_equal(tensors["i32"], np.array([[np.iinfo(np.int32).min], [5]], dtype=np.int32))
    assert metadata["note"] == 'é "q"'
    assert verify_format(metadata, "helpprof-crosscheck", 1) == 1
    assert content_checksum(tensors, metadata, raw) == TENSOR_CHECKSUM == metadata["checksum"]
    verify_checksum(metadata, raw, tensors)
    # Header padded to a multiple of 8 like the safetensors package does.
    assert struct.unpack("<Q", data[:8])[0] % 8 == 0


def test_fixture_loads_in_safetensors_package():
    numpy_api = pytest.importorskip("safetensors.numpy")
    loaded = numpy_api.load_file(FIXTURE)
    tensors, _, _ = load_safetensors(FIXTURE)
    assert set(loaded) == set(tensors)
    for name in tensors:
        np.testing.assert_array_equal(loaded[name], tensors[name])


@pytest.mark.parametrize("data, message", [
    (b"", "at least 8"),
    (b"\x01\x00", "at least 8"),
    (raw_file(b"{}", length=100), "header length 100"),
    (raw_file(b"{not json"), "not valid JSON"),
    (raw_file(b"{\"a\":NaN}"), "not valid JSON"),
    (raw_file(b"\xff\xfe"), "not valid JSON"),
    (raw_file(b"[1,2]"), "expected an object"),
    (raw_file({"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}, b"\0" * 4), "dtype 'BF16'"),
    (raw_file({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}, f32(1, 2, 3, 4)), "needs 12 bytes"),
    (raw_file({"w": {"dtype": "F32", "shape": [8], "data_offsets": [0, 32]}}, f32(1, 2, 3, 4)), "out of range"),
    (raw_file({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}}, f32(1, 2, 3, 4)), "out of range"),
    (raw_file(b'{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},'
              b'"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', f32(1, 2, 3, 4)), "overlaps"),
    (raw_file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, f32(1, 2, 3, 4)), "belong to no tensor"),
    (raw_file({"a": {"dtype": "F32", "shape": [3], "data_offsets": [4, 16]}}, f32(1, 2, 3, 4)), "belong to no tensor"),
    (raw_file(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
              b'"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f32(1, 2)), "appears twice"),
    (raw_file({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, f32(1, np.nan)), "finite"),
    (raw_file({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, f32(np.inf)), "finite"),
    (raw_file({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, f32(1)), "non-negative"),
    (raw_file({"w": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}, f32(1)), "non-negative"),
    (raw_file({"w": {"dtype": "F32", "shape": [1]}}, f32(1)), "missing 'data_offsets'"),
    (raw_file({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}}, f32(1)), "unexpected keys"),
    (raw_file({"__metadata__": {"a": 1}}), "string values"),
])
def test_bad_inputs_raise_clear_errors(data, message):
    with pytest.raises(PredictorFileError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_safetensors(data)


def test_nan_allowed_when_check_disabled():
    tensors, _, _ = parse_safetensors(
        raw_file({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, f32(np.nan)), check_finite=False)
    assert np.isnan(tensors["w"][0])


def test_checksum_format_and_layout_checks():
    tensors, metadata, raw = load_safetensors(FIXTURE)
    edited = dict(raw, scalar=f32(8))
    with pytest.raises(PredictorFileError, match="checksum mismatch"):
        verify_checksum(metadata, edited, tensors)
    # Metadata is covered too (issue 14 #2): one changed character of any entry is a mismatch.
    for key in metadata:
        if key != "checksum":
            changed = dict(metadata, **{key: metadata[key][:-1] + chr(ord(metadata[key][-1]) ^ 1)})
            with pytest.raises(PredictorFileError, match="checksum mismatch"):
                verify_checksum(changed, raw, tensors)
    with pytest.raises(PredictorFileError, match="checksum mismatch"):
        verify_checksum(dict(metadata, extra="1"), raw, tensors)
    with pytest.raises(PredictorFileError, match="'checksum' is missing"):
        verify_checksum({}, raw, tensors)
    with pytest.raises(PredictorFileError, match="newer"):
        verify_format(dict(metadata, format_version="2"), "helpprof-crosscheck", 1)
    with pytest.raises(PredictorFileError, match="expected 'other'"):
        verify_format(metadata, "other", 1)
    with pytest.raises(PredictorFileError, match="positive integer"):
        verify_format(dict(metadata, format_version="x"), "helpprof-crosscheck", 1)
    floats = {"a": tensors["layer.bias"]}
    verify_layout(floats, {"a": [3]})
    with pytest.raises(PredictorFileError, match="missing tensors: b"):
        verify_layout(floats, {"a": [3], "b": None})
    with pytest.raises(PredictorFileError, match="unexpected tensors"):
        verify_layout(floats, {})
    with pytest.raises(PredictorFileError, match="expected \\[1, 3\\]"):
        verify_layout(floats, {"a": [1, 3]})


def test_missing_file_is_a_clear_error(tmp_path):
    from helpprof_predictor import PredictorIOError
    with pytest.raises(PredictorIOError, match="cannot access .*absent.helpp: No such file") as info:
        load_safetensors(str(tmp_path / "absent.helpp"))
    assert info.value.exit_code == 1  # a run-time failure, as helpprof's io errors


def test_truncations_never_crash():
    with open(FIXTURE, "rb") as handle:
        data = handle.read()
    for cut in range(len(data)):
        with pytest.raises(PredictorFileError):
            parse_safetensors(data[:cut])
