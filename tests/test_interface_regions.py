"""Parallel regions of the area with an unevenly conducting lithium interface (CPS cells)."""

import numpy as np
import pybamm
import pytest

from pybamm_ssb.models import INTERFACE_REGIONS, SolidStateSPMe
from pybamm_ssb.registry import get_cell
from pybamm_ssb.runs import prepare_run
from pybamm_ssb.simulate import simulate_cycling
from pybamm_ssb.validation import ParameterError
from pybamm_ssb.voltage_budget import LOSS_COLUMNS, OCV, _losses, voltage_losses

CPS = "Cui2025_LFP_CUHS_CPS"
UNIFORM = {"interface heterogeneity": "none"}
SPREAD = "Lithium interface conductance spread"


def _values(spread):
    values = prepare_run(CPS).parameter_values
    values[SPREAD] = spread
    return values


def _start_of_discharge(spread, options=None):
    """One minute at 0.01C from half lithiation, where R_int is defined (interface_resistance.py)."""
    values = _values(spread)
    values["Initial concentration in positive electrode [mol.m-3]"] = 0.5 * values[
        "Maximum concentration in positive electrode [mol.m-3]"]
    run = simulate_cycling(CPS, steps=["Discharge at 0.01C for 1 minute"], parameter_values=values, model_options=options)
    return run.solution


def test_physically_stacked_cells_get_regions_and_welded_ones_do_not():
    cps, tpw = get_cell(CPS), get_cell("Cui2025_LFP_NUHS_TPW")
    assert cps.meta["model_options"]["interface heterogeneity"] == "lognormal"
    assert "interface heterogeneity" not in tpw.meta["model_options"]
    # sigma = kappa R_q: the rougher electrolyte spreads the contact more (000 Fig. 4d)
    chst = get_cell("Cui2025_LFP_CHST_CPS").parameter_values[SPREAD]
    assert cps.parameter_values[SPREAD] / chst == pytest.approx(137.2 / 66.1)
    model = SolidStateSPMe(cps.meta["model_options"])
    assert model.options["dimensionality"] == 1 and model.default_var_pts["z"] == INTERFACE_REGIONS


def test_regions_keep_the_parallel_conductance_and_split_the_current_by_resistance():
    """At 0.01C (linear kinetics) the Li-side overpotential of each region is i_k R_Li,k with
    R_Li,k = R_Li / w_k: the better-contacted regions carry more current, the currents add up to
    the applied one, and the Li interface's parallel resistance 1 / <1 / R_Li,k> is the uniform
    cell's R_Li (mean w = 1)."""
    solution = _start_of_discharge(1.5)

    def local(name):
        return solution[name].entries[:, -1]

    i = local("Current collector current density [A.m-2]")
    R_li = local("Lithium interface resistance [Ohm.m2]")
    eta_li = np.abs(local("Lithium metal interface reaction overpotential [V]")) + np.abs(
        local("Anode interphase overpotential [V]"))
    area = get_cell(CPS).parameter_values["Electrode height [m]"] ** 2
    assert i.mean() == pytest.approx(solution["Current [A]"].entries[-1] / area, rel=1e-5)  # solver tolerance
    assert R_li.max() / R_li.min() > 20  # the spread acts
    assert eta_li == pytest.approx(i * R_li, rel=0.01)
    assert (np.diff(i) > 0).all() and i[-1] > 3 * i[0]
    uniform = _start_of_discharge(0.0, UNIFORM)
    R_li_uniform = uniform["Lithium interface resistance [Ohm.m2]"].entries[-1]
    assert 1 / np.mean(1 / R_li) == pytest.approx(R_li_uniform, rel=1e-4)
    # with the cathode side in series in every region, the best-contacted regions are held back by
    # their cathode: the spread raises the cell's parallel resistance (Jensen: w / (R_Li + R_c w) is concave)
    assert solution["Interfacial resistance [Ohm.m2]"].entries[-1] > uniform["Interfacial resistance [Ohm.m2]"].entries[-1]


def test_regions_without_spread_are_the_uniform_cell():
    """sigma = 0: eight regions cycle like the single-region model (to the solver's tolerance)."""
    steps = ["Charge at 0.5C until 3.8 V", "Discharge at 0.5C until 2.5 V"]
    regions = simulate_cycling(CPS, steps=steps, cycles=2, parameter_values=_values(0.0),
                               model_options={"interface heterogeneity": "lognormal"})
    uniform = simulate_cycling(CPS, steps=steps, cycles=2, parameter_values=_values(0.0))
    assert uniform.solution["Lithium metal interface reaction overpotential [V]"].entries.ndim == 1  # one region
    for a, b in zip(regions.cycles, uniform.cycles):
        assert a["discharge_capacity_mAh_g"] == pytest.approx(b["discharge_capacity_mAh_g"], rel=5e-4)
    h = regions.solution["Lithium metal thickness [m]"].entries
    assert np.ptp(h[:, -1]) < 1e-8 * h[0, -1]
    assert h[0, -1] == pytest.approx(uniform.solution["Lithium metal thickness [m]"].entries[-1], rel=1e-6)


def test_lithium_is_conserved_region_by_region():
    """Each region's foil loses what its own current and its own SEI take: the area-averaged
    thickness change is V_Li (Q / (F A) + n_SEI), Q the charge passed."""
    values = _values(1.5)
    run = simulate_cycling(CPS, steps=["Discharge at 0.5C for 1 hour"], parameter_values=values)
    solution = run.solution
    h = solution["Area-averaged lithium metal thickness [m]"].entries
    n_sei = solution["Anode interphase lithium [mol.m-2]"].entries.mean(axis=0)
    Q = solution["Discharge capacity [A.h]"].entries * 3600
    area = values["Electrode height [m]"] ** 2
    V_li = values["Lithium metal partial molar volume [m3.mol-1]"]
    expected = h[0] - V_li * (Q / (pybamm.constants.F.value * area) + n_sei - n_sei[0])
    assert h == pytest.approx(expected, rel=1e-9, abs=1e-12)
    local = solution["Lithium metal thickness [m]"].entries[:, -1]
    assert np.ptp(local) > 0.05 * (h[0] - h[-1])  # the better-contacted regions strip more


def test_a_spread_set_on_a_welded_cell_splits_it_into_regions():
    values = get_cell("Cui2025_LFP_NUHS_TPW").parameter_values
    values[SPREAD] = 1.0
    run = simulate_cycling("Cui2025_LFP_NUHS_TPW", steps=["Discharge at 0.1C for 1 minute"], parameter_values=values)
    assert run.solution["Current collector current density [A.m-2]"].entries.shape[0] == INTERFACE_REGIONS


def test_a_negative_spread_is_refused_by_name():
    with pytest.raises(ParameterError, match=r"'Lithium interface conductance spread' must be between 0 and 3"):
        simulate_cycling(CPS, cycles=1, parameter_values=_values(-0.5))


def test_the_voltage_budget_closes_on_the_area_average():
    """The balance V = U - sum of losses holds in each region, against its own voltage, and for
    the area averages, against the terminal voltage (to 10 uV, as with one region). The NCM811
    CUHS-CPS cell at 0.2C: its regions' voltages differ from the terminal voltage by up to 0.5 mV
    (the solver's tolerance), which the current collectors term carries."""
    run = simulate_cycling("Cui2025_NCM811_CUHS_CPS")
    for step in run.solution.cycles[0].steps:
        assert step["Lithium metal interface reaction overpotential [V]"].entries.shape[0] == INTERFACE_REGIONS
        table = voltage_losses(step)
        residual = table["open-circuit voltage [V]"] - table[list(LOSS_COLUMNS)].sum(axis=1) - table["voltage [V]"]
        assert residual.abs().max() < 1e-5
        losses = _losses(lambda name, missing=None: step[name].entries)  # regions x time
        in_regions = sum(value for key, value in losses.items() if key != "current collectors [V]")
        assert np.abs(step[OCV].entries - in_regions - step["Local voltage [V]"].entries).max() < 1e-5
    assert table["Li interface [V]"].iloc[-1] > 0


def test_the_dfn_splits_into_the_same_regions():
    """The single-ion LATP has no salt gradient, so the DFN's regions give the SPMe's capacity."""
    spme, dfn = (simulate_cycling(CPS, cycles=2, model=m) for m in ("spme", "dfn"))
    for a, b in zip(spme.cycles, dfn.cycles):
        assert a["discharge_capacity_mAh_g"] == pytest.approx(b["discharge_capacity_mAh_g"], rel=1e-3)
    assert dfn.solution["Current collector current density [A.m-2]"].entries.shape[0] == INTERFACE_REGIONS
