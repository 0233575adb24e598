"""Issue #13 keys of the predictor file in the numpy loader: clamp range and the ridge blend (NB201)."""
import numpy as np
import pytest

from helpprof_predictor import NB201_COUNT, PredictorFileError, load_predictor, load_safetensors, nb201_index_from_ops, nb201_parse
from test_predictor import NB201_FILE, resealed, write_safetensors


def _parts():
    tensors, metadata, _ = load_safetensors(NB201_FILE)
    return {k: np.array(v) for k, v in tensors.items()}, dict(metadata)


def test_blend_and_clamp_match_the_formula(tmp_path):
    tensors, metadata = _parts()
    meta = load_predictor(NB201_FILE).predict_ms(list(range(200)))
    ridge = (np.arange(NB201_COUNT) % 7).astype(np.float32) * 0.2 - 0.5
    lo, hi = float(np.log(np.median(meta))) - 0.2, float(np.log(np.median(meta))) + 0.3
    t = dict(tensors, ridge_ln_ms=ridge.reshape(1, -1))
    md = dict(metadata, blend_meta_weight="0.25", clamp_ln_ms_lo=repr(lo), clamp_ln_ms_hi=repr(hi))
    path = str(tmp_path / "g.helpp")
    write_safetensors(path, t, resealed(t, md))
    p = load_predictor(path)
    got = p.predict_ms(list(range(200)))
    ln = 0.25 * np.log(meta) + 0.75 * ridge[:200].astype(np.float64)
    np.testing.assert_allclose(got, np.exp(np.clip(ln, lo, hi)), rtol=1e-5)
    assert p.clamped_count == int(((ln < lo) | (ln > hi)).sum()) > 0
    # Arch strings index the ridge table alike.
    from helpprof_predictor import nb201_arch_string, nb201_ops_from_index
    s = [nb201_arch_string(nb201_ops_from_index(i)) for i in range(5)]
    np.testing.assert_allclose(p.predict_ms(s), got[:5], rtol=1e-6)
    assert [nb201_index_from_ops(nb201_parse(x)) for x in s] == list(range(5))


def test_nan_and_inf_never_leave_a_clamped_predictor(tmp_path):
    tensors, metadata = _parts()
    md = dict(metadata, clamp_ln_ms_lo="-1.0", clamp_ln_ms_hi="1.0")
    path = str(tmp_path / "c.helpp")
    write_safetensors(path, tensors, resealed(tensors, md))
    p = load_predictor(path)
    out = p.apply_guard_rails([0, 1, 2, 3, 4], np.array([np.nan, np.inf, 0.0, -2.0, 1.5]))
    assert np.all(np.isfinite(out)) and np.all(out > 0)
    np.testing.assert_allclose(out, [1.0, np.e, np.exp(-1), np.exp(-1), 1.5])
    assert p.clamped_count == 4


@pytest.mark.parametrize("key,value,match", [("blend_meta_weight", "1.5", "0...1"), ("blend_meta_weight", "x", "not a number")])
def test_bad_blend_keys_are_rejected(tmp_path, key, value, match):
    tensors, metadata = _parts()
    t = dict(tensors, ridge_ln_ms=np.zeros((1, NB201_COUNT), np.float32))
    md = dict(metadata, **{key: value})
    path = str(tmp_path / "b.helpp")
    write_safetensors(path, t, resealed(t, md))
    with pytest.raises(PredictorFileError, match=match):
        load_predictor(path)
    md = dict(metadata, clamp_ln_ms_lo="2", clamp_ln_ms_hi="1")
    write_safetensors(path, tensors, resealed(tensors, md))
    with pytest.raises(PredictorFileError, match="lo <= hi"):
        load_predictor(path)
