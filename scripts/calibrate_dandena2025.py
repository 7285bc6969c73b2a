"""Calibrate the 003 (Dandena 2025) argyrodite cells to the review's cycling numbers.

The review gives, per cell, only a first-cycle and a late-cycle capacity, so each
fitted number is matched exactly and marked `fitted`:

1. The LiNbO3-coated NCM cathode is shared by the Li6PS5Cl and the Sb-doped cell: its
   electrochemically active fraction and the Sb-doped electrolyte's CEI growth constant are
   fitted to the Sb-doped cell (129.9 -> 107.4 mAh/g after 60 cycles, Sec. 3.2.2).
2. The Li6PS5Cl CEI growth constant is fitted to that cell's 31.3 mAh/g after 60 cycles;
   its first-cycle 116.2 mAh/g is then a prediction.
3. The gradient-coated NCM811 cell: active fraction and CEI growth constant fitted to about
   160 mAh/g and 80 % after 250 cycles (Sec. 3.1).
Prints the values to store as `fitted` in parameter_sets/.

    python scripts/calibrate_dandena2025.py [liu|gradient]
"""

import sys

import numpy as np
import pybamm
from scipy.optimize import brentq

from pybamm_ssb.fade import FadeSimulator
from pybamm_ssb.reproduce import TARGETS

ROUNDS = 2  # the active fraction and the CEI constant each move the other's target a little


def _target(id):
    return next(t for t in TARGETS if t.id == id)


SIMULATOR = FadeSimulator(["cathode_interphase_parabolic", "cathode_active_fraction"])  # one build per cell and cycle count


def _capacity(target, parameters):
    curve = SIMULATOR(target.cell, max(target.cycle, 2), parameters)
    return curve.discharge_capacity_mAh_g[target.cycle - 1]


def fit_active_fraction(first, parameters):
    """Active fraction f that gives the measured first-cycle capacity (linear in f)."""
    return brentq(lambda f: _capacity(first, parameters | {"cathode_active_fraction": f}) / first.measured - 1,
                  0.3, 1.0, xtol=1e-4)


def fit_cei_constant(last, parameters, bracket=(-16.0, -8.0)):
    """log10 of the CEI growth constant [nm2/h] that gives the measured late-cycle capacity."""
    return brentq(lambda log_k: np.log(_capacity(last, parameters | {"cathode_interphase_parabolic": 10**log_k})
                                       / last.measured), *bracket, xtol=1e-3)


def calibrate_pair(first_id, last_id, start):
    """Fit f and k of one cell to its first and last capacity, alternating."""
    first, last = _target(first_id), _target(last_id)
    parameters = dict(start)
    for _ in range(ROUNDS):
        parameters["cathode_active_fraction"] = fit_active_fraction(first, parameters)
        parameters["cathode_interphase_parabolic"] = 10 ** fit_cei_constant(last, parameters)
        print(first.cell, parameters, flush=True)
    return parameters


def calibrate_liu():
    fitted = calibrate_pair("003-sb-c1", "003-sb-c60", {"cathode_interphase_parabolic": 1e-12})
    lpscl = _target("003-lpscl-c60")
    log_k = fit_cei_constant(lpscl, {"cathode_active_fraction": fitted["cathode_active_fraction"]})
    print(f"NCM_LNO_Dandena2025: electrochemically_active_fraction = {fitted['cathode_active_fraction']:.4g}")
    print(f"LPSSbCl_Dandena2025: cathode_interphase_parabolic_constant_nm2_h = {fitted['cathode_interphase_parabolic']:.4g}")
    print(f"LPSCl_Dandena2025: cathode_interphase_parabolic_constant_nm2_h = {10**log_k:.4g}")


def calibrate_gradient():
    fitted = calibrate_pair("003-gradient-c1", "003-gradient-c250", {"cathode_interphase_parabolic": 1e-13})
    print(f"NCM811_gradient_Dandena2025: electrochemically_active_fraction = {fitted['cathode_active_fraction']:.4g}")
    print(f"LPSCl_commercial_Dandena2025: cathode_interphase_parabolic_constant_nm2_h = "
          f"{fitted['cathode_interphase_parabolic']:.4g}")


if __name__ == "__main__":
    pybamm.set_logging_level("ERROR")
    {"liu": calibrate_liu, "gradient": calibrate_gradient}[sys.argv[1] if len(sys.argv) > 1 else "liu"]()
