"""The package's degradation in PyBaMM's summary variables, cycle by cycle, equal to the states
they come from (submodels/degradation_summary.py), in the per-cycle rows and the CLI's JSON."""

import json

import numpy as np
import pybamm
import pytest

from pybamm_ssb import SolidStateSPMe, simulate_cycling
from pybamm_ssb.cli import main
from pybamm_ssb.simulate import CyclingSimulation
from pybamm_ssb.submodels.degradation_summary import SUMMARY_VARIABLES, summary_variables

from .conftest import LFP, NCM

F = pybamm.constants.F.value
CPS = "Cui2025_LFP_CUHS_CPS"  # pressed: the area in parallel regions ("interface heterogeneity")
CYCLES = 6
RTOL = 1e-9
ATOL = 1e-15  # in each variable's unit: PyBaMM's observers read values at about 1e-16 absolute
FILM_NAMES = [name for name in SUMMARY_VARIABLES if "interphase" in name]


@pytest.fixture(scope="module")
def lfp():
    return simulate_cycling(LFP, cycles=CYCLES)


@pytest.fixture(scope="module")
def pressed():
    return simulate_cycling(CPS, cycles=3)


def _area(values):
    return values["Electrode height [m]"] * values["Electrode width [m]"]


def _end(cycle, name):
    """The state ``name`` at the cycle's end (one value per region in a cell of regions)."""
    return cycle[name].entries[..., -1]


def _close(actual, expected, rtol=RTOL):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=ATOL)


def _expected(result, area_combine):
    """Per cycle, each summary variable from the states it comes from; ``area_combine`` (mean,
    parallel) turns the regions' local values into the cell's."""
    values, solution = result.parameter_values, result.solution
    A = _area(values)
    V_li = values["Lithium metal partial molar volume [m3.mol-1]"]
    c_li = values["Anode interphase lithium concentration [mol.m-3]"]
    L0 = values["Anode interphase initial thickness [m]"]
    mean, parallel = area_combine

    def lithium(state):  # particles + electrolyte + foil [mol]
        return (state("Total lithium in particles [mol]") + state("Total lithium in electrolyte [mol]")
                + mean(state("Lithium metal thickness [m]")) * A / V_li)

    n_start = lithium(lambda name: solution[name].entries[..., 0])
    rows = []
    for cycle in solution.cycles:
        def state(name, cycle=cycle):
            return _end(cycle, name)

        n_sei = mean(state("Anode interphase lithium [mol.m-2]")) * A
        # the interphase lithium is c_Li (L - L0) of its thickness
        _close(n_sei, mean(c_li * (state("Anode interphase thickness [m]") - L0)) * A, rtol=1e-7)
        rows.append({
            "Loss of lithium to negative SEI [mol]": n_sei,
            "Loss of capacity to negative SEI [A.h]": n_sei * F / 3600,
            "Total lithium lost to side reactions [mol]": n_sei,
            "Loss of active material in positive electrode [%]": 100 * (1 - state("Cathode contact fraction")),
            "Cathode contact fraction": state("Cathode contact fraction"),
            "Area-averaged lithium metal interface contact fraction": mean(
                state("Lithium metal interface contact fraction")),
            "Total lithium in negative electrode [mol]": mean(state("Lithium metal thickness [m]")) * A / V_li,
            "Total lithium [mol]": lithium(state),
            "Total lithium lost [mol]": n_start - lithium(state),
            "Area-averaged anode interphase thickness [m]": mean(state("Anode interphase thickness [m]")),
            "Area-averaged cathode interphase thickness [m]": mean(state("Cathode interphase thickness [m]")),
            "Parallel anode interphase resistance [Ohm.m2]": parallel(state("Anode interphase resistance [Ohm.m2]")),
            "Parallel cathode interphase resistance [Ohm.m2]": parallel(
                state("Cathode interphase resistance [Ohm.m2]")),
            "Interfacial resistance [Ohm.m2]": state("Interfacial resistance [Ohm.m2]"),
        })
    return rows


def _check_against_states(result, area_combine):
    summary = result.solution.summary_variables
    expected = _expected(result, area_combine)
    assert len(result.cycles) == len(expected) == len(summary.cycles)
    for name in expected[0]:
        from_states = np.array([float(np.squeeze(e[name])) for e in expected])
        _close(summary[name], from_states)  # PyBaMM's summary machinery
        _close([row[name] for row in result.cycles], from_states)  # the per-cycle rows


def test_the_models_list_the_package_degradation_among_pybamms_summary_variables():
    full = SolidStateSPMe().summary_variables
    assert set(SUMMARY_VARIABLES) <= set(full)
    assert "Loss of lithium to negative SEI [mol]" in full and "Local ECM resistance [Ohm]" in full  # PyBaMM's kept
    bare = SolidStateSPMe({"interphases": "none", "contact loss": "none"})
    assert not set(FILM_NAMES + ["Cathode contact fraction"]) & set(bare.summary_variables)
    assert "Loss of active material in positive electrode [%]" in bare.summary_variables  # PyBaMM's own: 0 here


def test_summaries_equal_the_states_they_come_from_cycle_by_cycle(lfp):
    _check_against_states(lfp, (lambda x: x, lambda R: R))
    summary = lfp.solution.summary_variables
    sei = np.array(summary["Loss of lithium to negative SEI [mol]"])
    assert np.all(np.diff(sei) > 0) and sei[-1] > 1e-8  # the SEI takes lithium every cycle
    assert np.all(np.array(summary["Loss of lithium to positive SEI [mol]"]) == 0)  # the CEI takes none
    # PyBaMM's "Change in ..." entries: the change over each cycle
    start = [float(c["Loss of lithium to negative SEI [mol]"].entries[0]) for c in lfp.solution.cycles]
    _close(summary["Change in loss of lithium to negative SEI [mol]"], sei - start)


def test_pressed_cell_combines_its_regions_over_the_area(pressed):
    resistance = _end(pressed.solution.cycles[-1], "Anode interphase resistance [Ohm.m2]")
    assert resistance.shape == (8,) and np.ptp(resistance) > 0  # regions differ: the combination matters
    _check_against_states(pressed, (np.mean, lambda R: 1 / np.mean(1 / R)))


def test_rows_carry_the_models_summary_variables(lfp):
    names = summary_variables(lfp.solution.all_models[0].summary_variables)
    assert names == SUMMARY_VARIABLES
    for row in lfp.cycles:
        assert list(row)[:4] == ["cycle", "discharge_capacity_mAh_g", "charge_capacity_mAh_g", "coulombic_efficiency"]
        assert list(row)[4:-1] == names and list(row)[-1] == "flags"


def test_cei_charge_is_the_films_charge_and_closes_the_lithium_budget():
    """At tight tolerances: dQ_CEI = F c_q <a> L_p A dL_CEI (the CEI's side current grows its
    film), and the lithium lost (foil, particles, electrolyte) = SEI lithium + lithium stranded
    in particles out of contact - lithium released by the CEI's oxidation."""
    run = CyclingSimulation(NCM, cycles=2)
    run.simulation._solver = pybamm.IDAKLUSolver(rtol=1e-8, atol=1e-12)
    result = run.solve()
    solution, values = result.solution, result.parameter_values
    a = solution["X-averaged positive electrode surface area to volume ratio [m-1]"].entries
    L = solution["Cathode interphase thickness [m]"].entries
    per_thickness = F * values["Cathode interphase charge concentration [mol.m-3]"] * values[
        "Positive electrode thickness [m]"] * _area(values) / 3600
    film_charge = np.trapezoid(per_thickness * a, L)
    summary = solution.summary_variables
    q_cei = np.array(summary["Cathode interphase charge [A.h]"])
    assert q_cei[-1] == pytest.approx(film_charge, rel=1e-6) and 0 < q_cei[0] < q_cei[1]
    budget = (np.array(summary["Loss of lithium to negative SEI [mol]"])
              + np.array(summary["Loss of lithium due to loss of active material in positive electrode [mol]"])
              - q_cei * 3600 / F)
    # to the foil's integration error: about rtol of the cell's lithium, most of it in the foil
    n_li = np.array(summary["Total lithium [mol]"])
    np.testing.assert_allclose(summary["Total lithium lost [mol]"], budget, rtol=0, atol=1e-9 * n_li.max())
    assert np.all(budget > 1e3 * 1e-9 * n_li.max())  # well above it


def test_cli_json_and_table_carry_the_per_cycle_summaries(lfp, capsys):
    assert main(["simulate", LFP, "--cycles", "2", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["cycles"]
    assert [row["cycle"] for row in rows] == [1, 2]
    for row, kept in zip(rows, lfp.cycles[:2]):
        assert set(row) == set(kept)
        for name in SUMMARY_VARIABLES:
            assert row[name] == pytest.approx(kept[name], rel=1e-6)  # the same run's first cycles
    assert main(["simulate", LFP]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "LAM [%]" in table[1] and "R_SEI [ohm cm2]" in table[1]
    lam = float(table[2].split()[6])
    assert lam == pytest.approx(lfp.cycles[0]["Loss of active material in positive electrode [%]"], abs=1e-3)
