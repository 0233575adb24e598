"""The numpy-only predictor matches helpprof's Swift predictions and rejects every bad predictor file."""
import json
import os
import shutil
import struct
import subprocess

import numpy as np
import pytest

import helpprof_predictor as hp
from helpprof_predictor import (ArchError, PredictorFileError, load_predictor, load_safetensors, nb201_arch_string,
                                nb201_ops_from_index, nb201_parse, ofa_encode, ofa_parse)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
NB201_FILE = os.path.join(FIXTURES, "nb201-test.helpp")
REPO = os.path.dirname(os.path.dirname(HERE))


def write_safetensors(path, tensors, metadata):
    """helpprof's layout (sorted names, header padded to 8 bytes), for building bad files."""
    hp.write_safetensors(path, {k: np.asarray(v, dtype=np.float32) for k, v in tensors.items()}, metadata)


def resealed(tensors, metadata):
    return hp.seal_metadata({k: np.asarray(v, dtype=np.float32) for k, v in tensors.items()}, metadata)


def test_matches_swift_predictions_within_1e4():
    with open(os.path.join(FIXTURES, "nb201-test-predictions.json")) as handle:
        rows = json.load(handle)["predictions"]
    p = load_predictor(NB201_FILE, expected_space="nb201")
    by_arch = p.predict_ms([r["arch"] for r in rows])
    by_index = p.predict_ms([r["index"] for r in rows])
    swift = np.array([r["predicted_ms"] for r in rows])
    assert np.max(np.abs(by_arch - swift) / swift) < 1e-4
    assert np.max(np.abs(by_index - swift) / swift) < 1e-4
    for r in rows:
        assert nb201_arch_string(nb201_ops_from_index(r["index"])) == r["arch"]
        assert nb201_arch_string(nb201_parse(r["arch"])) == r["arch"]


def test_metadata_is_complete():
    p = load_predictor(NB201_FILE)
    assert p.space == "nb201"
    assert len(p.reference_archs) == len(p.reference_latency_ms) == p.w["hw_embedding"].size
    for key in ("helpprofVersion", "metaPredictorID", "shots", "seed", "shotStrategy", "shotArchs", "settings"):
        assert key in p.provenance
    assert p.provenance["shots"] == len(p.provenance["shotArchs"])
    assert "cpuModel" in p.host


def test_loads_in_safetensors_package():
    numpy_api = pytest.importorskip("safetensors.numpy")
    loaded = numpy_api.load_file(NB201_FILE)
    tensors, _, _ = load_safetensors(NB201_FILE)
    assert set(loaded) == set(tensors)
    for name in tensors:
        np.testing.assert_array_equal(loaded[name], tensors[name])


@pytest.fixture()
def parts():
    tensors, metadata, _ = load_safetensors(NB201_FILE)
    return {k: np.array(v) for k, v in tensors.items()}, dict(metadata)


def test_wrong_space_newer_version_and_format(tmp_path, parts):
    tensors, metadata = parts
    with pytest.raises(PredictorFileError, match="expected 'ofa'"):
        load_predictor(NB201_FILE, expected_space="ofa")
    path = str(tmp_path / "newer.helpp")
    write_safetensors(path, tensors, resealed(tensors, dict(metadata, format_version="3")))
    with pytest.raises(PredictorFileError, match="newer"):
        load_predictor(path)
    write_safetensors(path, tensors, resealed(tensors, dict(metadata, format="something-else")))
    with pytest.raises(PredictorFileError, match="expected 'helpprof-predictor'"):
        load_predictor(path)


def test_checksum_missing_and_unused_tensors(tmp_path, parts):
    tensors, metadata = parts
    path = str(tmp_path / "bad.helpp")
    edited = dict(tensors)
    edited["fc5.bias"] = edited["fc5.bias"] + 1
    write_safetensors(path, edited, metadata)
    with pytest.raises(PredictorFileError, match="checksum mismatch"):
        load_predictor(path)
    missing = {k: v for k, v in tensors.items() if k != "gc2.weight"}
    write_safetensors(path, missing, resealed(missing, metadata))
    with pytest.raises(PredictorFileError, match="missing tensors: gc2.weight"):
        load_predictor(path)
    extra = dict(tensors, surprise=np.zeros(3, np.float32))
    write_safetensors(path, extra, resealed(extra, metadata))
    with pytest.raises(PredictorFileError, match="unexpected tensors"):
        load_predictor(path)
    reshaped = dict(tensors, **{"fc5.weight": tensors["fc5.weight"].reshape(1, -1)})
    write_safetensors(path, reshaped, resealed(reshaped, metadata))
    with pytest.raises(PredictorFileError, match="fc5.weight"):
        load_predictor(path)


def test_nan_and_truncation(tmp_path, parts):
    tensors, metadata = parts
    path = str(tmp_path / "nan.helpp")
    bad = dict(tensors)
    bad["fc5.bias"] = np.array([[np.nan]], np.float32)
    write_safetensors(path, bad, resealed(bad, metadata))
    with pytest.raises(PredictorFileError, match="finite"):
        load_predictor(path)
    with open(NB201_FILE, "rb") as handle:
        data = handle.read()
    for cut in (0, 7, 8, 100, len(data) // 2, len(data) - 1):
        with open(path, "wb") as handle:
            handle.write(data[:cut])
        with pytest.raises(PredictorFileError):
            load_predictor(path)


def test_bad_architectures_are_clear_errors():
    p = load_predictor(NB201_FILE)
    with pytest.raises(ArchError, match="out of range"):
        p.predict_ms([15625])
    with pytest.raises(ArchError, match="arch string"):
        p.predict_ms(["|conv~0|+|"])
    assert not issubclass(ArchError, PredictorFileError) and not issubclass(PredictorFileError, ArchError)


def test_ofa_encoding_layout():
    cfg = ofa_parse("r=224 w=1.2 d=2,3,4,2,3 ks=" + ",".join(["3", "5", "7", "3"] * 5) + " e=" + ",".join(["6", "4", "3", "3"] * 5))
    f = ofa_encode(cfg)
    assert f.shape == (145,) and f.sum() == 2 * (2 + 3 + 4 + 2 + 3) + 1
    assert f[0] == 1 and f[3 + 1] == 1 and f[60 + 2] == 1 and f[144] == 1
    assert f[3 * 2:3 * 4].sum() == 0  # stage 0 has depth 2: slots 2 and 3 inactive
    with pytest.raises(ArchError):
        ofa_parse("r=225 d=2,2,2,2,2 ks=" + ",".join(["3"] * 20) + " e=" + ",".join(["3"] * 20))


def _helpprof_binary():
    explicit = os.environ.get("HELPPROF_BIN")
    candidates = [explicit] if explicit else [os.path.join(REPO, ".build", "release", "helpprof"),
                                              os.path.join(REPO, ".build", "debug", "helpprof")]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    return None


def test_live_against_helpprof_adapt(tmp_path):
    """End to end: `helpprof embed` + `helpprof adapt` write a predictor; Python matches `helpprof predict`."""
    binary = _helpprof_binary()
    if binary is None:
        pytest.skip("no built helpprof binary (set HELPPROF_BIN or build first)")
    quick = ["--max-seconds-per-arch", "0.01", "--samples", "3", "--quiet"]
    run = lambda *args: subprocess.run([binary, *args], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    r = run("embed", "--out", "device.json", *quick)
    if r.returncode != 0:
        pytest.skip(f"helpprof embed failed here: {r.stderr.strip()[:200]}")
    # Shots from a file (no timing): 10 NB201 cells with plausible latencies.
    with open(tmp_path / "shots.csv", "w") as handle:
        handle.write("arch_index,latency_ms\n")
        for i, idx in enumerate([1, 100, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]):
            handle.write(f"{idx},{1.0 + 0.3 * i}\n")
    r = run("adapt", "--profile", "device.json", "--measurements", "shots.csv", "--shots", "10", "--out", "device.helpp", "--quiet")
    if r.returncode != 0 and "meta-predictor" in r.stderr:
        pytest.skip(f"no bundled meta-predictor in this build: {r.stderr.strip()[:200]}")
    assert r.returncode == 0, r.stderr
    r = run("predict", "--predictor", "device.helpp", "--all", "--json")
    assert r.returncode == 0, r.stderr
    swift = json.loads(r.stdout)
    p = load_predictor(str(tmp_path / "device.helpp"), expected_space="nb201")
    ms = p.predict_ms([row["arch"] for row in swift])
    ref = np.array([row["predicted_ms"] for row in swift])
    assert np.max(np.abs(ms - ref) / ref) < 1e-4


def test_ofa_matches_swift_predictions_within_1e4():
    with open(os.path.join(FIXTURES, "ofa-test-predictions.json")) as handle:
        rows = json.load(handle)["predictions"]
    p = load_predictor(os.path.join(FIXTURES, "ofa-test.helpp"), expected_space="ofa")
    ms = p.predict_ms([r["arch"] for r in rows])
    swift = np.array([r["predicted_ms"] for r in rows])
    assert np.max(np.abs(ms - swift) / swift) < 1e-4
    with pytest.raises(PredictorFileError, match="expected 'nb201'"):
        load_predictor(os.path.join(FIXTURES, "ofa-test.helpp"), expected_space="nb201")
