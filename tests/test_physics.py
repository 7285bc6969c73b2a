"""Physics of the solid-state models: analytic limits, conservation, document targets."""

import math

import numpy as np
import pybamm
import pytest

from pybamm_ssb import SolidStateDFN, SolidStateSPMe, get_cell, prepare_run, simulate_cycling
from pybamm_ssb.functions import K_B_EV, R_GAS
from pybamm_ssb.voltage_budget import LOSS_COLUMNS, voltage_losses

from .conftest import LFP, NCM

F = pybamm.constants.F.value
UNIFORM = {"interface heterogeneity": "none"}  # one region, chosen: the pressed cell as uniform
PLAIN = {SolidStateSPMe: pybamm.lithium_ion.SPMe, SolidStateDFN: pybamm.lithium_ion.DFN}
NO_DEGRADATION = {"interphases": "none", "contact loss": "none"}


def _solve(model, values, times=(0.0, 3600.0), current=None, rtol=1e-6, atol=1e-6):
    """Solve with the solver stopping exactly at ``times`` [s]."""
    values = values.copy()
    if current is not None:
        values["Current function [A]"] = current
    solver = pybamm.IDAKLUSolver(rtol=rtol, atol=atol)
    return pybamm.Simulation(model, parameter_values=values, solver=solver).solve(np.asarray(times, dtype=float))


def _number(x):
    return float(np.asarray(x.evaluate() if isinstance(x, pybamm.Symbol) else x).squeeze())


def _half_charged(values):
    values = values.copy()
    c_max = values["Maximum concentration in positive electrode [mol.m-3]"]
    values["Initial concentration in positive electrode [mol.m-3]"] = 0.5 * c_max
    return values


@pytest.mark.parametrize("ours", [SolidStateSPMe, SolidStateDFN])
def test_zero_solid_state_terms_reproduce_pybamm_half_cell(ours, ncm_values):
    values = _half_charged(ncm_values)
    values["Solid electrolyte grain-boundary resistance [Ohm.m2]"] = 0.0
    values["Initial lithium interface contact fraction"] = 1.0
    times = np.linspace(0, 900, 31)
    v_ours = _solve(ours(NO_DEGRADATION), values, times)["Voltage [V]"](times)
    v_plain = _solve(PLAIN[ours]({"working electrode": "positive"}), values, times)["Voltage [V]"](times)
    # the extra states (foil thickness, contact) change the solver's steps: agreement to 10 uV
    assert np.max(np.abs(v_ours - v_plain)) < 1e-5
    # and the grain boundary does matter when present
    v_gb = _solve(ours(), _half_charged(ncm_values), times)["Voltage [V]"](times)
    assert np.min(v_plain - v_gb) > 1e-3


def _porous_cathode_resistance(values, j0_p, T):
    """Newman & Tobias (1962) resistance [Ohm.m2] of a porous electrode, linear kinetics."""
    L = values["Positive electrode thickness [m]"]
    eps_e = values["Positive electrode porosity"]
    kappa = values["Electrolyte conductivity [S.m-1]"](1.0, T) * eps_e ** values[
        "Positive electrode Bruggeman coefficient (electrolyte)"]
    sigma = values["Positive electrode conductivity [S.m-1]"]
    a = 3 * values["Positive electrode active material volume fraction"] / values["Positive particle radius [m]"]
    nu = L * math.sqrt(a * F * j0_p / (R_GAS * T) * (1 / kappa + 1 / sigma))
    return L / (kappa + sigma) * (1 + (2 + (sigma / kappa + kappa / sigma) * math.cosh(nu)) / (nu * math.sinh(nu)))


@pytest.mark.parametrize("cell", [NCM, "Cui2025_NCM811_CUHS_CPS"])
def test_voltage_drop_after_current_step_is_current_times_resistances(cell):
    """At t = 0+ (before diffusion acts) V drops by i (R_bulk + R_gb + R_ct,Li + R_cathode + films)."""
    values = _half_charged(get_cell(cell).parameter_values)
    T = values["Reference temperature [K]"]
    area = values["Electrode height [m]"] * values["Electrode width [m]"]
    current = 0.2 * values["Nominal cell capacity [A.h]"]
    solution = _solve(SolidStateDFN(UNIFORM), values, [0, 1e-3], current=current)  # the analytic drop of one region
    drop = _number(values["Positive electrode OCP [V]"](pybamm.Scalar(0.5))) - solution["Voltage [V]"].entries[-1]

    c_e = values["Initial concentration in electrolyte [mol.m-3]"]
    R_bulk = values["Separator thickness [m]"] / values["Electrolyte conductivity [S.m-1]"](c_e, T)
    R_gb = _number(values["Solid electrolyte grain-boundary resistance [Ohm.m2]"](T))
    theta = values["Initial lithium interface contact fraction"]
    R_ct_li = R_GAS * T / (F * theta * _number(values["Exchange-current density for lithium metal electrode [A.m-2]"](c_e, 1.0, T)))
    j0_p = _number(values["Positive electrode exchange-current density [A.m-2]"](c_e, 0.5, 1.0, T))
    R_cathode = _porous_cathode_resistance(values, j0_p, T)
    a_L = 3 * values["Positive electrode active material volume fraction"] / values["Positive particle radius [m]"] * values[
        "Positive electrode thickness [m]"]
    R_films = values["Anode interphase initial thickness [m]"] / (_number(values["Anode interphase conductivity [S.m-1]"](T)) * theta) + values[
        "Cathode interphase initial thickness [m]"] / (_number(values["Cathode interphase conductivity [S.m-1]"](T)) * a_L)
    assert R_films > 0.01 * R_ct_li  # the films are part of the expected drop, not noise
    expected = current / area * (R_bulk + R_gb + R_ct_li + R_cathode + R_films)
    assert drop == pytest.approx(expected, rel=0.01)


def test_each_resistance_follows_its_own_activation_energy(ncm_values):
    """Model variables at 0 and 80 C against Arrhenius with each part's own E_a."""
    resistances = {}
    for T in (273.15, 353.15):
        values = _half_charged(ncm_values)
        values.update({"Ambient temperature [K]": T, "Initial temperature [K]": T})
        sol = _solve(SolidStateSPMe(), values, [0, 10.0])
        resistances[T] = {
            "bulk": sol["Solid electrolyte bulk resistance [Ohm.m2]"].entries[-1],
            "gb": sol["Solid electrolyte grain-boundary resistance [Ohm.m2]"].entries[-1],
        }
    # E_gb derived from 000 Sec. 3 numbers: (E_tot R_tot - E_bulk R_bulk) / R_gb
    E_bulk, E_tot, R_b, R_g = 0.24, 0.27, 280.6, 392.7
    E_gb = (E_tot * (R_b + R_g) - E_bulk * R_b) / R_g
    for part, E in (("bulk", E_bulk), ("gb", E_gb)):
        ratio = resistances[273.15][part] / resistances[353.15][part]
        assert ratio == pytest.approx(math.exp(E / K_B_EV * (1 / 273.15 - 1 / 353.15)), rel=1e-6), part


def test_electrolyte_concentration_uniform_only_when_single_ion():
    values = _half_charged(get_cell("Cui2025_NCM811_CUHS_CPS").parameter_values)
    c0 = values["Initial concentration in electrolyte [mol.m-3]"]
    current = 1.0 * values["Nominal cell capacity [A.h]"]
    c_e = _solve(SolidStateDFN(UNIFORM), values, [0, 600], current=current)["Electrolyte concentration [mol.m-3]"].entries
    assert np.max(np.abs(c_e - c0)) / c0 < 1e-10
    values["Cation transference number"] = 0.5  # a polymer-like electrolyte polarises
    c_e = _solve(SolidStateDFN(UNIFORM), values, [0, 600], current=current)["Electrolyte concentration [mol.m-3]"].entries
    assert np.max(np.abs(c_e - c0)) / c0 > 1e-4


def test_capacitive_layer_relaxes_with_rc_time_constants(ncm_values):
    values = _half_charged(ncm_values)
    T = values["Reference temperature [K]"]
    R_gb = values["Solid electrolyte grain-boundary resistance [Ohm.m2]"](T)
    C_gb = values["Solid electrolyte grain-boundary capacitance [F.m-2]"]
    tau = R_gb * C_gb
    current = 0.2 * values["Nominal cell capacity [A.h]"]
    i = current / (values["Electrode height [m]"] * values["Electrode width [m]"])
    t = np.array([0, tau, 3 * tau, 20 * tau])
    model = SolidStateSPMe({"solid electrolyte": "capacitive"})
    sol = _solve(model, values, t, current=current, rtol=1e-9, atol=1e-12)
    v_gb = sol["Solid electrolyte grain-boundary overpotential [V]"](t)
    np.testing.assert_allclose(v_gb, i * R_gb * (1 - np.exp(-t / tau)), rtol=1e-3, atol=1e-9)
    # the arcs are separated: bulk relaxes much faster than the grain boundary
    R_b = sol["Solid electrolyte bulk resistance [Ohm.m2]"].entries[-1]
    assert R_b * values["Solid electrolyte bulk capacitance [F.m-2]"] < tau / 10


@pytest.fixture(scope="module")
def first_cycles():
    return {(cell, model): simulate_cycling(cell, cycles=1, model=model) for cell in (NCM, LFP) for model in ("spme", "dfn")}


@pytest.mark.parametrize("model", ["spme", "dfn"])
@pytest.mark.parametrize("cell, measured", [(NCM, 185.9), (LFP, 152.5)])
def test_initial_discharge_capacity_matches_document(first_cycles, cell, measured, model):
    """000 Sec. 3 / Fig. 6e-f: first discharge at 0.2C, 25 C (fitted on the NUHS-TPW cells)."""
    simulated = first_cycles[cell, model].cycles[0]["discharge_capacity_mAh_g"]
    assert simulated == pytest.approx(measured, rel=0.03)


def test_weaker_electrolytes_lose_capacity_through_resistance():
    nuhs = simulate_cycling(NCM, cycles=1).cycles[0]["discharge_capacity_mAh_g"]
    cuhs = simulate_cycling("Cui2025_NCM811_CUHS_CPS", cycles=1).cycles[0]["discharge_capacity_mAh_g"]
    assert cuhs < nuhs


def test_charge_passed_equals_lithium_stored_in_cathode(first_cycles):
    solution = first_cycles[NCM, "dfn"].solution
    discharge = solution.cycles[0].steps[1]
    q = discharge["Discharge capacity [A.h]"].entries
    n_li = discharge["Total lithium in positive electrode [mol]"].entries
    assert (n_li[-1] - n_li[0]) * F / 3600 == pytest.approx(q[-1] - q[0], rel=1e-4)


def test_voltage_losses_close_the_balance(first_cycles):
    table = voltage_losses(first_cycles[NCM, "dfn"].solution.cycles[0].steps[1])
    residual = table["open-circuit voltage [V]"] - table[list(LOSS_COLUMNS)].sum(axis=1) - table["voltage [V]"]
    assert residual.abs().max() < 1e-4
    middle = table.iloc[len(table) // 2]
    assert middle["solid electrolyte grain boundary [V]"] > 0
    assert middle["solid electrolyte bulk [V]"] > 0


def test_the_lfp_ocp_rises_as_the_particle_empties_so_a_charge_ends_at_its_cut_off():
    """Afshar's LFP curve levels off at 3.91 V as x -> 0: a 0.1C charge at 80 C used to empty the
    particle surface before 4.0 V and fail in the solver (IDA_CONV_FAIL, found by benchmarks/grid.py).
    Above x = 1e-3 the curve is Afshar's; below, the ideal-solution term lifts it past any cut-off."""
    from pybamm.input.parameters.lithium_ion.Prada2013 import LFP_ocp_Afshar2017

    from pybamm_ssb.experiments import default_steps
    from pybamm_ssb.ocp import lfp_afshar2017

    for x in (0.5, 0.01, 0.001):
        assert float(lfp_afshar2017(pybamm.Scalar(x)).evaluate()) == pytest.approx(float(LFP_ocp_Afshar2017(pybamm.Scalar(x)).evaluate()))
    assert float(lfp_afshar2017(pybamm.Scalar(1e-5)).evaluate()) > 4.0
    cell = "Yang2026_LFP_PGPE_PLATP10"
    steps = default_steps(prepare_run(cell, 80.0).parameter_values, 0.1)
    result = simulate_cycling(cell, steps, 1, 80.0, "dfn")
    charge = result.solution.cycles[0].steps[0]
    assert charge["Voltage [V]"].entries[-1] == pytest.approx(4.0, abs=1e-3)
    assert charge["X-averaged positive particle surface concentration [mol.m-3]"].entries.min() > 0
    assert result.cycles[0]["discharge_capacity_mAh_g"] > 150
