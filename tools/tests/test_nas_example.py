"""tools/nas_example.py: capacity proxies and a short seeded search that respects the predicted budget."""
import json
import os

from helpprof_predictor import nb201_ops_from_index
import nas_example

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def test_nb201_macs_matches_helpprof_cost():
    # Values from helpprof's NB201Cost (Swift) / `helpprof run --json` "macs".
    assert nas_example.nb201_macs(nb201_ops_from_index(11472)) == 78_561_930
    assert nas_example.nb201_macs(nb201_ops_from_index(1462)) == 220_119_690


def test_search_respects_predicted_budget(capsys):
    for name in ("nb201-test.helpp", "ofa-test.helpp"):
        rc = nas_example.main([os.path.join(FIXTURES, name), "--cycles", "150", "--population", "20", "--top", "3",
                               "--seed", "3", "--json"])
        assert rc == 0
        out = json.loads(capsys.readouterr().out)
        assert len(out["chosen"]) == 3
        assert all(r["predicted_ms"] <= out["budget_ms"] + 1e-4 for r in out["chosen"])


def test_ofa_configs_differing_only_in_inactive_slots_are_one_candidate():
    cfg = {"r": 224, "d": [2, 3, 4, 2, 3], "ks": [5] * 20, "e": [4] * 20}
    other = {"r": 224, "d": [2, 3, 4, 2, 3], "ks": [5] * 3 + [7] + [5] * 15 + [3], "e": [4] * 3 + [6] + [4] * 16}
    assert nas_example.ofa_text(cfg) == nas_example.ofa_text(other)
    assert nas_example.ofa_capacity(cfg) == nas_example.ofa_capacity(other)
    changed = dict(other, ks=[3] + other["ks"][1:])  # slot 0 is active
    assert nas_example.ofa_text(changed) != nas_example.ofa_text(cfg)


def test_ofa_top_list_has_distinct_networks(capsys):
    rc = nas_example.main([os.path.join(FIXTURES, "ofa-test.helpp"), "--cycles", "300", "--population", "20",
                           "--top", "5", "--seed", "1", "--json"])
    assert rc == 0
    chosen = json.loads(capsys.readouterr().out)["chosen"]
    texts = [r["config"] for r in chosen]
    assert len(set(texts)) == len(texts)
