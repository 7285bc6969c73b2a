"""Cycling simulations of registered or composed cells, reported per cycle in mAh/g."""

import signal
import sys
import threading
from dataclasses import dataclass, field, replace

import casadi
import numpy as np
import pybamm

from .acceleration import CycleJumping, fill_extrapolated, slow_state_indices
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
        self.base, self.offset, self.block_end = 0, 0, len(protocol)
        simulation._check_infeasible_steps = self._infeasible_cycle

    def begin_block(self, base, count, offset):
        """The next solve runs cycles base+1 .. base+count of the run (then halts); PyBaMM numbers
        them after the ``offset`` cycles of its starting solution (a starting state counts as one)."""
        self.base, self.offset, self.block_end, self.halted = base, offset, base + count, False
        self.finished = base

    def _cycle(self, logs):
        """The run's number of the cycle PyBaMM is at."""
        return self.base + logs["cycle number"][0] - self.offset

    def _infeasible_cycle(self, steps, step, step_str, cycle_num):
        """When no step of a cycle can start, PyBaMM raises and the cycles before it are lost.
        From the second cycle on the run stops there instead (the next solver step halts it, as
        an interrupt does), keeping them; the first cycle is PyBaMM's to refuse."""
        if self.base + cycle_num == 1:
            return pybamm.Simulation._check_infeasible_steps(self.simulation, steps, step, step_str, cycle_num)
        self.halted = True
        return True

    def _step(self, logs):
        cycle, step = self._cycle(logs), logs["step number"][0]  # beyond the run only while a block halts
        return self.protocol[min(cycle, len(self.protocol)) - 1][step - 1], cycle

    def _ended_early(self, logs):
        """A step ended before its own end: its cycle still counts if it was the cycle's last step."""
        step, steps = logs["step number"]
        self.failed = self.failed or step < steps

    def on_cycle_start(self, logs):
        self.failed = False
        self.started = self._cycle(logs)
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
            self.finished = self._cycle(logs)
            self.stopped = self.stopped or self.budget.exceeded(self.finished)
            self.halted = self.halted or self.stopped is not None or self.finished >= self.block_end
            if self.progress:
                print(f"cycle {self._cycle(logs)}/{len(self.protocol)}", file=self.stream, flush=True)


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
    efficiency and the degradation summary variables at the cycle's end; ``as_dict`` is the JSON.

    ``solution`` is PyBaMM's whole solution when the run kept it (a run of at most
    CYCLES_PER_BLOCK cycles, or ``keep_solution=True``), else None; ``saved`` holds the kept
    cycles' solutions by cycle number either way (``cycle_solution``). An accelerated run's
    rows say whether each cycle was simulated or extrapolated, and ``jumps`` lists its jumps.
    """

    cell: str
    temperature_C: float
    solution: pybamm.Solution
    active_mass_g: float
    cycles: list = field(default_factory=list)
    parameter_values: pybamm.ParameterValues = None
    stopped: str = None  # why the run stopped early; None when it finished
    warnings: list = field(default_factory=list)
    saved: dict = field(default_factory=dict)  # cycle number -> that cycle's pybamm.Solution
    jumps: list = None  # accelerated runs: (from cycle, cycles jumped) of each jump
    solved_cycles: int = None  # cycles the solver ran (an accelerated run: with the settling cycles and rejected jumps)

    def cycle_solution(self, cycle):
        """PyBaMM's solution of cycle ``cycle`` (1-based), if the run kept it."""
        if cycle not in self.saved:
            raise ParameterError(f"cycle {cycle} was not kept: the run kept cycles {cycle_ranges(sorted(self.saved))}; "
                                 "give save_at_cycles or keep_solution=True to keep others")
        return self.saved[cycle]

    def as_dict(self):
        extra = {} if self.jumps is None else {"jumps": [{"from_cycle": c, "cycles": n} for c, n in self.jumps],
                                               "solved_cycles": self.solved_cycles}
        return {"cell": self.cell, "temperature_C": self.temperature_C, "stopped": self.stopped,
                "warnings": self.warnings, **extra, "cycles": self.cycles}


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


def degradation_summaries(solution, start=0, functions=None):
    """Per cycle of ``solution`` from index ``start`` (aligned with ``solution.cycles[start:]``), the model's degradation
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
        return [{} for _ in solution.cycles[start:]]
    names = degradation_summary.summary_variables(solution.all_models[0].summary_variables)
    functions = {} if functions is None else functions
    return [_values_at(cycle.last_state, names, functions) for cycle in summary.cycles[start:]]


def _values_at(state, names, functions):
    """{name: value} of the scalar variables ``names`` at ``state`` (a Solution of one point),
    compiled once per model into ``functions`` (keyed by the model, which it holds alive)."""
    model, inputs = state.all_models[0], state.all_inputs[0]
    keys = sorted(inputs)
    if model not in functions:
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
        functions[model] = scalars, casadi.Function(
            "degradation_summary", [t, y, p], [casadi.vertcat(*[expressions[name] for name in scalars])]
        )
    scalars, function = functions[model]
    p_values = np.concatenate([np.ravel(inputs[key]) for key in keys]) if keys else np.zeros(0)
    values = function(state.all_ts[0][-1], state.all_ys[0][:, -1], p_values).full().ravel()
    return {name: float(value) for name, value in zip(scalars, values)}


def cycle_capacities(solution, mass_g, start=0, functions=None):
    """Per-cycle discharge and charge capacity [mAh/g] and Coulombic efficiency, followed by
    the cycle's degradation summary variables (degradation_summaries) under their names; of
    the cycles from index ``start`` on, numbered from ``start + 1``."""
    rows = []
    summaries = degradation_summaries(solution, start, functions)
    for n, (cycle, summary) in enumerate(zip(solution.cycles[start:], summaries), start=start + 1):
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
    accelerate=False,
    save_at_cycles=None,
    keep_solution=False,
):
    """Cycle ``cell`` (a registered name, the path of a cell file or a ComposedCell) and return
    a CyclingResult.

    ``steps`` are PyBaMM experiment strings (current densities such as "0.1 mA/cm2"
    allowed); by default the document's protocol (CC charge/discharge at the cell's C-rate
    in its voltage window), from the cell as assembled. ``protocol``, a list of cycles each a list of steps, replaces
    ``steps`` and ``cycles`` when cycles differ (e.g. a rate test). ``model_options``
    are laid over the cell's own (e.g. a gel cell's Li contact without voids). Raises
    SimulationFailed, holding the cycles that finished, if the solver stops early.
    ``accelerate``, ``save_at_cycles`` and ``keep_solution``: see ``CyclingSimulation.solve``.
    """
    prepared = CyclingSimulation(cell, steps, cycles, temperature_C, model, parameter_values, model_options, protocol)
    return prepared.solve(progress=progress, accelerate=accelerate, save_at_cycles=save_at_cycles,
                          keep_solution=keep_solution)


# per-cycle rows an accelerated run also holds to its tolerance, beside the states (acceleration module)
OBSERVED = ("discharge_capacity_mAh_g",)
CYCLES_PER_BLOCK = 50  # a repeated protocol is solved this many cycles at a time, each block from the last one's end
SAVED_CYCLES = 10  # evenly spaced cycles whose solutions a run of several blocks keeps (with the first and the last)


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
            self.protocol = [list(steps) for steps in protocol]
            experiment = protocol_experiment(values, self.protocol)
        else:
            if steps is None:
                steps = default_steps(values, setup.cell.meta["c_rate"])
            experiment = cycling_experiment(values, list(steps), cycles)
            self.protocol = [list(steps)] * cycles
        self.cycles = len(self.protocol)
        self.repeated = all(steps == self.protocol[0] for steps in self.protocol)
        self.block = min(self.cycles, CYCLES_PER_BLOCK) if self.repeated else self.cycles
        self.cell, self.temperature_C, self.values = setup.name, setup.temperature_C, values
        self.setup_warnings = setup.warnings
        self._summaries = {}  # compiled degradation summary functions, by model
        self.simulation = pybamm.Simulation(
            MODELS[model](setup.options),
            parameter_values=values,
            experiment=experiment if self.block == self.cycles else protocol_experiment(values, self.protocol[:self.block]),
            solver=pybamm.IDAKLUSolver(),
        )

    def solve(self, inputs=None, progress=False, accelerate=False, save_at_cycles=None, keep_solution=False):
        """CyclingResult of one run; SimulationFailed (holding the cycles that finished) if it
        stops early or is interrupted (SIGINT: the run stops after the solver step under way);
        StepCannotStart if the first cycle cannot start. ``result.warnings`` names the steps
        that ran out on PyBaMM's default duration.

        A repeated protocol longer than CYCLES_PER_BLOCK cycles is solved block by block, each
        from a copy of the last block's end state, keeping the per-cycle rows and the solutions
        of the first, the last, SAVED_CYCLES evenly spaced cycles and ``save_at_cycles`` (a list
        of cycle numbers): its memory does not grow with the cycles. ``keep_solution=True``
        keeps PyBaMM's whole solution instead. ``accelerate`` (True, or a
        ``pybamm_ssb.acceleration.CycleJumping`` with its settings) jumps over cycles whose slow
        states it extrapolates (see that module); every cycle still has its row.
        """
        jumping = CycleJumping() if accelerate is True else replace(accelerate, jumps=[], rejected=0) if accelerate else None
        if jumping is not None and not self.repeated:
            raise ParameterError("accelerate needs a protocol whose cycles repeat the same steps; this one's differ")
        if jumping is not None and keep_solution:
            raise ParameterError("an accelerated run has no whole solution to keep: the cycles it jumps are not solved")
        run = _Run(self, inputs, progress, self._to_save(save_at_cycles), keep_solution)
        try:
            with _DeferredInterrupt(run.monitor):
                run.accelerated(jumping) if jumping is not None else run.plain()
        except KeyboardInterrupt:
            raise SimulationFailed(f"interrupted after {run.monitor.finished} of {self.cycles} cycles (none kept: "
                                   "interrupted twice)", None, interrupted=True) from None
        self.simulation._solution = None  # PyBaMM's reference to the last block
        return self._result(run, jumping)

    def _to_save(self, save_at_cycles):
        spaced = np.linspace(1, self.cycles, min(SAVED_CYCLES, self.cycles)).round().astype(int)
        wanted = {int(n) for n in save_at_cycles or ()}
        outside = sorted(n for n in wanted if not 1 <= n <= self.cycles)
        if outside:
            raise ParameterError(f"save_at_cycles must lie within 1-{self.cycles}, got {outside}")
        return {1, self.cycles, *map(int, spaced), *wanted}

    def _result(self, run, jumping):
        monitor, total, rows = run.monitor, self.cycles, sorted(run.rows, key=lambda row: row["cycle"])
        if not rows:
            error = run.error
            if monitor.interrupted:
                raise SimulationFailed(f"interrupted after 0 of {total} cycles", None, interrupted=True) from None
            if error is None or "infeasible" in str(error):
                raise StepCannotStart(self._cannot_start(1, None)) from None
            reason = monitor.stopped or str(error).strip().splitlines()[0]
            raise SimulationFailed(f"the solver stopped in cycle {monitor.started} of {total}, before any cycle "
                                   f"finished: {reason}", None) from error
        if jumping is not None:
            rows = fill_extrapolated(rows, rows[-1]["cycle"])
        mass = run.mass
        nominal = self.values["Nominal cell capacity [A.h]"] * 1e3 / mass
        warnings = [*self.setup_warnings, *monitor.warnings, *monitor.skipped_warnings(),
                    *flag_cycles(rows, nominal, self.protocol)]
        result = CyclingResult(self.cell, self.temperature_C, run.whole, mass, rows, self.values, warnings=warnings,
                               saved=run.saved, jumps=None if jumping is None else jumping.jumps, solved_cycles=run.solved)
        finished = rows[-1]["cycle"]
        if finished < total:
            if monitor.interrupted:
                result.stopped = f"interrupted after {finished} of {total} cycles"
                raise SimulationFailed(result.stopped, result, interrupted=True)
            if monitor.stopped is None and monitor.started > finished:
                monitor.stopped = self._cannot_start(finished + 1, run.state)
            reason = monitor.stopped or (str(run.error).strip().splitlines()[0] if run.error else "the solver stopped")
            result.stopped = f"stopped after {finished} of {total} cycles: {reason}"
            raise SimulationFailed(result.stopped, result)
        return result

    def _cannot_start(self, cycle, state):
        """Why cycle ``cycle`` (1-based) cannot start: its first step, and the voltage the cell
        starts it at (the lower cut-off for a cell as assembled, else at ``state``, the end of
        the cycle before)."""
        step = self.protocol[cycle - 1][0]
        if state is None:
            voltage, where = self.values["Lower voltage cut-off [V]"], "as assembled, at its lower cut-off"
        else:
            voltage, where = float(state["Voltage [V]"].entries[-1]), f"at the end of cycle {cycle - 1}"
        return f"step '{step}' of cycle {cycle} cannot start: {why_step_cannot_start(step, voltage, where)}"


class _Run:
    """One solve of a CyclingSimulation, block by block: the rows of the cycles solved, the
    kept cycle solutions, and the state the next block starts from."""

    def __init__(self, prepared, inputs, progress, save, keep):
        self.prepared, self.inputs, self.save, self.keep = prepared, inputs, save, keep
        self.simulation = prepared.simulation
        self.monitor = _RunMonitor(self.simulation, prepared.protocol, progress=progress)
        self.mass = active_mass_g(prepared.values)
        self.rows, self.saved, self.ends = [], {}, {}
        self.state = self.whole = self.error = self.swing = None
        self.solved = 0  # cycles solved, with those of rejected jumps
        self.single = prepared.block == prepared.cycles  # one block: PyBaMM's whole solution is the run's

    def block(self, base, count, state):
        """Solve cycles base+1 .. base+count from ``state`` (a one-point Solution; None: the cell
        as assembled). Returns (rows, end states by cycle, cycle solutions to keep) of the cycles
        that finished, and sets ``state`` to the last one's end; None if no cycle finished."""
        monitor = self.monitor
        start = self.whole if self.keep and self.whole is not None else state
        skip = 0 if start is None else len(start.cycles) if self.keep else 1  # the starting solution's cycles
        monitor.begin_block(base, count, skip)
        try:
            solution = self.simulation.solve(starting_solution=start, callbacks=[monitor, _Logging()], inputs=self.inputs)
        except pybamm.SolverError as error:  # PyBaMM raises only for the first step of the block
            self.error = error
            return None
        if isinstance(solution, pybamm.EmptySolution) or not getattr(solution, "cycles", None):
            return None
        self.solved += monitor.finished - base
        rows = [row for row in cycle_capacities(solution, self.mass, skip, self.prepared._summaries)
                if row["cycle"] - skip <= monitor.finished - base]
        ends, kept = {}, {}
        for row in rows:
            cycle = solution.cycles[row["cycle"] - 1]
            row["cycle"] += base - skip
            observed = [row[name] for name in OBSERVED if row.get(name) is not None]
            ends[row["cycle"]] = np.concatenate([cycle.all_ys[-1][:, -1], observed])
            if self.keep or self.single or row["cycle"] in self.save:
                kept[row["cycle"]] = cycle
        if self.keep or self.single:
            self.whole = solution
        if rows:
            last = solution.cycles[rows[-1]["cycle"] - base + skip - 1]
            self.state = _state_at(solution, last.all_ys[-1][:, -1])
            swing = np.ptp(np.hstack(last.all_ys), axis=1)  # each state's swing within the last cycle
            self.swing = np.concatenate([swing, np.zeros(len(observed))])
        return rows, ends, kept

    def commit(self, outcome):
        rows, ends, kept = outcome
        self.rows += rows
        self.ends.update(ends)
        self.saved.update(kept)

    def _ran_through(self, outcome, last):
        """Whether the block reached cycle ``last`` with nothing stopping the run."""
        return outcome is not None and self.monitor.stopped is None and self.monitor.finished >= last

    def plain(self):
        done, total = 0, self.prepared.cycles
        while done < total:
            count = min(self.prepared.block, total - done)
            outcome = self.block(done, count, self.state)
            if outcome is not None:
                self.commit(outcome)
            if not self._ran_through(outcome, done + count):
                return
            done += count

    def accelerated(self, jumping):
        """Simulate ``jumping.first`` cycles, then jump and simulate again (acceleration module)."""
        total, self.single = self.prepared.cycles, False
        first = min(jumping.first, total)
        outcome = self.block(0, first, None)
        if outcome is not None:
            self.commit(outcome)
        if not self._ran_through(outcome, first) or first == total:
            return
        slow, fast, controlled = slow_state_indices(self.simulation._disc.y_slices, self.simulation.steps_to_built_models.values())
        states = self.state.all_ys[-1].shape[0]  # the observed rows follow the states in ``ends``
        observed = np.arange(states, len(self.ends[first]))
        controlled = np.concatenate([controlled, observed])
        secant = np.concatenate([fast, observed])  # their g is a secant (acceleration module)
        cycle, ends = first, self.ends
        jumping.measure(ends, cycle, secant)
        while cycle < total:
            y = ends[cycle]
            scale = np.maximum(np.maximum(np.abs(y), np.abs(ends[1])), self.swing)
            n = jumping.jump_length(cycle, scale, controlled, total - cycle)
            count = min(jumping.window + (jumping.settle if n else 0), total - cycle - n)
            start = self.state if n == 0 else _state_at(self.state, jumping.land(y, cycle, n, slow, fast)[:states])
            outcome = self.block(cycle + n, count, start)
            if not self._ran_through(outcome, cycle + n + count):
                if outcome is not None:
                    self.commit(outcome)
                    jumping.jumps += [(cycle, n)] if n else []
                return
            last = cycle + n + count
            both = {**ends, **outcome[1]}
            if n and not jumping.accept(cycle, n, both, last, scale, controlled, observed, secant):
                self.state = _state_at(self.state, y[:states])
                continue
            rows, new, kept = outcome
            settling = cycle + n + jumping.settle  # their rows are off by the fast states they settle: interpolated
            self.commit(([row for row in rows if not n or row["cycle"] > settling], new, kept))
            if not n and count == jumping.window:
                jumping.measure(ends, last, secant)
            cycle = last


def _state_at(solution, y):
    """A one-point copy of ``solution``'s last state with state vector ``y``: the start of a block,
    holding no reference to the block's arrays."""
    last = solution.last_state
    return pybamm.Solution(np.array(last.all_ts[-1][-1:], dtype=float), np.array(y, dtype=float).reshape(-1, 1),
                           last.all_models[-1], dict(last.all_inputs[-1]))
