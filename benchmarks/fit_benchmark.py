"""Fast fits: two degradation parameters fitted to a 200-cycle fade curve of a welded and of a
pressed cell, with cycle jumping and multi-start, timed.

The "measured" curve is the package's own full simulation (no acceleration) of the cell with
known values (the truth: its anode interphase rate x 1.3 and its second parameter x 0.8), every
cycle's discharge capacity with 0.3 % Gaussian noise (seed 0). The fit starts from the cell's
own values and runs ``--starts`` starts in parallel (``pybamm_ssb.multistart``), each
simulation accelerated (``pybamm_ssb.acceleration``). Reported: wall time of the fit, the
simulations it ran, the fitted values with standard errors, and whether each truth lies within
two standard errors. For comparison it also times one full (unaccelerated) simulation and one
accelerated one of the 200 cycles.

    .venv/bin/python benchmarks/fit_benchmark.py
    .venv/bin/python benchmarks/fit_benchmark.py --starts 1 --cases welded

The script asserts nothing: it reports.
"""

import argparse
import sys
import time

import numpy as np

from pybamm_ssb.fade import fit_parameters, simulate_fade
from pybamm_ssb.fade_data import FadeData
from pybamm_ssb.multistart import fit_multistart
from pybamm_ssb.registry import get_cell

CASES = {  # name: (cell, the two fitted parameters)
    "welded": ("Cui2025_NCM811_NUHS_TPW", ("anode_interphase_rate", "cathode_contact_loss")),
    "pressed": ("Cui2025_LFP_NUHS_CPS", ("anode_interphase_rate", "lithium_interface_spread")),
}
FACTORS = (1.3, 0.8)
CYCLES = 200
NOISE = 0.003


def measured(cell, truth, cycles):
    curve = simulate_fade(cell, cycles, truth)
    rng = np.random.default_rng(0)
    capacity = curve.discharge_capacity_mAh_g * (1 + NOISE * rng.standard_normal(len(curve.cycle)))
    return FadeData(curve.cycle, capacity, None, None, None, f"{cell}, simulated with {truth}, {NOISE:.1%} noise")


def run_case(name, starts, cycles):
    cell, names = CASES[name]
    specs = fit_parameters(get_cell(cell))
    truth = {n: specs[n].value * f for n, f in zip(names, FACTORS)}
    print(f"[{name}] {cell}: measuring {cycles} cycles with {truth} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    data = measured(cell, truth, cycles)
    full = time.perf_counter() - started
    started = time.perf_counter()
    simulate_fade(cell, cycles, truth, accelerate=True)
    accelerated = time.perf_counter() - started
    started = time.perf_counter()
    result = fit_multistart(cell, data, list(names), starts, accelerate=True)
    seconds = time.perf_counter() - started
    print(f"{name}: {cell}, {cycles} cycles; one full simulation {full:.1f} s, one accelerated {accelerated:.1f} s")
    print(f"  fit of {', '.join(names)} from {starts} start(s): {seconds:.1f} s, "
          f"{result.n_evaluations} simulations in the final polish, rms {result.rmse_mAh_g:.3f} mAh/g")
    for n in names:
        value, stderr = result.parameters[n]["value"], result.parameters[n]["stderr"]
        within = abs(value - truth[n]) <= 2 * stderr
        print(f"  {n}: fitted {value:.5g} +- {stderr:.2g}, truth {truth[n]:.5g}: "
              f"{'within' if within else 'NOT within'} 2 standard errors")
    for start in result.starts:
        print(f"  start {start['initial']}: cost {start['cost']}")
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=2)
    parser.add_argument("--cycles", type=int, default=CYCLES)
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    args = parser.parse_args(argv)
    for name in args.cases:
        run_case(name, args.starts, args.cycles)


if __name__ == "__main__":
    main()
