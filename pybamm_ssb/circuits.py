"""Equivalent circuits, and their fit to an impedance spectrum.

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

``apex_frequencies``
    The arc apexes of a spectrum, read off it directly with no circuit involved.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import find_peaks

from .spectra import ImpedanceInputError

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
