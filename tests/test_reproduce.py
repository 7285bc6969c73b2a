"""The reproduction report on the 000 NUHS-TPW cells (fitted targets) and its mechanism split."""

import json

import pytest

from pybamm_ssb import cli
from pybamm_ssb.reproduce import TARGETS, reproduce

NUHS = [t for t in TARGETS if "NUHS" in t.cell]


@pytest.fixture(scope="module")
def report():
    return reproduce(NUHS)


def test_fitted_nuhs_targets_within_tolerance(report):
    rows, _ = report
    assert {r["id"] for r in rows} == {t.id for t in NUHS}
    for row, target in zip(rows, NUHS):
        assert row["kind"] in ("fitted", "predicted")
        assert abs(row["rel_error"]) < target.tolerance, row


def test_capacity_loss_split_closes_and_follows_the_states(report):
    rows, runs = report
    for cell, (curve, split) in runs.items():
        lost = curve.discharge_capacity_mAh_g[0] - curve.discharge_capacity_mAh_g[-1]
        assert sum(split.values()) == pytest.approx(lost, abs=1e-9)
        assert split["lost_lithium_mAh_g"] == 0.0  # the 450 um foil is far in excess
        assert split["lost_active_material_mAh_g"] > 0  # contact loss acted
        assert split["resistance_rise_mAh_g"] > 0


def test_reproduce_json_has_the_report_keys(capsys, monkeypatch, report):
    monkeypatch.setattr("pybamm_ssb.reproduce.TARGETS", tuple(NUHS))
    monkeypatch.setattr("pybamm_ssb.reproduce.reproduce", lambda progress=False: report)
    assert cli.main(["reproduce", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = {"id", "cell", "quantity", "condition", "unit", "measured", "simulated", "rel_error", "kind", "source"}
    assert all(set(t) == keys for t in out["targets"])
