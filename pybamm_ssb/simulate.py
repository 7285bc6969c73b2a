"""Cycling simulations of registered or composed cells, reported per cycle in mAh/g."""

import sys
from dataclasses import dataclass, field

import casadi
import numpy as np
import pybamm

from .errors import PybammSsbError
from .experiments import (
    cycling_experiment,
    default_steps,
    electrode_area_cm2,
    protocol_experiment,
)
from .models import MODELS
from .runs import prepare_run
from .submodels import degradation_summary
from .validation import ParameterError


class SimulationFailed(PybammSsbError, RuntimeError):
    """The solver stopped early; ``result`` keeps the cycles computed before it did."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


class ProgressCallback(pybamm.callbacks.Callback):
    """Reports each cycle on a stream (stderr by default), so long runs show progress."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr

    def on_cycle_start(self, logs):
        cycle, total = logs["cycle number"]
        print(f"cycle {cycle}/{total}", file=self.stream, flush=True)


@dataclass
class CyclingResult:
    """A cycling run. ``cycles`` holds a row per cycle (cycle_capacities): capacities, Coulombic
    efficiency and the degradation summary variables at the cycle's end; ``as_dict`` is the JSON."""

    cell: str
    temperature_C: float
    solution: pybamm.Solution
    active_mass_g: float
    cycles: list = field(default_factory=list)
    parameter_values: pybamm.ParameterValues = None

    def as_dict(self):
        return {"cell": self.cell, "temperature_C": self.temperature_C, "cycles": self.cycles}


def active_mass_g(parameter_values):
    """Mass of cathode active material [g] = loading * electrode area."""
    area_m2 = electrode_area_cm2(parameter_values) * 1e-4
    return parameter_values["Positive electrode active material loading [kg.m-2]"] * area_m2 * 1e3


def solved_steps(cycle):
    """The steps of a cycle that have a solution.

    A step that ends as it starts (already beyond its cut-off, e.g. the charge of a cell whose
    resistance puts the first point above the upper voltage) comes back from PyBaMM as an
    empty solution, and passes no charge.
    """
    return [s for s in cycle.steps if s is not None and not isinstance(s, pybamm.EmptySolution)]


def discharge_step(cycle):
    """The cycle's discharge: its first solved step that ends passing positive current."""
    return next(step for step in solved_steps(cycle) if step["Current [A]"].entries[-1] > 0)


def area_average(entries):
    """A variable's entries averaged over the parallel regions of the area (option "interface
    heterogeneity", regions x time), or as they are for a cell of one region."""
    return entries.mean(axis=0) if entries.ndim == 2 else entries


def step_capacity_mAh(step):
    """Charge passed in a step [mAh], positive for discharge."""
    q = step["Discharge capacity [A.h]"].entries
    return (q[-1] - q[0]) * 1e3


def degradation_summaries(solution):
    """Per cycle of ``solution`` (aligned with ``solution.cycles``), the model's degradation
    summary variables at the end of the cycle, {name: value}: PyBaMM's
    ``solution.summary_variables[name]`` (names: submodels/degradation_summary.py; those the
    model's options define). Empty dicts for a solution without summary variables.

    The values are PyBaMM's expressions at the cycles' last states (as its summary reads
    them), evaluated together in one CasADi function per model: PyBaMM's summary reads each
    variable of each cycle on its own, at about 0.3 ms a time, which for 100 cycles took as
    long as solving them.
    """
    summary = solution.summary_variables
    if summary is None or summary.cycles is None:
        return [{} for _ in solution.cycles]
    names = degradation_summary.summary_variables(solution.all_models[0].summary_variables)
    functions = {}
    return [_values_at(cycle.last_state, names, functions) for cycle in summary.cycles]


def _values_at(state, names, functions):
    """{name: value} of the scalar variables ``names`` at ``state`` (a Solution of one point),
    compiled once per model into ``functions``."""
    model, inputs = state.all_models[0], state.all_inputs[0]
    keys = sorted(inputs)
    if id(model) not in functions:
        t = casadi.MX.sym("t")
        y = casadi.MX.sym("y", state.all_ys[0].shape[0])
        p = casadi.MX.sym("p", sum(np.size(inputs[key]) for key in keys))
        p_by_name, start = {}, 0
        for key in keys:
            p_by_name[key] = p[start:start + np.size(inputs[key])]
            start += np.size(inputs[key])
        shared = {}
        expressions = {name: model.get_processed_variable_or_event(name).to_casadi(t, y, inputs=p_by_name,
                                                                                   casadi_symbols=shared)
                       for name in names}
        scalars = [name for name, e in expressions.items() if e.shape == (1, 1)]
        functions[id(model)] = scalars, casadi.Function(
            "degradation_summary", [t, y, p], [casadi.vertcat(*[expressions[name] for name in scalars])]
        )
    scalars, function = functions[id(model)]
    p_values = np.concatenate([np.ravel(inputs[key]) for key in keys]) if keys else np.zeros(0)
    values = function(state.all_ts[0][-1], state.all_ys[0][:, -1], p_values).full().ravel()
    return {name: float(value) for name, value in zip(scalars, values)}


def cycle_capacities(solution, mass_g):
    """Per-cycle discharge and charge capacity [mAh/g] and Coulombic efficiency, followed by
    the cycle's degradation summary variables (degradation_summaries) under their names."""
    rows = []
    summaries = degradation_summaries(solution)
    for n, (cycle, summary) in enumerate(zip(solution.cycles, summaries), start=1):
        if cycle is None:
            continue
        q = np.array([step_capacity_mAh(s) for s in solved_steps(cycle)])
        discharge = q[q > 0].sum() / mass_g
        charge = -q[q < 0].sum() / mass_g
        rows.append(
            {
                "cycle": n,
                "discharge_capacity_mAh_g": float(discharge),
                "charge_capacity_mAh_g": float(charge),
                "coulombic_efficiency": float(discharge / charge) if charge > 0 else None,
                **summary,
            }
        )
    return rows


def simulate_cycling(
    cell,
    steps=None,
    cycles=1,
    temperature_C=None,
    model="spme",
    parameter_values=None,
    model_options=None,
    progress=False,
    protocol=None,
):
    """Cycle ``cell`` (a registered name, the path of a cell file or a ComposedCell) and return
    a CyclingResult.

    ``steps`` are PyBaMM experiment strings (current densities such as "0.1 mA/cm2"
    allowed); by default the document's protocol (CC charge/discharge at the cell's C-rate
    in its voltage window), from the cell as assembled. ``protocol``, a list of cycles each a list of steps, replaces
    ``steps`` and ``cycles`` when cycles differ (e.g. a rate test). ``model_options``
    are laid over the cell's own (e.g. a gel cell's Li contact without voids). Raises
    SimulationFailed, holding the cycles that finished, if the solver stops early.
    """
    prepared = CyclingSimulation(cell, steps, cycles, temperature_C, model, parameter_values, model_options, protocol)
    return prepared.solve(progress=progress)


class CyclingSimulation:
    """A cycling run of ``cell`` built once (model, experiment, solver) and solved on demand.

    Arguments as for ``simulate_cycling``. Parameter values may hold ``pybamm.InputParameter``
    symbols, whose values ``solve(inputs=...)`` gives: one built model then serves many
    parameter values (as in a fit), without building it again.
    """

    def __init__(self, cell, steps=None, cycles=1, temperature_C=None, model="spme", parameter_values=None,
                 model_options=None, protocol=None):
        if model not in MODELS:
            raise ParameterError(f"model must be one of {sorted(MODELS)}, got '{model}'")
        setup = prepare_run(cell, temperature_C, model_options, parameter_values=parameter_values)
        values = setup.parameter_values
        if protocol is not None:
            experiment = protocol_experiment(values, protocol)
            cycles = len(protocol)
        else:
            if steps is None:
                steps = default_steps(values, setup.cell.meta["c_rate"])
            experiment = cycling_experiment(values, list(steps), cycles)
        self.cell, self.cycles, self.temperature_C, self.values = setup.name, cycles, setup.temperature_C, values
        self.simulation = pybamm.Simulation(
            MODELS[model](setup.options),
            parameter_values=values,
            experiment=experiment,
            solver=pybamm.IDAKLUSolver(),
        )

    def solve(self, inputs=None, progress=False):
        """CyclingResult of one run; SimulationFailed (holding what finished) if it stops early."""
        callbacks = [ProgressCallback()] if progress else []
        try:
            solution = self.simulation.solve(callbacks=callbacks, inputs=inputs)
        except pybamm.SolverError as error:
            raise SimulationFailed(f"the solver stopped before a cycle could be kept: {error}", None) from error
        mass = active_mass_g(self.values)
        result = CyclingResult(self.cell, self.temperature_C, solution, mass, cycle_capacities(solution, mass),
                               self.values)
        finished = len([c for c in solution.cycles if c is not None])
        stopped_normally = str(solution.termination).startswith(("event", "final time"))
        if finished < self.cycles or not stopped_normally:
            raise SimulationFailed(
                f"solver stopped after {finished} of {self.cycles} cycles ({solution.termination})", result
            )
        return result
