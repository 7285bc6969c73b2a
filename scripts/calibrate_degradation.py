"""Calibrate the degradation rates of the 000 cells on their capacities.

Fitted (000 Cui 2025, Fig. 6, 0.2C, 25 C):
- the NUHS interphase growth rate and the cathode contact-loss coefficient (shared by
  NCM811 and LFP, whose different volume changes set their different fade), jointly on
  LFP NUHS-TPW (150.1 mAh/g) and NCM811 NUHS-TPW (168.1 mAh/g) at cycle 100;
- jointly, the spread of the lithium contact of physically stacked (CPS) cells per unit of
  the electrolyte's surface roughness (kappa, sigma = kappa R_q) and the CHST and CUHS
  interphase growth rates, on three LFP-CPS capacities: CHST at cycle 100 (98.5 mAh/g),
  CUHS at cycle 1 (136.9 mAh/g: 47.1 mAh/g at cycle 100 over its 34.4 % retention) and
  CUHS at cycle 100 (47.1 mAh/g).
The NCM811 CHST and CUHS cells are then predictions. Prints the values to store as
`fitted` in parameter_sets/.

    python scripts/calibrate_degradation.py
"""

import numpy as np
import pybamm
from scipy.optimize import least_squares

from pybamm_ssb.fade import FadeSimulator
from pybamm_ssb.simulate import SimulationFailed

CYCLE = 100
SHARED = {"Cui2025_LFP_NUHS_TPW": 150.1, "Cui2025_NCM811_NUHS_TPW": 168.1}
PER_ELECTROLYTE = {"Cui2025_LFP_CHST_CPS": 98.5, "Cui2025_LFP_CUHS_CPS": 47.1}
SPREAD_TARGET = 47.1 / 0.344  # LFP CUHS-CPS, cycle 1


SIMULATOR = FadeSimulator(["anode_interphase_rate", "cathode_contact_loss", "lithium_interface_spread"])


def fade(cell, parameters):
    """Capacity [mAh/g] of each of the CYCLE cycles (zeros after a failed solve)."""
    try:
        return SIMULATOR(cell, CYCLE, parameters).discharge_capacity_mAh_g
    except SimulationFailed:
        return np.zeros(CYCLE)


def capacity(cell, parameters):
    return fade(cell, parameters)[-1]


def main():
    def residuals(log_x):
        parameters = {"anode_interphase_rate": 10 ** log_x[0], "cathode_contact_loss": 10 ** log_x[1]}
        r = [capacity(cell, parameters) / measured - 1 for cell, measured in SHARED.items()]
        print(parameters, np.round(r, 4), flush=True)
        return r

    fit = least_squares(residuals, x0=[0.0, -1.5], bounds=([-4, -3], [4, 3]), diff_step=1e-2, xtol=1e-4)
    k_nuhs, beta = 10 ** fit.x
    print(f"NUHS anode_interphase_linear_rate_nm_h = {k_nuhs:.4g}; contact_loss_coefficient = {beta:.4g}")
    calibrate_cps(beta)


def calibrate_cps(beta, kappa=0.012, k_chst=15.0, k_cuhs=15.0):
    """kappa and the CHST and CUHS rates, jointly on the three CPS targets (module docstring)."""
    chst, cuhs = PER_ELECTROLYTE

    def residuals(log_x):
        kappa, k_chst, k_cuhs = 10 ** log_x
        q_chst = fade(chst, {"anode_interphase_rate": k_chst, "cathode_contact_loss": beta, "lithium_interface_spread": kappa})
        q_cuhs = fade(cuhs, {"anode_interphase_rate": k_cuhs, "cathode_contact_loss": beta, "lithium_interface_spread": kappa})
        r = [q_chst[-1] / PER_ELECTROLYTE[chst] - 1, q_cuhs[0] / SPREAD_TARGET - 1, q_cuhs[-1] / PER_ELECTROLYTE[cuhs] - 1]
        print(10 ** log_x, np.round(r, 4), flush=True)
        return r

    fit = least_squares(residuals, x0=np.log10([kappa, k_chst, k_cuhs]), diff_step=1e-2, xtol=1e-4)
    kappa, k_chst, k_cuhs = 10 ** fit.x
    print(f"lithium_interface_spread_per_roughness_1_nm = {kappa:.4g}; anode_interphase_linear_rate_nm_h: "
          f"CHST {k_chst:.4g}, CUHS {k_cuhs:.4g}", flush=True)


if __name__ == "__main__":
    pybamm.set_logging_level("ERROR")
    main()
