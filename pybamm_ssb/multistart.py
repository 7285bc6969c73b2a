"""A fit from several starting points, run in parallel processes: least squares finds the
minimum nearest its start, and a fade curve fitted with two correlated parameters (a growth
rate against a contact loss) may have more than one.

The first start is the caller's (or the cell's) values; the others are a Latin hypercube over
the parameters' ranges (in log10 for those fitted in logs), seeded for repeatability. Each
start runs ``fitting.fit_fade`` in its own process; the best (least cost) is then polished
and reported by one more ``fit_fade`` from its values in this process, which gives the full
result (curve, standard errors, posterior if asked), with every start's outcome in ``starts``.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from scipy.stats import qmc

from .fitting import FitError, _from_unit, fit_fade, select_parameters
from .registry import resolve_cell


def starting_points(specs, initial, n, seed=0):
    """``n`` starting values {name: value}: ``initial`` (missing names at their cell values), then
    a Latin hypercube of n - 1 points over the ranges of ``specs`` (FitParameters)."""
    first = {spec.name: initial.get(spec.name, spec.value) for spec in specs}
    if n == 1:
        return [first]
    unit = qmc.LatinHypercube(d=len(specs), seed=seed).random(n - 1)
    return [first] + [{spec.name: _from_unit(spec, u) for spec, u in zip(specs, point)} for point in unit]


def _one_start(cell, data, parameters, initial, options):
    """In a worker: (starting values, fitted values, cost) of one start; cost inf if it fails."""
    try:
        result = fit_fade(cell, data, parameters, initial=initial, **options)
        return initial, {name: p["value"] for name, p in result.parameters.items()}, result.cost
    except Exception as error:  # a start that fails is reported, the others go on
        return initial, None, f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def fit_multistart(cell, data, parameters, starts, *, workers=None, seed=0, initial=None, posterior=None, progress=None,
                   **options):
    """``fit_fade`` from ``starts`` starting points (module docstring) on ``workers`` processes
    (all cores by default); ``options`` are fit_fade's (curves, fixed, model, accelerate, ...).
    Returns the best start's FitResult, its ``starts`` listing every start: {"initial",
    "fitted", "cost"} (fitted None and cost the error's text for a start that failed)."""
    if isinstance(starts, bool) or not isinstance(starts, int) or starts < 1:
        raise FitError(f"starts must be a whole number >= 1, got {starts!r}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise FitError(f"workers must be a whole number >= 1, got {workers!r}")
    if not isinstance(cell, (str, os.PathLike)):
        raise FitError("the starts run in processes of their own, which take the cell by name or file: give its "
                       "registered name or the path of its cell file")
    from .fade import fit_parameters

    specs = fit_parameters(resolve_cell(cell))
    chosen = select_parameters(specs, list(parameters), initial or {}, options.get("fixed") or {}, 10**9)
    points = starting_points(chosen, initial or {}, starts, seed)
    size = min(workers or os.cpu_count() or 1, starts)
    with ProcessPoolExecutor(size, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = list(pool.map(_one_start, *zip(*[(cell, data, parameters, point, options) for point in points])))
    finished = [o for o in outcomes if o[1] is not None]
    if not finished:
        raise FitError(f"every one of the {starts} starts failed; the first: {outcomes[0][2]}")
    best = min(finished, key=lambda o: o[2])
    result = fit_fade(cell, data, parameters, initial=best[1], posterior=posterior, progress=progress, **options)
    result.starts = [{"initial": i, "fitted": f, "cost": c if f is not None else None, **({} if f else {"error": c})}
                     for i, f, c in outcomes]
    return result
