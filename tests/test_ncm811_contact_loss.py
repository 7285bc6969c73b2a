"""NCM811's contact loss past the H2 -> H3 onset, scaled by the assembly (submodels/particle_contact.py)."""

import numpy as np
import pytest

from pybamm_ssb import get_cell, simulate_cycling
from pybamm_ssb.cells import compose_cell
from pybamm_ssb.fade import simulate_fade
from pybamm_ssb.reproduce import TARGETS, simulate_targets

PRESSED = "Cui2025_NCM811_CHST_CPS"
WELDED = "Cui2025_NCM811_NUHS_TPW"
LFP_PRESSED = "Cui2025_LFP_CHST_CPS"
OFF = {"h2_h3_contact_loss_coefficient": 0.0}
# 3 cycles of the welded NCM811 cell before the mechanism existed (its assembly's coefficient is 0)
WELDED_BEFORE_MAH_G = [180.9440037634204, 180.52814451824705, 180.1932968449328]


def _run(cell, overrides=None, v_max=4.2, cycles=3):
    values = get_cell(cell, overrides).parameter_values if isinstance(cell, str) else cell.parameter_values
    steps = [f"Charge at 0.2C until {v_max} V", "Discharge at 0.2C until 2.8 V"]
    return simulate_cycling(cell, steps=steps, cycles=cycles, parameter_values=values)


def _capacities(result):
    return np.array([c["discharge_capacity_mAh_g"] for c in result.cycles])


def test_zero_coefficient_gives_the_results_before_the_mechanism():
    assert get_cell(WELDED).values["Cathode H2-H3 contact loss coefficient"] == 0
    np.testing.assert_allclose(simulate_fade(WELDED, 3).discharge_capacity_mAh_g, WELDED_BEFORE_MAH_G, rtol=1e-9)


def test_a_charge_stopping_above_the_onset_loses_nothing_to_it():
    below = _run(PRESSED, v_max=4.0)
    assert below.solution["Average positive particle stoichiometry"].entries.min() > 0.3
    assert np.max(below.solution["Cathode H2-H3 collapse rate [s-1]"].entries) == 0
    np.testing.assert_allclose(_capacities(below), _capacities(_run(PRESSED, OFF, v_max=4.0)), rtol=1e-9)
    past = _run(PRESSED, v_max=4.2)
    assert past.solution["Average positive particle stoichiometry"].entries.min() < 0.3
    assert _capacities(past)[-1] < 0.97 * _capacities(_run(PRESSED, OFF, v_max=4.2))[-1]


def test_lfp_is_unaffected():
    values = get_cell(LFP_PRESSED).values
    assert values["Cathode H2-H3 contact loss coefficient"] > 0 and values["Positive electrode H2-H3 volume change"] == 0
    np.testing.assert_array_equal(_capacities(_run(LFP_PRESSED, v_max=3.8)), _capacities(_run(LFP_PRESSED, OFF, v_max=3.8)))


def test_pressed_loses_more_than_welded_for_the_same_cathode():
    welded = get_cell(WELDED)
    pressed = compose_cell(**{**welded.components, "assembly": "CPS_Cui2025"}, name="NCM811_NUHS_CPS", meta=welded.meta)
    assert pressed.values["Cathode H2-H3 contact loss coefficient"] > welded.values["Cathode H2-H3 contact loss coefficient"]
    contact = {name: _run(cell).solution["Cathode contact fraction"].entries[-1] for name, cell in
               (("pressed", pressed), ("welded", WELDED))}
    assert contact["pressed"] < contact["welded"] - 0.02


@pytest.fixture(scope="module")
def cycle_100():
    targets = [t for t in TARGETS if t.id in ("000-ncm-chst-c100", "000-ncm-cuhs-c100")]
    simulated = simulate_targets(targets)[0]
    return {t.id: (t, simulated[t.id]) for t in targets}


def test_fitted_pressed_chst_cell_meets_its_cycle_100_target(cycle_100):
    target, simulated = cycle_100["000-ncm-chst-c100"]
    assert target.kind == "fitted" and target.within_tolerance(simulated), f"{simulated:.1f} vs {target.measured}"


@pytest.mark.xfail(strict=True, reason="held-out CUHS-CPS cell: 61.9 vs 46.3 mAh/g (+34 %) with the CHST-fitted coefficient")
def test_held_out_pressed_cuhs_cell_meets_its_cycle_100_target(cycle_100):
    target, simulated = cycle_100["000-ncm-cuhs-c100"]
    assert target.kind == "predicted" and target.within_tolerance(simulated), f"{simulated:.1f} vs {target.measured}"
