"""The Python API and CLI as a user meets them (issue 14 #14, #17, #18, #20): every input form, separate error
classes with helpprof's exit codes, the same --json as `helpprof predict`, and an offline `pip install ./tools`."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import helpprof_predictor as hp
from helpprof_predictor import ArchError, PredictorFileError, PredictorIOError, load_predictor

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
REPO = os.path.dirname(TOOLS)
NB201 = os.path.join(HERE, "fixtures", "nb201-test.helpp")
OFA = os.path.join(HERE, "fixtures", "ofa-test.helpp")
SCRIPT = os.path.join(TOOLS, "helpprof_predictor.py")


def test_every_nb201_input_form_gives_the_same_prediction():
    p = load_predictor(NB201)
    arch = hp.nb201_arch_string(hp.nb201_ops_from_index(1462))
    want = p.predict_ms([1462])
    assert want.shape == (1,)
    for form in (1462, np.int64(1462), "1462", arch, [arch], (1462,), np.array([1462]), np.array(1462), [np.int32(1462)]):
        np.testing.assert_array_equal(p.predict_ms(form), want)
    many = p.predict_ms(np.arange(10))
    np.testing.assert_array_equal(many, p.predict_ms(list(range(10))))
    assert p.canonical(1462) == (1462, arch)


def test_torch_tensors_when_available():
    torch = pytest.importorskip("torch")
    p = load_predictor(NB201)
    np.testing.assert_array_equal(p.predict_ms(torch.tensor([1, 2, 3])), p.predict_ms([1, 2, 3]))


def test_ofa_text_and_dict_and_width():
    p = load_predictor(OFA)
    assert p.ofa_width == "1.2"
    text = json.loads(p.metadata["reference_archs"])[0]["arch"]
    cfg = hp.ofa_parse(text)
    as_dict = {"ks": cfg["ks"], "e": cfg["e"], "d": cfg["d"], "resolution": cfg["r"]}
    want = p.predict_ms(text)
    no_width = text.replace(" w=1.2", "")
    for form in (no_width, as_dict, dict(as_dict, width="1.2"), dict(as_dict, width=1.2), [as_dict], dict(as_dict, r=[cfg["r"]])):
        np.testing.assert_array_equal(p.predict_ms(form), want)
    # Issue 14 #1: another width is refused, not answered for the predictor's width.
    for bad in (text.replace("w=1.2", "w=1.0"), dict(as_dict, width="1.0"), dict(as_dict, w=1)):
        with pytest.raises(ArchError, match="width 1.0 but this predictor was adapted on width 1.2"):
            p.predict_ms(bad)
    with pytest.raises(ArchError, match="expected keys"):
        p.predict_ms({"ks": cfg["ks"], "depth": cfg["d"]})


def test_error_classes_are_separate_with_helpprof_exit_codes():
    assert ArchError.exit_code == 64 and PredictorFileError.exit_code == 65 and PredictorIOError.exit_code == 1
    assert not issubclass(ArchError, PredictorFileError)
    assert issubclass(PredictorIOError, PredictorFileError)
    p = load_predictor(NB201)
    for bad in ("²", "١٢", "-1", 15625, -3, True, 1.5, None, "|bogus|"):
        with pytest.raises(ArchError):
            p.predict_ms([bad])


def run(*args, stdout=subprocess.PIPE):
    return subprocess.run([sys.executable, SCRIPT, *args], stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)


@pytest.mark.parametrize("args,code,message", [
    ((NB201, "--arch", "²"), 64, "arch string '²'"),
    ((NB201, "--index", "-1"), 64, "--index '-1'"),
    ((NB201, "--index", "²"), 64, "--index '²'"),
    ((NB201, "--index", "15625"), 64, "out of range"),
    ((NB201, "--config", "r=224"), 64, "needs an ofa predictor"),
    ((OFA, "--index", "3"), 64, "need an nb201 predictor"),
    ((NB201,), 64, "nothing to predict"),
    ((NB201, "--bogus"), 64, "unrecognized arguments"),
    ((os.path.join(HERE, "absent.helpp"), "--index", "1"), 1, "cannot access"),
    ((os.path.join(HERE, "golden_bad", "device-profile.json"), "--index", "1"), 65, "device profile"),
])
def test_cli_exit_codes_match_helpprof(args, code, message):
    r = run(*args)
    assert r.returncode == code, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_failed_stdout_write_is_exit_1_without_traceback():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        r = run(NB201, "--all", stdout=full)
    assert r.returncode == 1, r.stderr
    assert "cannot write the output" in r.stderr and "Traceback" not in r.stderr, r.stderr


def _helpprof():
    for c in (os.environ.get("HELPPROF_BIN"), os.path.join(REPO, ".build", "release", "helpprof"),
              os.path.join(REPO, ".build", "debug", "helpprof")):
        if c and os.access(c, os.X_OK):
            return c
    return None


@pytest.mark.parametrize("fixture,args", [(NB201, ["--index", "1462", "--index", "0"]),
                                          (OFA, ["--config", "r=196 d=4,3,3,4,2 ks=7,7,5,5,7,7,3,5,7,7,5,7,3,5,3,3,3,5,5,7 "
                                                             "e=3,6,3,6,6,4,3,6,4,6,6,3,3,4,4,3,3,3,3,4"])])
def test_json_is_the_same_as_swift(fixture, args):
    binary = _helpprof()
    if binary is None:
        pytest.skip("no built helpprof binary (set HELPPROF_BIN or build first)")
    swift = subprocess.run([binary, "predict", "--predictor", fixture, *args, "--json"], capture_output=True, text=True)
    assert swift.returncode == 0, swift.stderr
    py = run(fixture, *args, "--json")
    assert py.returncode == 0, py.stderr
    a, b = json.loads(swift.stdout), json.loads(py.stdout)
    assert [sorted(r) for r in a] == [sorted(r) for r in b] == [["arch", "index", "predicted_ms"]] * len(a)
    assert [(r["arch"], r["index"]) for r in a] == [(r["arch"], r["index"]) for r in b]
    for x, y in zip(a, b):
        assert abs(x["predicted_ms"] - y["predicted_ms"]) <= 1e-5 * x["predicted_ms"]


def test_pip_install_offline(tmp_path):
    """`pip install ./tools` needs no network: the in-tree backend has no build requirements."""
    venv = tmp_path / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"no venv here: {made.stderr.strip()[:200]}")
    python = str(venv / "bin" / "python")
    r = subprocess.run([python, "-m", "pip", "install", "--no-index", "--quiet", TOOLS], capture_output=True, text=True,
                       cwd=str(tmp_path), timeout=300)
    assert r.returncode == 0, r.stderr
    check = subprocess.run([python, "-c", "import helpprof_predictor as h, sys; print(h.__file__); "
                            f"print(h.load_predictor({NB201!r}).predict_ms(1462)[0])"],
                           capture_output=True, text=True, cwd=str(tmp_path))
    assert check.returncode == 0, check.stderr
    assert "site-packages" in check.stdout
    cli = subprocess.run([str(venv / "bin" / "helpprof-predictor"), NB201, "--index", "1462"], capture_output=True, text=True)
    assert cli.returncode == 0 and "1462" in cli.stdout, cli.stderr
    assert not (tmp_path / "build").exists()
    assert not any(name.endswith(".egg-info") for name in os.listdir(TOOLS))


def test_reseal_keeps_tensors_and_upgrades_version_1(tmp_path):
    """tools/reseal_model.py: a version-1 OFA predictor file becomes a valid version-2 one, tensors bit-identical."""
    sys.path.insert(0, TOOLS)
    import reseal_model
    tensors, metadata, raw = hp.load_safetensors(OFA)
    old = {k: v for k, v in metadata.items() if k != "ofa_width"}
    old["format_version"] = "1"
    path = str(tmp_path / "old.helpp")
    hp.write_safetensors(path, tensors, old)
    with pytest.raises(PredictorFileError, match="older helpprof"):
        load_predictor(path)
    reseal_model.reseal(path)
    p = load_predictor(path)
    assert p.ofa_width == "1.2" and p.metadata["format_version"] == "2"
    _, _, raw2 = hp.load_safetensors(path)
    assert raw2 == raw
    np.testing.assert_array_equal(p.predict_ms(json.loads(metadata["reference_archs"])[0]["arch"]),
                                  load_predictor(OFA).predict_ms(json.loads(metadata["reference_archs"])[0]["arch"]))
