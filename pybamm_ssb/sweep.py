"""Parameter sweeps: a cycling run for each point of a grid of parameter values and
temperatures, spread over a Dask cluster (a local one, or one running elsewhere) and gathered
into one table with a row per run and cycle.

A varied name is a fit parameter of the cell (``fade.fit_parameters``, e.g.
``anode_interphase_rate``) or a component quantity an override sets (``stack_pressure_MPa``).
Every point's cell is composed, and so checked, before any run is submitted. When every varied
name is a fit parameter, a worker builds the model once (per temperature) and solves it for
each of its points (``fade.FadeSimulator``); otherwise it runs each point's composed cell.
"""

import itertools
import math
import numbers
import os
import sys
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import PybammSsbError, did_you_mean
from .experiments import cycling_experiment, default_steps
from .extras import require
from .fade import FadeSimulator, fit_parameters
from .models import MODELS
from .registry import load_cell_components, resolve_cell
from .runs import prepare_run
from .simulate import SimulationFailed, simulate_cycling

CYCLE_COLUMNS = ("cycle", "discharge_capacity_mAh_g", "charge_capacity_mAh_g", "coulombic_efficiency")
OUTPUT_SUFFIXES = (".csv", ".parquet")


class SweepError(PybammSsbError, ValueError):
    """A sweep input that cannot be used: a varied name or value, a sample count, the cluster or the output path."""


@dataclass(frozen=True)
class GridPoint:
    """One run of a sweep: its number (from 1), the varied names' values and the temperature."""

    run: int
    values: dict
    temperature_C: float


def parse_vary(items):
    """{name: [values]} of "NAME=V1,V2,..." strings (the command line's ``--vary``)."""
    vary = {}
    for item in items:
        name, equals, text = (part.strip() for part in item.partition("="))
        if not name or not equals:
            raise SweepError(f"--vary '{item}': expected NAME=V1,V2,... (e.g. anode_interphase_rate=1,10,100)")
        try:
            values = [float(value) for value in text.split(",")]
        except ValueError:
            raise SweepError(f"--vary '{item}': the values must be numbers separated by commas") from None
        if name in vary:
            raise SweepError(f"--vary names '{name}' twice: give all its values in one --vary")
        vary[name] = values
    return vary


def sweep_grid(cell, vary, temperatures=None, *, samples=None, seed=0):
    """The points (GridPoint) of a sweep of ``cell``: the Cartesian product of ``vary``'s values
    ({name: [values]}) and ``temperatures`` (°C; the cell's own if None). With ``samples`` = N,
    N points of a Latin hypercube (scipy.stats.qmc, ``seed``) instead, each name drawn between
    the least and the greatest of its values (the temperature too, if more than one is given):
    log-uniformly for the fit parameters that the fit works in logs (``FitParameter.log``),
    uniformly for the rest. Checks the names and the numbers, not the composed cells (``sweep`` does)."""
    cell = resolve_cell(cell)
    _override_keys(cell, vary)
    for name, values in vary.items():
        _check_numbers(f"the values of '{name}'", values)
    if temperatures is None:
        temperatures = [prepare_run(cell).temperature_C]
    temperatures = np.atleast_1d(temperatures).tolist()
    _check_numbers("temperatures", temperatures)
    temperatures = [float(t) for t in temperatures]
    if samples is None:
        combinations = itertools.product(*vary.values(), temperatures)
        return [GridPoint(run, dict(zip(vary, map(float, values[:-1]))), values[-1]) for run, values in enumerate(combinations, start=1)]
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise SweepError(f"samples must be a whole number >= 1, got {samples!r}")
    fit = fit_parameters(cell)
    bounds = {name: (min(values), max(values), name in fit and fit[name].log) for name, values in vary.items()}
    bounds[None] = (min(temperatures), max(temperatures), False)  # None: the temperature
    spread = [name for name, (low, high, _) in bounds.items() if low < high]
    if not spread:
        raise SweepError("samples: no varied name (nor the temperature) has two different values to sample between")
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(spread), seed=seed).random(samples)
    columns = {name: _scaled(name, unit[:, spread.index(name)], *bounds[name]) if name in spread
               else np.full(samples, bounds[name][0]) for name in bounds}
    temperature = columns.pop(None)
    return [GridPoint(k + 1, {name: float(column[k]) for name, column in columns.items()}, float(temperature[k]))
            for k in range(samples)]


def _scaled(name, unit, low, high, log):
    """``unit`` (in [0, 1)) mapped onto [low, high], in logs if ``log``."""
    if not log:
        return low + unit * (high - low)
    if low <= 0:
        raise SweepError(f"'{name}' is sampled log-uniformly (the fit works in its logarithm), so its values must be > 0, got {low:g}")
    return np.exp(np.log(low) + unit * (np.log(high) - np.log(low)))


def _check_numbers(what, values):
    values = list(values)
    if not values or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise SweepError(f"{what} must be a non-empty list of finite numbers, got {values!r}")


def _override_keys(cell, vary):
    """{varied name: the component quantity it overrides}: a fit parameter's quantity, else the name."""
    if not isinstance(vary, dict) or not vary:
        raise SweepError(f"vary must be a non-empty {{name: [values]}}, got {vary!r}")
    fit = fit_parameters(cell)
    quantities = {name for component in load_cell_components(cell) for name in component.quantities}
    keys = {}
    for name in vary:
        if name not in fit and str(name).rpartition("/")[2] not in quantities:
            raise SweepError(f"'{name}' is neither a fit parameter of {cell.name} ({', '.join(sorted(fit))}) nor a quantity of its "
                             f"components{did_you_mean(name, [*fit, *quantities])}")
        keys[name] = fit[name].key if name in fit else name
    quantities = [key.rpartition("/")[2] for key in keys.values()]
    twice = [name for name, quantity in zip(keys, quantities) if quantities.count(quantity) > 1]
    if twice:
        raise SweepError(f"{' and '.join(twice)} set the same quantity: vary it once")
    return keys


def check_output(out):
    """A one-line error, before anything runs, if a sweep's table cannot be written to ``out``."""
    suffix = os.path.splitext(str(out))[1].lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise SweepError(f"out '{out}': the file must end in {' or '.join(OUTPUT_SUFFIXES)}")
    if suffix == ".parquet":
        require("pyarrow", "sweep", "writing a sweep's table as parquet")
    folder = os.path.dirname(os.path.abspath(out))
    if os.path.isdir(out):
        raise SweepError(f"out '{out}' is a directory; give a file name, e.g. '{os.path.join(out, 'sweep.csv')}'")
    if not os.path.isdir(folder):
        raise SweepError(f"out '{out}': folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (os.path.exists(out) and not os.access(out, os.W_OK)):
        raise SweepError(f"out '{out}' cannot be written (permission denied)")


def write_table(table, out):
    """Write a sweep's table to ``out``, a .csv or .parquet file."""
    check_output(out)
    if str(out).lower().endswith(".parquet"):
        table.to_parquet(out, index=False)
    else:
        table.to_csv(out, index=False)


def sweep(cell, vary, *, temperatures=None, cycles=100, samples=None, seed=0, model="spme", c_rate=None,
          scheduler=None, workers=None, progress=True, out=None, accelerate=False):
    """Cycle ``cell`` ``cycles`` times with its document protocol (at ``c_rate``, the cell's by
    default) at every point of a grid, on a Dask cluster, and return a pandas.DataFrame with one
    row per run and cycle.

    ``vary`` is {name: [values]}, a name being a fit parameter of the cell
    (``fade.fit_parameters``) or a component quantity (in its file's units). The grid is the
    Cartesian product of the values and ``temperatures`` (°C; the cell's own if None); with
    ``samples`` = N, a Latin hypercube of N points between each name's least and greatest value
    (log-uniform for the fit parameters fitted in logs, uniform otherwise; ``seed``): see
    ``sweep_grid``. Every point's cell is composed and checked before anything runs.

    Runs on a ``distributed.LocalCluster`` of ``workers`` processes (one thread each; all cores
    by default), or, with ``scheduler`` ("tcp://HOST:PORT"), on that running scheduler's workers
    (which need pybamm-ssb, and a cell file's components at the same paths). ``progress``
    prints "run k/N" on stderr as runs end.

    Columns: ``run``, each varied name, ``temperature_C``, ``cycle``,
    ``discharge_capacity_mAh_g``, ``charge_capacity_mAh_g``, ``coulombic_efficiency``,
    ``status`` ("finished", "stopped": ended early but kept its finished cycles, "failed": no
    cycle) and ``reason`` (why it stopped or failed). A run without a cycle has one row, its
    cycle missing (NA). A failing run never stops the others. ``out`` (.csv or .parquet) writes
    the table too. ``accelerate`` jumps cycles (``CyclingSimulation.solve``); the column
    ``extrapolated`` then marks the rows of jumped cycles.
    """
    distributed = require("distributed", "sweep", "a parameter sweep")
    if out is not None:
        check_output(out)
    if model not in MODELS:
        raise SweepError(f"model must be one of {sorted(MODELS)}, got {model!r}")
    if workers is not None and scheduler is not None:
        raise SweepError("workers sets the size of the local cluster; a running scheduler has its own workers: leave workers out")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise SweepError(f"workers must be a whole number >= 1, got {workers!r}")
    cell = resolve_cell(cell)
    cycling_experiment(cell.values, default_steps(cell.values, cell.meta["c_rate"] if c_rate is None else c_rate), cycles)  # checks both
    points = sweep_grid(cell, vary, temperatures, samples=samples, seed=seed)
    one_build = set(vary) <= set(fit_parameters(cell))
    cells = _composed_cells(cell, points)
    tasks = [(cell if one_build else cells[point.run], point, cycles, model, c_rate, one_build, accelerate) for point in points]
    if scheduler is None:
        size = min(workers or os.cpu_count(), len(points))
        with distributed.LocalCluster(n_workers=size, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:
            outcomes = _gather(distributed, client, tasks, progress)
    else:
        try:
            client = distributed.Client(scheduler)
        except (OSError, ValueError) as error:
            raise SweepError(f"scheduler '{scheduler}' cannot be reached: {str(error).splitlines()[0]}") from None
        with client:
            outcomes = _gather(distributed, client, tasks, progress)
    table = _table(points, outcomes, list(vary), accelerate)
    if out is not None:
        write_table(table, out)
    return table


def _composed_cells(cell, points):
    """{run: the point's cell}, each composed with its values and checked at its temperature."""
    keys = _override_keys(cell, points[0].values)
    composed, cells = {}, {}
    for point in points:
        overrides = {keys[name]: value for name, value in point.values.items()}
        try:
            if tuple(overrides.items()) not in composed:
                composed[tuple(overrides.items())] = resolve_cell(cell, overrides)
            cells[point.run] = prepare_run(composed[tuple(overrides.items())], point.temperature_C).cell
        except PybammSsbError as error:
            where = ", ".join(f"{name}={value:g}" for name, value in point.values.items())
            raise SweepError(f"grid point {where} at {point.temperature_C:g} C: {error}") from None
    return cells


def _gather(distributed, client, tasks, progress):
    """{run: (cycle rows, status, reason)} of the tasks, submitted at once and gathered as they end."""
    futures = {client.submit(_run, *task, pure=False): task[1].run for task in tasks}
    outcomes = {}
    for done, future in enumerate(distributed.as_completed(futures), start=1):
        try:
            outcomes[futures[future]] = future.result()
        except Exception as error:  # the task itself never raises: its worker was lost, the others go on
            outcomes[futures[future]] = [], "failed", _one_line(error)
        future.release()
        if progress:
            print(f"run {done}/{len(futures)}", file=sys.stderr, flush=True)
    return outcomes


_worker = threading.local()  # a worker thread's FadeSimulators, kept from task to task


def _run(cell, point, cycles, model, c_rate, one_build, accelerate):
    """On a worker: (cycle rows, status, reason) of one point; never raises."""
    try:
        if one_build:
            result = _simulator(tuple(point.values))(cell, cycles, point.values, c_rate=c_rate, temperature_C=point.temperature_C,
                                                     model=model, accelerate=accelerate).result
        else:
            steps = None if c_rate is None else default_steps(cell.values, c_rate)
            result = simulate_cycling(cell, steps, cycles, point.temperature_C, model, accelerate=accelerate)
        return _cycle_rows(result), "finished", None
    except SimulationFailed as error:
        rows = _cycle_rows(error.result) if error.result is not None else []
        return rows, "stopped" if rows else "failed", _one_line(error)
    except Exception as error:  # a failure is a result of the sweep: it is kept with its reason
        return [], "failed", _one_line(error)


def _simulator(names):
    """This worker thread's FadeSimulator of ``names``: its builds are kept from task to task."""
    simulators = getattr(_worker, "simulators", None)
    if simulators is None:
        simulators = _worker.simulators = {}
    if names not in simulators:
        simulators[names] = FadeSimulator(names)
    return simulators[names]


def _cycle_rows(result):
    return [{column: row[column] for column in (*CYCLE_COLUMNS, "extrapolated") if column in row} for row in result.cycles]


def _one_line(error):
    text = str(error).strip().splitlines()
    return text[0] if isinstance(error, PybammSsbError) and text else f"{type(error).__name__}: {text[0] if text else ''}"


def _table(points, outcomes, names, accelerate=False):
    """The sweep's DataFrame: a row per run and cycle (one, without a cycle, for a run that has none)."""
    rows = []
    for point in points:
        cycles, status, reason = outcomes[point.run]
        head, tail = {"run": point.run, **point.values, "temperature_C": point.temperature_C}, {"status": status, "reason": reason}
        rows += [head | row | tail for row in cycles] or [head | tail]
    columns = [*CYCLE_COLUMNS, *(["extrapolated"] if accelerate else [])]
    table = pd.DataFrame(rows, columns=["run", *names, "temperature_C", *columns, "status", "reason"])
    return table.astype({"cycle": "Int64", "discharge_capacity_mAh_g": float, "charge_capacity_mAh_g": float,
                         "coulombic_efficiency": float})


def run_summary(table):
    """A row per run of a sweep's table: its varied values and temperature, the discharge
    capacity of its first and last cycle, its number of cycles and its status."""
    varied = [column for column in table.columns if column not in ("run", *CYCLE_COLUMNS, "extrapolated", "status", "reason")]
    runs = table.groupby("run", sort=True)
    summary = runs[varied].first()
    summary["first_mAh_g"] = runs["discharge_capacity_mAh_g"].first()
    summary["last_mAh_g"] = runs["discharge_capacity_mAh_g"].last()
    summary["cycles"] = runs["cycle"].count()
    summary["status"] = runs["status"].first()
    return summary.reset_index()
