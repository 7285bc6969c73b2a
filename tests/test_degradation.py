"""Degradation submodels: growth laws, Arrhenius, onset, voids, particle contact, conservation."""

import math

import numpy as np
import pybamm
import pytest

from pybamm_ssb import (
    SolidStateDFN,
    SolidStateSPMe,
    prepare_run,
    simulate_cycling,
)
from pybamm_ssb.functions import K_B_EV
from pybamm_ssb.submodels.interphase import POTENTIAL_MARGIN

from .conftest import LFP

F = pybamm.constants.F.value
HOUR = 3600.0


def _solve(values, times, current=0.0, options=None, model=SolidStateSPMe, rtol=1e-8, atol=1e-14):
    values = values.copy()
    values["Current function [A]"] = current
    sim = pybamm.Simulation(model(options), parameter_values=values, solver=pybamm.IDAKLUSolver(rtol=rtol, atol=atol))
    return sim.solve(np.asarray(times, dtype=float))


def _area(values):
    return values["Electrode height [m]"] * values["Electrode width [m]"]


def _constant(value):
    return lambda T: pybamm.Scalar(value)


@pytest.fixture
def values(ncm_values):
    values = ncm_values.copy()
    values["Initial concentration in positive electrode [mol.m-3]"] = 0.5 * values["Maximum concentration in positive electrode [mol.m-3]"]
    return values


def test_parabolic_growth_gives_square_root_of_time(values):
    k = 1e-19  # m2/s
    values.update({"Anode interphase linear growth rate [m.s-1]": _constant(0.0),
                   "Anode interphase parabolic growth constant [m2.s-1]": _constant(k)})
    t = np.linspace(0, 200 * HOUR, 9)
    L = _solve(values, t)["Anode interphase thickness [m]"](t)
    L0 = values["Anode interphase initial thickness [m]"]
    np.testing.assert_allclose(L**2, L0**2 + 2 * k * t, rtol=1e-4)
    assert L[-1] > 10 * L0  # grew far beyond its start, so the law was tested


def test_linear_growth_is_linear_and_accelerated_by_current(values):
    k, gamma = 1e-12, 2.0  # m/s, m2/A
    values.update({"Anode interphase linear growth rate [m.s-1]": _constant(k),
                   "Anode interphase current acceleration [m2.A-1]": gamma})
    L0 = values["Anode interphase initial thickness [m]"]
    t = np.linspace(0, 2 * HOUR, 5)
    np.testing.assert_allclose(_solve(values, t)["Anode interphase thickness [m]"](t), L0 + k * t, rtol=1e-6)
    current = 0.1 * values["Nominal cell capacity [A.h]"]
    i = current / _area(values)
    L = _solve(values, t, current)["Anode interphase thickness [m]"](t)
    np.testing.assert_allclose(L, L0 + k * (1 + gamma * i) * t, rtol=1e-6)


def test_growth_and_film_conductivity_follow_their_activation_energies(values):
    rates, conductivities = {}, {}
    for T in (273.15, 353.15):
        v = values.copy()
        v.update({"Ambient temperature [K]": T, "Initial temperature [K]": T})
        sol = _solve(v, [0, 10.0])
        rates[T] = sol["Anode interphase growth rate [m.s-1]"].entries[-1]
        conductivities[T] = 1 / sol["Anode interphase resistance [Ohm.m2]"].entries[0]
    # 000 family file: growth 0.5 eV, film conductivity 0.4 eV (assumed values)
    boltzmann = 1 / 273.15 - 1 / 353.15
    assert rates[353.15] / rates[273.15] == pytest.approx(math.exp(0.5 / K_B_EV * boltzmann), rel=2e-3)
    assert conductivities[353.15] / conductivities[273.15] == pytest.approx(math.exp(0.4 / K_B_EV * boltzmann), rel=1e-4)


def test_cathode_interphase_grows_only_near_and_above_oxidation_onset(values):
    t = [0, HOUR]
    sol = _solve(values, t)  # half-charged NCM811 rests near 3.8 V, 0.4 V below the LATP onset
    L0 = values["Cathode interphase initial thickness [m]"]
    below = sol["Cathode interphase thickness [m]"].entries[-1] - L0
    values["Electrolyte oxidation onset potential [V]"] = 3.0
    above = _solve(values, t)["Cathode interphase thickness [m]"].entries[-1] - L0
    assert above > 1e6 * below
    assert below < 1e-3 * L0


def test_cathode_interphase_follows_the_unbounded_tafel_law_through_a_cycle():
    """The CEI driving potential is held inside the voltage window +/- POTENTIAL_MARGIN only to
    keep Newton iterates finite: along a real cycle (argyrodite, onset 2.5 V, NCM to 4.3 V) the
    growth rate must be S [k_lin + k_par / L] with the full S = exp(alpha F (U - U_ox) / RT), U the
    OCP of the particle surface."""
    result = simulate_cycling("Dandena2025_NCM_LNO_LPSSbCl", cycles=1)
    v, sol = result.parameter_values, result.solution
    U = sol["X-averaged positive electrode open-circuit potential [V]"].entries
    L = sol["Cathode interphase thickness [m]"].entries
    T = v["Ambient temperature [K]"]
    k_lin = float(v["Cathode interphase linear growth rate [m.s-1]"](T))
    k_par = float(v["Cathode interphase parabolic growth constant [m2.s-1]"](T))
    F_over_R = pybamm.constants.F.value / pybamm.constants.R.value
    S = np.exp(v["Electrolyte oxidation transfer coefficient"] * F_over_R * (U - v["Electrolyte oxidation onset potential [V]"]) / T)
    assert U.max() > v["Electrolyte oxidation onset potential [V]"] + 1.5  # far above the onset, S > 1e10
    assert v["Cathode interphase current acceleration [m2.A-1]"] == 0
    np.testing.assert_allclose(sol["Cathode interphase growth rate [m.s-1]"].entries, S * (k_lin + k_par / L), rtol=1e-9)
    assert v["Lower voltage cut-off [V]"] - POTENTIAL_MARGIN < U.min() < U.max() < v["Upper voltage cut-off [V]"] + POTENTIAL_MARGIN


def test_cuhs_oxidises_from_its_measured_onset_and_nuhs_does_not():
    """000 Sec. 3 (Fig. S21): LATP-CUHS oxidises from 3.59 V, NUHS keeps the computed 4.21 V limit.
    The same 0.2C cycle to 4.2 V then grows a far thicker CEI on CUHS and costs it Coulombic efficiency."""
    runs = {name: simulate_cycling(f"Cui2025_NCM811_{name}", cycles=1) for name in ("CUHS_CPS", "NUHS_TPW")}
    onset = {name: r.parameter_values["Electrolyte oxidation onset potential [V]"] for name, r in runs.items()}
    assert onset == {"CUHS_CPS": 3.59, "NUHS_TPW": 4.21}
    gain = {name: np.ptp(r.solution["Cathode interphase thickness [m]"].entries) for name, r in runs.items()}
    assert gain["CUHS_CPS"] > 100 * gain["NUHS_TPW"]
    efficiency = {name: r.cycles[0]["coulombic_efficiency"] for name, r in runs.items()}
    assert efficiency["CUHS_CPS"] < efficiency["NUHS_TPW"] - 0.05


def test_films_add_their_ohmic_drop(values):
    current = 0.2 * values["Nominal cell capacity [A.h]"]
    t = [0, 1e-3]
    with_films = _solve(values, t, current)
    without = _solve(values, t, current, {"interphases": "none"})
    drop = without["Voltage [V]"].entries[-1] - with_films["Voltage [V]"].entries[-1]
    R_films = with_films["Anode interphase resistance [Ohm.m2]"].entries[0] + with_films["Cathode interphase resistance [Ohm.m2]"].entries[0]
    assert drop == pytest.approx(current / _area(values) * R_films, rel=1e-3)


def test_voids_open_on_stripping_and_close_on_plating(values):
    """Constant current, no creep: theta = theta0 exp(-v t / h) stripping; 1 - theta decays plating."""
    values["Lithium creep velocity [m.s-1]"] = lambda p, T: pybamm.Scalar(0.0)
    h = values["Lithium interface roughness length [m]"]
    theta0 = values["Initial lithium interface contact fraction"]
    current = 0.1 * values["Nominal cell capacity [A.h]"]
    v = current / _area(values) * values["Lithium metal partial molar volume [m3.mol-1]"] / F
    t = np.linspace(0, 2 * HOUR, 5)
    theta = _solve(values, t, current)["Lithium metal interface utilisation"](t)
    np.testing.assert_allclose(theta, theta0 * np.exp(-v * t / h), rtol=1e-5)
    theta = _solve(values, t, -current)["Lithium metal interface utilisation"](t)
    np.testing.assert_allclose(1 - theta, (1 - theta0) * np.exp(-v * t / h), rtol=1e-5)


def test_creep_at_the_critical_current_keeps_contact(values):
    """The creep scale is set by 003's CCD: stripping at i_ccd under p_ccd leaves theta unchanged."""
    values["Stack pressure [Pa]"] = 5e6
    current = 0.55 * 10 * _area(values)  # 0.55 mA/cm2
    t = [0, 0.2 * HOUR]
    theta = _solve(values, t, current)["Lithium metal interface utilisation"].entries
    assert theta[-1] == pytest.approx(theta[0], rel=1e-3)
    values["Stack pressure [Pa]"] = 1e6
    theta_low_pressure = _solve(values, t, current)["Lithium metal interface utilisation"].entries
    assert theta_low_pressure[-1] < theta[0] - 0.01


def test_particle_contact_follows_volume_contraction():
    """Without recovery, a charge of LFP (linear Omega) leaves theta_c = exp(-beta Delta Omega)."""
    values = prepare_run(LFP).parameter_values  # as assembled: the charge starts from pristine LFP
    beta = 2.0
    values.update({"Cathode contact loss coefficient": beta, "Cathode contact recovery rate [s-1]": lambda p: pybamm.Scalar(0.0)})
    current = -0.2 * values["Nominal cell capacity [A.h]"]
    t = np.linspace(0, 2 * HOUR, 3)
    sol = _solve(values, t, current)
    sto = sol["Average positive particle stoichiometry"](t)
    theta = sol["Cathode contact fraction"](t)
    contraction = 0.065 * (sto[0] - sto)  # LFP: Omega = -0.065 (1 - sto)
    np.testing.assert_allclose(theta, np.exp(-beta * contraction), rtol=1e-3)
    assert theta[-1] < 0.99


def test_dfn_particle_contact_follows_the_local_contraction():
    """In the DFN each place loses contact by its own particles' contraction:
    theta_c(x) = exp(-beta 0.065 (sto_0 - sto(x))) for LFP without recovery."""
    values = prepare_run(LFP).parameter_values  # as assembled: the charge starts from pristine LFP
    beta = 2.0
    values.update({"Cathode contact loss coefficient": beta, "Cathode contact recovery rate [s-1]": lambda p: pybamm.Scalar(0.0)})
    current = -0.5 * values["Nominal cell capacity [A.h]"]
    t = np.linspace(0, 1 * HOUR, 3)
    sol = _solve(values, t, current, model=SolidStateDFN, rtol=1e-6, atol=1e-8)  # tighter fails the DFN's initialisation
    sto = sol["R-averaged positive particle stoichiometry"].entries
    theta = sol["Positive electrode active material volume fraction"].entries / values["Positive electrode active material volume fraction"]
    np.testing.assert_allclose(theta, np.exp(-beta * 0.065 * (sto[:, :1] - sto)), rtol=1e-4)
    assert np.ptp(sto[:, -1]) > 0.05  # the places differ (a uniform theta_c would miss by ~2 %)
    assert theta.min() < 0.99


def test_dfn_cathode_interphase_grows_by_the_particles_at_each_place(values):
    """DFN: g(x) = S(x) [k_lin + k_par / L] with U the OCP of the particles at x; the film
    thickness grows at the area-weighted mean of g, so its charge equals the side current drawn."""
    values["Electrolyte oxidation onset potential [V]"] = 3.7  # make the CEI grow
    current = -1.0 * values["Nominal cell capacity [A.h]"]  # a fast charge spreads the places apart
    sol = _solve(values, [0, 0.25 * HOUR], current, model=SolidStateDFN, rtol=1e-6, atol=1e-8)
    T = values["Ambient temperature [K]"]
    U = sol["Positive electrode open-circuit potential [V]"].entries
    L = sol["Cathode interphase thickness [m]"].entries
    k_lin = float(values["Cathode interphase linear growth rate [m.s-1]"](T))
    k_par = float(values["Cathode interphase parabolic growth constant [m2.s-1]"](T))
    F_over_R = pybamm.constants.F.value / pybamm.constants.R.value
    S = np.exp(values["Electrolyte oxidation transfer coefficient"] * F_over_R * (U - values["Electrolyte oxidation onset potential [V]"]) / T)
    g = sol["Cathode interphase local growth rate [m.s-1]"].entries
    np.testing.assert_allclose(g, S * (k_lin + k_par / L), rtol=1e-6)
    assert g[:, -1].max() > 1.1 * g[:, -1].min()  # the places differ
    # charge: side current drawn along the electrode = F c_q (film area) (L - L0)
    A = _area(values)
    side_charge = np.trapezoid(sol["Cathode interphase side-reaction current per electrode area [A.m-2]"].entries, sol.t) * A
    a = sol["X-averaged positive electrode surface area to volume ratio [m-1]"].entries  # film area / volume
    film_growth = np.trapezoid(a * sol["Cathode interphase growth rate [m.s-1]"].entries, sol.t)
    film = F * values["Cathode interphase charge concentration [mol.m-3]"] * values["Positive electrode thickness [m]"] * film_growth * A
    assert side_charge == pytest.approx(film, rel=1e-6)
    assert side_charge > 1e-4 * -current * sol.t[-1]


def test_lithium_and_charge_are_conserved(values):
    """Foil: dh = -V_Li (Q/(F A) + n_SEI). Cathode: charge in = Li stored + CEI side charge."""
    values["Electrolyte oxidation onset potential [V]"] = 3.7  # make the CEI current visible
    values["Anode interphase linear growth rate [m.s-1]"] = _constant(1e-11)
    current = -0.2 * values["Nominal cell capacity [A.h]"]  # charge
    t = np.linspace(0, HOUR, 3)
    sol = _solve(values, t, current)
    A = _area(values)
    Q = -current * t[-1]  # C, charge passed into the cell
    h = sol["Lithium metal thickness [m]"].entries
    n_sei = sol["Anode interphase lithium [mol.m-2]"].entries[-1]
    V_li = values["Lithium metal partial molar volume [m3.mol-1]"]
    assert h[-1] - h[0] == pytest.approx(V_li * (Q / (F * A) - n_sei), rel=1e-6)
    assert n_sei > 0
    n_cathode = sol["Total lithium in positive electrode [mol]"].entries
    lam = sol["Loss of lithium due to loss of active material in positive electrode [mol]"].entries[-1]
    j_side = sol["Cathode interphase side-reaction current per electrode area [A.m-2]"]
    side_charge = np.trapezoid(j_side(np.linspace(0, HOUR, 400)), np.linspace(0, HOUR, 400)) * A
    assert side_charge > 1e-3 * Q
    assert (n_cathode[0] - n_cathode[-1] - lam) * F + side_charge == pytest.approx(Q, rel=2e-3)


def test_coulombic_efficiency_above_one_is_stranded_lithium_coming_back():
    """LFP CUHS-CPS at 1C: cycles with CE > 1.02 follow a first cycle that charged more than it
    gave back. Lithium is conserved cycle by cycle: the discharge less the charge, summed from
    the start, equals the change of the lithium in the cathode particles (those cut off by
    contact loss included) less the CEI's side charge, which passes without delithiating."""
    result = simulate_cycling("Cui2025_LFP_CUHS_CPS", cycles=5,
                              steps=["Charge at 1C until 3.8 V", "Discharge at 1C until 2.5 V"])
    to_mAh_g = pybamm.constants.F.value / 3.6 / result.active_mass_g  # mol -> mAh/g
    n_0 = result.solution["Total lithium in particles [mol]"].entries[0]
    balance = 0.0
    for cycle, row in zip(result.solution.cycles, result.cycles):
        balance += row["discharge_capacity_mAh_g"] - row["charge_capacity_mAh_g"]
        n_end = cycle["Total lithium in particles [mol]"].entries[-1]
        stranded = cycle["Loss of lithium due to loss of active material in positive electrode [mol]"].entries[-1]
        cei = row["Cathode interphase charge [A.h]"] * 1e3 / result.active_mass_g
        assert balance == pytest.approx((n_end + stranded - n_0) * to_mAh_g - cei, abs=5e-4)
    efficiencies = [row["coulombic_efficiency"] for row in result.cycles]
    assert efficiencies[0] < 0.7 and max(efficiencies[2:]) > 1.02  # the first charge's lithium returns later
    assert balance < 0  # never more given back than charged in
