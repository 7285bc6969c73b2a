"""Cycling benchmark: pybamm-ssb's solid-state models against PyBaMM's plain half-cell.

What it measures
----------------
The registered cell ``Cui2025_NCM811_NUHS_TPW`` is cycled ``--cycles`` times (default
100) at 0.2C: charge at 0.2C until 4.2 V, discharge at 0.2C until 2.8 V (the steps of
``pybamm_ssb.experiments.default_steps(parameter_values, 0.2)``). Each of our models is
timed against PyBaMM's plain ``{"working electrode": "positive"}`` model of the same
class, on the same machine, in the same run:

    SPMe:  pybamm_ssb.SolidStateSPMe()  vs  pybamm.lithium_ion.SPMe({"working electrode": "positive"})
    DFN:   pybamm_ssb.SolidStateDFN()   vs  pybamm.lithium_ion.DFN({"working electrode": "positive"})

Both sides get the same ``pybamm.ParameterValues`` (a fresh copy each run), the same
``pybamm.Experiment`` and a fresh ``pybamm.IDAKLUSolver()``.

Each run is timed with ``time.perf_counter`` in three phases:

    model  constructing the model object (builds its submodels and equations)
    build  pybamm.Simulation(...) + sim.build_for_experiment()
           (parameterise one model per experiment step, mesh, discretise)
    solve  sim.solve() (solver set-up and integration of every cycle)
    total  model + build + solve: what a user pays for one cycling simulation

Every run is repeated ``--repeats`` times (default 3), alternating which side goes
first (ours/plain, then plain/ours, ...) so drifting machine load hits both sides alike;
the best (minimum) time of each phase is reported, and the medians too. Before timing,
each model does one untimed 1-cycle warm-up run, so one-off process costs (first use of
the solver library, caches) fall on neither side.

The ratio ours/plain of the best total and the best solve time is printed per class;
the target is a ratio of at most 1.1 (a pressed cell's: 1.5). As a sanity check the
last-cycle discharge capacity [mAh/g] of both sides is printed: they differ on purpose, because plain PyBaMM
has no grain-boundary resistance (the extra series drop makes our cell reach 2.8 V a
little earlier).

Usage
-----
    .venv/bin/python benchmarks/cycling_benchmark.py                  # 100 cycles, best of 3
    .venv/bin/python benchmarks/cycling_benchmark.py --cycles 10 --repeats 1
    .venv/bin/python benchmarks/cycling_benchmark.py --json           # JSON on stdout only
    .venv/bin/python benchmarks/cycling_benchmark.py --json out.json  # table + JSON file
    .venv/bin/python benchmarks/cycling_benchmark.py --classes SPMe
    .venv/bin/python benchmarks/cycling_benchmark.py --cell Cui2025_LFP_CUHS_CPS --classes SPMe
                      # a pressed cell's 8 parallel regions against PyBaMM's 1+1D SPMe of 8 z points

Progress goes to stderr. The script asserts nothing about the times: it reports them.
"""

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time

import pybamm

import pybamm_ssb
from pybamm_ssb.experiments import cycling_experiment, default_steps
from pybamm_ssb.models import INTERFACE_REGIONS, REGION_OPTIONS
from pybamm_ssb.simulate import active_mass_g, cycle_capacities

CELL = "Cui2025_NCM811_NUHS_TPW"
C_RATE = 0.2
TARGET_RATIO = 1.1
PRESSED_TARGET_RATIO = 1.5  # parallel regions against PyBaMM's 1+1D cell
PHASES = ("model", "build", "solve", "total")

# class name -> {side: (label, model factory)}
CLASSES = {
    "SPMe": {
        "ours": ("pybamm_ssb.SolidStateSPMe()", lambda: pybamm_ssb.SolidStateSPMe()),
        "plain": (
            'pybamm.lithium_ion.SPMe({"working electrode": "positive"})',
            lambda: pybamm.lithium_ion.SPMe({"working electrode": "positive"}),
        ),
    },
    "DFN": {
        "ours": ("pybamm_ssb.SolidStateDFN()", lambda: pybamm_ssb.SolidStateDFN()),
        "plain": (
            'pybamm.lithium_ion.DFN({"working electrode": "positive"})',
            lambda: pybamm.lithium_ion.DFN({"working electrode": "positive"}),
        ),
    },
}


OURS = {"SPMe": pybamm_ssb.SolidStateSPMe, "DFN": pybamm_ssb.SolidStateDFN}
PLAIN = {"SPMe": pybamm.lithium_ion.SPMe, "DFN": pybamm.lithium_ion.DFN}


def _in_regions(plain):
    """PyBaMM's plain 1+1D half-cell with as many z points as our model has regions."""

    class Regions(plain):
        @property
        def default_var_pts(self):
            return {**super().default_var_pts, "z": INTERFACE_REGIONS}

    return Regions


def sides_for(name, options):
    """The two sides of class ``name``. With the cell's model options ours gets them, and if
    they split the area into parallel regions, plain is PyBaMM's 1+1D model of as many points."""
    if not options:
        return CLASSES[name]
    model = OURS[name]
    sides = {**CLASSES[name], "ours": (f"pybamm_ssb.{model.__name__}({options})", lambda: model(options))}
    if options.get("interface heterogeneity", "none") != "none":
        plain, plain_options = _in_regions(PLAIN[name]), {"working electrode": "positive", **REGION_OPTIONS}
        sides["plain"] = (f"pybamm.lithium_ion.{name}({plain_options}), {INTERFACE_REGIONS} z points",
                          lambda: plain(plain_options))
    return sides


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_once(make_model, parameter_values, experiment):
    """One cycling simulation, timed by phase; returns (times in s, solution)."""
    values = parameter_values.copy()  # outside the clock: both sides start alike
    gc.collect()
    t0 = time.perf_counter()
    model = make_model()
    t1 = time.perf_counter()
    sim = pybamm.Simulation(
        model, parameter_values=values, experiment=experiment, solver=pybamm.IDAKLUSolver()
    )
    sim.build_for_experiment()  # what sim.solve() would do first; done here to time it apart
    t2 = time.perf_counter()
    solution = sim.solve()
    t3 = time.perf_counter()
    times = {"model": t1 - t0, "build": t2 - t1, "solve": t3 - t2, "total": t3 - t0}
    return times, solution


def check_solution(solution, cycles):
    """Cycles finished and the termination reason, so a run that stopped early shows."""
    finished = len([c for c in solution.cycles if c is not None])
    return {"cycles_finished": finished, "complete": finished == cycles, "termination": str(solution.termination)}


def timed_run(make_model, values, experiment, cycles, mass):
    """run_once plus what the report needs of the solution; a solver error is recorded, not raised."""
    try:
        times, solution = run_once(make_model, values, experiment)
    except pybamm.SolverError as error:
        return None, {"cycles_finished": 0, "complete": False, "termination": f"SolverError: {error}",
                      "first_cycle_discharge_capacity_mAh_g": None,
                      "last_cycle_discharge_capacity_mAh_g": None}
    capacities = cycle_capacities(solution, mass)
    check = {
        "first_cycle_discharge_capacity_mAh_g": capacities[0]["discharge_capacity_mAh_g"] if capacities else None,
        "last_cycle_discharge_capacity_mAh_g": capacities[-1]["discharge_capacity_mAh_g"] if capacities else None,
        **check_solution(solution, cycles),
    }
    if not check["complete"]:
        check["failed_cycle"] = check["cycles_finished"] + 1
    del solution
    return times, check


def summarise(runs):
    """Best and median of each phase over the runs that finished."""
    done = [t for t in runs if t is not None]
    if not done:
        return None, None
    return ({p: min(t[p] for t in done) for p in PHASES},
            {p: statistics.median(t[p] for t in done) for p in PHASES})


def benchmark_class(name, sides, values, experiment, cycles, repeats):
    """Both sides of one class, ``repeats`` runs each, alternating which goes first."""
    mass = active_mass_g(values)
    runs = {side: [] for side in sides}
    checks = {}
    for r in range(repeats):
        order = ("ours", "plain") if r % 2 == 0 else ("plain", "ours")
        for side in order:
            label, make_model = sides[side]
            log(f"[{name}] repeat {r + 1}/{repeats}: {side} ({label}), {cycles} cycles ...")
            times, check = timed_run(make_model, values, experiment, cycles, mass)
            if times is None:
                log(f"    failed: {check['termination']}")
            else:
                log("    " + "  ".join(f"{p} {times[p]:.2f} s" for p in PHASES)
                    + ("" if check["complete"] else
                       f"  STOPPED in cycle {check['failed_cycle']}: {check['termination']}"))
            runs[side].append(times)
            checks[side] = check
    result = {"cycles": cycles, "sides": {}}
    for side, (label, _) in sides.items():
        best, median = summarise(runs[side])
        result["sides"][side] = {"model": label, "runs_s": runs[side], "best_s": best, "median_s": median,
                                 **checks[side]}
    ours, plain = result["sides"]["ours"]["best_s"], result["sides"]["plain"]["best_s"]
    result["ratio_ours_over_plain"] = {p: ours[p] / plain[p] for p in PHASES} if ours and plain else None
    return result


def target_ratio(options):
    """TARGET_RATIO, or PRESSED_TARGET_RATIO when the options split the area into parallel regions."""
    return PRESSED_TARGET_RATIO if options.get("interface heterogeneity", "none") != "none" else TARGET_RATIO


def with_verdict(result, target):
    """``result`` with ``within_target``: our total time at most ``target`` times plain PyBaMM's."""
    ratio = result["ratio_ours_over_plain"]
    result["within_target"] = ratio is not None and ratio["total"] <= target
    return result


def warm_up(names, parameter_values, options):
    experiment = cycling_experiment(parameter_values, default_steps(parameter_values, C_RATE), 1)
    for name in names:
        for label, make_model in sides_for(name, options).values():
            log(f"[warm-up] {label}, 1 cycle")
            run_once(make_model, parameter_values, experiment)


def machine_info():
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "pybamm": pybamm.__version__,
        "pybamm_ssb": pybamm_ssb.__version__,
    }


def print_table(report):
    cfg = report["config"]
    print(
        f"Cell {cfg['cell']}: {cfg['cycles']} cycles of {cfg['steps']}, "
        f"IDAKLUSolver, best of {cfg['repeats']} (median in brackets)"
    )
    m = report["machine"]
    print(f"Machine: {m['platform']}, {m['cpu_count']} CPUs, Python {m['python']}, "
          f"PyBaMM {m['pybamm']}, pybamm-ssb {m['pybamm_ssb']}")
    print()
    header = f"{'class':<5} {'side':<6} " + " ".join(f"{p + ' [s]':>16}" for p in PHASES)
    header += f" {'cycles':>7} {'Q_dis last [mAh/g]':>19}"
    print(header)
    print("-" * len(header))
    for name, result in report["classes"].items():
        for side in ("ours", "plain"):
            s = result["sides"][side]
            cells = " ".join(f"{s['best_s'][p]:7.2f} ({s['median_s'][p]:6.2f})" for p in PHASES)
            cap = s["last_cycle_discharge_capacity_mAh_g"]
            cap = f"{cap:19.2f}" if cap is not None else f"{'-':>19}"
            print(f"{name:<5} {side:<6} {cells} {s['cycles_finished']:>7} {cap}")
        r = result["ratio_ours_over_plain"]
        print(f"{name:<5} {'ratio':<6} " + " ".join(f"{r[p]:16.2f}" for p in PHASES))
        print()
    for name, result in report["classes"].items():
        s = result["sides"]
        print(f"{name}: ours = {s['ours']['model']}, plain = {s['plain']['model']}")
    print()
    print("Ratios ours/plain (best total; best solve only), target total <= "
          f"{cfg['target_ratio']:g}:")
    for name, result in report["classes"].items():
        r = result["ratio_ours_over_plain"]
        verdict = "OK" if result["within_target"] else "ABOVE TARGET"
        print(f"  {name:<5} total {r['total']:.2f}   solve {r['solve']:.2f}   -> {verdict}")
    for name, result in report["classes"].items():
        for side in ("ours", "plain"):
            s = result["sides"][side]
            if not s["complete"]:
                print(f"  WARNING: {name} {side} finished {s['cycles_finished']} of {cfg['cycles']} cycles "
                      f"({s['termination']}); its time is not comparable")
    ours_caps = {n: r["sides"]["ours"]["last_cycle_discharge_capacity_mAh_g"] for n, r in report["classes"].items()}
    plain_caps = {n: r["sides"]["plain"]["last_cycle_discharge_capacity_mAh_g"] for n, r in report["classes"].items()}
    print("Last-cycle discharge capacity [mAh/g] (sanity check; plain PyBaMM has no grain-boundary "
          "resistance, so the two differ):")
    for name in report["classes"]:
        print(f"  {name:<5} ours {ours_caps[name]:.2f}   plain {plain_caps[name]:.2f}")
    print(f"Wall time of the whole benchmark: {report['wall_time_s']:.1f} s")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Time pybamm-ssb's SolidStateSPMe/DFN against PyBaMM's plain half-cell SPMe/DFN "
        f"cycling a registered cell (default {CELL}) at {C_RATE:g}C."
    )
    parser.add_argument("--cell", default=CELL, help=f"registered cell to cycle (default {CELL}); ours gets the "
                        "cell's own model options, e.g. the parallel regions of a pressed cell")
    parser.add_argument("--cycles", type=int, default=100, help="cycles per simulation (default 100)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per model; best is reported (default 3)")
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="write the results as JSON: to PATH (the table is still printed), or alone on stdout if no PATH",
    )
    parser.add_argument(
        "--classes",
        nargs="+",
        choices=sorted(CLASSES),
        default=list(CLASSES),
        help="model classes to compare (default: all)",
    )
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed 1-cycle warm-up runs")
    args = parser.parse_args(argv)
    if args.cycles < 1 or args.repeats < 1:
        parser.error("--cycles and --repeats must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    setup = pybamm_ssb.prepare_run(args.cell)  # as assembled, at the cell's temperature, its options
    parameter_values, options = setup.parameter_values, setup.options
    steps = default_steps(parameter_values, C_RATE)
    experiment = cycling_experiment(parameter_values, steps, args.cycles)
    if not args.no_warmup:
        warm_up(args.classes, parameter_values, options)
    classes = {
        name: with_verdict(benchmark_class(name, sides_for(name, options), parameter_values, experiment, args.cycles,
                                           args.repeats), target_ratio(options))
        for name in args.classes
    }
    report = {
        "config": {"cell": args.cell, "c_rate": C_RATE, "steps": steps, "cycles": args.cycles,
                   "repeats": args.repeats, "warmup": not args.no_warmup, "target_ratio": target_ratio(options)},
        "machine": machine_info(),
        "classes": classes,
        "wall_time_s": time.perf_counter() - start,
    }
    emit(report, args.json, print_table)
    return 0


def emit(report, json_target, print_text):
    """JSON alone on stdout (json_target "-"), or the text table and optionally a JSON file."""
    if json_target == "-":
        json.dump(report, sys.stdout, indent=2)
        print()
        return
    print_text(report)
    if json_target:
        with open(json_target, "w") as f:
            json.dump(report, f, indent=2)
        print(f"JSON written to {json_target}")


if __name__ == "__main__":
    sys.exit(main())
