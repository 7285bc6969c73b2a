"""Voltage residuals of a curve fit: the simulated discharge of each measured cycle, read at the
measured capacities.

For point i of the measured curve of cycle c (m_c points, mean voltage V_c)

    e_i = V_sim(q_i) - V_i   [V],        r_i = e_i / (V_c sqrt(m_c)),

with V_sim linear between the simulation's output points (``fade.curve_protocol`` outputs
``fade.CURVE_POINTS`` over a whole discharge in these cycles) and held at its last value, the
cut-off voltage, beyond the simulated capacity: a cell that delivers less than was measured misses
by the gap between the cut-off and the measured voltage there. The weight r_i / e_i is the first
fit's (``fitting`` then weighs the voltages by the noise): a curve that misses by 1 % of its mean
voltage at every point adds as much to the sum of squares as one capacity that misses by 1 % (the
fade residuals are relative), however many points the curve has.
"""

import numpy as np

from .plotting import step_curve
from .simulate import discharge_step


def simulated_discharge(curve, cycle):
    """(capacity [mAh/g], voltage [V]) of the discharge of ``cycle`` in a simulated FadeCurve, or
    None if the run has no discharge in that cycle."""
    result = curve.result
    solution = None if result is None else result.saved.get(cycle)
    if solution is None:
        return None
    try:
        step = discharge_step(solution)
    except StopIteration:  # the cycle passed no discharge
        return None
    return step_curve(step, result.active_mass_g)


class VoltageResiduals:
    """The measured points of DischargeCurves in residual order (cycle by cycle) and their weights."""

    def __init__(self, curves):
        self.curves = curves
        self.cycles = [int(c) for c in curves.cycles]
        sizes = [len(curves.points[c][1]) for c in self.cycles]
        self.mean_voltage = np.concatenate([np.full(m, curves.points[c][1].mean()) for c, m in zip(self.cycles, sizes)])
        self.weights = np.concatenate([np.full(m, 1 / (curves.points[c][1].mean() * np.sqrt(m)))
                                       for c, m in zip(self.cycles, sizes)])
        self.cycle_of_point = np.repeat(self.cycles, sizes)

    def __len__(self):
        return len(self.weights)

    def errors(self, curve):
        """V_sim - V_meas [V] at every measured point; NaN in a cycle without a simulated discharge."""
        errors = []
        for cycle in self.cycles:
            capacity, voltage = self.curves.points[cycle]
            simulated = simulated_discharge(curve, cycle)
            if simulated is None:
                errors.append(np.full(len(voltage), np.nan))
            else:
                errors.append(np.interp(capacity, *simulated) - voltage)
        return np.concatenate(errors)

    def rows(self, errors):
        """Per measured curve: cycle, number of points and rms error [mV]."""
        return [{"cycle": cycle, "points": int((self.cycle_of_point == cycle).sum()),
                 "rmse_mV": float(1e3 * np.sqrt(np.mean(errors[self.cycle_of_point == cycle] ** 2)))}
                for cycle in self.cycles]
