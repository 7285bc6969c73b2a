"""Calibrate the free cathode parameters of each 000 cathode on its NUHS-TPW cell.

The document gives no particle size, diffusivity or usable fraction for NCM811 and only an
apparent diffusivity for LFP. One cathode quantity per cathode is fitted on its NUHS-TPW
cell (000 Sec. 3); every other 000 variant shares it and is a prediction.

- NCM811: the electrochemically active fraction, by least squares on the initial 0.2C
  discharge capacity at 25 C (185.9 mAh/g, Fig. 6f) and at 80 C (187.3 mAh/g, Fig. 6h),
  with the diffusivity taken from the literature. The capacity hardly changes from 25 to
  80 C, so it is set by the usable fraction, not by transport (whose Arrhenius factor would
  give it back at 80 C). Fitting the diffusivity as well leaves it undetermined: it runs to
  any bound above about 1e-13 m2/s, where transport costs nothing.
- LFP: the effective particle radius on the initial 0.2C capacity at 25 C (152.5 mAh/g).

Prints the values stored as `fitted` in parameter_sets/cathodes/.

    python scripts/calibrate_cathodes.py
"""

import numpy as np
import pybamm
from scipy.optimize import brentq, least_squares

from pybamm_ssb.registry import get_cell
from pybamm_ssb.simulate import simulate_cycling

NCM = "Cui2025_NCM811_NUHS_TPW"
NCM_TARGETS = {25.0: 185.9, 80.0: 187.3}  # temperature [C] -> initial discharge [mAh/g]
LFP = "Cui2025_LFP_NUHS_TPW"
LFP_TARGET = 152.5


def initial_capacity(cell, overrides, temperature_C=25.0):
    values = get_cell(cell, overrides).parameter_values
    result = simulate_cycling(cell, cycles=1, temperature_C=temperature_C, parameter_values=values)
    return result.cycles[0]["discharge_capacity_mAh_g"]


def main():
    def residuals(x):
        overrides = {"electrochemically_active_fraction": x[0]}
        r = [initial_capacity(NCM, overrides, T) / q - 1 for T, q in NCM_TARGETS.items()]
        print(overrides, np.round(r, 5), flush=True)
        return r

    fit = least_squares(residuals, x0=[0.87], bounds=([0.5], [1.0]), diff_step=1e-3, xtol=1e-6)
    print(f"{NCM}: electrochemically_active_fraction = {fit.x[0]:.4f}, relative errors {np.round(fit.fun, 4)}")

    def gap(log_radius):
        return initial_capacity(LFP, {"particle_radius_um": 10**log_radius}) - LFP_TARGET

    log_radius = brentq(gap, -1.3, 1.3, xtol=1e-4)
    print(f"{LFP}: particle_radius_um = {10**log_radius:.3g} (gap {gap(log_radius):.3f} mAh/g)")


if __name__ == "__main__":
    pybamm.set_logging_level("ERROR")
    main()
