"""Impedance spectra of the solid-state cells, simulated, and the circuit elements their
parameters imply (the circuits and their fit: ``pybamm_ssb.circuits``).

``cell_impedance``
    Small-signal impedance of the full Li | solid electrolyte | composite-cathode cell
    about its rest state at a given SOC. It uses PyBaMM's own frequency-domain EIS
    (``pybamm.EISSimulation``, part of PyBaMM since the ``pybammeis`` package was merged
    into it): the discretised model is linearised about the initial state with casadi
    Jacobians and ``(i w M - J) x = b`` is solved at each frequency. The model is
    ``SolidStateDFN`` with the capacitive solid electrolyte (bulk and grain boundary each
    an R||C), double layers at both interfaces (PyBaMM's ``"surface form":
    "differential"``) and interphase growth and contact loss switched off (the films
    are pure series resistances with no capacitance, so they would add no arc).
    The DFN (not the SPMe) is used because its catholyte is a distributed transmission
    line that the double layer shorts at high frequency, so Z(f -> inf) -> 0.

``blocking_electrolyte_impedance``
    The pellet between two ion-blocking (silver-paste) electrodes as the documents
    measured it: R_bulk||C_bulk + R_gb||C_gb + the two blocking double layers in series,
    evaluated from the same PyBaMM parameters the cell model uses.

Spectra are ``pybamm_ssb.spectra.Spectrum``, per geometric area in Ohm cm2.
"""

import math

import numpy as np
import pybamm

from .cell_options import uneven_lithium_contact
from .circuits import CIRCUITS, fit_equivalent_circuit
from .registry import resolve_cell
from .runs import prepare_run
from .spectra import ImpedanceInputError, Spectrum, frequencies
from .submodels.interface_regions import region_conductance_factors

# The cathode's catholyte is a transmission line; with PyBaMM's default 20 points its
# high-frequency (10-300 kHz) part is off by ~0.5 %, enough to blur the split between
# catholyte and charge-transfer resistance in a fit. 60 points converge it.
DEFAULT_VAR_PTS = {"x_n": 20, "x_s": 20, "x_p": 60, "r_n": 20, "r_p": 20}
CELL_OPTIONS = {
    "solid electrolyte": "capacitive",
    "interphases": "none",
    "contact loss": "none",
    "interface heterogeneity": "none",  # a pressed cell's regions are solved one by one, in parallel
    "surface form": "differential",
}


def _check_soc(soc):
    if isinstance(soc, bool) or not isinstance(soc, (int, float)) or not math.isfinite(soc) or not 0 <= soc <= 1:
        raise ImpedanceInputError(f"soc must be between 0 and 1 (0 = discharged, 1 = charged), got {soc}")


def _parameter_values(cell, temperature_C):
    """The impedance runs' values of ``cell`` at ``temperature_C`` (their state is set by the SOC)."""
    return prepare_run(cell, temperature_C, CELL_OPTIONS).parameter_values


def electrode_area_m2(parameter_values):
    """Geometric electrode area A = height * width [m2] (the documents' Ohm = Ohm m2 / A)."""
    return parameter_values["Electrode height [m]"] * parameter_values["Electrode width [m]"]


def _region_contact_factors(values):
    """w_k of the regions of a cell whose Li interface conducts unevenly; [1.0] if uniform."""
    from .models import INTERFACE_REGIONS

    spread = values["Lithium interface conductance spread"]
    return region_conductance_factors(spread, INTERFACE_REGIONS) if uneven_lithium_contact(spread) else np.ones(1)


def cell_impedance(cell, soc=0.5, fmin=0.01, fmax=1e6, points_per_decade=10, temperature_C=None, model="dfn",
                   var_pts=None):
    """Impedance spectrum of a cell at rest at ``soc`` [Ohm cm2].

    ``cell`` is a registered cell name, the path of a cell file or a ComposedCell. ``soc`` in [0, 1] places the
    cathode stoichiometry between its values at the lower (soc 0) and upper (soc 1)
    voltage limits of the cell (PyBaMM's initial-state calculation for half-cells).
    ``model`` is "dfn" (default) or "spme".

    A cell whose lithium interface conducts unevenly (a pressed cell, option "interface
    heterogeneity") is its N equal regions in parallel,

        Z = 1 / <1 / Z_k>,

    Z_k the spectrum of a uniform cell with Li contact theta w_k (submodels/interface_regions.py).
    At rest the collectors that join the regions carry no current, so they are left out.
    (PyBaMM's 1+1D half-cell DFN itself cannot be linearised at rest: the harmonic mean it
    takes of the separator's current has no derivative at zero current.)
    """
    from .models import MODELS

    _check_soc(soc)
    f = frequencies(fmin, fmax, points_per_decade)
    if model not in MODELS:
        raise ImpedanceInputError(f"model must be one of {sorted(MODELS)}, got '{model}'")
    setup = prepare_run(cell, temperature_C, CELL_OPTIONS)
    cell, values = setup.cell, setup.parameter_values
    factors = _region_contact_factors(values)
    contact = "Initial lithium interface contact fraction"
    theta = values[contact]
    values.update({contact: "[input]"})
    sim = pybamm.EISSimulation(MODELS[model](setup.options), parameter_values=values,
                               var_pts=var_pts or DEFAULT_VAR_PTS)
    admittance = np.mean([1 / np.asarray(sim.solve(f, inputs={contact: theta * w}, initial_soc=float(soc)).impedance)
                          for w in factors], axis=0)
    z_ohm = 1 / admittance
    area_cm2 = electrode_area_m2(values) * 1e4
    return Spectrum.from_complex(f, z_ohm * area_cm2, area_cm2, f"{cell.name} at SOC {soc:g}")


# --- the electrolyte between blocking electrodes ----------------------------------------------


def electrolyte_elements(cell, temperature_C=None):
    """R [Ohm m2] and C [F m2] of the pellet's bulk and grain boundary, and the blocking
    double layer, evaluated from the cell's PyBaMM parameters the same way the
    capacitive solid-electrolyte submodel does (submodels/solid_electrolyte.py)."""
    cell = resolve_cell(cell)
    values = _parameter_values(cell, temperature_C)
    param = pybamm.LithiumIonParameters({"working electrode": "positive"})
    T = pybamm.Scalar(values["Ambient temperature [K]"])
    c_e = pybamm.Scalar(values["Initial concentration in electrolyte [mol.m-3]"])
    transport_efficiency = values["Separator porosity"] ** values["Separator Bruggeman coefficient (electrolyte)"]

    def evaluate(symbol):
        return float(values.process_symbol(symbol).evaluate())

    # two identical metal | electrolyte contacts in series; the silver paste's double-layer
    # capacitance per area is taken as that of the Li | electrolyte contact
    C_dl = evaluate(pybamm.FunctionParameter("Negative electrode double-layer capacity [F.m-2]", {"Temperature [K]": T}))
    return {
        "R_bulk": evaluate(param.s.L / (param.kappa_e(c_e, T) * transport_efficiency)),
        "C_bulk": evaluate(pybamm.Parameter("Solid electrolyte bulk capacitance [F.m-2]")),
        "R_gb": evaluate(pybamm.FunctionParameter("Solid electrolyte grain-boundary resistance [Ohm.m2]", {"Temperature [K]": T})),
        "C_gb": evaluate(pybamm.Parameter("Solid electrolyte grain-boundary capacitance [F.m-2]")),
        "C_blocking": C_dl / 2,
        "area_m2": electrode_area_m2(values),
    }


def _transmission_line_dc(R_ion, R_ct):
    """DC resistance of a porous electrode with ionic resistance R_ion and charge-transfer
    resistance R_ct (de Levie line, electronic resistance neglected)."""
    nu = math.sqrt(R_ion / R_ct)
    return math.sqrt(R_ion * R_ct) / math.tanh(nu)


def model_elements(cell, soc=0.5, temperature_C=None):
    """The circuit elements the cell's PyBaMM parameters imply at ``soc`` (small signal).

    Returns {element: {"R_ohm_cm2", "C_F_cm2", "f_Hz", "R_ohm", "C_F"}} for "bulk",
    "grain_boundary", "anode_interface" (R T / (F j0 theta_0), Li double layer),
    "cathode_interface" (R T / (F j0 a L), double layer over the particle surface a L) and
    "catholyte" (ionic resistance L / (kappa eps^b) of the composite cathode; no C), plus
    "dc_ohm_cm2"/"dc_ohm": R_b + R_gb + R_Li + de-Levie DC value of the cathode (of a cell
    in regions, these sums with R_Li / w_k in parallel; R_Li is their parallel value). These are
    what a fit of a simulated spectrum should recover; the model takes them from the
    documents' R_bulk, R_gb and R_int (cells.py)."""
    _check_soc(soc)
    cell = resolve_cell(cell)
    e = electrolyte_elements(cell, temperature_C)
    options = {"working electrode": "positive"}
    param = pybamm.LithiumIonParameters(options)
    values = _parameter_values(cell, temperature_C).set_initial_state(
        float(soc), param=param, inplace=False, options=options)

    def evaluate(symbol):
        return float(values.process_symbol(symbol).evaluate())

    T = values["Ambient temperature [K]"]
    c_e = values["Initial concentration in electrolyte [mol.m-3]"]
    RT_F = pybamm.constants.R.value * T / pybamm.constants.F.value
    theta = values["Initial lithium interface contact fraction"]
    j0_n = evaluate(param.j0_Li_metal(pybamm.Scalar(c_e), pybamm.Scalar(1.0), pybamm.Scalar(T)))
    c_s = values["Initial concentration in positive electrode [mol.m-3]"]
    j0_p = evaluate(param.p.prim.j0(pybamm.Scalar(c_e), pybamm.Scalar(c_s), pybamm.Scalar(T)))
    L_p = values["Positive electrode thickness [m]"]
    aL = 3 * values["Positive electrode active material volume fraction"] / values["Positive particle radius [m]"] * L_p
    kappa = evaluate(param.kappa_e(pybamm.Scalar(c_e), pybamm.Scalar(T)))
    eps_b = values["Positive electrode porosity"] ** values["Positive electrode Bruggeman coefficient (electrolyte)"]
    C_dl = {d: evaluate(pybamm.FunctionParameter(f"{d} electrode double-layer capacity [F.m-2]",
                                                 {"Temperature [K]": pybamm.Scalar(T)}))
            for d in ("Negative", "Positive")}
    rc = {  # R [Ohm m2], C [F m-2]
        "bulk": (e["R_bulk"], e["C_bulk"]),
        "grain_boundary": (e["R_gb"], e["C_gb"]),
        "anode_interface": (RT_F / (j0_n * theta), C_dl["Negative"]),
        "cathode_interface": (RT_F / (j0_p * aL), C_dl["Positive"] * aL),
        "catholyte": (L_p / (kappa * eps_b), None),
    }
    area_cm2 = e["area_m2"] * 1e4
    out = {}
    for name, (R, C) in rc.items():
        entry = {"R_ohm_cm2": R * 1e4, "R_ohm": R * 1e4 / area_cm2}
        if C is not None:
            # an element with no resistance (e.g. no grain boundary) has no arc: f_Hz None
            entry.update({"C_F_cm2": C * 1e-4, "C_F": C * 1e-4 * area_cm2,
                          "f_Hz": 1 / (2 * math.pi * R * C) if R * C > 0 else None})
        out[name] = entry
    rest = rc["bulk"][0] + rc["grain_boundary"][0] + _transmission_line_dc(rc["catholyte"][0], rc["cathode_interface"][0])
    dc = 1e4 / np.mean(1 / (rest + rc["anode_interface"][0] / _region_contact_factors(values)))
    out["dc_ohm_cm2"] = dc
    out["dc_ohm"] = dc / area_cm2
    out["area_cm2"] = area_cm2
    return out


def blocking_electrolyte_impedance(cell, fmin=0.01, fmax=1e6, points_per_decade=10, temperature_C=None):
    """Spectrum of the cell's electrolyte pellet between two blocking electrodes [Ohm cm2].

    Z = R_b/(1 + iw R_b C_b) + R_gb/(1 + iw R_gb C_gb) + 1/(iw C_dl/2), all from the cell's
    parameters; ``.z_ohm`` gives the pellet's impedance in Ohm (the documents' unit).
    """
    f = frequencies(fmin, fmax, points_per_decade)
    cell = resolve_cell(cell)
    e = electrolyte_elements(cell, temperature_C)
    w = 2 * np.pi * f
    z = (e["R_bulk"] / (1 + 1j * w * e["R_bulk"] * e["C_bulk"])
         + e["R_gb"] / (1 + 1j * w * e["R_gb"] * e["C_gb"])
         + 1 / (1j * w * e["C_blocking"]))
    return Spectrum.from_complex(f, z * 1e4, e["area_m2"] * 1e4, f"{cell.name} electrolyte, blocking electrodes")


# --- report (CLI) ------------------------------------------------------------------------------


# the default range of ``eis``: at least these, and wide enough that every arc's apex lies a
# decade inside it (bulk arcs of sintered pellets peak near 30 MHz, interfaces near 100 Hz)
DEFAULT_FMIN_HZ, DEFAULT_FMAX_HZ = 0.01, 1e6
APEX_MARGIN_DECADES = 1.0


def eis_frequency_range(elements):
    """(fmin, fmax) [Hz] of ``eis`` for the circuit elements a cell's parameters imply
    (``model_elements``): the default 0.01 Hz - 1 MHz, widened to whole decades so that every
    element's apex f = 1 / (2 pi R C) lies at least APEX_MARGIN_DECADES inside."""
    apexes = [e["f_Hz"] for e in elements.values() if isinstance(e, dict) and e.get("f_Hz")]
    margin = 10**APEX_MARGIN_DECADES
    low = min([DEFAULT_FMIN_HZ] + [f / margin for f in apexes])
    high = max([DEFAULT_FMAX_HZ] + [f * margin for f in apexes])
    return 10.0 ** math.floor(math.log10(low) + 1e-9), 10.0 ** math.ceil(math.log10(high) - 1e-9)


def eis_report(cell, soc=0.5, fmin=None, fmax=None, points_per_decade=10, temperature_C=None, circuit=None):
    """Simulated spectrum of ``cell``, its circuit fit and the elements the parameters
    imply, as one JSON-ready dict (impedances in Ohm cm2; R also in Ohm). ``fmin`` / ``fmax``
    None: ``eis_frequency_range`` of the cell's elements, so every arc it reports is inside.
    ``circuit`` None: "cell-tlm", or "cell-tlm-nogb" when the electrolyte has no
    grain-boundary resistance."""
    cell_circuits = sorted(set(CIRCUITS) - {"blocking"})
    if circuit is not None and circuit not in cell_circuits:
        raise ImpedanceInputError(f"circuit must be one of {cell_circuits}, got '{circuit}'")
    cell = resolve_cell(cell)
    expected = model_elements(cell, soc, temperature_C)
    default_fmin, default_fmax = eis_frequency_range(expected)
    fmin = default_fmin if fmin is None else fmin
    fmax = default_fmax if fmax is None else fmax
    spectrum = cell_impedance(cell, soc, fmin, fmax, points_per_decade, temperature_C)
    if circuit is None:
        circuit = "cell-tlm" if expected["grain_boundary"]["R_ohm"] > 0 else "cell-tlm-nogb"
    fit = fit_equivalent_circuit(spectrum, circuit)
    setup = prepare_run(cell, temperature_C, CELL_OPTIONS)
    values = setup.parameter_values
    report = {
        "cell": cell.name,
        "soc": float(soc),
        "temperature_C": float(values["Ambient temperature [K]"] - 273.15),
        "model": "SolidStateDFN " + ", ".join(f"{k}: {v}" for k, v in CELL_OPTIONS.items()),
        "area_cm2": spectrum.area_cm2,
        "units": "spectrum in Ohm cm2 (divide by area_cm2 for the cell's Ohm); z_imag < 0 above the axis",
        "spectrum": spectrum.as_json(),
        "fit": fit.as_json(),
        "interface_resistance_ohm": fit.interface_resistance("ohm"),
        "model_elements": expected,
        "li_contact_regions": len(_region_contact_factors(values)),
        "li_contact_spread": float(values["Lithium interface conductance spread"]),
    }
    report["warnings"] = setup.warnings + eis_warnings(report)
    return report, spectrum, fit


SOC_EDGE = 0.05  # within this of 0 or 1 the cathode's stoichiometry window ends
FIT_RMS_LIMIT = 0.05  # a circuit fit worse than this relative rms does not describe the spectrum
INTERFACE_RATIO_LIMIT = 2.0


def eis_warnings(report):
    """What in an ``eis_report`` should not be trusted, one line each:

    - an SOC within SOC_EDGE of 0 or 1: there the cathode's stoichiometry reaches the end of its
      window, its exchange current j0 ~ sqrt(c (c_max - c)) tends to 0 and its OCP slope
      steepens, so the charge-transfer and diffusion arcs are set by how close to the edge the
      state sits, not by the cell (a linearisation about a state that a small signal crosses);
    - a circuit fit whose relative rms exceeds FIT_RMS_LIMIT;
    - a fitted interfacial resistance more than INTERFACE_RATIO_LIMIT times off the model's own."""
    warnings = []
    soc, fit, expected = report["soc"], report["fit"], report["model_elements"]
    if not SOC_EDGE <= soc <= 1 - SOC_EDGE:
        warnings.append(f"SOC {soc:g} is at the end of the cathode's window, where the small-signal impedance "
                        f"depends on how close to the edge the state sits: use an SOC between {SOC_EDGE:g} and "
                        f"{1 - SOC_EDGE:g}")
    if fit["relative_rms"] > FIT_RMS_LIMIT:
        warnings.append(f"the {fit['circuit']} fit misses the spectrum by {fit['relative_rms']:.1%} (relative rms): "
                        "its elements do not describe it")
    model = expected["anode_interface"]["R_ohm"] + expected["cathode_interface"]["R_ohm"]
    fitted = report["interface_resistance_ohm"]
    if model > 0 and not 1 / INTERFACE_RATIO_LIMIT <= fitted / model <= INTERFACE_RATIO_LIMIT:
        warnings.append(f"the fitted interfacial resistance {fitted:.4g} Ohm is {fitted / model:.3g} times the "
                        f"model's own {model:.4g} Ohm: the fit does not separate the interface arcs")
    return warnings


def format_eis_report(report):
    """Plain-text table of a report from ``eis_report``."""
    fit, expected = report["fit"], report["model_elements"]
    f_lo, f_hi = report["spectrum"]["frequency_Hz"][0], report["spectrum"]["frequency_Hz"][-1]
    lines = [
        f"{report['cell']} at SOC {report['soc']:g}, {report['temperature_C']:g} C, electrode area "
        f"{report['area_cm2']:.4g} cm2, {f_lo:g} Hz - {f_hi:g} Hz",
        f"fit {fit['circuit']}: {fit['description']} (relative rms {fit['relative_rms']:.2%})",
        f"{'element':18s} {'R [Ohm]':>9s} {'R [Ohm cm2]':>11s} {'C [F]':>9s} {'f [Hz]':>9s}   {'parameters: R [Ohm]':>19s} {'f [Hz]':>9s}",
    ]
    for name, e in fit["elements"].items():
        R = f"{e['R_ohm']:9.1f} {e['R_ohm_cm2']:11.2f}" if "R_ohm" in e else f"{'':9s} {'':11s}"
        C = f"{e['C_F']:9.3g}" if "C_F" in e else f"{'':9s}"
        f = (f"{e['f_Hz']:9.3g}" + (" " if e.get("resolved", True) else "*")) if "f_Hz" in e else f"{'':10s}"
        ref = expected.get(name)
        ref = f"{ref['R_ohm']:19.1f} " + (f"{ref['f_Hz']:9.3g}" if ref.get("f_Hz") else "") if ref else ""
        lines.append(f"{name:18s} {R} {C} {f}  {ref}")
    lines.append("* apex outside the simulated frequency range")
    lines.append(f"interfacial resistance (sum of interface elements): {report['interface_resistance_ohm']:.1f} Ohm "
                 f"(parameters: {expected['anode_interface']['R_ohm'] + expected['cathode_interface']['R_ohm']:.1f} Ohm)")
    if report["li_contact_regions"] > 1:
        lines.append(f"uneven Li contact (spread {report['li_contact_spread']:.2f}): {report['li_contact_regions']} regions "
                     f"in parallel, DC resistance {expected['dc_ohm']:.1f} Ohm. The current crowds into the "
                     "better-contacted regions, and the fit books the extra resistance as interface.")
    return "\n".join(lines)
