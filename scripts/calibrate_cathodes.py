"""Calibrate the one free cathode parameter of each 000 cathode on its NUHS-TPW cell.

The document gives no particle size or diffusivity for NCM811 and only an apparent
diffusivity for LFP. One quantity per cathode is fitted to the initial 0.2C discharge
capacity of the NUHS-TPW cell (000 Sec. 3); every other 000 variant shares it and is a
prediction. Prints the values stored as `fitted` in parameter_sets/cathodes/.

    python scripts/calibrate_cathodes.py
"""

import pybamm
from scipy.optimize import brentq

from pybamm_ssb.cells import compose_cell
from pybamm_ssb.provenance import read_toml
from pybamm_ssb.simulate import simulate_cycling

# cell: (measured initial discharge capacity [mAh/g], cathode quantity, log10 search bounds)
TARGETS = {
    "Cui2025_NCM811_NUHS_TPW": (185.9, "diffusivity_m2_s", (-16.0, -12.0)),
    "Cui2025_LFP_NUHS_TPW": (152.5, "particle_radius_um", (-1.3, 1.3)),
}


def initial_capacity(cell, quantity, log_value):
    spec = read_toml("cells", cell)
    composed = compose_cell(
        spec["anode"], spec["electrolyte"], spec["cathode"], spec["assembly"],
        overrides={quantity: 10**log_value},
    )
    result = simulate_cycling(cell, cycles=1, parameter_values=composed.parameter_values)
    return result.cycles[0]["discharge_capacity_mAh_g"]


def main():
    for cell, (measured, quantity, bounds) in TARGETS.items():
        log_value = brentq(lambda x: initial_capacity(cell, quantity, x) - measured, *bounds, xtol=1e-4)
        simulated = initial_capacity(cell, quantity, log_value)
        print(f"{cell}: {quantity} = {10**log_value:.3g} -> {simulated:.2f} mAh/g (measured {measured})")


if __name__ == "__main__":
    pybamm.set_logging_level("ERROR")
    main()
