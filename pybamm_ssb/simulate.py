"""Cycling simulations of registered or composed cells, reported per cycle in mAh/g."""

import signal
import sys
import threading
from dataclasses import dataclass, field

import casadi
import numpy as np
import pybamm

from .errors import PybammSsbError
from .experiments import (
    BEYOND_CUT_OFF,
    ProtocolError,
    cycling_experiment,
    default_steps,
    electrode_area_cm2,
    lengthened_step,
    protocol_experiment,
    why_step_cannot_start,
)
from .memory import memory_bytes
from .models import MODELS
from .runs import prepare_run
from .submodels import degradation_summary
from .trust import cycle_ranges, flag_cycles
from .validation import ParameterError


class SimulationFailed(PybammSsbError, RuntimeError):
    """The solver stopped early; ``result`` keeps the cycles computed before it did (None if none
    finished). ``interrupted`` is True when the run was stopped by an interrupt (Ctrl-C)."""

    def __init__(self, message, result, interrupted=False):
        super().__init__(message)
        self.result = result
        self.interrupted = interrupted


class StepCannotStart(ProtocolError):
    """A step that cannot start from the state the cell is in (e.g. a discharge to a voltage above
    the cell's), so that no cycle could be solved."""


class _Interrupted(pybamm.SolverError):
    """Raised in place of the next solver step after an interrupt: PyBaMM then stops the
    experiment and returns what it solved, as for a solver failure."""

    def __init__(self):
        super().__init__("interrupted")


class _Logging(pybamm.callbacks.LoggingCallback):
    """PyBaMM's logging, without its error line: the run's SimulationFailed says why it stopped."""

    def on_experiment_error(self, logs):
        pass


class _RunMonitor(pybamm.callbacks.Callback):
    """Follows a run: the cycles it finished, why it stopped, the steps that ran out on PyBaMM's
    default duration; and, after an interrupt, makes the next solver step stop the run. With
    ``progress`` it reports each solved cycle, "cycle n/N", on ``stream`` (stderr by default); a
    cycle that PyBaMM starts but does not finish (a failed or skipped step) is not reported."""

    def __init__(self, simulation, protocol, stream=None, progress=False):
        self.simulation, self.protocol, self.progress = simulation, protocol, progress
        self.stream = stream or sys.stderr
        self.finished, self.started, self.stopped, self.warnings = 0, 0, None, []
        self.current, self.skipped = None, {}
        self.budget = _MemoryBudget(len(protocol))
        self.failed = self.interrupted = self.halted = False
        simulation._check_infeasible_steps = self._infeasible_cycle

    def _infeasible_cycle(self, steps, step, step_str, cycle_num):
        """When no step of a cycle can start, PyBaMM raises and the cycles before it are lost.
        From the second cycle on the run stops there instead (the next solver step halts it, as
        an interrupt does), keeping them; the first cycle is PyBaMM's to refuse."""
        if cycle_num == 1:
            return pybamm.Simulation._check_infeasible_steps(self.simulation, steps, step, step_str, cycle_num)
        self.halted = True
        return True

    def _step(self, logs):
        cycle, step = logs["cycle number"][0], logs["step number"][0]
        return self.protocol[cycle - 1][step - 1], cycle

    def _ended_early(self, logs):
        """A step ended before its own end: its cycle still counts if it was the cycle's last step."""
        step, steps = logs["step number"]
        self.failed = self.failed or step < steps

    def on_cycle_start(self, logs):
        self.failed = False
        self.started = logs["cycle number"][0]
        simulation = self.simulation
        solvers = [getattr(simulation, "_built_experiment_solver", None),
                   *getattr(simulation, "steps_to_built_solvers", {}).values()]
        for solver in solvers:
            if solver is not None and not hasattr(solver, "_ssb_unchecked_step"):
                solver._ssb_unchecked_step = solver.step
                solver.step = _checked_step(solver)
            if solver is not None:
                solver._ssb_monitor = self

    def on_step_start(self, logs):
        self.current = self._step(logs)

    def skip(self):
        """The step under way could not start (PyBaMM skips it, as an empty solution)."""
        step, cycle = self.current
        self.skipped.setdefault(step, []).append(cycle)

    def skipped_warnings(self):
        return [f"step '{step}' could not start in cycle{'s' if len(cycles) > 1 else ''} {cycle_ranges(cycles)} and "
                f"was skipped: {BEYOND_CUT_OFF}" for step, cycles in self.skipped.items()]

    def on_experiment_error(self, logs):
        self.failed = True
        step, cycle = self._step(logs)
        if isinstance(logs["error"], _Interrupted):
            self.stopped = self.stopped if self.halted else "interrupted"
        else:
            message = str(logs["error"]).strip().splitlines()[0] if str(logs["error"]).strip() else "solver error"
            self.stopped = f"the solver failed in cycle {cycle}, step '{step}': {message}"

    def on_experiment_infeasible_event(self, logs):
        self._ended_early(logs)
        step, cycle = self._step(logs)
        self.stopped = f"cycle {cycle}, step '{step}' ended on {logs['termination']} instead of its own end"

    def on_experiment_infeasible_time(self, logs):
        self._ended_early(logs)
        step, cycle = self._step(logs)
        hours = logs["step duration"] / 3600
        self.warnings.append(
            f"step '{step}' (cycle {cycle}) ran for PyBaMM's default {hours:g} hours without reaching its end; "
            f"to lengthen it give a duration, e.g. '{lengthened_step(step, 4 * hours)}'"
        )
        self.stopped = f"step '{step}' of cycle {cycle} did not end within PyBaMM's default {hours:g} hours"

    def on_cycle_end(self, logs):
        if not self.failed:
            self.finished += 1
            self.stopped = self.stopped or self.budget.exceeded(self.finished)
            self.halted = self.halted or self.stopped is not None
            if self.progress:
                cycle, total = logs["cycle number"]
                print(f"cycle {cycle}/{total}", file=self.stream, flush=True)


class _MemoryBudget:
    """Projects a run's memory from what its cycles take once built: from the end of cycle 1 (the
    model built, the solver set up) over the next ``after`` cycles. When the cycles still to come
    would need more than ``share`` of the memory available, the run stops with the estimate
    (keeping its finished cycles) instead of exhausting the machine."""

    def __init__(self, total, after=10, share=0.8):
        self.total, self.after, self.share, self.start = total, after, share, None

    def exceeded(self, finished):
        """Why the run must stop after ``finished`` cycles, or None."""
        if finished == 1:
            self.start, _ = memory_bytes()
        if self.start is None or finished < 1 + self.after or finished >= self.total:
            return None
        resident, available = memory_bytes()
        per_cycle = max(resident - self.start, 0) / (finished - 1)
        needed = per_cycle * (self.total - finished)
        if needed <= self.share * available:
            return None
        return (f"the remaining {self.total - finished} cycles would need about {needed / 1e9:.3g} GB "
                f"({per_cycle / 1e6:.3g} MB per cycle over cycles 2-{finished}), more than "
                f"{100 * self.share:g} % of the {available / 1e9:.3g} GB available: run fewer cycles at a time")


def _checked_step(solver):
    def step(*args, **kwargs):
        monitor = getattr(solver, "_ssb_monitor", None)
        if monitor is not None and (monitor.interrupted or monitor.halted):
            raise _Interrupted()
        try:
            return solver._ssb_unchecked_step(*args, **kwargs)
        except pybamm.SolverError as error:
            if monitor is not None and "non-positive at initial conditions" in str(error):
                monitor.skip()
            raise

    return step


class _DeferredInterrupt:
    """While a run solves (in the main thread): a first SIGINT asks the run to stop after the
    current solver step, keeping what it solved; a second raises KeyboardInterrupt at once."""

    def __init__(self, monitor):
        self.monitor, self.previous = monitor, None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.monitor.interrupted:
            raise KeyboardInterrupt
        self.monitor.interrupted = True

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False


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
    stopped: str = None  # why the run stopped early; None when it finished
    warnings: list = field(default_factory=list)

    def as_dict(self):
        return {"cell": self.cell, "temperature_C": self.temperature_C, "stopped": self.stopped,
                "warnings": self.warnings, "cycles": self.cycles}


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
            self.protocol = [list(steps) for steps in protocol]
        else:
            if steps is None:
                steps = default_steps(values, setup.cell.meta["c_rate"])
            experiment = cycling_experiment(values, list(steps), cycles)
            self.protocol = [list(steps)] * cycles
        self.cell, self.cycles, self.temperature_C, self.values = setup.name, cycles, setup.temperature_C, values
        self.setup_warnings = setup.warnings
        self.simulation = pybamm.Simulation(
            MODELS[model](setup.options),
            parameter_values=values,
            experiment=experiment,
            solver=pybamm.IDAKLUSolver(),
        )

    def solve(self, inputs=None, progress=False):
        """CyclingResult of one run; SimulationFailed (holding the cycles that finished) if it
        stops early or is interrupted (SIGINT: the run stops after the solver step under way);
        StepCannotStart if the first cycle cannot start. ``result.warnings`` names the steps
        that ran out on PyBaMM's default duration."""
        monitor = _RunMonitor(self.simulation, self.protocol, progress=progress)
        total = self.cycles
        try:
            with _DeferredInterrupt(monitor):
                solution = self.simulation.solve(callbacks=[monitor, _Logging()], inputs=inputs)
        except KeyboardInterrupt:
            raise SimulationFailed(f"interrupted after {monitor.finished} of {total} cycles (none kept: interrupted "
                                   "twice)", None, interrupted=True) from None
        except pybamm.SolverError as error:
            if monitor.interrupted:
                raise SimulationFailed(f"interrupted after 0 of {total} cycles", None, interrupted=True) from None
            if "infeasible" in str(error) and monitor.finished == 0:
                raise StepCannotStart(self._cannot_start(1, None)) from None
            reason = monitor.stopped or str(error).strip().splitlines()[0]
            raise SimulationFailed(f"the solver stopped in cycle {monitor.started} of {total}, before any cycle "
                                   f"finished: {reason}" if monitor.finished == 0 else
                                   f"the solver stopped in cycle {monitor.started} of {total} ({reason}); "
                                   f"the {monitor.finished} cycles before it are lost", None) from error
        if isinstance(solution, pybamm.EmptySolution) or not getattr(solution, "cycles", None):
            if monitor.interrupted:
                raise SimulationFailed(f"interrupted after 0 of {total} cycles", None, interrupted=True)
            raise StepCannotStart(self._cannot_start(1, None))
        mass = active_mass_g(self.values)
        rows = cycle_capacities(solution, mass)[:monitor.finished]
        nominal = self.values["Nominal cell capacity [A.h]"] * 1e3 / mass
        warnings = [*self.setup_warnings, *monitor.warnings, *monitor.skipped_warnings(),
                    *flag_cycles(rows, nominal, self.protocol)]
        result = CyclingResult(self.cell, self.temperature_C, solution, mass, rows, self.values, warnings=warnings)
        finished = len(rows)
        if finished < total:
            if monitor.interrupted:
                result.stopped = f"interrupted after {finished} of {total} cycles"
                raise SimulationFailed(result.stopped, result, interrupted=True)
            if monitor.stopped is None and monitor.started > finished:
                monitor.stopped = self._cannot_start(finished + 1, solution)
            reason = monitor.stopped or f"{solution.termination}"
            result.stopped = f"stopped after {finished} of {total} cycles: {reason}"
            raise SimulationFailed(result.stopped, result)
        return result

    def _cannot_start(self, cycle, solution):
        """Why cycle ``cycle`` (1-based) cannot start: its first step, and the voltage the cell
        starts it at (the lower cut-off for a cell as assembled)."""
        step = self.protocol[cycle - 1][0]
        if solution is None or isinstance(solution, pybamm.EmptySolution):
            voltage, where = self.values["Lower voltage cut-off [V]"], "as assembled, at its lower cut-off"
        else:
            voltage, where = float(solution["Voltage [V]"].entries[-1]), f"at the end of cycle {cycle - 1}"
        return f"step '{step}' of cycle {cycle} cannot start: {why_step_cannot_start(step, voltage, where)}"
