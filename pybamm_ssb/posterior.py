"""Posterior of fitted degradation parameters by ensemble MCMC (emcee, the optional extra ``uq``).

Prior: uniform in each fitted variable over the parameter file's range, the u in [0, 1] of
``fitting``: uniform in the value, or log-uniform for a parameter fitted in log10.

Likelihood: independent Gaussian errors with one noise per group of points,

    ln L = -1/2 sum_fade (e_k / s_rel)^2 - 1/2 sum_voltage (e_i / s_V)^2,

e_k the relative capacity (and resistance) errors and e_i the voltage errors [V] of
``fitting``; s_rel and s_V are given or estimated from the least-squares residuals
(s_g^2 = sum_g e^2 / m_g * m / (m - p)).

The walkers start in a ball around the least-squares optimum, as wide as its standard errors
(1e-6 to 0.05 of each range), and the first ``burn`` steps are discarded. Cost: walkers x steps
simulations, plus ``predict_samples`` runs to ``predict_cycle`` for the prediction band.
Credible intervals are the 2.5, 50 and 97.5 % quantiles of the kept samples.
"""

import math
import sys
import time
from dataclasses import dataclass, field, replace

import numpy as np

from .errors import PybammSsbError
from .extras import require
from .fitting import GROUPS

QUANTILES = (2.5, 50.0, 97.5)
START_SPREAD = 1.0  # the starting ball: this many least-squares standard errors ...
START_SPREAD_RANGE = (1e-6, 0.05)  # ... kept within these fractions of each parameter's range
AUTOCORRELATION_LENGTHS = 50  # emcee's guide: a chain this many autocorrelation times long


class PosteriorError(PybammSsbError, ValueError):
    """Sampling options that cannot be used."""


def _quantiles(values):
    return dict(zip((f"{q:g}" for q in QUANTILES), (float(v) for v in np.percentile(values, QUANTILES))))


@dataclass
class PosteriorOptions:
    """How to sample: ``walkers`` x ``steps`` simulations, the first ``burn`` steps discarded.

    ``noise_relative`` (capacities and resistances, a fraction) and ``noise_voltage_mV`` are the
    measurement noise; None estimates it from the least-squares residuals. ``predict_cycle``
    adds a band of the discharge capacity at that cycle from ``predict_samples`` posterior draws.
    """

    steps: int = 100
    walkers: int | None = None  # default: 4 per parameter, at least 8
    burn: int | None = None  # default: half the steps
    noise_relative: float | None = None
    noise_voltage_mV: float | None = None
    predict_cycle: int | None = None
    predict_samples: int = 20
    seed: int = 0

    def checked(self, n_parameters):
        """The options with defaults filled in; PosteriorError for values that cannot be used."""
        walkers = self.walkers if self.walkers is not None else max(8, 4 * n_parameters)
        burn = self.burn if self.burn is not None else self.steps // 2
        whole = {"steps": (self.steps, 2), "walkers": (walkers, 2 * n_parameters), "predict_samples": (self.predict_samples, 1)}
        if self.predict_cycle is not None:
            whole["predict_cycle"] = (self.predict_cycle, 1)
        for name, (value, low) in whole.items():
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
                raise PosteriorError(f"posterior {name} must be a whole number >= {low}, got {value!r}")
        if not 0 <= burn < self.steps:
            raise PosteriorError(f"posterior burn must be between 0 and steps - 1 = {self.steps - 1}, got {burn!r}")
        for name in ("noise_relative", "noise_voltage_mV"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise PosteriorError(f"posterior {name} must be a number > 0 (or None: from the residuals), got {value!r}")
        return replace(self, walkers=int(walkers), burn=int(burn))


@dataclass
class Posterior:
    names: list
    units: dict
    log_scale: list  # per parameter: fitted in log10 (log-uniform prior)
    samples: np.ndarray  # (kept samples, parameters) in the parameters' units
    intervals: dict  # name -> {"2.5", "50", "97.5"}
    noise: dict  # group -> standard deviation used (relative: fraction; voltage_mV)
    noise_source: dict  # group -> "given" or "estimated from the residuals"
    walkers: int
    steps: int
    burn: int
    acceptance: float  # mean acceptance fraction of the walkers
    autocorrelation_steps: list  # integrated autocorrelation time per parameter (emcee), NaN if undefined
    n_simulations: int
    seconds: float
    prediction: dict = None  # {"cycle", "2.5", "50", "97.5", "draws", "failed"} [mAh/g]
    warnings: list = field(default_factory=list)

    def as_json(self):
        def finite(value):
            return value if math.isfinite(value) else None

        return {
            "credible_intervals": self.intervals,
            "units": self.units,
            "noise": self.noise,
            "noise_source": self.noise_source,
            "walkers": self.walkers,
            "steps": self.steps,
            "burn": self.burn,
            "samples": int(len(self.samples)),
            "acceptance": self.acceptance,
            "autocorrelation_steps": [finite(t) for t in self.autocorrelation_steps],
            "n_simulations": self.n_simulations,
            "seconds": self.seconds,
            "prediction": self.prediction,
            "warnings": list(self.warnings),
        }

    def summary_lines(self):
        """The sampling, the noise, the credible intervals and the prediction band as text lines."""
        noise = []
        if "relative" in self.noise_source:
            noise.append(f"capacities {100 * self.noise['relative']:.3g} % ({self.noise_source['relative']})")
        if "voltage_mV" in self.noise_source:
            noise.append(f"voltages {self.noise['voltage_mV']:.3g} mV ({self.noise_source['voltage_mV']})")
        lines = [f"posterior: {self.walkers} walkers x {self.steps} steps (first {self.burn} discarded), "
                 f"{self.n_simulations} simulations in {self.seconds:.1f} s, acceptance {self.acceptance:.2f}",
                 "noise: " + ", ".join(noise),
                 f"{'parameter':32s} {'2.5 %':>11s} {'50 %':>11s} {'97.5 %':>11s}  unit"]
        for name, q in self.intervals.items():
            lines.append(f"{name:32s} {q['2.5']:11.4g} {q['50']:11.4g} {q['97.5']:11.4g}  {self.units[name]}")
        band = self.prediction
        if band is not None and "50" in band:
            lines.append(f"capacity at cycle {band['cycle']}: {band['50']:.4g} mAh/g (95 % band {band['2.5']:.4g}-"
                         f"{band['97.5']:.4g}; {band['draws']} draws, {band['failed']} failed)")
        return lines


def _print_step(step, steps, simulations, acceptance):
    print(f"posterior step {step}/{steps}: {simulations} simulations, acceptance {acceptance:.2f}", file=sys.stderr, flush=True)


def _starting_ball(best_u, u_stderr, walkers, rng):
    """Walkers around ``best_u``, reflected into [0, 1]."""
    spread = np.clip(START_SPREAD * np.nan_to_num(u_stderr, nan=np.inf, posinf=np.inf), *START_SPREAD_RANGE)
    start = best_u + spread * rng.standard_normal((walkers, len(best_u)))
    start = np.abs(start)
    return np.where(start > 1, 2 - start, start)


def sample_posterior(objective, best_u, u_stderr, noise, noise_source, options, *, predict=None, progress=None):
    """Posterior of the parameters of ``objective`` (fitting's residual function) by emcee.

    ``noise`` maps each group of GROUPS with points to its standard deviation (relative; volts)
    and ``noise_source`` to "given" or "estimated from the residuals"; ``options`` are checked
    PosteriorOptions; ``predict(values)`` returns the discharge capacity at
    ``options.predict_cycle`` (None when the run fails or stops before it); ``progress`` is True
    (lines on stderr) or a callable ``progress(step, steps, simulations, acceptance)``.
    """
    emcee = require("emcee", "uq", "sampling the posterior")
    started = time.perf_counter()
    report = _print_step if progress is True else progress
    sigma = np.array([noise[GROUPS[g]] for g in objective.groups])
    simulations = 0

    def log_probability(u):
        nonlocal simulations
        if np.any(u < 0) or np.any(u > 1):
            return -np.inf  # outside the prior's support
        simulations += 1
        curve, errors = objective.simulate(u)
        if curve is None:
            return -np.inf
        return -0.5 * float(np.sum((errors / sigma) ** 2))

    rng = np.random.default_rng(options.seed)
    n_parameters = len(best_u)
    sampler = emcee.EnsembleSampler(options.walkers, n_parameters, log_probability)
    state = emcee.State(_starting_ball(best_u, u_stderr, options.walkers, rng),
                        random_state=np.random.RandomState(options.seed).get_state())
    every = max(1, options.steps // 20)
    for step, _ in enumerate(sampler.sample(state, iterations=options.steps), start=1):
        if report and (step % every == 0 or step == options.steps):
            report(step, options.steps, simulations, float(np.mean(sampler.acceptance_fraction)))

    chain = sampler.get_chain(discard=options.burn, flat=True)
    chosen = objective.chosen
    samples = np.array([list(objective.values_at(u).values()) for u in chain])
    tau = sampler.get_autocorr_time(discard=options.burn, quiet=True, tol=0)
    warnings = []
    kept = options.steps - options.burn
    if not np.all(np.isfinite(tau)) or kept < AUTOCORRELATION_LENGTHS * np.max(tau):
        longest = float(np.nanmax(tau)) if np.any(np.isfinite(tau)) else math.nan
        warnings.append(f"the kept chain ({kept} steps) is shorter than {AUTOCORRELATION_LENGTHS} autocorrelation "
                        f"times (longest {longest:.3g} steps): the intervals are rough; sample more steps")
    posterior = Posterior(
        names=[spec.name for spec in chosen],
        units={spec.name: spec.unit for spec in chosen},
        log_scale=[spec.log for spec in chosen],
        samples=samples,
        intervals={spec.name: _quantiles(samples[:, j]) for j, spec in enumerate(chosen)},
        noise={"relative": noise.get("relative"),
               "voltage_mV": None if noise.get("voltage_V") is None else 1e3 * noise["voltage_V"]},
        noise_source={"relative" if g == "relative" else "voltage_mV": source for g, source in noise_source.items()},
        walkers=options.walkers,
        steps=options.steps,
        burn=options.burn,
        acceptance=float(np.mean(sampler.acceptance_fraction)),
        autocorrelation_steps=[float(t) for t in tau],
        n_simulations=simulations,
        seconds=0.0,
        warnings=warnings,
    )
    if options.predict_cycle is not None and predict is not None:
        posterior.prediction = _prediction_band(posterior, predict, options, rng, progress is True)
    posterior.seconds = time.perf_counter() - started
    return posterior


def _prediction_band(posterior, predict, options, rng, verbose):
    """Discharge capacity at ``options.predict_cycle`` over posterior draws: the parameters'
    uncertainty only (no measurement noise added)."""
    draws = rng.choice(len(posterior.samples), size=min(options.predict_samples, len(posterior.samples)), replace=False)
    capacities = []
    for k, i in enumerate(draws, start=1):
        capacities.append(predict(dict(zip(posterior.names, posterior.samples[i]))))
        if verbose:
            outcome = "failed" if capacities[-1] is None else f"{capacities[-1]:.4g} mAh/g"
            print(f"prediction {k}/{len(draws)}: cycle {options.predict_cycle} -> {outcome}", file=sys.stderr, flush=True)
    found = np.array([c for c in capacities if c is not None], dtype=float)
    band = {"cycle": options.predict_cycle, "draws": len(draws), "failed": len(draws) - len(found)}
    if len(found):
        band |= _quantiles(found)
    else:
        posterior.warnings.append(f"no posterior draw reached cycle {options.predict_cycle}")
    return band
