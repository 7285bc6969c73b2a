"""Fit degradation parameters of a cell to measured capacity fade (and interface resistance),
discharge curves, or both.

The fade residuals are relative to the measured values at the measured cycles,

    r_k = (Q_sim(n_k) - Q_meas(n_k)) / Q_meas(n_k)   [and the same for R_int where measured],

followed by the voltage residuals of the measured discharge curves (``fit_curves``: the
simulated voltage at each measured capacity), minimised by trust-region reflective least squares
within the parameters' stated bounds. Each parameter is scaled to u in [0, 1] over its bounds (in
log10 for rates and conductivities), so the finite-difference step and the bound test are
fractions of that range. Other fittable parameters may be held fixed at given values.

Weighting of capacities and voltages: the first fit counts each curve as one capacity point (a
curve that misses by 1 % of its mean voltage at every point weighs as one capacity 1 % off). With
both kinds of data it is then repeated from its optimum with every voltage residual (V_sim - V) [V]
scaled by s_rel / s_V, the noise of the relative fade errors and of the voltages estimated from the
previous fit's residuals (``_group_noise``), so that a miss of one noise standard deviation weighs
the same in both; at most REWEIGHTINGS times, until s_rel / s_V changes by less than
REWEIGHT_TOLERANCE. The standard errors take each kind's own noise (``_uncertainty``).

``posterior`` then samples the parameters' posterior from the optimum (``pybamm_ssb.posterior``).
"""

import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import pybamm
from scipy.optimize import least_squares

from .acceleration import CycleJumping
from .errors import PybammSsbError, did_you_mean
from .extras import require
from .fade_data import FadeData, read_fade_data
from .fit_curves import VoltageResiduals
from .registry import resolve_cell
from .simulate import SimulationFailed

DIFF_STEP = 1e-3  # forward-difference step, fraction of each parameter's (log) range
# cycle jumping's tolerance in fits: its error must stay below what a parameter's standard error moves
FIT_JUMP_RTOL = 1e-3
TOLERANCE = 1e-6  # ftol and xtol of least_squares
START_MARGIN = 0.01  # default starting values are kept this fraction of the range inside the bounds
BOUND_MARGIN = 0.01  # fitted values this close to a bound (fraction of the range) are flagged
SINGULAR_TOLERANCE = 1e-8  # singular values below this fraction of the largest make J^T J singular
CORRELATION_WARNING = 0.99
FAILED_RESIDUAL = 1.0  # relative error of every point of a failed simulation (voltages: of the curve's mean)
NOISE_FLOOR = {"relative": 1e-6, "voltage_V": 1e-6}  # smallest noise a posterior takes from the residuals
GROUPS = ("relative", "voltage_V")  # groups of points with their own noise: fade (relative), voltage [V]
REWEIGHTINGS = 3  # refits with the voltages weighted by the noise ratio (module docstring)
REWEIGHT_TOLERANCE = 0.1
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
    rmse_mAh_g: float | None  # None for a fit to discharge curves alone
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
    rmse_voltage_mV: float | None = None  # over the points of the measured discharge curves
    voltage_residuals: list = field(default_factory=list)  # per curve: {"cycle", "points", "rmse_mV"}
    posterior: object = None  # posterior.Posterior when sampled
    cost: float = None  # half the sum of the squared weighted residuals at the fitted values
    starts: list = None  # multistart.fit_multistart: each start's values, fitted values and cost

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
            "rmse_voltage_mV": self.rmse_voltage_mV,
            "voltage_residuals": list(self.voltage_residuals),
            "posterior": None if self.posterior is None else self.posterior.as_json(),
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


def select_parameters(specs, parameters, initial, fixed, n_points, max_evaluations=None, exact=False):
    """The FitParameters of ``parameters`` (names in ``specs``), after checking the names, the
    starting and fixed values against their ranges, and that ``n_points`` can fit them (``exact``: as
    many points as parameters will do); FitError."""
    unknown = [name for name in [*parameters, *fixed] if name not in specs]
    if unknown or not parameters:
        given = f"unknown fit parameter '{unknown[0]}'{did_you_mean(unknown[0], specs)}" if unknown else "no fit parameter given"
        raise FitError(f"{given}; allowed: {', '.join(specs)}")
    if len(set(parameters)) != len(parameters):
        raise FitError(f"give each fit parameter once, got {', '.join(parameters)}")
    both = [name for name in parameters if name in fixed]
    if both:
        raise FitError(f"{both[0]} is both fitted and fixed; give it in one of the two")
    if len(parameters) > n_points - (not exact):
        raise FitError(f"fitting {len(parameters)} parameters needs {'at least' if exact else 'more than'} {len(parameters)} measured points, "
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


def _group_noise(errors, groups, n_parameters, relative=None):
    """Standard deviation of each group's errors e (relative; volts):
    s_g^2 = sum_g e^2 / m_g * m / (m - p), m points in all and p parameters; a given ``relative``
    noise replaces the fade points' estimate."""
    m = len(errors)
    noise = {GROUPS[g]: math.sqrt(np.mean(errors[groups == g] ** 2) * m / (m - n_parameters)) for g in np.unique(groups)
             if g or relative is None}
    return noise if relative is None else {"relative": relative} | noise


def _uncertainty(chosen, solution, spread):
    """Standard errors and correlations from the Jacobian in u at the optimum.

    cov_u = J+ diag(s_i^2) J+^T, J+ the pseudo-inverse of J and s_i = w_i s_g the standard
    deviation of residual i = w_i e_i from its group's noise (``_group_noise``); with one group,
    or weights in the ratio of the noises, this is s^2 (J^T J)^-1, s^2 = SSR / (m - p).
    sigma_z = sigma_u (z_high - z_low), and for log10 parameters sigma = value ln(10) sigma_z. Parameters along a null direction of J (the
    data fix only a combination of them) get an infinite stderr and undefined correlations.
    Returns the stderrs, correlations, undetermined flags and sigma_u.
    """
    left, singular, vt = np.linalg.svd(solution.jac, full_matrices=False)
    null = singular <= SINGULAR_TOLERANCE * singular[0]
    undetermined = np.abs(vt[null]).max(axis=0, initial=0.0) > math.sqrt(SINGULAR_TOLERANCE)
    pseudo_inverse = (vt[~null].T / singular[~null]) @ left[:, ~null].T
    covariance = (pseudo_inverse * spread**2) @ pseudo_inverse.T
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
    return stderr, correlation, undetermined, u_stderr


def _identifiability(names, correlation, undetermined):
    """Warnings for the parameters these data cannot separate: a singular J^T J, or a correlation
    beyond CORRELATION_WARNING."""
    warnings = []
    if undetermined.any():
        together = ", ".join(name for name, flag in zip(names, undetermined) if flag)
        warnings.append(f"{together} cannot be separated by these data (J^T J is singular); "
                        "fit fewer parameters or add data")
    for i, j in zip(*np.triu_indices(len(names), 1)):
        if abs(correlation[i, j]) > CORRELATION_WARNING:
            warnings.append(f"{names[i]} and {names[j]} are correlated (r = {correlation[i, j]:.3f}); "
                            "these data hardly separate them")
    return warnings


MISFIT_RATIO = 3.0  # rms residual / the data's own scatter beyond which the model misses the trend
MISFIT_FLOOR = 0.005  # ... and beyond this share of the mean capacity (a cycler's accuracy)


def _misfit(rmse, data):
    """A one-line warning, in a list, when the fit's rms capacity residual exceeds both MISFIT_RATIO
    times the data's own scatter and MISFIT_FLOOR of the mean capacity. The scatter is read from
    the second differences of successive capacities, sigma = sqrt(<(q[i+1] - 2 q[i] + q[i-1])^2> / 6)
    (white noise of sigma gives them variance 6 sigma^2; a smooth fade adds little)."""
    q = None if data is None else data.discharge_capacity_mAh_g
    if q is None or len(q) < 5:
        return []
    scatter = float(np.sqrt(np.mean(np.diff(q, 2) ** 2) / 6))
    if rmse <= max(MISFIT_RATIO * scatter, MISFIT_FLOOR * float(np.mean(q))):
        return []
    return [f"the fit misses the data: rms residual {rmse:.3g} mAh/g against their own scatter of {scatter:.3g} mAh/g "
            "(from successive cycles); a mechanism the fitted parameters do not hold shapes this fade"]


def _compare(curve, data):
    """Rows of measured vs fitted values [mAh/g, ohm cm2] and the rms errors of both (none
    without fade data)."""
    if data is None:
        return [], None, None
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


def _fade_points(data):
    """Number of fade residuals: capacities and measured resistances."""
    if data is None:
        return 0
    resistances = 0 if data.interface_resistance_ohm_cm2 is None else int((~np.isnan(data.interface_resistance_ohm_cm2)).sum())
    return len(data.cycle) + resistances


def _protocol(data, curves):
    """(c_rate, temperature_C) of the test, from the fade data and the curves, which must agree."""
    protocol = []
    for name in ("c_rate", "temperature_C"):
        given = {getattr(d, name) for d in (data, curves) if d is not None and getattr(d, name) is not None}
        if len(given) > 1:
            raise FitError(f"{name} differs between the fade data and the discharge curves: {', '.join(map(str, sorted(given)))}")
        protocol.append(given.pop() if given else None)
    return protocol


class _Objective:
    """The residuals r = w e of a fit at u in [0, 1]^p: fade points (e relative), then the voltages
    of the discharge curves (``fit_curves``, e in volts), each with its weight w and noise group."""

    def __init__(self, simulator, cell, chosen, fixed, data, curves, model, report, accelerate=False):
        self.simulator, self.cell, self.chosen, self.fixed, self.data, self.model = simulator, cell, chosen, fixed, data, model
        self.accelerate = accelerate
        self.c_rate, self.temperature_C = _protocol(data, curves)
        self.voltage = VoltageResiduals(curves) if curves is not None else None
        n_fade = _fade_points(data)
        n_voltage = 0 if self.voltage is None else len(self.voltage)
        self.groups = np.r_[np.zeros(n_fade, dtype=int), np.ones(n_voltage, dtype=int)]
        self.weights = np.r_[np.ones(n_fade), [] if self.voltage is None else self.voltage.weights]
        self.failed = FAILED_RESIDUAL * np.r_[np.ones(n_fade), [] if self.voltage is None else self.voltage.mean_voltage]
        self.n_cycles = int(max([*([] if data is None else [data.cycle.max()]), *([] if curves is None else curves.cycles)]))
        self.report = report
        self.evaluated = {}  # u.tobytes() -> (FadeCurve, None for a failed simulation; errors)

    def values_at(self, u):
        return {spec.name: _from_unit(spec, ui) for spec, ui in zip(self.chosen, u)}

    def errors(self, curve):
        """e: relative fade errors, then voltage errors [V]; FAILED_RESIDUAL where not simulated."""
        parts = [] if self.data is None else [_relative_residuals(curve, self.data)]
        if self.voltage is not None:
            parts.append(self.voltage.errors(curve))
        errors = np.concatenate(parts)
        return np.where(np.isfinite(errors), errors, self.failed)

    def simulate(self, u, like=None):
        """(FadeCurve, errors) at u, one simulation; (None, failed errors) if it fails. An
        accelerated run near ``like`` (a point already simulated) takes that run's jumps."""
        base = None if like is None else self.evaluated.get(like.tobytes(), (None,))[0]
        settings = CycleJumping(rtol=FIT_JUMP_RTOL) if self.accelerate is True else self.accelerate
        jumps = {} if not self.accelerate else {"accelerate": settings if base is None else CycleJumping(schedule=dict(base.result.jumps))}
        try:
            curve = self.simulator(self.cell, self.n_cycles, self.fixed | self.values_at(u), c_rate=self.c_rate,
                                   temperature_C=self.temperature_C, model=self.model, **jumps)
            return curve, self.errors(curve)
        except (SimulationFailed, pybamm.SolverError):
            return None, self.failed.copy()

    def __call__(self, u, like=None):
        """Residuals w e at u, simulated once per u (kept for the Jacobian and the result)."""
        key = u.tobytes()
        if key not in self.evaluated:
            self.evaluated[key] = self.simulate(u, like)
            if self.report:
                curve, errors = self.evaluated[key]
                rms = None if curve is None else float(np.sqrt(np.mean((self.weights * errors) ** 2)))
                self.report(len(self.evaluated), self.values_at(u), rms)
        return self.weights * self.evaluated[key][1]

    def reweight(self, noise):
        """Voltage weights s_rel / s_V (module docstring); the ratio's relative change."""
        previous = self.weights[self.groups == 1]
        ratio = noise["relative"] / noise["voltage_V"]
        self.weights = np.where(self.groups == 1, ratio, 1.0)
        return float(np.max(np.abs(ratio / previous - 1)))

    def capacity_at(self, cycle, values):
        """Discharge capacity [mAh/g] at ``cycle`` with the fitted ``values``, or None if the run
        fails or stops before it."""
        try:
            curve = self.simulator(self.cell, cycle, self.fixed | values, c_rate=self.c_rate, temperature_C=self.temperature_C,
                                   model=self.model)
        except (SimulationFailed, pybamm.SolverError):
            return None
        reached = np.asarray(curve.cycle) == cycle
        return float(np.asarray(curve.discharge_capacity_mAh_g)[reached][0]) if reached.any() else None


def fit_fade(cell, data, parameters, *, curves=None, posterior=None, initial=None, fixed=None, max_evaluations=None,
             simulator=None, progress=None, specs=None, model="spme", relative_noise=None, accelerate=False):
    """Fit ``parameters`` (short names) of ``cell`` to ``data`` (a FadeData, or None) and
    ``curves`` (a curve_data.DischargeCurves, or None; at least one of the two).

    ``initial`` maps names to starting values (default: the cell's values); ``fixed`` maps other
    fittable names to values held during the fit. ``max_evaluations`` caps the simulations
    (roughly: scipy's ``max_nfev`` is set to ``max_evaluations // (p + 1)``, as a step with p
    parameters costs one simulation and p for its Jacobian). ``simulator`` (called as
    ``simulate_fade``) and ``specs`` default to ``pybamm_ssb.fade.FadeSimulator(parameters)``, which
    builds the model once for the whole fit (with the curves' cycles output finely), and
    ``fit_parameters(cell)``. ``progress`` is True (one line per simulation on stderr) or a
    callable ``progress(evaluation, values, rms)`` with ``rms`` None for a failed simulation.
    ``model`` is the model class, "spme" or "dfn". ``relative_noise`` is the known standard deviation
    of the relative fade errors (default: estimated from the residuals); with it the standard errors
    are those of that noise, and as many points as parameters will do (an exact fit). ``posterior`` (True or
    ``posterior.PosteriorOptions``) then samples the posterior from the optimum (needs the extra
    ``uq``; progress True prints its steps too); it is checked before anything is solved.
    ``accelerate`` (True: tolerance FIT_JUMP_RTOL, or a ``CycleJumping``) jumps cycles in every
    simulation (``pybamm_ssb.acceleration``); the Jacobian's runs take the jumps of the run they
    differ from, so that they differ smoothly.
    """
    started = time.perf_counter()
    if data is None and curves is None:
        raise FitError("nothing to fit: give fade data, discharge curves or both")
    if data is not None and not isinstance(data, FadeData):  # a file: per-cycle capacities or a cycler's series
        data = read_fade_data(data, cell=cell)
    if specs is None or simulator is None:
        cell = resolve_cell(cell)  # unknown cells stop here, before the model is loaded
    label = getattr(cell, "name", cell)  # a caller's own simulator and specs may take any label
    if specs is None:
        from .fade import fit_parameters

        specs = fit_parameters(cell)
    options = _posterior_options(posterior, len(parameters), curves)
    report = _print_progress if progress is True else progress
    initial, fixed = initial or {}, fixed or {}
    n_points = _fade_points(data) + (0 if curves is None else sum(len(v) for _, v in curves.points.values()))
    chosen = select_parameters(specs, list(parameters), initial, fixed, n_points, max_evaluations, exact=relative_noise is not None)
    names = [spec.name for spec in chosen]
    if simulator is None:
        from .fade import FadeSimulator

        simulator = FadeSimulator(names, curve_cycles=() if curves is None else curves.cycles.tolist())
    objective = _Objective(simulator, cell, chosen, fixed, data, curves, model, report, accelerate)

    def jacobian(u):
        """Forward differences of DIFF_STEP in u; backward at the upper bound or where the forward
        simulation fails."""
        columns = []
        for i in range(len(u)):
            for step in [s for s in (DIFF_STEP, -DIFF_STEP) if 0 <= u[i] + s <= 1]:
                shifted = u.copy()
                shifted[i] += step
                column = (objective(shifted, like=u) - objective(u)) / step
                if objective.evaluated[shifted.tobytes()][0] is not None:
                    break
            columns.append(column)
        return np.column_stack(columns)

    start = [initial.get(spec.name, spec.value) for spec in chosen]
    u = np.clip([_to_unit(spec, value) for spec, value in zip(chosen, start)], START_MARGIN, 1 - START_MARGIN)

    def steps_left():
        """least_squares' max_nfev for the simulations left (a step costs p + 1 of them)."""
        return None if max_evaluations is None else (max_evaluations - len(objective.evaluated)) // (len(chosen) + 1)

    for reweighting in range(REWEIGHTINGS + 1):
        solution = least_squares(objective, u, jac=jacobian, bounds=(0.0, 1.0), method="trf", ftol=TOLERANCE,
                                 xtol=TOLERANCE, max_nfev=steps_left())
        u = solution.x
        noise = _group_noise(objective.evaluated[u.tobytes()][1], objective.groups, len(chosen), relative_noise)
        spent = steps_left() is not None and steps_left() < 1
        if len(noise) == 1 or solution.status <= 0 or reweighting == REWEIGHTINGS or spent:
            break
        if objective.reweight(noise) < REWEIGHT_TOLERANCE:
            solution.jac = jacobian(u)  # at the new weights
            break
    evaluations = len(objective.evaluated)
    fitted = objective.values_at(solution.x)
    curve = objective.evaluated[solution.x.tobytes()][0]
    if curve is None:
        tried = ", ".join(f"{name}={value:.4g}" for name, value in fitted.items())
        raise SimulationFailed(f"simulation of {label} fails at the starting values {tried}; give other ones", None)

    stderr, correlation, undetermined, u_stderr = _uncertainty(chosen, solution, objective.weights * np.array(
        [noise[GROUPS[g]] for g in objective.groups]))
    warnings = _identifiability(names, correlation, undetermined)
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
    warnings += _misfit(rmse, data)
    result = FitResult(
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
        cost=float(solution.cost),
    )
    if objective.voltage is not None:
        errors = objective.voltage.errors(curve)
        result.rmse_voltage_mV = float(1e3 * np.sqrt(np.mean(errors**2)))
        result.voltage_residuals = objective.voltage.rows(errors)
    objective.evaluated.clear()  # the runs of the least-squares steps; the posterior keeps none
    if options is not None:
        result.posterior = _sample(objective, solution.x, u_stderr, noise, options, progress)
        result.warnings += result.posterior.warnings
        result.seconds = time.perf_counter() - started
    return result


def _posterior_options(posterior, n_parameters, curves):
    """Checked PosteriorOptions (None without a posterior); emcee must be installed."""
    if not posterior:
        return None
    from .posterior import PosteriorOptions

    options = (PosteriorOptions() if posterior is True else posterior).checked(n_parameters)
    if options.noise_voltage_mV is not None and curves is None:
        raise FitError("a voltage noise was given for the posterior, but no discharge curves")
    require("emcee", "uq", "sampling the posterior")
    return options


def _sample(objective, best_u, u_stderr, noise, options, progress):
    """The posterior from the least-squares optimum, with the noise given or estimated."""
    from .posterior import sample_posterior

    source = {group: "estimated from the residuals" for group in noise}
    for group, given in (("relative", options.noise_relative), ("voltage_V", options.noise_voltage_mV)):
        if given is not None and group in noise:
            noise[group], source[group] = (given / 1e3 if group == "voltage_V" else given), "given"
    noise = {group: max(value, NOISE_FLOOR[group]) for group, value in noise.items()}
    predict = None if options.predict_cycle is None else lambda values: objective.capacity_at(options.predict_cycle, values)
    return sample_posterior(objective, best_u, u_stderr, noise, source, options, predict=predict, progress=progress is True)
