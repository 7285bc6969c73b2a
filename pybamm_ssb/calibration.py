"""Calibrations declared as data, rerun by ``pybamm-ssb calibrate``, and their held-out errors.

A calibration names its targets (ids of ``reproduce.TARGETS``) and the parameters it fits: each a
named mechanism with a range and its literature basis, and the cells whose component files hold the
one value (every target on a cell that reads one of those files sees it). It is fitted by
``fitting.fit_fade`` over all its targets at once: the k-th target is the k-th point of the fitted
data (relative error), simulated by ``reproduce.simulate_targets``. A calibration with as many
targets as parameters matches them exactly; its standard errors are then those of an uncertainty of
EXACT_NOISE in each measured value, otherwise they come from the residuals. The fitted values are
written back into the parameter files (``value``, ``source``, ``stderr``, ``targets``; kind "fitted").

The held-out error of a fitted target is the error on it of the calibration refitted without it.
Where the remaining targets cannot fix every parameter (fewer targets than parameters, or a
parameter no remaining target sees) there is none, and the store says why. Leaving the target's
whole cell out removes the target and more, so it determines a fit only where leaving the target
out does; it is not tried. The results are kept in ``parameter_sets/calibration/held_out.toml``.
"""

import json
import math
import time
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from .errors import PybammSsbError, did_you_mean
from .fade import FITTABLE, FadeCurve, FadeSimulator, FitParameter
from .fade_data import FadeData
from .fitting import fit_fade
from .provenance import ParameterFileError, check_value, load_component
from .registry import cell_names, load_cell_components
from .reproduce import TARGETS, simulate_targets

EXACT_NOISE = 0.01  # assumed 1-sigma relative uncertainty of a measured value (a printed number or a figure's reading)
AT_BOUND = 0.02  # a value this close to a bound (fraction of its fitted scale) was stopped there, not found
QUANTITIES = {**FITTABLE, "cathode_particle_radius": ("particle_radius_um", "um")}  # short name -> (quantity, unit)


class CalibrationError(PybammSsbError, ValueError):
    """A calibration that cannot be found, run or written."""


@dataclass(frozen=True)
class Parameter:
    name: str  # a short name of QUANTITIES
    cells: tuple  # the cells whose component files hold the value
    range: tuple  # (low, high) in the quantity's unit
    mechanism: str  # the physical mechanism the value belongs to
    basis: str  # literature basis of the mechanism and its range
    tag: str = ""  # tells apart two values of one quantity in a calibration

    @property
    def label(self):
        return f"{self.name}[{self.tag}]" if self.tag else self.name

    @property
    def quantity(self):
        return QUANTITIES[self.name][0]

    @property
    def unit(self):
        return QUANTITIES[self.name][1]


@dataclass(frozen=True)
class Calibration:
    name: str  # starts with its document's number
    targets: tuple  # target ids
    parameters: tuple


LATP_INTERPHASE = ("linear growth of the mixed-conducting interphase where lithium reduces the Ti4+ of LATP, which raises "
                   "the Li interface's resistance")
HARTMANN = "Hartmann et al., J. Phys. Chem. C 117 (2013) 21064: LATP decomposes in contact with lithium metal"
CONTACT_LOSS = ("cathode-electrolyte contact lost each cycle in proportion to the active material's volume change; one value "
                "for NCM811 and LFP (same LATP catholyte and process), whose volume changes set their different fade")
KOERVER = "Koerver et al., Chem. Mater. 29 (2017) 5574: contact loss and interphase growth at NCM811 in a solid electrolyte"
ACTIVE = ("electrochemically active fraction of the composite cathode: particles cut off from its ionic or electronic "
          "network take no part")
STRAUSS = "Strauss et al., ACS Energy Lett. 3 (2018) 992: part of the cathode is not utilised in bulk solid-state cells"
DIFFUSION_LENGTH = ("effective solid-diffusion length of LFP; with the apparent diffusivity of the file it is an agglomerate's, "
                    "not the primary particle's size")
SRINIVASAN = "Srinivasan and Newman, J. Electrochem. Soc. 151 (2004) A1517: solid-state transport limits LFP at rate"
CEI = ("parabolic growth of the cathode-electrolyte interphase where the argyrodite oxidises at the cathode; the constant "
       "at the 2.5 V onset, at 4.3 V exp(alpha F 1.8 V / RT) = 1.6e15 times larger")
NUHS = ("Cui2025_LFP_NUHS_TPW", "Cui2025_NCM811_NUHS_TPW")
RATE_TEST_J = tuple(f"002-j-{rate:g}C" for rate in (0.1, 0.2, 0.5, 1.0, 2.0))


def _interphase_002(variant, cell):
    return Calibration(f"002-interphase-{variant}", (f"002-{variant}-r200",), (
        Parameter("anode_interphase_rate", (cell,), (1e-4, 1e4),
                  "linear growth of the interphase between lithium and the membrane, seen as the rise of the interfacial "
                  "resistance", HARTMANN + " (the membranes' LATP filler)"),))


CALIBRATIONS = (
    Calibration("000-ncm811-cathode", ("000-ncm-nuhs-c1", "000-ncm-nuhs-80C"), (
        Parameter("cathode_active_fraction", ("Cui2025_NCM811_NUHS_TPW",), (0.5, 1.0),
                  ACTIVE + "; the capacity hardly changes from 25 to 80 C, so the usable fraction, not transport, sets it",
                  STRAUSS),)),
    Calibration("000-lfp-cathode", ("000-lfp-nuhs-c1",), (
        Parameter("cathode_particle_radius", ("Cui2025_LFP_NUHS_TPW",), (0.05, 50.0), DIFFUSION_LENGTH, SRINIVASAN),)),
    Calibration("000-nuhs-fade", ("000-lfp-nuhs-c100", "000-ncm-nuhs-c100"), (
        Parameter("anode_interphase_rate", NUHS, (1e-4, 1e4), LATP_INTERPHASE, HARTMANN),
        Parameter("cathode_contact_loss", NUHS, (1e-3, 1e3), CONTACT_LOSS, KOERVER))),
    Calibration("000-cps-fade", ("000-lfp-chst-c100", "000-lfp-cuhs-c1", "000-lfp-cuhs-c100"), (
        Parameter("lithium_interface_spread", ("Cui2025_LFP_CHST_CPS", "Cui2025_LFP_CUHS_CPS"), (1e-4, 0.02),
                  "spread of the lithium contact of a pressed cell over its area, sigma = kappa R_q, growing with the "
                  "electrolyte's roughness R_q (000 Cui 2025, Sec. 1 and Fig. 5g: uneven current and deposits in pressed cells); "
                  "the range keeps sigma within the validated 0-3 up to R_q = 137.2 nm (CUHS)",
                  "Krauskopf et al., ACS Appl. Mater. Interfaces 11 (2019) 14463: contact and pores at lithium | solid electrolyte"),
        Parameter("anode_interphase_rate", ("Cui2025_LFP_CHST_CPS",), (1e-4, 1e4), LATP_INTERPHASE, HARTMANN, "CHST"),
        Parameter("anode_interphase_rate", ("Cui2025_LFP_CUHS_CPS",), (1e-4, 1e4), LATP_INTERPHASE, HARTMANN, "CUHS"))),
    Calibration("000-ncm811-h2-h3", ("000-ncm-chst-c100",), (
        Parameter("cathode_h2_h3_contact_loss", ("Cui2025_NCM811_CHST_CPS", "Cui2025_NCM811_CUHS_CPS"), (0.01, 100.0),
                  "contact lost per unit of NCM811's volume collapse past the H2 -> H3 onset at a pressed cathode|electrolyte "
                  "interface (000 Cui 2025, Sec. 3, Fig. 5e: gaps there before welding); one value for the pressed cells, "
                  "000-ncm-cuhs-c100 is left as its check",
                  "Koerver et al., Chem. Mater. 29 (2017) 5574: NCM811 contraction detaches it from a solid electrolyte; "
                  "Kondrakov et al., J. Phys. Chem. C 121 (2017) 3286: 5.1 % collapse up to 4.3 V"),)),
    Calibration("002-lfp-cathode", RATE_TEST_J, (
        Parameter("cathode_particle_radius", ("Yang2026_LFP_PGPE_PLATP10J",), (0.05, 50.0), DIFFUSION_LENGTH, SRINIVASAN),
        Parameter("cathode_active_fraction", ("Yang2026_LFP_PGPE_PLATP10J",), (0.5, 1.0),
                  ACTIVE + "; it sets the low-rate capacity", STRAUSS))),
    _interphase_002("j", "Yang2026_LFP_PGPE_PLATP10J"),
    _interphase_002("pgpe", "Yang2026_LFP_PGPE_PLATP10"),
    _interphase_002("p", "Yang2026_LFP_PLATP10"),
    Calibration("003-liu", ("003-sb-c1", "003-sb-c60", "003-lpscl-c60"), (
        Parameter("cathode_active_fraction", ("Dandena2025_NCM_LNO_LPSSbCl",), (0.3, 1.0), ACTIVE, STRAUSS),
        Parameter("cathode_interphase_parabolic", ("Dandena2025_NCM_LNO_LPSSbCl",), (1e-16, 1.0), CEI, KOERVER, "Sb"),
        Parameter("cathode_interphase_parabolic", ("Dandena2025_NCM_LNO_LPSCl",), (1e-16, 1.0), CEI, KOERVER, "LPSCl"))),
    Calibration("003-gradient", ("003-gradient-c1", "003-gradient-c250"), (
        Parameter("cathode_active_fraction", ("Dandena2025_NCM811_gradient_LPSCl",), (0.3, 1.0), ACTIVE, STRAUSS),
        Parameter("cathode_interphase_parabolic", ("Dandena2025_NCM811_gradient_LPSCl",), (1e-16, 1.0), CEI, KOERVER))),
)


def select_calibrations(name, calibrations=CALIBRATIONS):
    """The calibrations of a document ("000"), of one name ("000-nuhs-fade"), or that fit or aim at a cell."""
    chosen = [c for c in calibrations if name in (c.name, c.name.split("-")[0])]
    chosen = chosen or [c for c in calibrations if any(name in p.cells for p in c.parameters)
                        or any(t.cell == name for t in _targets(c))]
    if not chosen:
        known = sorted({c.name.split("-")[0] for c in calibrations} | {c.name for c in calibrations})
        hint = did_you_mean(name, [*known, *cell_names()])
        raise CalibrationError(f"no calibration for '{name}'{hint}; give a document ({', '.join(k for k in known if '-' not in k)}), "
                               f"a calibration ({', '.join(c.name for c in calibrations)}) or a calibrated cell")
    return tuple(chosen)


def _targets(calibration, catalogue=TARGETS):
    by_id = {t.id: t for t in catalogue}
    unknown = [id for id in calibration.targets if id not in by_id]
    if unknown:
        raise CalibrationError(f"calibration {calibration.name}: unknown target '{unknown[0]}'{did_you_mean(unknown[0], by_id)}")
    return [by_id[id] for id in calibration.targets]


def _file(cell, quantity):
    """(folder, file) of the component ``cell`` reads ``quantity`` from (the first that has it), None if none."""
    return next(((c.folder, c.file) for c in load_cell_components(cell) if c.get(quantity) is not None), None)


def holders(parameter):
    """The component files (folder, file) that hold the parameter's one value, in the cells' order."""
    files = {cell: _file(cell, parameter.quantity) for cell in parameter.cells}
    missing = [cell for cell, file in files.items() if file is None]
    if missing:
        raise CalibrationError(f"{parameter.label}: no component file of {missing[0]} holds '{parameter.quantity}'")
    return list(dict.fromkeys(files.values()))


def fit_spec(parameter, start=None):
    """The FitParameter of a calibration parameter: its declared range (inside every holder file's),
    starting from the files' value (``start`` if given)."""
    low, high = parameter.range
    quantities = []
    for folder, file in holders(parameter):
        q = load_component(folder, file).get(parameter.quantity)
        if q.range is None or not q.range[0] <= low < high <= q.range[1]:
            raise CalibrationError(f"{parameter.label}: range {low:g}-{high:g} {parameter.unit} is not inside the range "
                                   f"{q.range} of {folder}/{file}.toml")
        quantities.append(q)
    value = quantities[0].value if start is None else start
    return FitParameter(parameter.label, parameter.quantity, min(max(value, low), high), low, high,
                        log=low > 0 and high / low > 100, unit=parameter.unit)


SHORT = {quantity: short for short, (quantity, _) in FITTABLE.items()}


class TargetSimulator:
    """``fit_fade``'s simulator over a calibration's targets: the k-th target is the k-th point ("cycle" k)
    of the returned FadeCurve. Each value applies to every target cell that reads it from one of its
    parameter's files; ``carried`` ((folder, file, quantity) -> value) holds earlier calibrations' values."""

    def __init__(self, targets, parameters, carried=None):
        self.targets, self.parameters, self.carried = list(targets), list(parameters), dict(carried or {})
        self.files = {p.label: holders(p) for p in self.parameters}
        quantities = {p.quantity for p in self.parameters} | {q for _, _, q in self.carried}
        self.read_from = {t.cell: {q: _file(t.cell, q) for q in quantities} for t in self.targets}
        self.fade = FadeSimulator({p.name for p in self.parameters if p.name in FITTABLE})

    def cell_values(self, values):
        """Per target cell, the values it runs with (short names of fade.FITTABLE, else quantities)."""
        by_cell = {}
        for cell, read_from in self.read_from.items():
            own = by_cell[cell] = {}
            for (folder, file, quantity), value in self.carried.items():
                if read_from[quantity] == (folder, file):
                    own[SHORT.get(quantity, quantity)] = value
            for p in self.parameters:
                if p.label in values and read_from[p.quantity] in self.files[p.label]:
                    own[SHORT.get(p.quantity, p.quantity)] = values[p.label]
        return by_cell

    def __call__(self, label, cycles, values, **_):
        simulated = simulate_targets(self.targets, self.cell_values(values), self.fade)[0]
        points = np.array([simulated[t.id] for t in self.targets])
        return FadeCurve(np.arange(1, len(points) + 1), points, np.full(len(points), np.nan))


@dataclass
class Fitted:
    calibration: str
    values: dict  # parameter label -> {"value", "stderr", "unit", "range", "previous"}
    errors: dict  # target id -> relative error at the fitted values
    seconds: float
    evaluations: int
    warnings: list
    exact: bool  # as many targets as parameters: stderr from EXACT_NOISE


def fit_calibration(calibration, catalogue=TARGETS, leave_out=(), carried=None, progress=None, max_evaluations=None):
    """Fit a calibration's parameters to its targets (those in ``leave_out`` left out), starting from the
    files' values (or ``carried`` ones: (folder, file, quantity) -> value)."""
    targets = [t for t in _targets(calibration, catalogue) if t.id not in leave_out]
    missing = _undetermined(calibration, targets)
    if missing:
        raise CalibrationError(f"{calibration.name}: {missing}")
    carried = carried or {}
    starts = {p.label: next((carried[(*file, p.quantity)] for file in holders(p) if (*file, p.quantity) in carried), None)
              for p in calibration.parameters}
    specs = {p.label: fit_spec(p, starts[p.label]) for p in calibration.parameters}
    exact = len(targets) == len(specs)
    data = FadeData(np.arange(1, len(targets) + 1), np.array([t.measured for t in targets]), None, None, None,
                    f"targets {', '.join(t.id for t in targets)}")
    result = fit_fade(calibration.name, data, list(specs), simulator=TargetSimulator(targets, calibration.parameters, carried),
                      specs=specs, progress=progress, relative_noise=EXACT_NOISE if exact else None,
                      max_evaluations=max_evaluations)
    values = {label: {**fitted, "unit": specs[label].unit, "range": [specs[label].low, specs[label].high],
                      "previous": specs[label].value} for label, fitted in result.parameters.items()}
    errors = {t.id: row["fitted"] / row["measured"] - 1 for t, row in zip(targets, result.residuals)}
    return Fitted(calibration.name, values, errors, result.seconds, result.n_evaluations, result.warnings, exact)


def _undetermined(calibration, targets):
    """Why ``targets`` cannot fix the calibration's parameters ("" if they can)."""
    blind = [p.label for p in calibration.parameters if not any(_file(t.cell, p.quantity) in holders(p) for t in targets)]
    if len(targets) < len(calibration.parameters) or blind:
        names = ", ".join(p.label for p in calibration.parameters)
        return (f"{len(calibration.parameters)} parameters ({names}) on {len(targets)} target(s)"
                + (f"; no target sees {', '.join(blind)}" if blind else ""))
    return ""


def held_out(calibration, catalogue=TARGETS, carried=None, progress=None, max_evaluations=None):
    """Target id -> the held-out result of each target of a calibration: {"calibration", "note", and where
    the fit without the target is determined "error", "values", "seconds"}."""
    targets = _targets(calibration, catalogue)
    results = {}
    for target in targets:
        rest = [t for t in targets if t is not target]
        why = _undetermined(calibration, rest)
        entry = {"calibration": calibration.name}
        if why:
            entry["note"] = f"underdetermined: without it, {why}"
        else:
            fitted = fit_calibration(calibration, catalogue, (target.id,), carried, progress, max_evaluations)
            values = {label: v["value"] for label, v in fitted.values.items()}
            simulator = TargetSimulator([target], calibration.parameters, carried)
            error = simulate_targets([target], simulator.cell_values(values), simulator.fade)[0][target.id] / target.measured - 1
            entry.update(note=f"target left out: fitted on the other {len(rest)} target(s)", error=float(error), values=values,
                         seconds=round(fitted.seconds, 1))
        results[target.id] = entry
    return results


def _scale(value, low, high):
    log = low > 0 and high / low > 100
    return (math.log10(value / low) / math.log10(high / low)) if log else (value - low) / (high - low)


def check_fitted(label, value, stderr, low, high):
    """A fitted value to write: finite, inside [low, high] and not stopped at a bound (AT_BOUND)."""
    if not (math.isfinite(value) and math.isfinite(stderr)):
        raise CalibrationError(f"{label} = {value:g} +- {stderr:g}: the targets do not determine it; not written")
    if not low <= value <= high:
        raise CalibrationError(f"{label} = {value:g} lies outside its range [{low:g}, {high:g}]; not written")
    if not AT_BOUND <= _scale(value, low, high) <= 1 - AT_BOUND:
        raise CalibrationError(f"{label} = {value:g} sits at a bound of its range [{low:g}, {high:g}]: the fit stopped there; "
                               "not written")


def _toml(value):
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else ("nan" if math.isnan(value) else "inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _key(key):
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def write_fitted(path, quantity, value, stderr, source, targets):
    """Set ``[quantities.<quantity>]`` of a parameter file to a fitted value: its ``value``, kind "fitted",
    ``source``, ``stderr`` and ``targets``, the rest of the file as it was. The value must lie in the
    quantity's range (``check_fitted``)."""
    path = Path(path)
    entry = tomllib.loads(path.read_text()).get("quantities", {}).get(quantity)
    if entry is None or "range" not in entry:
        raise CalibrationError(f"{path} has no quantity '{quantity}' with a range to fit within")
    value = float(f"{value:.4g}")
    check_fitted(f"{path.name}: {quantity}", value, stderr, *entry["range"])
    check_value(str(path), quantity, value)
    lines = path.read_text().splitlines()
    start = lines.index(f"[quantities.{quantity}]") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("[")), len(lines))
    while end > start and not lines[end - 1].strip():
        end -= 1
    new = {"value": value, "kind": "fitted", "source": source, "stderr": float(stderr), "targets": list(targets)}
    block = [line for line in lines[start:end] if line.split("=")[0].strip() not in new]
    keyed = [f"{key} = {_toml(v)}" for key, v in new.items()]
    lines[start:end] = keyed[:3] + block + keyed[3:]
    path.write_text("\n".join(lines) + "\n")
    try:
        tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:  # the file's own text is kept: a broken write is a bug here
        raise ParameterFileError(f"{path}: writing {quantity} broke the file: {error}") from None


def source_text(calibration, parameter, fitted, catalogue=TARGETS):
    """The ``source`` of a written value: mechanism, range and basis, the targets and the stderr's basis."""
    low, high = parameter.range
    others = [p.label for p in calibration.parameters if p is not parameter]
    targets = "; ".join(f"{t.id}, {t.measured:g} {t.unit} ({t.condition}; {t.source})" for t in _targets(calibration, catalogue))
    stderr = ("for a 1-sigma uncertainty of " f"{EXACT_NOISE:.0%} in each measured value (as many targets as parameters)"
              if fitted.exact else "from the residuals")
    unit = "" if parameter.unit == "-" else f" {parameter.unit}"
    return (f"{parameter.mechanism[0].upper()}{parameter.mechanism[1:]} ({parameter.basis}); range {low:g}-{high:g}{unit}. "
            f"Fitted by `pybamm-ssb calibrate {calibration.name}`" + (f" jointly with {', '.join(others)}" if others else "")
            + f" to {targets}; stderr {stderr}")


def parameter_file(folder, file):
    """The path of a registered parameter file."""
    return Path(str(resources.files("pybamm_ssb.parameter_sets") / folder / f"{file}.toml"))


def write_back(calibration, fitted, catalogue=TARGETS):
    """Write each fitted value into every file that holds it; returns the files written."""
    from .registry import _registered_cell

    for parameter in calibration.parameters:
        v = fitted.values[parameter.label]
        check_fitted(parameter.label, v["value"], v["stderr"], *parameter.range)
    written = []
    for parameter in calibration.parameters:
        v = fitted.values[parameter.label]
        for folder, file in holders(parameter):
            path = parameter_file(folder, file)
            write_fitted(path, parameter.quantity, v["value"], v["stderr"], source_text(calibration, parameter, fitted, catalogue),
                         calibration.targets)
            written.append(f"{folder}/{file}.toml")
    _registered_cell.cache_clear()  # cells composed before read the old values
    return written


HELD_OUT = ("calibration", "held_out.toml")
HELD_OUT_HEADER = """\
# Held-out errors of the calibrations (`pybamm-ssb calibrate DOCUMENT --held-out`; pybamm_ssb.calibration).
# Per fitted target: the calibration it belongs to; "error", the relative error on it of that calibration
# refitted without it (simulated / measured - 1), with the values that fit gave and its wall time [s]; or,
# in "note", why there is none. `pybamm-ssb reproduce` shows these errors next to the fitted ones.
"""


def held_out_path():
    return Path(str(resources.files("pybamm_ssb.parameter_sets").joinpath(*HELD_OUT)))


def read_held_out(path=None):
    """Target id -> stored held-out result ({} without a store)."""
    path = held_out_path() if path is None else Path(path)
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        return tomllib.load(f)


def write_held_out(results, path=None):
    """Merge ``results`` (target id -> held-out result) into the store, in TARGETS' order."""
    path = held_out_path() if path is None else Path(path)
    stored = read_held_out(path) | results
    order = {t.id: i for i, t in enumerate(TARGETS)}
    lines = [HELD_OUT_HEADER]
    for id in sorted(stored, key=lambda id: (order.get(id, len(order)), id)):
        lines.append(f"[{json.dumps(id)}]")
        lines += [f"{_key(k)} = {_toml(v)}" for k, v in stored[id].items()]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


def calibrate(name, held_out_errors=False, dry_run=False, progress=None, catalogue=TARGETS, calibrations=CALIBRATIONS):
    """Run the calibrations ``name`` selects (``select_calibrations``) in their declared order, each
    starting from the values the earlier ones gave; write the values back (not with ``dry_run``) and,
    with ``held_out_errors``, the held-out errors. Returns one JSON-ready dict per calibration."""
    carried, reports = {}, []
    for calibration in select_calibrations(name, calibrations):
        started, before = time.perf_counter(), dict(carried)
        fitted = fit_calibration(calibration, catalogue, carried=carried, progress=progress)
        for parameter in calibration.parameters:
            for folder, file in holders(parameter):
                carried[folder, file, parameter.quantity] = fitted.values[parameter.label]["value"]
        written = [] if dry_run else write_back(calibration, fitted, catalogue)
        report = {"calibration": calibration.name, "parameters": fitted.values, "fitted_errors": fitted.errors,
                  "exact": fitted.exact, "evaluations": fitted.evaluations, "fit_seconds": round(fitted.seconds, 1),
                  "warnings": fitted.warnings, "written": written}
        if held_out_errors:
            results = held_out(calibration, catalogue, before, progress)
            for id, entry in results.items():
                entry["fitted_error"] = fitted.errors[id]
            if not dry_run:
                write_held_out(results)
            report["held_out"] = results
        report["seconds"] = round(time.perf_counter() - started, 1)
        reports.append(report)
    return reports
