"""The reproduction report on the 000 NUHS-TPW cells (fitted targets) and its mechanism split."""

import json
import re

import numpy as np
import pytest

from pybamm_ssb import cli, get_cell
from pybamm_ssb.calibration import read_held_out
from pybamm_ssb.fade import simulate_fade
from pybamm_ssb.reproduce import (
    TARGETS,
    Report,
    TargetSelectionError,
    reproduce,
    select_targets,
)
from pybamm_ssb.simulate import discharge_step

NUHS = [t for t in TARGETS if "NUHS" in t.cell and t.current_density_mA_cm2 is None]


@pytest.fixture(scope="module")
def report():
    return reproduce(NUHS)


def test_fitted_nuhs_targets_within_tolerance(report):
    rows = report.rows
    assert {r["id"] for r in rows} == {t.id for t in NUHS}
    for row, target in zip(rows, NUHS):
        assert row["kind"] in ("fitted", "predicted")
        assert abs(row["rel_error"]) < target.tolerance, row
        assert report.met[target.id]


def test_capacity_loss_split_closes_and_follows_the_states(report):
    runs = report.runs
    for curve, split in runs.values():
        lost = curve.discharge_capacity_mAh_g[0] - curve.discharge_capacity_mAh_g[-1]
        assert sum(split.values()) == pytest.approx(lost, abs=1e-9)
        assert split["lost_lithium_mAh_g"] == 0.0  # the 450 um foil is far in excess
        assert split["lost_active_material_mAh_g"] > 0  # contact loss acted
        assert split["resistance_rise_mAh_g"] > 0


def test_reproduce_json_has_the_report_keys(capsys):
    chosen = select_targets(["000-lfp-nuhs"])
    assert {t.id for t in chosen} == {"000-lfp-nuhs-c1", "000-lfp-nuhs-c100"}
    assert cli.main(["reproduce", "--only", "000-lfp-nuhs", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = {"id", "cell", "quantity", "condition", "unit", "measured", "simulated", "rel_error", "kind", "source", "bound",
            "held_out_error", "held_out"}
    assert [t["id"] for t in out["targets"]] == [t.id for t in chosen]
    assert all(set(t) == keys for t in out["targets"])
    assert out["summary"]["fitted"] == {"within_tolerance": 2, "targets": 2}
    assert out["summary"]["predicted"] == {"within_tolerance": 0, "targets": 0}
    stored = read_held_out()
    for row in out["targets"]:  # fitted targets: the stored held-out result, or "not computed"
        entry = stored.get(row["id"])
        assert row["held_out"] == ("not computed" if entry is None else entry["note"])
        assert row["held_out_error"] == (None if entry is None else entry.get("error"))
    assert out["documents"]["000"]["targets"] == 2 and out["documents"]["000"]["fitted"]["targets"] == 2
    assert len(out["fitted_values"]["Cui2025_LFP_NUHS_TPW"]) == 3  # particle radius, contact loss, NUHS interphase rate


def _row(id, kind, error, held_out_error, bound=None):
    return {"id": id, "kind": kind, "rel_error": error, "held_out_error": held_out_error, "bound": bound}


def test_the_per_document_summary_counts_kinds_and_averages_the_held_out_errors():
    """Predicted targets' held-out error is their own error; bounds and missing held-out errors
    are left out of the mean."""
    rows = [_row("000-a", "fitted", 0.01, -0.04), _row("000-b", "fitted", 0.0, None), _row("000-c", "predicted", 0.1, 0.1),
            _row("000-d", "predicted", 0.5, 0.5, "at most"), _row("002-a", "fitted", 0.02, None)]
    met = {"000-a": True, "000-b": True, "000-c": False, "000-d": True, "002-a": True}
    documents = Report(rows, {}, {}, met).documents()
    assert documents["000"] == {"fitted": {"within_tolerance": 2, "targets": 2}, "predicted": {"within_tolerance": 1, "targets": 2},
                                "targets": 4, "within_tolerance": 3, "held_out_errors": 2,
                                "mean_abs_held_out_error": pytest.approx(0.07)}
    assert documents["002"]["mean_abs_held_out_error"] is None and documents["002"]["held_out_errors"] == 0


def test_the_table_shows_fitted_and_held_out_errors(capsys, monkeypatch):
    """A predicted target's held-out error is its error; a fitted one's comes from the store."""
    monkeypatch.setattr("pybamm_ssb.calibration.read_held_out", lambda: {"000-lfp-nuhs-c1": {"error": -0.0421, "note": "n"}})
    assert cli.main(["reproduce", "--only", "000-lfp-nuhs-c1,000-lfp-0.3mA-tpw"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"fitted\s+held-out", out)
    assert re.search(r"000-lfp-nuhs-c1\s+152.5\s+15[0-9].[0-9]\s+[+-][0-9.]+%\s+-4.2%\s+fitted", out), out
    assert re.search(r"000-lfp-nuhs-c100\s+150.1\s+1[0-9]{2}.[0-9]\s+[+-][0-9.]+%\s+not computed\s+fitted", out), out
    assert re.search(r"000-lfp-0.3mA-tpw\s+>=100.0\s+1[0-9]{2}.[0-9]\s+-\s+\+[0-9.]+%\s+predicted", out), out
    assert re.search(r"000: 3 of 3 within tolerance \(fitted 2 of 2, predicted 1 of 1\); mean \|held-out error\| 4.2% over 1 ", out)
    assert re.search(r"Cui2025_LFP_NUHS_TPW\s+3: electrolytes/LATP_NUHS_Cui2025: anode_interphase_linear_rate_nm_h, "
                     r"cathodes/LFP_Cui2025: particle_radius_um, cathodes/LFP_Cui2025: contact_loss_coefficient", out), out


def test_a_bound_runs_at_its_current_density_and_is_met_on_its_side(tmp_path, capsys):
    """000 Fig. S18: at 0.3 mA/cm2 the welded LFP cell keeps over 100 mAh/g (predicted, met)."""
    welded = next(t for t in TARGETS if t.id == "000-lfp-0.3mA-tpw")
    assert welded.condition == "cycle 50 at 0.3 mA/cm2; at least 100 mAh/g"
    assert welded.within_tolerance(100.5) and not welded.within_tolerance(99.5)
    assert cli.main(["reproduce", "--only", welded.id, "--plots", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"000-lfp-0.3mA-tpw\s+>=100.0\s+1[0-9]{2}\.[0-9]\s", out), out
    assert [p.name for p in tmp_path.iterdir()] == ["Cui2025_LFP_NUHS_TPW_at_0.3_mA_cm2.png"]
    report = reproduce((welded,))
    curve, _ = report.runs[welded.run]
    values = curve.result.parameter_values
    area_cm2 = values["Electrode height [m]"] * values["Electrode width [m]"] * 1e4
    current = discharge_step(curve.result.solution.cycles[0])["Current [A]"].entries
    assert np.allclose(current / area_cm2 * 1e3, 0.3, rtol=1e-6)  # mA/cm2
    assert report.met[welded.id]


@pytest.mark.xfail(strict=True, reason="000 Fig. S18: the pressed cell falls below 50 mAh/g at 0.3 mA/cm2. "
                   "The model keeps 120.6: at the NUHS pellet's small spread (sigma 0.19) the pressed and "
                   "welded cells differ only by 382 Ohm of interface, 22 mV at this current, and plating "
                   "closes each cycle's voids again; the dead-void fraction that would stop it is 0 in the files "
                   "(tests/test_unrefilled_voids.py). 000 shows micro-cracks and irregular deposits "
                   "in the pressed cell (Fig. 5g, S19), which the model does not have.")
def test_a_pressed_cell_fails_at_0p3_mA_cm2():
    pressed = next(t for t in TARGETS if t.id == "000-lfp-0.3mA-cps")
    assert reproduce((pressed,)).met[pressed.id]


def test_the_short_circuit_criterion_does_not_separate_pressed_from_welded_at_0p3_mA_cm2():
    """The symmetric cell's criterion (plating current on the remaining contact above the CCD,
    0.55 mA/cm2) would flag the welded cell of Fig. S18 as well as the pressed one: voids opened
    in each discharge leave both below the contact it needs (README, known limits)."""
    from pybamm_ssb.registry import resolve_cell
    from pybamm_ssb.simulate import simulate_cycling
    from pybamm_ssb.symmetric import _anode_ccd_mA_cm2

    steps = ["Charge at 0.3 mA/cm2 until 3.8 V", "Discharge at 0.3 mA/cm2 until 2.5 V"]
    peak = {}
    for cell in ("Cui2025_LFP_NUHS_CPS", "Cui2025_LFP_NUHS_TPW"):
        solution = simulate_cycling(cell, steps=steps, cycles=3).solution
        theta = solution["Lithium metal interface contact fraction"].entries
        i = solution["Current collector current density [A.m-2]"].entries  # > 0 on discharge
        peak[cell] = (np.maximum(-i, 0) / theta).max() / 10  # mA/cm2
    ccd = _anode_ccd_mA_cm2(resolve_cell("Cui2025_LFP_NUHS_TPW"))
    assert ccd == 0.55
    assert peak["Cui2025_LFP_NUHS_CPS"] == pytest.approx(0.80, abs=0.01)
    assert peak["Cui2025_LFP_NUHS_TPW"] == pytest.approx(0.59, abs=0.01)
    assert min(peak.values()) > ccd


def test_an_unknown_target_prefix_names_the_documents():
    with pytest.raises(TargetSelectionError, match=r"no target id starts with '009'.*\(000, 001, 002, 003\)"):
        select_targets(["002", "009"])


LIU = [t for t in TARGETS if t.id.startswith(("003-lpscl", "003-sb"))]


@pytest.fixture(scope="module")
def liu_report():
    return reproduce(LIU)


def test_argyrodite_cells_fade_through_their_cathode_interphase(liu_report):
    """003 Sec. 3.2.2: the Li6PS5Cl cell keeps 27 % after 60 cycles, the Sb-doped one 83 %.

    The fitted CEI constants meet the fitted targets, and the loss they cause is a resistance
    rise (the CEI film), not lost lithium (the foil is in excess)."""
    rows, runs = liu_report.rows, liu_report.runs
    for row, target in zip(rows, LIU):
        if target.kind == "fitted":
            assert abs(row["rel_error"]) < target.tolerance, row
    lpscl, sb = (runs[t.cell] for t in (LIU[0], LIU[2]))
    for curve, split in (lpscl, sb):
        lost = curve.discharge_capacity_mAh_g[0] - curve.discharge_capacity_mAh_g[-1]
        assert split["lost_lithium_mAh_g"] == 0.0
        assert split["resistance_rise_mAh_g"] > 0.9 * lost
        assert curve.interface_resistance_ohm_cm2[-1] > 1.5 * curve.interface_resistance_ohm_cm2[0]
    # the faster-oxidising electrolyte has the higher resistance at every cycle
    assert (lpscl[0].interface_resistance_ohm_cm2 > sb[0].interface_resistance_ohm_cm2).all()


CPS_LFP = select_targets(["000-lfp-chst", "000-lfp-cuhs"])


def test_cps_lfp_cells_fade_gradually_through_their_uneven_contact():
    """With the Li contact spread over the area (sigma = kappa R_q) the flat-OCP LFP cells lose
    capacity region by region, cycle after cycle, and meet their fitted targets; the same rate
    on a uniform interface keeps the capacity for 100 cycles and then loses it at once (the cliff)."""
    report = reproduce(CPS_LFP)
    for row, target in zip(report.rows, CPS_LFP):
        assert abs(row["rel_error"]) < target.tolerance, row
    for cell in ("Cui2025_LFP_CHST_CPS", "Cui2025_LFP_CUHS_CPS"):
        q = report.runs[cell][0].discharge_capacity_mAh_g
        assert q[-1] < 0.7 * q[0]
        assert -np.diff(q).min() < 0.1 * q[0]  # no cycle loses a tenth of the first
    uniform = simulate_fade("Cui2025_LFP_CUHS_CPS", 120, {"lithium_interface_spread": 0.0}).discharge_capacity_mAh_g
    assert uniform[99] > 0.9 * uniform[0]
    assert -np.diff(uniform).min() > 0.3 * uniform[0]


def test_reproduce_plots_capacity_and_rate_curves(tmp_path, capsys):
    assert cli.main(["reproduce", "--only", "000-lfp-nuhs-c1,002-j-0.1C,002-j-2C", "--json", "--plots", str(tmp_path)]) == 0
    ids = [t["id"] for t in json.loads(capsys.readouterr().out)["targets"]]
    assert ids == ["000-lfp-nuhs-c1", "000-lfp-nuhs-c100", "002-j-0.1C", "002-j-2C"]  # prefixes: c1 takes c100 too
    plots = sorted(tmp_path.iterdir())
    assert [p.name for p in plots] == ["Cui2025_LFP_NUHS_TPW.png", "Yang2026_LFP_PGPE_PLATP10J_rate_test.png"]
    assert all(p.stat().st_size > 10_000 for p in plots)


def test_table_1_cycling_targets_run_the_symmetric_cell_at_their_current_and_hours():
    """001 Table 1 rows as Li | LLZO | Li runs: Cu3N at 0.1 mA/cm2 keeps cycling its 1000 h (bound met);
    PAA at 0.5 mA/cm2 starts at 0.5 / theta_0 = 0.556 mA/cm2 on its contact (theta_0 = 0.9), above the
    lithium's 0.55, so it shorts at once (the criterion cannot see the interlayer)."""
    chosen = select_targets(["001-llzo-cu3n-0.1mA", "001-llzo-cu3n-overpotential", "001-llzo-paa-0.5mA"])
    report = reproduce(chosen)
    rows = {row["id"]: row for row in report.rows}
    assert rows["001-llzo-cu3n-0.1mA"]["simulated"] == 1000 and report.met["001-llzo-cu3n-0.1mA"]
    assert rows["001-llzo-paa-0.5mA"]["simulated"] == 0 and not report.met["001-llzo-paa-0.5mA"]
    assert 0.5 / get_cell("Chu2024_LLZO_PAA").values["Initial lithium interface contact fraction"] >= 0.55
    eta = rows["001-llzo-cu3n-overpotential"]
    assert eta["unit"] == "mV" and 10 < eta["simulated"] < 30.1  # R_int 83.4 Ohm cm2 gives 8.3 mV of it
    assert "0.1 mA/cm2 for 1000 h" in eta["condition"]
