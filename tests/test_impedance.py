"""Impedance: simulated spectra recover the documents' resistances at the right frequencies.

Targets (000 Cui 2025, Sec. 3): SP|LATP|SP blocking cells R_bulk / R_gb = 280.6 / 392.7 Ohm
(NUHS) and 301.3 / 1715.6 Ohm (CUHS); Li|LATP-NUHS|LFP interfacial resistance 879.1 Ohm
(physically stacked, CPS) and 496.7 Ohm (thermal pulse welded, TPW). The model takes
these numbers as parameters; the tests check that the simulated spectrum, read back by
an equivalent-circuit fit, returns them, with each arc at f = 1/(2 pi R C).
"""

import json
import math
import re

import numpy as np
import pytest

from pybamm_ssb import circuits, spectra
from pybamm_ssb import impedance as imp
from pybamm_ssb.cli import main
from pybamm_ssb.validation import ParameterError

NUHS_TPW = "Cui2025_LFP_NUHS_TPW"
NUHS_CPS = "Cui2025_LFP_NUHS_CPS"
CUHS_CPS = "Cui2025_LFP_CUHS_CPS"
DOCUMENT = {  # Ohm, 000 Cui 2025 Sec. 3
    NUHS_TPW: {"bulk": 280.6, "grain_boundary": 392.7, "interface": 496.7},
    NUHS_CPS: {"bulk": 280.6, "grain_boundary": 392.7, "interface": 879.1},
    CUHS_CPS: {"bulk": 301.3, "grain_boundary": 1715.6},
}
TOL = 0.05


@pytest.fixture(scope="module")
def cell_fits():
    """Full-cell spectra 0.01 Hz - 1 MHz (the documents' blocking-cell range) and fits."""
    out = {}
    for name in (NUHS_TPW, NUHS_CPS, CUHS_CPS):
        spectrum = imp.cell_impedance(name, soc=0.5)
        out[name] = (spectrum, circuits.fit_equivalent_circuit(spectrum, "cell-tlm"))
    return out


@pytest.fixture(scope="module")
def wide():
    """NUHS-CPS cell 0.01 Hz - 10 GHz, so that the bulk arc's apex is inside the range."""
    spectrum = imp.cell_impedance(NUHS_CPS, soc=0.5, fmax=1e10)
    return spectrum, circuits.fit_equivalent_circuit(spectrum, "cell-tlm"), imp.model_elements(NUHS_CPS, soc=0.5)


def close(value, target, tol=TOL):
    return abs(value / target - 1) <= tol


@pytest.mark.parametrize("cell", [NUHS_TPW, CUHS_CPS])
def test_blocking_spectrum_recovers_bulk_and_grain_boundary(cell):
    spectrum = imp.blocking_electrolyte_impedance(cell, fmin=0.01, fmax=1e6)
    fit = circuits.fit_equivalent_circuit(spectrum, "blocking")
    for element in ("bulk", "grain_boundary"):
        assert close(fit.resistance(element, "ohm"), DOCUMENT[cell][element]), (element, fit.elements[element])
    # the pellet in Ohm is the area-normalised spectrum over the electrode area
    assert np.allclose(spectrum.z_ohm * spectrum.area_cm2, spectrum.z)
    # blocking electrodes: the real part saturates at R_bulk + R_gb, the imaginary part diverges
    total = DOCUMENT[cell]["bulk"] + DOCUMENT[cell]["grain_boundary"]
    assert close(spectrum.z_ohm.real[0], total, 0.01)
    assert -spectrum.z_ohm.imag[0] > 100 * total


@pytest.mark.parametrize("cell", [NUHS_TPW, CUHS_CPS])
def test_full_cell_spectrum_recovers_bulk_and_grain_boundary(cell_fits, cell):
    _, fit = cell_fits[cell]
    assert fit.relative_rms < 0.01
    for element in ("bulk", "grain_boundary"):
        assert close(fit.resistance(element, "ohm"), DOCUMENT[cell][element]), (element, fit.elements[element])


def test_interfacial_resistance_cps_vs_tpw(cell_fits):
    """R_int = Li charge transfer + cathode charge transfer (both interface elements of
    the fit), compared with the document's single R_int of each assembly."""
    fitted = {cell: cell_fits[cell][1].interface_resistance("ohm") for cell in (NUHS_CPS, NUHS_TPW)}
    for cell, value in fitted.items():
        assert close(value, DOCUMENT[cell]["interface"]), (cell, value)
    assert close(fitted[NUHS_CPS] / fitted[NUHS_TPW], 879.1 / 496.7)
    # the electrolyte is the same pellet in both cells
    for element in ("bulk", "grain_boundary"):
        cps, tpw = (cell_fits[c][1].resistance(element, "ohm") for c in (NUHS_CPS, NUHS_TPW))
        assert close(cps, tpw, 0.01)


def test_blocking_arcs_sit_at_their_rc_frequencies():
    e = imp.electrolyte_elements(NUHS_TPW)
    expected = [1 / (2 * math.pi * e["R_bulk"] * e["C_bulk"]), 1 / (2 * math.pi * e["R_gb"] * e["C_gb"])]
    apexes = circuits.apex_frequencies(imp.blocking_electrolyte_impedance(NUHS_TPW, fmax=1e9, points_per_decade=20))
    assert len(apexes) == 2
    # each apex is pulled ~5 % towards its neighbour by the other arc's tail
    for apex, f in zip(apexes, expected):
        assert close(apex, f, 0.1), (apex, f)
    assert apexes[0] > 10 * apexes[1]


def test_cell_arcs_sit_at_their_rc_frequencies(wide):
    spectrum, fit, model = wide
    apexes = circuits.apex_frequencies(spectrum)
    # bulk (MHz), grain boundary (kHz-MHz) and one merged interface arc (Li + cathode)
    assert len(apexes) == 3, apexes
    bulk, gb, interface = apexes
    assert close(bulk, model["bulk"]["f_Hz"], 0.1)
    assert close(gb, model["grain_boundary"]["f_Hz"], 0.1)
    assert bulk > 10 * gb > 10 * 10 * interface
    low, high = sorted((model["anode_interface"]["f_Hz"], model["cathode_interface"]["f_Hz"]))
    assert low < interface < high
    # the fitted elements carry the parameters' time constants
    for name in ("bulk", "grain_boundary", "anode_interface", "cathode_interface"):
        assert fit.elements[name]["resolved"]
        assert close(fit.elements[name]["f_Hz"], model[name]["f_Hz"]), (name, fit.elements[name], model[name])
        assert close(fit.elements[name]["R_ohm"], model[name]["R_ohm"]), (name, fit.elements[name], model[name])
    assert close(fit.resistance("catholyte", "ohm"), model["catholyte"]["R_ohm"])


def test_dc_and_high_frequency_limits(wide):
    spectrum, fit, model = wide
    z = spectrum.z_ohm
    f_low = spectrum.frequency_Hz[0]
    tail = fit.element_impedance("diffusion", [f_low])[0] / spectrum.area_cm2
    dc = z.real[0] - tail.real
    # equals the sum of the parameters' resistances (cathode: de Levie DC value) ...
    assert close(dc, model["dc_ohm"], 0.005), (dc, model["dc_ohm"])
    # ... and the sum of the fitted ones
    e = fit.elements
    fitted = (e["bulk"]["R_ohm"] + e["grain_boundary"]["R_ohm"] + e["anode_interface"]["R_ohm"]
              + imp._transmission_line_dc(e["catholyte"]["R_ohm"], e["cathode_interface"]["R_ohm"]))
    assert close(dc, fitted, 0.005), (dc, fitted)
    # all capacitors short the cell at high frequency: Z -> 0, not -> R_bulk
    assert abs(z[-1]) < 0.01 * model["bulk"]["R_ohm"]
    assert np.all(np.diff(spectrum.frequency_Hz) > 0)


def test_a_pressed_cell_is_its_regions_in_parallel():
    """CUHS-CPS (spread 1.8): the regions' spectra in parallel equal PyBaMM's own spectrum of
    the 1+1D SPMe, whose regions are joined by current collectors."""
    import pybamm

    from pybamm_ssb.models import INTERFACE_REGIONS, SolidStateSPMe
    from pybamm_ssb.registry import get_cell

    spectrum = imp.cell_impedance(CUHS_CPS, model="spme", points_per_decade=3)
    options = dict(imp.CELL_OPTIONS, **{"interface heterogeneity": "lognormal"})
    sim = pybamm.EISSimulation(SolidStateSPMe(options), parameter_values=get_cell(CUHS_CPS).parameter_values,
                               var_pts=dict(imp.DEFAULT_VAR_PTS, z=INTERFACE_REGIONS))
    direct = np.asarray(sim.solve(spectrum.frequency_Hz, initial_soc=0.5).impedance) * spectrum.area_cm2
    assert np.abs(spectrum.z / direct - 1).max() < 1e-4


def test_uneven_contact_crowds_the_current_into_the_better_regions(cell_fits):
    """With the Li interface's parallel resistance unchanged, a spread raises the cell's DC
    resistance: the poorly contacted regions carry little current, so the electrolyte and
    cathode of the others carry it all. DC = 1 / <1 / (R_series + R_Li / w_k)>."""
    spectrum, fit = cell_fits[CUHS_CPS]
    model = imp.model_elements(CUHS_CPS, soc=0.5)
    tail = fit.element_impedance("diffusion", [spectrum.frequency_Hz[0]])[0] / spectrum.area_cm2
    dc = spectrum.z_ohm.real[0] - tail.real
    assert close(dc, model["dc_ohm"], 0.005), (dc, model["dc_ohm"])
    uniform = (model["bulk"]["R_ohm"] + model["grain_boundary"]["R_ohm"] + model["anode_interface"]["R_ohm"]
               + imp._transmission_line_dc(model["catholyte"]["R_ohm"], model["cathode_interface"]["R_ohm"]))
    assert dc > 1.3 * uniform
    report, _, _ = imp.eis_report(CUHS_CPS, soc=0.5)
    assert report["li_contact_regions"] == 8 and report["li_contact_spread"] > 1.7
    assert "8 regions in parallel, DC resistance" in imp.format_eis_report(report)


@pytest.mark.parametrize("kwargs, message", [
    ({"soc": -0.1}, "soc must be between 0 and 1"),
    ({"soc": 1.5}, "soc must be between 0 and 1"),
    ({"soc": float("nan")}, "soc must be between 0 and 1"),
    ({"fmin": 1e3, "fmax": 1e3}, "fmin must be below fmax"),
    ({"fmin": 1e4, "fmax": 10}, "fmin must be below fmax"),
    ({"fmin": 0.0}, "fmin must be a positive frequency"),
    ({"fmax": -5.0}, "fmax must be a positive frequency"),
    ({"points_per_decade": 0}, "points_per_decade must be an integer >= 1"),
    ({"temperature_C": 300.0}, "temperature must be between"),
])
def test_bad_input_is_rejected_with_the_parameter_and_range(kwargs, message):
    with pytest.raises(ParameterError, match=message):  # ImpedanceInputError is a ParameterError
        imp.cell_impedance(NUHS_TPW, **kwargs)


def test_bad_fit_input():
    spectrum = imp.blocking_electrolyte_impedance(NUHS_TPW)
    with pytest.raises(imp.ImpedanceInputError, match="circuit must be one of"):
        circuits.fit_equivalent_circuit(spectrum, "R-C-W")
    bad = spectra.Spectrum(np.array([-1.0, 1.0, 2.0]), np.ones(3), -np.ones(3))
    with pytest.raises(imp.ImpedanceInputError, match="frequencies must be positive"):
        circuits.fit_equivalent_circuit(bad, "blocking")
    with pytest.raises(imp.ImpedanceInputError, match="fmin must be below fmax"):
        imp.blocking_electrolyte_impedance(NUHS_TPW, fmin=10, fmax=1)


def test_spectrum_json_keys():
    spectrum = imp.blocking_electrolyte_impedance(NUHS_TPW, fmin=1, fmax=100, points_per_decade=2)
    data = spectrum.as_json()
    assert set(data) == {"frequency_Hz", "z_real_ohm_cm2", "z_imag_ohm_cm2"}
    assert np.allclose(data["frequency_Hz"], [1.0, 10 ** 0.5, 10.0, 10 ** 1.5, 100.0])
    assert all(v < 0 for v in data["z_imag_ohm_cm2"])  # as measured: arcs below the real axis


def test_cli_eis_json_and_plot(tmp_path, capsys):
    plot = tmp_path / "nyquist.png"
    assert main(["eis", NUHS_TPW, "--soc", "0.5", "--fmin", "0.1", "--fmax", "1e6", "--json", "--plot", str(plot)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"cell", "soc", "temperature_C", "model", "area_cm2", "units", "spectrum", "fit",
                           "interface_resistance_ohm", "model_elements", "li_contact_regions", "li_contact_spread",
                           "warnings"}
    assert report["warnings"] == []  # mid-window, a good fit, the model's own interface resistance
    assert set(report["spectrum"]) == {"frequency_Hz", "z_real_ohm_cm2", "z_imag_ohm_cm2"}
    assert report["spectrum"]["frequency_Hz"][0] == pytest.approx(0.1)
    assert set(report["fit"]["elements"]) == {"bulk", "grain_boundary", "anode_interface", "cathode_interface",
                                              "catholyte", "diffusion"}
    assert close(report["interface_resistance_ohm"], 496.7)
    assert (report["li_contact_regions"], report["li_contact_spread"]) == (1, 0.0)  # a welded cell is uniform
    assert plot.stat().st_size > 10_000


def test_eis_at_the_end_of_the_window_is_flagged(capsys):
    """At SOC 0 the cathode's exchange current tends to 0: the spectrum depends on how close to the
    edge the state sits, the circuit fit misses it and books several times the model's
    interfacial resistance; each says so."""
    assert main(["eis", NUHS_TPW, "--soc", "0"]) == 0
    err = capsys.readouterr().err
    assert "warning: SOC 0 is at the end of the cathode's window" in err
    assert re.search(r"warning: the fitted interfacial resistance \S+ Ohm is \S+ times the model's own", err)


def test_eis_warnings_name_a_bad_fit():
    report = {"soc": 0.5, "fit": {"relative_rms": 0.12, "circuit": "cell-tlm"}, "interface_resistance_ohm": 400.0,
              "model_elements": {"anode_interface": {"R_ohm": 300.0}, "cathode_interface": {"R_ohm": 200.0}}}
    assert imp.eis_warnings(report) == ["the cell-tlm fit misses the spectrum by 12.0% (relative rms): its elements "
                                        "do not describe it"]


def test_cli_eis_bad_soc_is_an_input_error(capsys):
    assert main(["eis", NUHS_TPW, "--soc", "2"]) == 2
    assert "soc must be between 0 and 1" in capsys.readouterr().err


def test_membrane_cell_without_grain_boundary_full_spectrum():
    """Li | PGPE@P-LATP10-J | LFP (002 Yang 2026): a membrane has no grain-boundary resistance
    (R_gb = 0, no arc). The full 0.01 Hz - 1 MHz spectrum stays finite, its high-frequency
    intercept is the membrane's L / sigma (81.1 um, 1.14 mS/cm at 30 C: 7.11 Ohm cm2), and the
    fit (the no-grain-boundary circuit, chosen automatically) returns the interfacial
    resistance 57.9 Ohm cm2 of 002 Fig. S20 that the cell takes as a parameter."""
    from pybamm_ssb.registry import get_cell

    cell = "Yang2026_LFP_PGPE_PLATP10J"
    report, spectrum, fit = imp.eis_report(cell, soc=0.5, fmin=0.01, fmax=1e6)  # the range 002 measured
    values = get_cell(cell).parameter_values
    T = values["Ambient temperature [K]"]
    sigma = values["Electrolyte conductivity [S.m-1]"](values["Initial concentration in electrolyte [mol.m-3]"], T)
    membrane_ohm_cm2 = values["Separator thickness [m]"] / sigma * 1e4
    # the parameters are the document's membrane
    assert T == pytest.approx(303.15)
    assert membrane_ohm_cm2 == pytest.approx(81.1e-4 / 1.14e-3, rel=1e-6)

    assert report["model_elements"]["grain_boundary"]["R_ohm"] == 0
    assert report["model_elements"]["grain_boundary"]["f_Hz"] is None
    assert report["fit"]["circuit"] == "cell-tlm-nogb"
    assert "grain_boundary" not in fit.elements
    assert spectrum.frequency_Hz[0] == pytest.approx(0.01) and spectrum.frequency_Hz[-1] == pytest.approx(1e6)
    assert np.all(np.isfinite(spectrum.z)) and np.all(np.isfinite(spectrum.z_ohm))
    assert all(np.all(np.isfinite(report["spectrum"][k])) for k in ("z_real_ohm_cm2", "z_imag_ohm_cm2"))
    assert all(math.isfinite(v) for e in fit.elements.values() for v in e.values() if isinstance(v, float))
    assert fit.relative_rms < 0.01

    high = int(np.argmax(spectrum.frequency_Hz))
    assert close(spectrum.z.real[high], membrane_ohm_cm2), (spectrum.z.real[high], membrane_ohm_cm2)
    assert close(fit.resistance("bulk"), membrane_ohm_cm2), (fit.elements["bulk"], membrane_ohm_cm2)
    assert close(fit.interface_resistance(), 57.9, 0.3), fit.interface_resistance()
    assert report["interface_resistance_ohm"] == pytest.approx(fit.interface_resistance() / spectrum.area_cm2)
    # text report works without a grain-boundary element
    assert "interfacial resistance" in imp.format_eis_report(report)


def test_eis_default_range_holds_every_arc_of_the_cell():
    """A 000 pellet's bulk arc peaks near 33 MHz: the default range reaches 1 GHz, a decade above
    it, so the bulk arc closes at the origin and every fitted arc's apex lies inside."""
    expected = imp.model_elements(NUHS_TPW)
    assert imp.eis_frequency_range(expected) == (0.01, 1e9)
    report, spectrum, _ = imp.eis_report(NUHS_TPW, points_per_decade=5)
    assert spectrum.frequency_Hz[0] == pytest.approx(0.01) and spectrum.frequency_Hz[-1] == pytest.approx(1e9)
    arcs = {name: e for name, e in report["fit"]["elements"].items() if e.get("f_Hz") is not None}
    assert {"bulk", "grain_boundary", "anode_interface", "cathode_interface"} <= set(arcs)
    assert all(e["resolved"] for e in arcs.values())
    assert spectrum.z_real_ohm_cm2[-1] < 0.01 * expected["bulk"]["R_ohm_cm2"]  # the bulk intercept is in view
    # a cell without a fast arc keeps the 0.01 Hz - 1 MHz default
    slow = {"interface": {"R_ohm": 10.0, "f_Hz": 100.0}, "dc_ohm": 10.0}
    assert imp.eis_frequency_range(slow) == (0.01, 1e6)
    assert imp.eis_frequency_range({"deep": {"f_Hz": 0.05}}) == (0.001, 1e6)
