"""Impedance spectra of the solid-state cells, and equivalent-circuit fits to them.

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

``fit_equivalent_circuit``
    Complex non-linear least squares (scipy ``least_squares``, log-parametrised,
    residuals weighted by 1/|Z|) of R_b||C_b - R_gb||C_gb - interface arc(s) - diffusion
    tail, with initial guesses read off the spectrum (arc apexes and the valleys between
    them). The default circuit "cell-tlm" models the cathode side as a de Levie
    transmission line (catholyte ionic resistance R_ion along the electrode, charge
    transfer || double layer across it), which is what the DFN's composite cathode is.
    The documents' simpler R_b - R_gb - R_int - W circuit ("cell") has no place for
    R_ion (~340 Ohm in the LFP cathodes, ~R_ion/3 at DC), so on these spectra it reads
    R_int 7-13 % and R_bulk ~15 % too high.

Units: spectra are stored per geometric area, in Ohm cm2 (``Spectrum.z``); divide by
``Spectrum.area_cm2`` (``Spectrum.z_ohm``) for the pellet's / coin cell's Ohm that the
documents quote. ``Spectrum.as_json()`` gives Ohm cm2.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pybamm
from scipy.optimize import least_squares
from scipy.signal import find_peaks

from .cells import uneven_lithium_contact
from .submodels.interface_regions import region_conductance_factors
from .validation import ParameterError, check_temperature

# The cathode's catholyte is a transmission line; with PyBaMM's default 20 points its
# high-frequency (10-300 kHz) part is off by ~0.5 %, enough to blur the split between
# catholyte and charge-transfer resistance in a fit. 60 points converge it.
DEFAULT_VAR_PTS = {"x_n": 20, "x_s": 20, "x_p": 60, "r_n": 20, "r_p": 20}
CELL_OPTIONS = {
    "solid electrolyte": "capacitive",
    "interphases": "none",
    "contact loss": "none",
    "surface form": "differential",
}


class ImpedanceInputError(ParameterError):
    """Bad argument to an impedance function (the CLI reports it as an input error)."""


# --- spectra ------------------------------------------------------------------------------


@dataclass
class Spectrum:
    """Impedance Z = z_real + i z_imag [Ohm cm2] at each frequency (z_imag < 0 for arcs)."""

    frequency_Hz: np.ndarray
    z_real_ohm_cm2: np.ndarray
    z_imag_ohm_cm2: np.ndarray
    area_cm2: float = None
    label: str = ""

    @property
    def z(self):
        """Complex impedance per geometric area [Ohm cm2]."""
        return np.asarray(self.z_real_ohm_cm2) + 1j * np.asarray(self.z_imag_ohm_cm2)

    @property
    def z_ohm(self):
        """Complex impedance of the cell / pellet [Ohm] (area-normalised value / area)."""
        if not self.area_cm2:
            raise ValueError("this spectrum has no electrode area, so it has no impedance in Ohm")
        return self.z / self.area_cm2

    def as_json(self):
        """Frequencies [Hz] and impedance [Ohm cm2] as plain lists."""
        return {
            "frequency_Hz": [float(v) for v in self.frequency_Hz],
            "z_real_ohm_cm2": [float(v) for v in self.z_real_ohm_cm2],
            "z_imag_ohm_cm2": [float(v) for v in self.z_imag_ohm_cm2],
        }

    @classmethod
    def from_complex(cls, frequency_Hz, z_ohm_cm2, area_cm2=None, label=""):
        z = np.asarray(z_ohm_cm2, dtype=complex)
        return cls(np.asarray(frequency_Hz, dtype=float), z.real.copy(), z.imag.copy(), area_cm2, label)


def frequencies(fmin=0.01, fmax=1e6, points_per_decade=10):
    """Log-spaced frequencies [Hz] from fmin to fmax (both included), ascending."""
    for name, value in (("fmin", fmin), ("fmax", fmax)):
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise ImpedanceInputError(f"{name} must be a positive frequency in Hz (0 < {name} < inf), got {value}")
    if fmin >= fmax:
        raise ImpedanceInputError(f"fmin must be below fmax (0 < fmin < fmax), got fmin={fmin:g} Hz, fmax={fmax:g} Hz")
    if isinstance(points_per_decade, bool) or not isinstance(points_per_decade, int) or points_per_decade < 1:
        raise ImpedanceInputError(f"points_per_decade must be an integer >= 1, got {points_per_decade}")
    n = max(2, int(round(math.log10(fmax / fmin) * points_per_decade)) + 1)
    return np.logspace(math.log10(fmin), math.log10(fmax), n)


def _check_soc(soc):
    if isinstance(soc, bool) or not isinstance(soc, (int, float)) or not math.isfinite(soc) or not 0 <= soc <= 1:
        raise ImpedanceInputError(f"soc must be between 0 and 1 (0 = discharged, 1 = charged), got {soc}")


def _cell(cell):
    if isinstance(cell, str):
        from .cells import get_cell

        return get_cell(cell)
    return cell


def _parameter_values(cell, temperature_C):
    values = cell.parameter_values.copy()
    if temperature_C is not None:
        check_temperature(temperature_C)
        T = temperature_C + 273.15
        values.update({"Ambient temperature [K]": T, "Initial temperature [K]": T})
    return values


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

    ``cell`` is a registered cell name or a ComposedCell. ``soc`` in [0, 1] places the
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
    cell = _cell(cell)
    values = _parameter_values(cell, temperature_C)
    factors = _region_contact_factors(values)
    contact = "Initial lithium interface contact fraction"
    theta = values[contact]
    values.update({contact: "[input]"})
    sim = pybamm.EISSimulation(MODELS[model](dict(CELL_OPTIONS)), parameter_values=values,
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
    cell = _cell(cell)
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
    cell = _cell(cell)
    e = electrolyte_elements(cell, temperature_C)
    options = {"working electrode": "positive"}
    param = pybamm.LithiumIonParameters(options)
    values = _parameter_values(cell, temperature_C).set_initial_state(
        float(soc), param=param, inplace=False, options=options)

    def evaluate(symbol):
        return float(values.process_symbol(symbol).evaluate())

    T = values["Ambient temperature [K]"]
    c_e = values["Initial concentration in electrolyte [mol.m-3]"]
    RT_F = 8.314462618 * T / 96485.33212
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
    cell = _cell(cell)
    e = electrolyte_elements(cell, temperature_C)
    w = 2 * np.pi * f
    z = (e["R_bulk"] / (1 + 1j * w * e["R_bulk"] * e["C_bulk"])
         + e["R_gb"] / (1 + 1j * w * e["R_gb"] * e["C_gb"])
         + 1 / (1j * w * e["C_blocking"]))
    return Spectrum.from_complex(f, z * 1e4, e["area_m2"] * 1e4, f"{cell.name} electrolyte, blocking electrodes")


# --- equivalent circuits ----------------------------------------------------------------------
# Element kinds and their parameters (each fitted as its logarithm):
#   "RC"  : R, tau = R C               Z = R / (1 + i w tau)
#   "TLM" : R_ion, R_ct, tau = R_ct C  de Levie transmission line (porous electrode):
#           z = R_ct / (1 + i w tau), Z = sqrt(R_ion z) coth(sqrt(R_ion / z))
#   "Wo"  : R_W, tau_W                 finite-space (reflective) Warburg, charge storage:
#           Z = R_W coth(sqrt(i w tau_W)) / sqrt(i w tau_W)
#   "C"   : C                          Z = 1 / (i w C)

CIRCUITS = {
    "blocking": (("bulk", "RC"), ("grain_boundary", "RC"), ("blocking", "C")),
    "cell": (("bulk", "RC"), ("grain_boundary", "RC"), ("interface", "RC"), ("diffusion", "Wo")),
    "cell-2arc": (("bulk", "RC"), ("grain_boundary", "RC"), ("interface_1", "RC"), ("interface_2", "RC"),
                  ("diffusion", "Wo")),
    "cell-tlm": (("bulk", "RC"), ("grain_boundary", "RC"), ("anode_interface", "RC"), ("cathode_interface", "TLM"),
                 ("diffusion", "Wo")),
    "cell-tlm-nogb": (("bulk", "RC"), ("anode_interface", "RC"), ("cathode_interface", "TLM"), ("diffusion", "Wo")),
}
CIRCUIT_HELP = {
    "blocking": "R_b||C_b - R_gb||C_gb - C_dl (electrolyte between blocking electrodes)",
    "cell": "R_b||C_b - R_gb||C_gb - R_int||C_int - Wo",
    "cell-2arc": "R_b||C_b - R_gb||C_gb - R_int1||C_int1 - R_int2||C_int2 - Wo",
    "cell-tlm": "R_b||C_b - R_gb||C_gb - R_ct,Li||C_dl,Li - TLM(R_catholyte; R_ct,cathode||C_dl,cathode) - Wo",
    "cell-tlm-nogb": "R_b||C_b - R_ct,Li||C_dl,Li - TLM(R_catholyte; R_ct,cathode||C_dl,cathode) - Wo "
                     "(electrolyte without grain boundaries)",
}
N_PARAMETERS = {"RC": 2, "TLM": 3, "Wo": 2, "C": 1}
ARCS = ("RC", "TLM")
WEIGHT_FLOOR = 0.01


def _coth(x):
    return 1 / np.tanh(x)


def _element_impedance(kind, p, w):
    if kind == "RC":
        R, tau = p
        return R / (1 + 1j * w * tau)
    if kind == "TLM":
        R_ion, R_ct, tau = p
        z = R_ct / (1 + 1j * w * tau)
        return np.sqrt(R_ion * z) * _coth(np.sqrt(R_ion / z))
    if kind == "Wo":
        R_W, tau = p
        s = np.sqrt(1j * w * tau)
        return R_W * _coth(s) / s
    (C,) = p
    return 1 / (1j * w * C)


def _circuit_impedance(elements, params, f):
    w = 2 * np.pi * np.asarray(f, dtype=float)
    z = np.zeros(w.shape, dtype=complex)
    i = 0
    for _, kind in elements:
        n = N_PARAMETERS[kind]
        z = z + _element_impedance(kind, params[i:i + n], w)
        i += n
    return z


@dataclass
class CircuitFit:
    """Fitted equivalent circuit. ``elements[name]`` holds R, C, characteristic frequency
    f = 1 / (2 pi R C) and, when the spectrum has an area, R and C of the cell in Ohm, F."""

    circuit: str
    elements: dict
    area_cm2: float
    relative_rms: float
    parameters: np.ndarray = field(repr=False)
    frequency_range_Hz: tuple = ()

    def resistance(self, name, unit="ohm_cm2"):
        return self.elements[name][f"R_{unit}"]

    @property
    def interface_names(self):
        return [n for n in self.elements if "interface" in n]

    def interface_resistance(self, unit="ohm_cm2"):
        """Sum of the charge-transfer resistances of all interface elements."""
        return sum(self.resistance(n, unit) for n in self.interface_names)

    def impedance(self, frequency_Hz):
        """Impedance of the fitted circuit [Ohm cm2]."""
        return _circuit_impedance(CIRCUITS[self.circuit], self.parameters, frequency_Hz)

    def element_impedance(self, name, frequency_Hz):
        i = 0
        for element, kind in CIRCUITS[self.circuit]:
            n = N_PARAMETERS[kind]
            if element == name:
                return _element_impedance(kind, self.parameters[i:i + n], 2 * np.pi * np.asarray(frequency_Hz))
            i += n
        raise KeyError(name)

    def as_json(self):
        return {
            "circuit": self.circuit,
            "description": CIRCUIT_HELP[self.circuit],
            "relative_rms": self.relative_rms,
            "area_cm2": self.area_cm2,
            "elements": self.elements,
        }


def _apexes(f, z, n_arcs):
    """(R, tau) guesses of ``n_arcs`` arcs, highest frequency first, read off the spectrum:
    apexes are maxima of -Z'' over log f; each arc spans the real axis between the valleys
    of -Z'' on either side. An arc missing at the high-frequency end (apex above fmax)
    gets the high-frequency intercept as R; further missing arcs are taken to be merged
    into the slowest (interface) arc, which is split in two."""
    order = np.argsort(f)[::-1]
    f, z = f[order], z[order]
    y = -z.imag
    span = max(np.ptp(z.real), np.max(np.abs(z)) * 1e-6)
    found, props = find_peaks(y, prominence=0.005 * span)
    prominence = dict(zip(found, props["prominences"]))
    peaks = [p for p in found if y[p] > 0]
    if len(peaks) > n_arcs:
        peaks = sorted(sorted(peaks, key=lambda p: -prominence[p])[:n_arcs])
    guesses = []
    # valleys: high-frequency end, minima between peaks, minimum after the last peak
    bounds = [0]
    for a, b in zip(peaks[:-1], peaks[1:]):
        bounds.append(a + int(np.argmin(y[a:b + 1])))
    if peaks:
        bounds.append(peaks[-1] + int(np.argmin(y[peaks[-1]:])))
    for k, p in enumerate(peaks):
        R = z.real[bounds[k + 1]] - z.real[bounds[k]]
        R = max(R, 2 * y[p], 1e-3 * span)
        guesses.append((R, 1 / (2 * np.pi * f[p])))
    hf = z.real[0]
    if len(guesses) < n_arcs and hf > 0.02 * span:
        guesses.insert(0, (hf, 1 / (2 * np.pi * 10 * f[0])))
    if not guesses:
        guesses.append((max(hf, 1e-3 * span), 1 / (2 * np.pi * np.sqrt(f[0] * f[-1]))))
    while len(guesses) < n_arcs:  # merged interface arcs: split the slowest arc
        R, tau = guesses.pop()
        guesses += [(R / 2, tau / 3), (R / 2, tau * 3)]
    low_valley = bounds[-1] if peaks else len(f) - 1
    return guesses, f, z, low_valley


def _initial_guess(elements, f, z):
    kinds = [kind for _, kind in elements]
    n_arcs = sum(kind in ARCS for kind in kinds)
    arcs, f_desc, z_desc, low_valley = _apexes(np.asarray(f), np.asarray(z), n_arcs)
    span = max(np.ptp(z.real), np.max(np.abs(z)) * 1e-6)
    w_min = 2 * np.pi * f_desc[-1]
    C_low = -1 / (w_min * z_desc.imag[-1]) if z_desc.imag[-1] < 0 else 1 / (w_min * span)
    params = []
    arcs = iter(arcs)
    for kind in kinds:
        if kind == "RC":
            params += list(next(arcs))
        elif kind == "TLM":
            R, tau = next(arcs)
            params += [0.2 * R, R, tau]
        elif kind == "Wo":
            R_W = max(3 * (z_desc.real[-1] - z_desc.real[low_valley]), 0.01 * span)
            params += [R_W, R_W * C_low]
        else:
            params += [C_low]
    return np.array(params, dtype=float)


def _scatter_starts(x0, elements):
    """The main start and a few variants: arc time constants spread apart / pulled
    together, and for a transmission line a smaller and a larger ionic resistance."""
    starts = [x0]
    for factor in (3.0, 1 / 3.0):
        x = x0.copy()
        i, k = 0, 0
        for _, kind in elements:
            if kind in ARCS:
                j = i + N_PARAMETERS[kind] - 1  # tau is the last parameter of arcs
                x[j] = x[j] * factor ** (1 if k % 2 else -1)
                k += 1
            i += N_PARAMETERS[kind]
        starts.append(x)
    i = 0
    for _, kind in elements:
        if kind == "TLM":
            for factor in (0.25, 4.0):
                x = x0.copy()
                x[i] *= factor
                starts.append(x)
        i += N_PARAMETERS[kind]
    return starts


def _sort_arcs(elements, params):
    """Name the plain R||C arcs in order of time constant (fastest = bulk), so that a fit
    cannot return the arcs swapped."""
    slots, values = [], []
    i = 0
    for _, kind in elements:
        if kind == "RC":
            slots.append(i)
            values.append(params[i:i + 2].copy())
        i += N_PARAMETERS[kind]
    values.sort(key=lambda v: v[1])
    params = params.copy()
    for i, v in zip(slots, values):
        params[i:i + 2] = v
    return params


def fit_equivalent_circuit(spectrum, circuit="cell-tlm", fmin=None, fmax=None):
    """Fit ``circuit`` (a key of CIRCUITS) to ``spectrum``, optionally only fmin..fmax.

    Complex residuals (Z_fit - Z) / |Z| are minimised over log-parameters by
    ``scipy.optimize.least_squares`` (|Z| floored at 1 % of the largest real part, so
    that the few-Ohm impedance of a spectrum's GHz end does not dominate); starts come
    from the arc apexes of the spectrum, plus a few spread variants, best one kept.
    Returns a CircuitFit with R [Ohm cm2, Ohm], C [F cm-2, F] and f = 1/(2 pi R C) [Hz]
    of every element, arcs named from high to low characteristic frequency.
    """
    if circuit not in CIRCUITS:
        raise ImpedanceInputError(f"circuit must be one of {sorted(CIRCUITS)}, got '{circuit}'")
    elements = CIRCUITS[circuit]
    f = np.asarray(spectrum.frequency_Hz, dtype=float)
    z = spectrum.z
    if np.any(f <= 0):
        raise ImpedanceInputError("spectrum frequencies must be positive (f > 0 Hz)")
    keep = np.isfinite(f) & np.isfinite(z.real) & np.isfinite(z.imag)
    if fmin is not None:
        keep &= f >= fmin
    if fmax is not None:
        keep &= f <= fmax
    f, z = f[keep], z[keep]
    n_parameters = sum(N_PARAMETERS[kind] for _, kind in elements)
    if len(f) < n_parameters:
        raise ImpedanceInputError(f"circuit '{circuit}' has {n_parameters} parameters but the spectrum only {len(f)} points")
    weight = 1 / np.maximum(np.abs(z), WEIGHT_FLOOR * np.abs(z.real).max())

    def residuals(log_p):
        r = (_circuit_impedance(elements, np.exp(log_p), f) - z) * weight
        return np.concatenate((r.real, r.imag))

    x0 = _initial_guess(elements, f, z)
    span = max(np.ptp(z.real), np.max(np.abs(z)) * 1e-6)
    scale = np.log(span)
    lower = np.full(n_parameters, scale - np.log(1e9))
    upper = np.full(n_parameters, scale + np.log(1e6))
    i = 0
    for _, kind in elements:  # time constants and capacitances: wide absolute bounds
        n = N_PARAMETERS[kind]
        if kind in ("RC", "TLM", "Wo"):
            lower[i + n - 1], upper[i + n - 1] = np.log(1e-3 / (2 * np.pi * f.max())), np.log(1e6 / (2 * np.pi * f.min()))
        elif kind == "C":
            lower[i], upper[i] = np.log(1e-6 / (2 * np.pi * f.max() * span)), np.log(1e6 / (2 * np.pi * f.min() * span))
        i += n
    best = None
    for start in _scatter_starts(x0, elements):
        x = np.clip(np.log(start), lower + 1e-9, upper - 1e-9)
        result = least_squares(residuals, x, bounds=(lower, upper), x_scale=1.0, xtol=1e-12, ftol=1e-12, max_nfev=2000)
        if best is None or result.cost < best.cost:
            best = result
    params = _sort_arcs(elements, np.exp(best.x))
    rms = float(np.sqrt(np.mean(np.abs((_circuit_impedance(elements, params, f) - z) * weight) ** 2)))
    return CircuitFit(circuit, _describe(elements, params, spectrum.area_cm2, f), spectrum.area_cm2, rms, params,
                      (float(f.min()), float(f.max())))


def _describe(elements, params, area_cm2, f):
    out = {}
    i = 0
    for name, kind in elements:
        p = params[i:i + N_PARAMETERS[kind]]
        i += N_PARAMETERS[kind]
        if kind == "RC":
            R, tau = p
            entry = {"R_ohm_cm2": R, "C_F_cm2": tau / R, "f_Hz": 1 / (2 * np.pi * tau)}
        elif kind == "TLM":
            R_ion, R, tau = p
            entry = {"R_ohm_cm2": R, "C_F_cm2": tau / R, "f_Hz": 1 / (2 * np.pi * tau)}
        elif kind == "Wo":
            R, tau = p
            entry = {"R_ohm_cm2": R, "tau_s": tau, "C_F_cm2": tau / R, "f_Hz": 1 / (2 * np.pi * tau)}
        else:
            entry = {"C_F_cm2": p[0]}
        entry = {"kind": kind, **{k: float(v) for k, v in entry.items()}}
        if area_cm2:
            for key in list(entry):
                if key.endswith("_ohm_cm2"):
                    entry[key.replace("_ohm_cm2", "_ohm")] = entry[key] / area_cm2
                elif key == "C_F_cm2":
                    entry["C_F"] = entry[key] * area_cm2
        if "f_Hz" in entry:
            entry["resolved"] = bool(f.min() <= entry["f_Hz"] <= f.max())
        out[name] = entry
        if kind == "TLM":  # the line's ionic path (catholyte) as an element of its own
            out["catholyte"] = {"kind": "TLM ionic path", "R_ohm_cm2": float(R_ion)}
            if area_cm2:
                out["catholyte"]["R_ohm"] = float(R_ion) / area_cm2
    return out


def apex_frequencies(spectrum):
    """Frequencies [Hz] of the local maxima of -Z'' (arc apexes), highest first, refined
    by a parabola through the three points around each maximum (in log f)."""
    f = np.asarray(spectrum.frequency_Hz, dtype=float)
    order = np.argsort(f)[::-1]
    log_f = np.log10(f[order])
    y = -spectrum.z.imag[order]
    peaks, _ = find_peaks(y)
    apexes = []
    for p in peaks:
        if y[p] <= 0:
            continue
        (x0, x1, x2), (y0, y1, y2) = log_f[p - 1:p + 2], y[p - 1:p + 2]
        denom = (x0 - x1) * (x0 - x2) * (x1 - x2)
        a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom
        b = (x2**2 * (y0 - y1) + x1**2 * (y2 - y0) + x0**2 * (y1 - y2)) / denom
        apexes.append(float(10 ** (-b / (2 * a))) if a < 0 else float(10 ** x1))
    return apexes


# --- report (CLI) ------------------------------------------------------------------------------


def eis_report(cell, soc=0.5, fmin=0.01, fmax=1e6, points_per_decade=10, temperature_C=None, circuit=None):
    """Simulated spectrum of ``cell``, its circuit fit and the elements the parameters
    imply, as one JSON-ready dict (impedances in Ohm cm2; R also in Ohm). ``circuit``
    None: "cell-tlm", or "cell-tlm-nogb" when the electrolyte has no grain-boundary
    resistance."""
    cell_circuits = sorted(set(CIRCUITS) - {"blocking"})
    if circuit is not None and circuit not in cell_circuits:
        raise ImpedanceInputError(f"circuit must be one of {cell_circuits}, got '{circuit}'")
    cell = _cell(cell)
    spectrum = cell_impedance(cell, soc, fmin, fmax, points_per_decade, temperature_C)
    expected = model_elements(cell, soc, temperature_C)
    if circuit is None:
        circuit = "cell-tlm" if expected["grain_boundary"]["R_ohm"] > 0 else "cell-tlm-nogb"
    fit = fit_equivalent_circuit(spectrum, circuit)
    values = _parameter_values(cell, temperature_C)
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
    return report, spectrum, fit


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
