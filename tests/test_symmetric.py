"""Symmetric Li | electrolyte | Li cell: limits, conservation, symmetry, the documents, options, CLI."""

import json
import math

import numpy as np
import pybamm
import pytest

from pybamm_ssb.cli import main
from pybamm_ssb.functions import K_B_EV, R_GAS
from pybamm_ssb.models import SolidStateSPMe
from pybamm_ssb.registry import load_cell_components
from pybamm_ssb.symmetric import (
    SHORT_THRESHOLD,
    critical_current_density,
    critical_current_density_test,
    simulate_symmetric,
    symmetric_setup,
)

from .conftest import LFP, NCM

F = pybamm.constants.F.value
NO_DEGRADATION = {"interphases": "none", "contact loss": "none"}
GEL = "Yang2026_LFP_PGPE_PLATP10J"  # 002's gel membrane fills the Li voids: full-cell option "contact loss" "cathode"


def _documented_numbers(cell):
    """Area-specific resistances [Ohm.m2] straight from the component files of ``cell``."""
    el, family, _, assembly, anode = load_cell_components(cell)
    assert family.meta["area_from"] == el.file  # NUHS is the reference of the pellet area
    h = family.value("pellet_thickness_um") * 1e-6
    area = h / (el.value("total_conductivity_S_cm") * 100
                * (el.value("bulk_resistance_ohm") + el.value("grain_boundary_resistance_ohm")))
    return {
        "R_bulk": el.value("bulk_resistance_ohm") * area,
        "R_gb": el.value("grain_boundary_resistance_ohm") * area,
        "R_ct": assembly.value("anode_share_of_interfacial_resistance") * assembly.value("interfacial_resistance_ohm") * area,
        "theta_0": assembly.value("initial_lithium_contact_fraction"),
        "R_film_0": family.value("anode_interphase_initial_thickness_nm") * 1e-9 / family.value("anode_interphase_conductivity_S_m"),
        "E_bulk": family.value("activation_energy_bulk_eV"),
        "E_total": el.value("activation_energy_total_eV"),
        "E_creep": anode.value("creep_activation_energy_eV"),
        "V_Li": anode.value("molar_mass_g_mol") / anode.value("density_g_cm3") * 1e-6,
        "h_0": anode.value("foil_thickness_um") * 1e-6,
    }


def test_overpotential_at_t0_is_the_sum_of_the_documented_resistances_and_two_butler_volmer_terms():
    doc = _documented_numbers(LFP)
    i = 3.0  # 0.3 mA/cm2, where the asinh is already nonlinear
    T = 298.15
    RT_F = R_GAS * T / F
    # R_ct = R T / (F j0 theta_0) at the assembly's contact, so j0 theta_0 = R T / (F R_ct)
    j0_theta0 = RT_F / doc["R_ct"]
    expected = (i * (doc["R_bulk"] + doc["R_gb"] + 2 * doc["R_film_0"] / doc["theta_0"])
                + 2 * 2 * RT_F * math.asinh(i / (2 * j0_theta0)))
    result = simulate_symmetric(LFP, 0.3, 1.0)
    assert result.time_h[0] == 0
    assert result.overpotential_mV[0] / 1e3 == pytest.approx(expected, rel=1e-3)


def test_electrolyte_overpotential_follows_the_bulk_and_grain_boundary_activation_energies():
    doc = _documented_numbers(LFP)
    R_b, R_gb = doc["R_bulk"], doc["R_gb"]
    E_gb = (doc["E_total"] * (R_b + R_gb) - doc["E_bulk"] * R_b) / R_gb

    def electrolyte_parts(temperature_C):
        s = simulate_symmetric(LFP, 0.1, 1.0, temperature_C=temperature_C, options=NO_DEGRADATION).states
        return s["Solid electrolyte bulk overpotential [V]"][0], s["Solid electrolyte grain-boundary overpotential [V]"][0]

    (b25, g25), (b60, g60) = electrolyte_parts(25.0), electrolyte_parts(60.0)
    inverse_T = 1 / 333.15 - 1 / 298.15
    assert b60 / b25 == pytest.approx(math.exp(doc["E_bulk"] / K_B_EV * inverse_T), rel=1e-9)
    assert g60 / g25 == pytest.approx(math.exp(E_gb / K_B_EV * inverse_T), rel=1e-9)
    # the total's apparent activation energy at 25 C is the measured one (000 Fig. 5b)
    (b24, g24), (b26, g26) = electrolyte_parts(24.0), electrolyte_parts(26.0)
    apparent = math.log((b24 + g24) / (b26 + g26)) / (1 / 297.15 - 1 / 299.15) * K_B_EV
    assert apparent == pytest.approx(doc["E_total"], rel=1e-3)
    # the short threshold rises with temperature like lithium creep
    values = symmetric_setup(LFP, 60.0).parameter_values
    ratio = float(values[SHORT_THRESHOLD](333.15)) / float(values[SHORT_THRESHOLD](298.15))
    assert ratio == pytest.approx(math.exp(-doc["E_creep"] / K_B_EV * inverse_T), rel=1e-9)


def test_lithium_stripped_from_one_electrode_is_plated_on_the_other_minus_the_sei():
    doc = _documented_numbers(LFP)
    i = 1.0  # A/m2
    result = simulate_symmetric(LFP, 0.1, 3.0)
    s = result.states
    V, h0 = doc["V_Li"], doc["h_0"]
    n1, n2 = s["Electrode 1 interphase lithium [mol.m-2]"], s["Electrode 2 interphase lithium [mol.m-2]"]
    h1, h2 = s["Electrode 1 lithium thickness [m]"], s["Electrode 2 lithium thickness [m]"]
    assert n1[-1] > 0 and n2[-1] > 0  # the SEI did take lithium
    # total lithium (metal + bound in the SEI) is conserved at every sample
    np.testing.assert_allclose((h1 + h2) / V + n1 + n2, 2 * h0 / V, rtol=1e-10)
    # after the first half-cycle: i t / F left electrode 1 and arrived at electrode 2
    end = np.flatnonzero(np.isclose(result.time_h, 1.0))[0]
    moved = i * 3600 / F
    assert (h0 - h1[end]) / V - n1[end] == pytest.approx(moved, rel=1e-6)
    assert (h2[end] - h0) / V + n2[end] == pytest.approx(moved, rel=1e-6)
    # after three half-cycles the net transfer is one half-cycle's worth again
    assert (h0 - h1[-1]) / V - n1[-1] == pytest.approx(moved, rel=1e-6)


def test_consecutive_half_cycles_of_a_fresh_cell_without_degradation_mirror_each_other():
    result = simulate_symmetric(LFP, 0.2, 4.0, options=NO_DEGRADATION)
    t, v = result.time_h, result.overpotential_mV
    ends = [v[np.flatnonzero(np.isclose(t, k))[0]] for k in (1.0, 2.0, 3.0, 4.0)]  # first sample at each end
    assert np.sign(ends).tolist() == [1, -1, 1, -1]
    np.testing.assert_allclose(np.abs(ends), abs(ends[0]), rtol=1e-9)
    assert result.final_overpotential_mV == pytest.approx(abs(ends[0]), rel=1e-9)


def test_nuhs_cell_cycles_250_h_at_0p1_mA_cm2_without_a_short():
    """000 Cui 2025, Sec. 3 / Fig. 6a: Li|LATP-NUHS|Li cycles 250 h at 0.1 mA/cm2."""
    result = simulate_symmetric(LFP, 0.1, 250.0)
    assert result.short_circuit_h is None
    assert result.time_h[-1] == pytest.approx(250.0)
    assert len(result.time_h) <= 3 * 250  # a few samples per half-cycle
    # same electrolyte and Li interface in the NCM811 cell: the same symmetric cell
    assert simulate_symmetric(NCM, 0.1, 10.0).final_overpotential_mV == pytest.approx(
        simulate_symmetric(LFP, 0.1, 10.0).final_overpotential_mV, rel=1e-9)


@pytest.mark.xfail(strict=True, reason=(
    "prediction, not tuned: 76.7 mV after 250 h vs 58 mV measured (+32 %); the anode-interphase rate "
    "fitted on full-cell fade (4.59 nm/h) makes the two SEI films ~46 mV of it (30.6 mV without them)"))
def test_nuhs_overpotential_after_250_h_matches_000():
    """000 Cui 2025, Sec. 3, symmetric-cell paragraph: LATP-NUHS 58 mV after 250 h at 0.1 mA/cm2."""
    assert simulate_symmetric(LFP, 0.1, 250.0).final_overpotential_mV == pytest.approx(58.0, rel=0.2)


SHORTS_000 = [  # 000 Cui 2025, Sec. 3: (cell, current density [mA/cm2], hours simulated, measured short [h])
    pytest.param("Cui2025_LFP_CUHS_CPS", 0.1, 100.0, 47.0, id="CUHS soft short at 47 h", marks=pytest.mark.xfail(
        strict=True, reason="the void model has no electrolyte-specific dendrite path: at 0.1 mA/cm2 the local "
        "current density stays below the CCD for every LATP, so the CUHS soft short is not predicted; a dead-void "
        "fraction of 0.913 would give it (tests/test_unrefilled_voids.py) but empties the pressed cells of Fig. 6e")),
    pytest.param("Cui2025_LFP_CHST_CPS", 0.3, 150.0, 101.0, id="CHST short at 101 h", marks=pytest.mark.xfail(
        strict=True, reason="the physically stacked assembly starts at theta_0 = 0.51, so 0.3 mA/cm2 is already "
        "0.59 mA/cm2 locally (> 0.55): the model shorts at t = 0, not after 101 h")),
]


@pytest.mark.parametrize("cell, current_density, hours, measured_h", SHORTS_000)
def test_short_circuit_times_match_000(cell, current_density, hours, measured_h):
    short = simulate_symmetric(cell, current_density, hours).short_circuit_h
    assert short is not None and short == pytest.approx(measured_h, rel=0.2)


def test_short_is_where_the_local_current_density_reaches_the_critical_one():
    test = critical_current_density_test(LFP)  # 002's steps at the 000 cell's 1 MPa
    assert test.critical_current_density_mA_cm2 == 0.25
    s = test.history.states
    local = max(s["Electrode 1 local current density [A.m-2]"][-1], s["Electrode 2 local current density [A.m-2]"][-1])
    assert local == pytest.approx(5.5, rel=1e-3)  # 0.55 mA/cm2 at 25 C
    assert test.short_circuit_h == pytest.approx(test.history.time_h[-1])
    assert 10 < test.short_circuit_h < 20  # during the 0.25 mA/cm2 step


def test_step_test_at_the_ccd_pressure_recovers_the_anode_files_ccd():
    """Consistency only: the creep velocity is set from 003's 0.55 mA/cm2 at 5 MPa."""
    values = symmetric_setup(LFP).parameter_values
    values.update({"Stack pressure [Pa]": 5e6})
    assert critical_current_density(LFP, parameter_values=values) == 0.8  # first of 002's steps above 0.55
    fine = [round(0.05 * k, 2) for k in range(1, 21)]
    assert critical_current_density(LFP, currents_mA_cm2=fine, parameter_values=values) == 0.55


def test_a_bad_option_raises_the_full_cells_error():
    for options in ({"contact loss": "sometimes"}, {"interphases": "thick"}):
        with pytest.raises(pybamm.OptionError) as full:
            SolidStateSPMe(options)
        with pytest.raises(pybamm.OptionError) as symmetric:
            simulate_symmetric(LFP, 0.1, 1.0, options=options)
        assert str(symmetric.value) == str(full.value)
        assert str(full.value).startswith(f"option '{next(iter(options))}' must be one of")
    # what the symmetric cell does not model: the impedance model's R||C layer, parallel regions
    for key, value, allowed in (("solid electrolyte", "capacitive", "resistive"), ("interface heterogeneity", "lognormal", "none")):
        with pytest.raises(pybamm.OptionError, match=rf"option '{key}' must be one of \('{allowed}',\), got '{value}'"):
            simulate_symmetric(LFP, 0.1, 1.0, options={key: value})


def test_a_gel_cell_keeps_its_lithium_contact_in_the_step_test_as_in_cycling():
    assert symmetric_setup(GEL).options == {"contact loss": "cathode"}
    contact = "Electrode 1 lithium interface contact fraction"
    cycled = simulate_symmetric(GEL, 0.5, 4.0)
    test = critical_current_density_test(GEL)
    for states in (cycled.states, test.history.states):
        assert (states[contact] == states[contact][0]).all()
    assert test.critical_current_density_mA_cm2 == critical_current_density(GEL, options={"contact loss": "none"}) == 0.8
    # voids, which the gel prevents, would short it a step earlier
    assert critical_current_density(GEL, options={"contact loss": "dynamic"}) == 0.5


def test_cli_json_plot_and_bad_inputs(tmp_path, capsys):
    plot = tmp_path / "symmetric.png"
    assert main(["symmetric", LFP, "--current-density", "0.1", "--hours", "4", "--json", "--plot", str(plot)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"cell", "current_density_mA_cm2", "time_h", "overpotential_mV", "final_overpotential_mV",
                        "short_circuit_h"}
    assert out["cell"] == LFP and out["current_density_mA_cm2"] == 0.1 and out["short_circuit_h"] is None
    assert len(out["time_h"]) == len(out["overpotential_mV"]) == 12 and out["time_h"][-1] == 4.0
    assert out["final_overpotential_mV"] == pytest.approx(abs(out["overpotential_mV"][-1]), rel=1e-6)
    assert plot.stat().st_size > 10_000
    bad = {
        ("--current-density", "0", "--hours", "2"): "current density must be > 0 and <= 100 mA/cm2",
        ("--current-density", "150", "--hours", "2"): "current density must be > 0 and <= 100 mA/cm2",
        ("--current-density", "0.1", "--hours", "-1"): "hours must be a finite number > 0",
        ("--current-density", "0.1", "--hours", "2", "--half-cycle-hours", "3"): "half-cycle hours must be > 0 and <= hours",
        ("--current-density", "0.1", "--hours", "1e7"): "1e+07 h of 1 h half-cycles is 1e+07 half-cycles, more than 20000",
    }
    for args, message in bad.items():
        assert main(["symmetric", LFP, *args]) == 2
        assert message in capsys.readouterr().err
    assert main(["symmetric", "NoSuchCell", "--current-density", "0.1", "--hours", "2"]) == 2
    assert "unknown cell 'NoSuchCell'" in capsys.readouterr().err
