"""Long runs: time and memory of 1000 cycles, ours in full and accelerated, against PyBaMM's plain
half-cell in full, on the same machine in the same run.

What it measures
----------------
``--cell`` (default ``Cui2025_NCM811_NUHS_TPW``) is cycled ``--cycles`` times (default 1000)
with the document's protocol at ``--c-rate`` (default 0.2C). Three sides, each in a fresh
process (so that its peak memory is its own), each given the same parameter values,
experiment steps and a new ``pybamm.IDAKLUSolver()``:

    plain        pybamm.Simulation(pybamm.lithium_ion.SPMe({"working electrode": "positive"}), ...).solve()
                 the whole 1000-cycle experiment, as PyBaMM runs it
    ours         pybamm_ssb.simulate_cycling(cell, cycles=N): blocks of 50 cycles, per-cycle rows kept
    accelerated  pybamm_ssb.simulate_cycling(cell, cycles=N, accelerate=True): cycle jumping

For each: wall time (model, build and solve together), the peak resident memory of the
process over its own baseline (after imports), and for ours the discharge capacity retention
at cycles 100, 500 and N; for the accelerated run, its error against ours in full, in
percentage points of retention, and how many cycles it simulated.

Usage
-----
    .venv/bin/python benchmarks/long_run_benchmark.py
    .venv/bin/python benchmarks/long_run_benchmark.py --cell Cui2025_LFP_NUHS_CPS --cycles 500

The script asserts nothing: it reports.
"""

import argparse
import json
import multiprocessing
import resource
import sys
import time

CELL = "Cui2025_NCM811_NUHS_TPW"
CHECKED = (100, 500)


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _side(side, cell, cycles, c_rate, queue):
    """In a fresh process: one side's time, extra peak memory and per-cycle capacities."""
    import pybamm

    import pybamm_ssb
    from pybamm_ssb.experiments import cycling_experiment, default_steps
    from pybamm_ssb.registry import get_cell
    from pybamm_ssb.simulate import active_mass_g, cycle_capacities

    values = get_cell(cell).parameter_values
    steps = default_steps(values, c_rate)
    baseline = _peak_mb()
    started = time.perf_counter()
    if side == "plain":
        model = pybamm.lithium_ion.SPMe({"working electrode": "positive"})
        simulation = pybamm.Simulation(model, parameter_values=values, experiment=cycling_experiment(values, steps, cycles),
                                       solver=pybamm.IDAKLUSolver())
        solution = simulation.solve()
        capacities = [row["discharge_capacity_mAh_g"] for row in cycle_capacities(solution, active_mass_g(values))]
        simulated = len(capacities)
    else:
        result = pybamm_ssb.simulate_cycling(cell, steps, cycles, accelerate=side == "accelerated")
        capacities = [row["discharge_capacity_mAh_g"] for row in result.cycles]
        simulated = sum(not row.get("extrapolated", False) for row in result.cycles)
    seconds = time.perf_counter() - started
    queue.put({"seconds": seconds, "peak_extra_MB": _peak_mb() - baseline, "capacities": capacities, "simulated": simulated})


def run_side(side, cell, cycles, c_rate):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_side, args=(side, cell, cycles, c_rate, queue))
    process.start()
    outcome = queue.get()
    process.join()
    return outcome


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", default=CELL)
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--c-rate", type=float, default=0.2)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    sides = {}
    for side in ("plain", "ours", "accelerated"):
        print(f"{side}: {args.cycles} cycles of {args.cell} at {args.c_rate:g}C ...", file=sys.stderr, flush=True)
        sides[side] = run_side(side, args.cell, args.cycles, args.c_rate)
    full, fast, plain = sides["ours"], sides["accelerated"], sides["plain"]
    checked = [n for n in (*CHECKED, args.cycles) if n <= min(len(full["capacities"]), len(fast["capacities"]))]
    retention = {n: (100 * full["capacities"][n - 1] / full["capacities"][0], 100 * fast["capacities"][n - 1] / fast["capacities"][0])
                 for n in checked}
    print(f"{args.cycles} cycles of {args.cell} at {args.c_rate:g}C (SPMe, IDAKLU)")
    print(f"{'side':<12} {'time [s]':>9} {'peak extra memory [MB]':>23} {'cycles simulated':>17} {'time / plain':>13} {'memory / plain':>15}")
    for side, s in sides.items():
        print(f"{side:<12} {s['seconds']:9.2f} {s['peak_extra_MB']:23.0f} {s['simulated']:17d} "
              f"{s['seconds'] / plain['seconds']:13.2f} {s['peak_extra_MB'] / plain['peak_extra_MB']:15.2f}")
    print(f"plain PyBaMM's cell (no solid-state physics) keeps {100 * plain['capacities'][-1] / plain['capacities'][0]:.1f} % "
          f"at cycle {len(plain['capacities'])}")
    for n, (ours, accelerated) in retention.items():
        print(f"retention at cycle {n}: ours {ours:.2f} %, accelerated {accelerated:.2f} % "
              f"(error {accelerated - ours:+.2f} percentage points)")
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"config": vars(args), "sides": {k: {**v, "capacities": None} for k, v in sides.items()},
                       "retention_percent": retention}, file, indent=2)


if __name__ == "__main__":
    main()
