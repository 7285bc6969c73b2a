"""Calibrate the degradation rates of the 000 cells on their 100-cycle capacities.

Fitted (000 Cui 2025, Fig. 6, 0.2C, 25 C, cycle 100):
- the NUHS interphase growth rate and the cathode contact-loss coefficient (shared by
  NCM811 and LFP, whose different volume changes set their different fade), jointly on
  LFP NUHS-TPW (150.1 mAh/g) and NCM811 NUHS-TPW (168.1 mAh/g);
- the CHST and CUHS interphase growth rates on their LFP cells (98.5 and 47.1 mAh/g).
The NCM811 CHST and CUHS cells are then predictions. Prints the values to store as
`fitted` in parameter_sets/.

    python scripts/calibrate_degradation.py
"""

import numpy as np
import pybamm
from scipy.optimize import brentq, least_squares

from pybamm_ssb.fade import simulate_fade
from pybamm_ssb.simulate import SimulationFailed

CYCLE = 100
SHARED = {"Cui2025_LFP_NUHS_TPW": 150.1, "Cui2025_NCM811_NUHS_TPW": 168.1}
PER_ELECTROLYTE = {"Cui2025_LFP_CHST_CPS": 98.5, "Cui2025_LFP_CUHS_CPS": 47.1}


def capacity(cell, parameters):
    try:
        return simulate_fade(cell, CYCLE, parameters).discharge_capacity_mAh_g[-1]
    except SimulationFailed:
        return 0.0


def main():
    def residuals(log_x):
        parameters = {"anode_interphase_rate": 10 ** log_x[0], "cathode_contact_loss": 10 ** log_x[1]}
        r = [capacity(cell, parameters) / measured - 1 for cell, measured in SHARED.items()]
        print(parameters, np.round(r, 4), flush=True)
        return r

    fit = least_squares(residuals, x0=[0.0, -1.5], bounds=([-4, -3], [4, 3]), diff_step=1e-2, xtol=1e-4)
    k_nuhs, beta = 10 ** fit.x
    print(f"NUHS anode_interphase_linear_rate_nm_h = {k_nuhs:.4g}; contact_loss_coefficient = {beta:.4g}")
    for cell, measured in PER_ELECTROLYTE.items():
        def gap(log_k):
            return capacity(cell, {"anode_interphase_rate": 10**log_k, "cathode_contact_loss": beta}) - measured

        log_k = brentq(gap, -2, 4, xtol=1e-3)
        print(f"{cell}: anode_interphase_linear_rate_nm_h = {10**log_k:.4g} (gap {gap(log_k):.2f} mAh/g)", flush=True)


if __name__ == "__main__":
    pybamm.set_logging_level("ERROR")
    main()
