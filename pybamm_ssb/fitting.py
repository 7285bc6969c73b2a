"""Fit degradation parameters of a cell to measured capacity fade (and interface resistance).

The residuals are relative to the measured values at the measured cycles,

    r_k = (Q_sim(n_k) - Q_meas(n_k)) / Q_meas(n_k)   [and the same for R_int where measured],

minimised by trust-region reflective least squares within the parameters' stated bounds. Each
parameter is scaled to u in [0, 1] over its bounds (in log10 for rates and conductivities), so
the finite-difference step and the bound test are fractions of that range. Other fittable
parameters may be held fixed at given values.
"""

import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import pybamm
from scipy.optimize import least_squares

from .errors import PybammSsbError
from .registry import resolve_cell
from .simulate import SimulationFailed

DIFF_STEP = 1e-3  # forward-difference step, fraction of each parameter's (log) range
TOLERANCE = 1e-6  # ftol and xtol of least_squares
START_MARGIN = 0.01  # default starting values are kept this fraction of the range inside the bounds
BOUND_MARGIN = 0.01  # fitted values this close to a bound (fraction of the range) are flagged
SINGULAR_TOLERANCE = 1e-8  # singular values below this fraction of the largest make J^T J singular
CORRELATION_WARNING = 0.99
FAILED_RESIDUAL = 1.0  # relative residual of every point of a failed simulation
# scipy.optimize.least_squares' status > 0: which tolerance ended the fit
STOP_REASONS = {
    1: "converged: the gradient is below gtol",
    2: f"converged: the sum of squares changed by less than ftol = {TOLERANCE:g}",
    3: f"converged: the parameters changed by less than xtol = {TOLERANCE:g} of their range",
    4: f"converged: both ftol and xtol = {TOLERANCE:g} met",
}


class FitError(PybammSsbError, ValueError):
    """Parameters or starting values that cannot be fitted to the given data."""


@dataclass
class FitResult:
    cell: str
    parameters: dict  # name -> {"value", "stderr"} in the parameter's own unit
    units: dict
    rmse_mAh_g: float
    rmse_resistance_ohm_cm2: float | None
    residuals: list
    n_evaluations: int
    seconds: float
    correlation: np.ndarray  # rows and columns in the order of ``parameters``
    at_bound: list
    curve: object  # the simulated FadeCurve at the fitted values
    warnings: list = field(default_factory=list)
    fixed: dict = field(default_factory=dict)  # name -> value held fixed
    converged: bool = True  # False: stopped at the evaluation limit before a tolerance was met
    stop_reason: str = ""

    def as_json(self):
        """JSON-safe summary: infinite or undefined numbers become null."""
        names = list(self.parameters)
        return {
            "parameters": {n: {k: _finite(v) for k, v in p.items()} for n, p in self.parameters.items()},
            "rmse_mAh_g": _finite(self.rmse_mAh_g),
            "n_evaluations": self.n_evaluations,
            "seconds": self.seconds,
            "converged": self.converged,
            "stop_reason": self.stop_reason,
            "residuals": [{k: _finite(v) for k, v in row.items()} for row in self.residuals],
            "rmse_resistance_ohm_cm2": _finite(self.rmse_resistance_ohm_cm2),
            "correlation": {a: {b: _finite(float(self.correlation[i, j])) for j, b in enumerate(names)}
                            for i, a in enumerate(names)},
            "at_bound": list(self.at_bound),
            "fixed": dict(self.fixed),
        }


def _finite(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _span(spec):
    """Bounds of the fitted variable z: log10(value) or value."""
    return (math.log10(spec.low), math.log10(spec.high)) if spec.log else (spec.low, spec.high)


def _to_unit(spec, value):
    """u = (z - z_low) / (z_high - z_low)."""
    low, high = _span(spec)
    value = min(max(value, spec.low), spec.high)
    z = math.log10(value) if spec.log else value
    return (z - low) / (high - low)


def _from_unit(spec, u):
    low, high = _span(spec)
    z = low + u * (high - low)
    return 10.0**z if spec.log else z


def _check_range(what, spec, value):
    if not spec.low <= value <= spec.high:
        raise FitError(f"{what} {spec.name} must be between {spec.low:g} and {spec.high:g} {spec.unit}, got {value:g}")


def _select(specs, parameters, initial, fixed, n_points, max_evaluations):
    unknown = [name for name in [*parameters, *fixed] if name not in specs]
    if unknown or not parameters:
        given = f"unknown fit parameter '{unknown[0]}'" if unknown else "no fit parameter given"
        raise FitError(f"{given}; allowed: {', '.join(specs)}")
    if len(set(parameters)) != len(parameters):
        raise FitError(f"give each fit parameter once, got {', '.join(parameters)}")
    both = [name for name in parameters if name in fixed]
    if both:
        raise FitError(f"{both[0]} is both fitted and fixed; give it in one of the two")
    if len(parameters) >= n_points:
        raise FitError(f"fitting {len(parameters)} parameters needs more than {len(parameters)} measured points, "
                       f"got {n_points}")
    if max_evaluations is not None and max_evaluations <= len(parameters):
        raise FitError(f"fitting {len(parameters)} parameters needs max_evaluations of at least "
                       f"{len(parameters) + 1}, got {max_evaluations}")
    for name, value in initial.items():
        if name not in parameters:
            raise FitError(f"initial value given for '{name}', which is not fitted ({', '.join(parameters)})")
        _check_range("initial", specs[name], value)
    for name, value in fixed.items():
        _check_range("fixed", specs[name], value)
    return [specs[name] for name in parameters]


def _at_cycles(curve, quantity, cycles):
    """Simulated ``quantity`` at ``cycles``; NaN at cycles the simulation did not reach."""
    simulated = np.full(len(cycles), np.nan)
    reached = np.isin(cycles, curve.cycle)
    simulated[reached] = np.asarray(quantity)[np.searchsorted(curve.cycle, cycles[reached])]
    return simulated


def _relative_residuals(curve, data):
    residual = _at_cycles(curve, curve.discharge_capacity_mAh_g, data.cycle) / data.discharge_capacity_mAh_g - 1
    if data.interface_resistance_ohm_cm2 is not None:
        measured = ~np.isnan(data.interface_resistance_ohm_cm2)
        cycles, resistance = data.cycle[measured], data.interface_resistance_ohm_cm2[measured]
        residual = np.r_[residual, _at_cycles(curve, curve.interface_resistance_ohm_cm2, cycles) / resistance - 1]
    return np.where(np.isfinite(residual), residual, FAILED_RESIDUAL)


def _uncertainty(chosen, solution):
    """Standard errors and correlations from the Jacobian in u at the optimum.

    cov_u = s^2 (J^T J)^-1 with s^2 = SSR / (m - p); sigma_z = sigma_u (z_high - z_low), and for
    log10 parameters sigma = value ln(10) sigma_z. Parameters along a null direction of J (the
    data fix only a combination of them) get an infinite stderr and undefined correlations.
    """
    jac = solution.jac
    m, p = jac.shape
    _, singular, vt = np.linalg.svd(jac, full_matrices=False)
    null = singular <= SINGULAR_TOLERANCE * singular[0]
    undetermined = np.abs(vt[null]).max(axis=0, initial=0.0) > math.sqrt(SINGULAR_TOLERANCE)
    covariance = 2 * solution.cost / (m - p) * (vt[~null].T / singular[~null] ** 2) @ vt[~null]
    u_stderr = np.sqrt(np.diag(covariance))
    u_stderr[undetermined] = np.inf
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(u_stderr, u_stderr)
    correlation[undetermined, :] = correlation[:, undetermined] = np.nan
    np.fill_diagonal(correlation, 1.0)
    stderr = []
    for spec, u, sd in zip(chosen, solution.x, u_stderr):
        low, high = _span(spec)
        z_stderr = sd * (high - low)
        stderr.append(_from_unit(spec, u) * math.log(10) * z_stderr if spec.log else z_stderr)
    return stderr, correlation, undetermined


def _compare(curve, data):
    """Rows of measured vs fitted values [mAh/g, ohm cm2] and the rms errors of both."""
    capacity = _at_cycles(curve, curve.discharge_capacity_mAh_g, data.cycle)
    rows = [{"cycle": int(n), "measured": float(q), "fitted": float(f), "residual": float(f - q)}
            for n, q, f in zip(data.cycle, data.discharge_capacity_mAh_g, capacity)]
    rmse = float(np.sqrt(np.mean((capacity - data.discharge_capacity_mAh_g) ** 2)))
    if data.interface_resistance_ohm_cm2 is None:
        return rows, rmse, None
    measured = data.interface_resistance_ohm_cm2
    resistance = _at_cycles(curve, curve.interface_resistance_ohm_cm2, data.cycle)
    for row, r_meas, r_fit in zip(rows, measured, resistance):
        row["measured_resistance"] = None if np.isnan(r_meas) else float(r_meas)
        row["fitted_resistance"] = float(r_fit)
        row["residual_resistance"] = None if np.isnan(r_meas) else float(r_fit - r_meas)
    return rows, rmse, float(np.sqrt(np.nanmean((resistance - measured) ** 2)))


def _print_progress(evaluation, values, rms):
    """One line per simulation on stderr: values tried and the relative rms residual."""
    tried = ", ".join(f"{name}={value:.4g}" for name, value in values.items())
    outcome = "simulation failed" if rms is None else f"rms {100 * rms:.3g} %"
    print(f"evaluation {evaluation}: {tried} -> {outcome}", file=sys.stderr, flush=True)


def fit_fade(cell, data, parameters, *, initial=None, fixed=None, max_evaluations=None, simulator=None,
             progress=None, specs=None, model="spme"):
    """Fit ``parameters`` (short names) of ``cell`` to ``data`` (a FadeData).

    ``initial`` maps names to starting values (default: the cell's values); ``fixed`` maps other
    fittable names to values held during the fit. ``max_evaluations`` caps the simulations
    (roughly: scipy's ``max_nfev`` is set to ``max_evaluations // (p + 1)``, as a step with p
    parameters costs one simulation and p for its Jacobian). ``simulator`` (called as
    ``simulate_fade``) and ``specs`` default to ``pybamm_ssb.fade.FadeSimulator(parameters)``, which
    builds the model once for the whole fit, and ``fit_parameters(cell)``. ``progress`` is
    True (one line per simulation on stderr) or a callable ``progress(evaluation, values, rms)``
    with ``rms`` None for a failed simulation. ``model`` is the model class, "spme" or "dfn".
    """
    started = time.perf_counter()
    if specs is None or simulator is None:
        cell = resolve_cell(cell)  # unknown cells stop here, before the model is loaded
    label = getattr(cell, "name", cell)  # a caller's own simulator and specs may take any label
    if specs is None:
        from .fade import fit_parameters

        specs = fit_parameters(cell)
    report = _print_progress if progress is True else progress
    n_points = len(data.cycle)
    if data.interface_resistance_ohm_cm2 is not None:
        n_points += int((~np.isnan(data.interface_resistance_ohm_cm2)).sum())
    initial, fixed = initial or {}, fixed or {}
    chosen = _select(specs, list(parameters), initial, fixed, n_points, max_evaluations)
    names = [spec.name for spec in chosen]
    n_cycles = int(data.cycle.max())
    if simulator is None:
        from .fade import FadeSimulator

        simulator = FadeSimulator(names)

    def values_at(u):
        return {spec.name: _from_unit(spec, ui) for spec, ui in zip(chosen, u)}

    evaluated = {}  # u.tobytes() -> (FadeCurve, None for a failed simulation; residuals)

    def residuals(u):
        key = u.tobytes()
        if key not in evaluated:
            values = values_at(u)
            try:
                curve = simulator(cell, n_cycles, fixed | values, c_rate=data.c_rate, temperature_C=data.temperature_C,
                                  model=model)
                residual = _relative_residuals(curve, data)
            except (SimulationFailed, pybamm.SolverError):
                curve, residual = None, np.full(n_points, FAILED_RESIDUAL)
            evaluated[key] = curve, residual
            if report:
                report(len(evaluated), values, None if curve is None else float(np.sqrt(np.mean(residual**2))))
        return evaluated[key][1]

    def jacobian(u):
        """Forward differences of DIFF_STEP in u; backward at the upper bound or where the forward
        simulation fails."""
        columns = []
        for i in range(len(u)):
            for step in [s for s in (DIFF_STEP, -DIFF_STEP) if 0 <= u[i] + s <= 1]:
                shifted = u.copy()
                shifted[i] += step
                column = (residuals(shifted) - residuals(u)) / step
                if evaluated[shifted.tobytes()][0] is not None:
                    break
            columns.append(column)
        return np.column_stack(columns)

    start = [initial.get(spec.name, spec.value) for spec in chosen]
    u0 = np.clip([_to_unit(spec, value) for spec, value in zip(chosen, start)], START_MARGIN, 1 - START_MARGIN)
    max_nfev = None if max_evaluations is None else max_evaluations // (len(chosen) + 1)
    solution = least_squares(residuals, u0, jac=jacobian, bounds=(0.0, 1.0), method="trf", ftol=TOLERANCE,
                             xtol=TOLERANCE, max_nfev=max_nfev)
    evaluations = len(evaluated)
    fitted = values_at(solution.x)
    curve = evaluated[solution.x.tobytes()][0]
    if curve is None:
        tried = ", ".join(f"{name}={value:.4g}" for name, value in fitted.items())
        raise SimulationFailed(f"simulation of {label} fails at the starting values {tried}; give other ones", None)

    stderr, correlation, undetermined = _uncertainty(chosen, solution)
    warnings = []
    if undetermined.any():
        together = ", ".join(name for name, flag in zip(names, undetermined) if flag)
        warnings.append(f"{together} cannot be separated by these data (J^T J is singular); "
                        "fit fewer parameters or add data")
    for i, j in zip(*np.triu_indices(len(names), 1)):
        if abs(correlation[i, j]) > CORRELATION_WARNING:
            warnings.append(f"{names[i]} and {names[j]} are correlated (r = {correlation[i, j]:.3f}); "
                            "these data hardly separate them")
    converged = solution.status > 0
    reason = STOP_REASONS.get(solution.status, solution.message)
    if not converged:
        cap = "" if max_evaluations is None else f" (max_evaluations {max_evaluations})"
        reason = f"stopped after {evaluations} simulations before converging{cap}"
        warnings.append(reason)
    at_bound = [spec.name for spec, u in zip(chosen, solution.x) if min(u, 1 - u) < BOUND_MARGIN]
    warnings += [f"{spec.name} ended at a bound of its stated range {spec.low:g}-{spec.high:g} {spec.unit}"
                 for spec in chosen if spec.name in at_bound]
    rows, rmse, rmse_resistance = _compare(curve, data)
    return FitResult(
        cell=label,
        parameters={name: {"value": float(fitted[name]), "stderr": float(sd)} for name, sd in zip(names, stderr)},
        units={spec.name: spec.unit for spec in chosen},
        rmse_mAh_g=rmse,
        rmse_resistance_ohm_cm2=rmse_resistance,
        residuals=rows,
        n_evaluations=evaluations,
        seconds=time.perf_counter() - started,
        correlation=correlation,
        at_bound=at_bound,
        curve=curve,
        warnings=warnings,
        fixed=dict(fixed),
        converged=converged,
        stop_reason=reason,
    )

