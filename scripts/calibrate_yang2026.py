"""Calibrate the 002 (Yang 2026) LFP cathode and the three membranes' interphase growth.

1. The LFP cathode is the same in all three half-cells and 002 gives neither its
   particle size nor its usable fraction: both are fitted to the rate test of the best
   cell (the loading, which that test does not determine, is assumed),
   PGPE@P-LATP10-J (Fig. 5d, 0.1-2C). The two other cells' rate tests are predictions.
2. The anode-interphase growth rate of each membrane is fitted to its interfacial
   resistance after 200 cycles at 1C (Fig. S20). The capacities after 200 cycles are
   then predictions.
Prints the values to store as `fitted` in parameter_sets/.

    python scripts/calibrate_yang2026.py [cathode|interphase]
"""

import sys

import numpy as np
import pybamm
from scipy.optimize import brentq, least_squares

from pybamm_ssb.fade import simulate_fade
from pybamm_ssb.rate import rate_capability
from pybamm_ssb.registry import get_cell
from pybamm_ssb.reproduce import RATE, TARGETS
from pybamm_ssb.simulate import SimulationFailed

CALIBRATION_CELL = "Yang2026_LFP_PGPE_PLATP10J"


def _targets(cell, quantity):
    return [t for t in TARGETS if t.cell == cell and t.quantity == quantity]


def calibrate_cathode():
    points = _targets(CALIBRATION_CELL, RATE)
    rates = [t.c_rate for t in points]
    measured = np.array([t.measured for t in points])

    def residuals(log_x):
        overrides = {"particle_radius_um": 10 ** log_x[0], "electrochemically_active_fraction": log_x[1]}
        values = get_cell(CALIBRATION_CELL, overrides).parameter_values
        try:
            simulated = np.array(rate_capability(CALIBRATION_CELL, rates, parameter_values=values).discharge_capacity_mAh_g)
        except SimulationFailed as error:
            print(overrides, "failed:", error, flush=True)
            return np.ones(len(rates))
        print(overrides, np.round(simulated, 1), flush=True)
        return simulated / measured - 1

    fit = least_squares(residuals, x0=[1.0, 0.93], bounds=([-1.3, 0.5], [1.7, 1.0]), diff_step=1e-2, xtol=1e-3)
    print(f"particle_radius_um = {10 ** fit.x[0]:.4g}; electrochemically_active_fraction = {fit.x[1]:.4g}; "
          f"rms error {np.sqrt(np.mean(fit.fun**2)):.2%}")


def calibrate_interphases():
    for target in [t for t in TARGETS if t.quantity == "interface_resistance_ohm_cm2" and t.cycle > 1 and t.id.startswith("002")]:
        def gap(log_k):
            curve = simulate_fade(target.cell, target.cycle, {"anode_interphase_rate": 10**log_k})
            return np.log(curve.interface_resistance_ohm_cm2[-1] / target.measured)

        log_k = brentq(gap, 0.3, 1.3, xtol=1e-3)  # 2-20 nm/h brackets all three
        print(f"{target.cell}: anode_interphase_linear_rate_nm_h = {10**log_k:.4g}", flush=True)


if __name__ == "__main__":
    pybamm.set_logging_level("ERROR")
    {"cathode": calibrate_cathode, "interphase": calibrate_interphases}[sys.argv[1] if len(sys.argv) > 1 else "cathode"]()
