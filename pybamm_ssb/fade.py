"""Capacity fade of a cell: per-cycle capacity and interfacial resistance.

The fittable degradation quantities are component quantities that carry a physically
sensible range in their parameter file; ``simulate_fade`` re-composes the cell with new
values for them (in the file's units) and cycles it with the document's protocol. A fit
runs ``FadeSimulator``, which builds the model once and solves it for each set of values.
"""

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pybamm

from .errors import did_you_mean
from .experiments import default_steps
from .registry import load_cell_components, resolve_cell
from .simulate import CyclingSimulation
from .validation import ParameterError

# short name -> (parameter-file quantity, unit)
FITTABLE = {
    "anode_interphase_rate": ("anode_interphase_linear_rate_nm_h", "nm/h"),
    "anode_interphase_parabolic": ("anode_interphase_parabolic_constant_nm2_h", "nm2/h"),
    "cathode_interphase_parabolic": ("cathode_interphase_parabolic_constant_nm2_h", "nm2/h"),
    "cathode_active_fraction": ("electrochemically_active_fraction", "-"),
    "cathode_contact_loss": ("contact_loss_coefficient", "-"),
    "cathode_contact_recovery": ("cathode_contact_recovery_time_h", "h"),
    "cathode_h2_h3_contact_loss": ("h2_h3_contact_loss_coefficient", "-"),
    "lithium_roughness": ("interface_roughness_length_um", "um"),
    "lithium_interface_spread": ("lithium_interface_spread_per_roughness_1_nm", "1/nm"),
}
KEPT_BUILDS = 4  # built models a FadeSimulator keeps
CURVE_POINTS = 500  # output points of a whole discharge at the protocol's C-rate, in cycles whose curve is wanted
OHM_M2_TO_OHM_CM2 = 1e4


@dataclass
class FitParameter:
    name: str
    key: str
    value: float
    low: float
    high: float
    log: bool
    unit: str

    @classmethod
    def of(cls, name, quantity, unit):
        """The parameter of a file quantity with a range; fitted in logs over a range wider than 100x."""
        low, high = quantity.range
        return cls(name, quantity.name, quantity.value, low, high, log=low > 0 and high / low > 100, unit=unit)


@dataclass
class FadeCurve:
    cycle: np.ndarray
    discharge_capacity_mAh_g: np.ndarray
    interface_resistance_ohm_cm2: np.ndarray
    charge_capacity_mAh_g: np.ndarray = None
    result: object = None  # the CyclingResult


def fit_parameters(cell):
    """Fittable degradation parameters of a cell (name, cell file or ComposedCell), by short name."""
    found = {}
    for short, (quantity, unit) in FITTABLE.items():
        for component in load_cell_components(cell):
            q = component.get(quantity)
            if q is not None:
                if q.range is not None:
                    found[short] = FitParameter.of(short, q, unit)
                break
    return found


def simulate_fade(cell, cycles, parameters=None, *, c_rate=None, temperature_C=None, progress=False, model="spme",
                  curve_cycles=(), accelerate=False):
    """Cycle ``cell`` ``cycles`` times with its document protocol, ``parameters`` (short name ->
    value in file units) replaced; returns capacities and interfacial resistance per cycle. The
    discharges of ``curve_cycles`` are output finely (``curve_protocol``), for their voltage
    curves. ``accelerate``: jump cycles (``CyclingSimulation.solve``)."""
    run = _fade_run(cell, cycles, parameters or {}, c_rate, temperature_C, model, curve_cycles)
    return fade_curve(run.solve(progress=progress, accelerate=accelerate, save_at_cycles=curve_cycles))


def _fade_run(cell, cycles, parameters, c_rate, temperature_C, model, curve_cycles=()):
    """The CyclingSimulation of ``simulate_fade``; parameter values may be pybamm symbols."""
    cell = resolve_cell(cell)
    allowed = fit_parameters(cell)
    unknown = set(parameters) - set(allowed)
    if unknown:
        first = sorted(unknown)[0]
        raise ParameterError(f"unknown fit parameters {sorted(unknown)} for {cell.name}{did_you_mean(first, allowed)}; "
                         f"allowed: {sorted(allowed)}")
    composed = resolve_cell(cell, {allowed[n].key: v for n, v in parameters.items()})
    c_rate = c_rate or composed.meta["c_rate"]
    steps = default_steps(composed.values, c_rate)
    if not curve_cycles:
        return CyclingSimulation(composed, steps, cycles, temperature_C, model)
    protocol = curve_protocol(steps, cycles, curve_cycles, c_rate)
    return CyclingSimulation(composed, cycles=cycles, temperature_C=temperature_C, model=model, protocol=protocol)


def curve_protocol(steps, cycles, curve_cycles, c_rate):
    """``cycles`` cycles of ``steps``; in ``curve_cycles`` the discharge is output every
    3600 / (c_rate CURVE_POINTS) seconds instead of the experiment's period, the other cycles as usual."""
    period = f"{3600 / (c_rate * CURVE_POINTS):g} second period"
    fine = [f"{step} ({period})" if step.startswith("Discharge") else step for step in steps]
    return [fine if n in curve_cycles else list(steps) for n in range(1, cycles + 1)]


class FadeSimulator:
    """``simulate_fade`` for many values of the same parameters, with each model built once.

    The ``varied`` parameters enter the model as ``pybamm.InputParameter`` and each call
    solves it with their values. A model is built for each combination of everything else
    (cell, cycles, protocol, the other parameters); the last KEPT_BUILDS are kept, so a joint
    fit over several cells or cycle counts builds each once.
    """

    def __init__(self, varied, curve_cycles=()):
        self.varied = set(varied)
        self.curve_cycles = tuple(curve_cycles)  # cycles whose discharge is output finely (simulate_fade)
        self._built = OrderedDict()  # key -> CyclingSimulation, most recently used last
        self.last_run = None

    def __call__(self, cell, cycles, parameters=None, *, c_rate=None, temperature_C=None, progress=False,
                 model="spme", accelerate=False):
        parameters = dict(parameters or {})
        inputs = {n: v for n, v in parameters.items() if n in self.varied}
        held = {n: v for n, v in parameters.items() if n not in inputs}
        cell = resolve_cell(cell)
        components = tuple(sorted((k, str(v)) for k, v in cell.components.items()))
        key = (cell.name, components, cycles, c_rate, temperature_C, model, tuple(sorted(held.items())), tuple(sorted(inputs)))
        if key not in self._built:
            symbols = {n: pybamm.InputParameter(n) for n in inputs}
            self._built[key] = _fade_run(cell, cycles, held | symbols, c_rate, temperature_C, model, self.curve_cycles)
            if len(self._built) > KEPT_BUILDS:
                self._built.popitem(last=False)
        self._built.move_to_end(key)
        self.last_run = self._built[key]
        return fade_curve(self.last_run.solve(inputs=inputs, progress=progress, accelerate=accelerate,
                                              save_at_cycles=self.curve_cycles))


def fade_curve(result):
    """FadeCurve of a CyclingResult (resistance at the end of each cycle)."""
    rows = result.cycles
    resistance = [row["Interfacial resistance [Ohm.m2]"] * OHM_M2_TO_OHM_CM2 for row in rows]
    return FadeCurve(
        cycle=np.array([r["cycle"] for r in rows]),
        discharge_capacity_mAh_g=np.array([r["discharge_capacity_mAh_g"] for r in rows]),
        interface_resistance_ohm_cm2=np.array(resistance),
        charge_capacity_mAh_g=np.array([r["charge_capacity_mAh_g"] for r in rows]),
        result=result,
    )
