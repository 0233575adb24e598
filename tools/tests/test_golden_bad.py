"""The shared golden predictor files (tools/tests/golden_bad, manifest.json) get the manifest's verdict from the
numpy loader; Tests/CLITests/GoldenPredictorFilesCLITests.swift checks the same manifest against `helpprof`."""
import json
import os

import pytest

import helpprof_predictor as hp

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_bad")
with open(os.path.join(GOLDEN, "manifest.json")) as _handle:
    CASES = json.load(_handle)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_same_verdict_as_swift(case, capsys):
    rc = hp._main([os.path.join(GOLDEN, case["file"])] + case["args"] + ["--json"])
    out, err = capsys.readouterr()
    assert rc == case["exit"], f"{case['file']} ({case['why']}): exit {rc}, expected {case['exit']}: {err}"
    if rc == 0:
        rows = json.loads(out)
        assert len(rows) == 1 and set(rows[0]) == {"arch", "index", "predicted_ms"}
        assert rows[0]["predicted_ms"] > 0
    else:
        assert err.startswith("helpprof_predictor: error: ") and err.count("\n") == 1, err
        assert "Traceback" not in err


def test_manifest_covers_every_file():
    listed = {c["file"] for c in CASES}
    present = {f for f in os.listdir(GOLDEN) if f.endswith((".helpp", ".json")) and f != "manifest.json"}
    assert present <= listed, sorted(present - listed)
    assert {c["exit"] for c in CASES} == {0, 1, 65}


def test_generator_is_deterministic(tmp_path):
    """make_golden.py rewrites the committed bytes exactly (the files are generated, not hand-edited)."""
    import importlib.util
    import shutil
    work = tmp_path / "golden_bad"
    shutil.copytree(GOLDEN, work)
    fixtures = tmp_path / "fixtures"
    shutil.copytree(os.path.join(os.path.dirname(GOLDEN), "fixtures"), fixtures)
    spec = importlib.util.spec_from_file_location("make_golden", str(work / "make_golden.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = str(work)
    module.main()
    for case in CASES:
        path = os.path.join(GOLDEN, case["file"])
        if os.path.exists(path):
            with open(path, "rb") as a, open(work / case["file"], "rb") as b:
                assert a.read() == b.read(), case["file"]
