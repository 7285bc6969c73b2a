"""Robustness grid: every registered cell x C-rates x temperatures x models, a few cycles each.

Each run cycles the cell with the documents' protocol (CC charge, CC discharge in the cell's
window) at the grid's C-rate and temperature, and ends in one of five ways:

- ``finished``: every cycle solved;
- ``stopped``: the run stopped early with its reason and kept the cycles before it;
- ``cannot start``: the first step cannot start (e.g. the ohmic drop at that rate and temperature
  already crosses the cut-off), said in one line;
- ``refused``: the package refused the input before solving (a clear error);
- ``traceback``: anything else, a defect. The grid's aim is zero.

Cycles that deliver (almost) nothing are counted as well ("cannot deliver"): the run's warnings
say so. The table lists the totals per cell, then each run that did not finish with its reason.

    .venv/bin/python benchmarks/grid.py                         # the full grid (about an hour on 2 cores)
    .venv/bin/python benchmarks/grid.py --sample 8 --cycles 3   # a random sample, as CI runs it
    .venv/bin/python benchmarks/grid.py --json                  # the runs as JSON on stdout
"""

import argparse
import collections
import json
import multiprocessing
import random
import sys
import time
import traceback
import warnings

RATES = (0.1, 0.5, 1.0, 2.0)
TEMPERATURES_C = (0.0, 25.0, 60.0, 80.0)
MODELS = ("spme", "dfn")
OUTCOMES = ("finished", "stopped", "cannot start", "refused", "traceback")


def run_one(cell, c_rate, temperature_C, model, cycles):
    """One grid run, as a dict: its outcome, the reason when it did not finish, the cycles kept
    and how many of them delivered (almost) nothing."""
    import pybamm_ssb
    from pybamm_ssb.experiments import default_steps
    from pybamm_ssb.simulate import SimulationFailed, StepCannotStart

    row = {"cell": cell, "c_rate": c_rate, "temperature_C": temperature_C, "model": model,
           "cycles_asked": cycles, "cycles_kept": 0, "cycles_without_capacity": 0, "reason": None}
    started = time.perf_counter()
    result = None
    try:
        values = pybamm_ssb.prepare_run(cell, temperature_C).parameter_values
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = pybamm_ssb.simulate_cycling(cell, default_steps(values, c_rate), cycles, temperature_C, model)
        row["outcome"] = "finished"
    except SimulationFailed as error:
        row["outcome"], row["reason"], result = "stopped", str(error), error.result
    except StepCannotStart as error:
        row["outcome"], row["reason"] = "cannot start", str(error)
    except pybamm_ssb.PybammSsbError as error:
        row["outcome"], row["reason"] = "refused", str(error)
    except Exception as error:  # noqa: BLE001 - a traceback is what the grid looks for
        row["outcome"], row["reason"] = "traceback", f"{type(error).__name__}: {error}"
        row["traceback"] = traceback.format_exc()
    if result is not None:
        row["cycles_kept"] = len(result.cycles)
        row["cycles_without_capacity"] = sum(1 for c in result.cycles if c["discharge_capacity_mAh_g"] < 2.0)
        row["warnings"] = list(result.warnings)
        if result.cycles:
            row["last_capacity_mAh_g"] = result.cycles[-1]["discharge_capacity_mAh_g"]
    row["seconds"] = round(time.perf_counter() - started, 2)
    return row


def grid(cells, rates, temperatures, models):
    return [(cell, rate, temperature, model) for cell in cells for rate in rates
            for temperature in temperatures for model in models]


def _run_point(args):
    return run_one(*args)


def run_grid(points, cycles, workers, stream=sys.stderr):
    """Every point of the grid, on ``workers`` processes (each replaced after 16 runs, so that
    no cache grows over the whole grid)."""
    rows = []
    with multiprocessing.get_context("spawn").Pool(workers, maxtasksperchild=16) as pool:
        runs = pool.imap_unordered(_run_point, [(*point, cycles) for point in points])
        for n, row in enumerate(runs, start=1):
            rows.append(row)
            print(f"[{n}/{len(points)}] {row['cell']} {row['c_rate']:g}C {row['temperature_C']:g} degC {row['model']}: "
                  f"{row['outcome']} ({row['seconds']:.0f} s)", file=stream, flush=True)
    return sorted(rows, key=lambda r: (r["cell"], r["model"], r["c_rate"], r["temperature_C"]))


def totals(rows):
    count = collections.Counter(row["outcome"] for row in rows)
    return {"runs": len(rows), **{outcome: count[outcome] for outcome in OUTCOMES},
            "runs with cycles that delivered < 2 mAh/g": sum(1 for r in rows if r.get("cycles_without_capacity"))}


def print_table(rows, stream=sys.stdout):
    by_cell = collections.defaultdict(list)
    for row in rows:
        by_cell[row["cell"]].append(row)
    header = ["cell", "runs", *OUTCOMES, "no capacity"]
    print("| " + " | ".join(header) + " |", file=stream)
    print("|" + "---|" * len(header), file=stream)
    for cell, cell_rows in by_cell.items():
        t = totals(cell_rows)
        print(f"| {cell} | {t['runs']} | " + " | ".join(str(t[o]) for o in OUTCOMES)
              + f" | {t['runs with cycles that delivered < 2 mAh/g']} |", file=stream)
    t = totals(rows)
    print("| **total** | " + " | ".join(str(t[k]) for k in ["runs", *OUTCOMES, "runs with cycles that delivered < 2 mAh/g"])
          + " |", file=stream)
    unfinished = [r for r in rows if r["outcome"] != "finished"]
    if unfinished:
        print("\nruns that did not finish:", file=stream)
        for r in unfinished:
            print(f"- {r['cell']} {r['c_rate']:g}C {r['temperature_C']:g} degC {r['model']} "
                  f"({r.get('cycles_kept', 0)} cycles kept): {r['outcome']}: {r['reason']}", file=stream)


def main(argv=None):
    from pybamm_ssb.registry import cell_names

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", default=None, help="cells (default: every registered cell)")
    parser.add_argument("--rates", nargs="+", type=float, default=RATES)
    parser.add_argument("--temperatures", nargs="+", type=float, default=TEMPERATURES_C, metavar="DEG_C")
    parser.add_argument("--models", nargs="+", choices=MODELS, default=MODELS)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--sample", type=int, default=None, metavar="N", help="a random sample of N grid points")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the runs and totals as JSON instead of the table")
    args = parser.parse_args(argv)
    points = grid(args.cells or cell_names(), args.rates, args.temperatures, args.models)
    if args.sample is not None:
        points = random.Random(args.seed).sample(points, min(args.sample, len(points)))
    started = time.perf_counter()
    rows = run_grid(points, args.cycles, args.workers)
    elapsed = time.perf_counter() - started
    if args.json:
        json.dump({"totals": totals(rows), "seconds": round(elapsed, 1), "runs": rows}, sys.stdout, indent=1)
        print()
    else:
        print_table(rows)
        print(f"\n{len(rows)} runs of {args.cycles} cycles in {elapsed:.0f} s", file=sys.stdout)
    return 1 if totals(rows)["traceback"] else 0


if __name__ == "__main__":
    sys.exit(main())
