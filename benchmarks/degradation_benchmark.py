"""Degradation benchmark: a long fading cycling run and one fade fit, against plain PyBaMM.

What it measures
----------------
The registered 002 cell ``Yang2026_LFP_PGPE_PLATP10J`` (Li | PGPE@P-LATP10-J | LFP) is
cycled with its document protocol, as ``pybamm_ssb.fade.simulate_fade`` runs it: at the
cell's C-rate (1C) and temperature (30 C), ``--cycles`` times (default 200), with the
steps of ``pybamm_ssb.experiments.default_steps(values, 1.0)``: charge at 1C until 4 V,
discharge at 1C until 2.5 V. The parameter values are the cell's as assembled, at its
temperature, checked, and its model options, from ``pybamm_ssb.prepare_run`` (what every
runner starts from).

1. Cycling (``--classes``, default SPMe and DFN). Our model with the cell's model options
   (``prepare_run(name).options``: growing anode and cathode interphases,
   contact loss "cathode") against PyBaMM's plain half-cell model of the same class:

       SPMe:  pybamm_ssb.SolidStateSPMe(options)  vs  pybamm.lithium_ion.SPMe({"working electrode": "positive"})
       DFN:   pybamm_ssb.SolidStateDFN(options)   vs  pybamm.lithium_ion.DFN({"working electrode": "positive"})

   Both sides get the same parameter values (a fresh copy each run), the same
   ``pybamm.Experiment`` and a fresh ``pybamm.IDAKLUSolver()``. The timing is the one of
   ``cycling_benchmark.py`` (whose helpers this script imports): phases model / build /
   solve / total by ``time.perf_counter``, ``--repeats`` runs per side (default 3)
   alternating which side goes first, best (minimum) and median reported, one untimed
   1-cycle warm-up run per model first. As a sanity check the first- and last-cycle
   discharge capacities [mAh/g] of both sides are printed: plain PyBaMM has no interphase
   growth, so its capacity does not fade, while ours fades a little.

2. One fit (skipped with ``--no-fit``). Synthetic "measured" data are made by one run of
   ``simulate_fade(cell, --fit-cycles)`` (default 50) at the cell's own parameters:
   discharge capacity at every cycle and interface resistance at cycle 1 and every 10th
   cycle (empty elsewhere, as an occasional impedance measurement would be), read through
   ``pybamm_ssb.fade_data.read_fade_data``. Then one

       pybamm_ssb.fitting.fit_fade(cell, data, ["anode_interphase_rate"],
                                   initial={"anode_interphase_rate": 8.0})

   is timed (once); it should recover the stored 4.142 nm/h. Plain PyBaMM has no fitter
   for these parameters, so the fair comparison is per simulation: the fit's seconds per
   evaluation against the best total time of plain PyBaMM's SPMe half-cell simulating the
   same number of cycles, measured in the same run (and against the best time of one
   ``simulate_fade`` call, which builds the model and solves it: the fit builds its model
   once, with the fitted parameter as a ``pybamm.InputParameter``, and then only solves).
   Each evaluation is timed too (between the fit's progress reports), and
   the fastest one is compared with plain PyBaMM as well: like a best-of-K time, it is the
   figure least inflated by other load on the machine. The data are noiseless, so the fitted value's standard error is
   essentially zero.

Usage
-----
    .venv/bin/python benchmarks/degradation_benchmark.py                   # 200 cycles, best of 3, fit on 50 cycles
    .venv/bin/python benchmarks/degradation_benchmark.py --cycles 20 --fit-cycles 10 --repeats 1
    .venv/bin/python benchmarks/degradation_benchmark.py --classes SPMe --no-fit
    .venv/bin/python benchmarks/degradation_benchmark.py --json            # JSON on stdout only
    .venv/bin/python benchmarks/degradation_benchmark.py --json out.json   # table + JSON file

Progress goes to stderr. The script asserts nothing about the times: it reports them.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd
import pybamm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cycling_benchmark import PHASES, benchmark_class, emit, log, machine_info, run_once  # noqa: E402

import pybamm_ssb  # noqa: E402
from pybamm_ssb.experiments import cycling_experiment, default_steps  # noqa: E402
from pybamm_ssb.fade import fit_parameters, simulate_fade  # noqa: E402
from pybamm_ssb.fade_data import read_fade_data  # noqa: E402
from pybamm_ssb.fitting import FitError, fit_fade  # noqa: E402
from pybamm_ssb.simulate import SimulationFailed  # noqa: E402

CELL = "Yang2026_LFP_PGPE_PLATP10J"
FIT_PARAMETER = "anode_interphase_rate"
FIT_START = 8.0  # nm/h, away from the stored value
RESISTANCE_EVERY = 10  # synthetic data: interface resistance at cycle 1 and every 10th cycle
PLAIN_OPTIONS = {"working electrode": "positive"}


def model_classes(options):
    """class name -> {side: (label, model factory)}, our side with the cell's options."""
    shown = json.dumps(options)
    return {
        "SPMe": {
            "ours": (f"pybamm_ssb.SolidStateSPMe({shown})", lambda: pybamm_ssb.SolidStateSPMe(options)),
            "plain": (f"pybamm.lithium_ion.SPMe({json.dumps(PLAIN_OPTIONS)})",
                      lambda: pybamm.lithium_ion.SPMe(PLAIN_OPTIONS)),
        },
        "DFN": {
            "ours": (f"pybamm_ssb.SolidStateDFN({shown})", lambda: pybamm_ssb.SolidStateDFN(options)),
            "plain": (f"pybamm.lithium_ion.DFN({json.dumps(PLAIN_OPTIONS)})",
                      lambda: pybamm.lithium_ion.DFN(PLAIN_OPTIONS)),
        },
    }


CLASS_NAMES = ("SPMe", "DFN")


def cell_setup():
    """The cell's checked parameter values at its temperature, its steps and model options."""
    setup = pybamm_ssb.prepare_run(CELL)
    c_rate = setup.cell.meta["c_rate"]
    steps = default_steps(setup.parameter_values, c_rate)
    return setup.parameter_values, steps, dict(setup.options), c_rate, setup.temperature_C


def warm_up(classes, values, steps):
    experiment = cycling_experiment(values, steps, 1)
    for sides in classes.values():
        for label, make_model in sides.values():
            log(f"[warm-up] {label}, 1 cycle")
            run_once(make_model, values, experiment)


def synthetic_data(curve):
    """Measured-style FadeData from a simulated FadeCurve."""
    cycle = curve.cycle
    resistance = np.where((cycle == 1) | (cycle % RESISTANCE_EVERY == 0), curve.interface_resistance_ohm_cm2, np.nan)
    table = pd.DataFrame({
        "cycle": cycle,
        "discharge_capacity_mAh_g": curve.discharge_capacity_mAh_g,
        "interface_resistance_ohm_cm2": resistance,
    })
    return read_fade_data(table)


def benchmark_fit(sides, values, steps, fit_cycles, repeats):
    """Plain and ours at ``fit_cycles``, ``repeats`` simulate_fade calls, then one timed fit."""
    experiment = cycling_experiment(values, steps, fit_cycles)
    result = {"cycles": fit_cycles, "parameter": FIT_PARAMETER, "initial": FIT_START}
    result["simulation"] = benchmark_class("SPMe", sides, values, experiment, fit_cycles, repeats)

    fade_times, curve = [], None
    for r in range(repeats):
        log(f"[fit] simulate_fade({CELL!r}, {fit_cycles}) {r + 1}/{repeats} ...")
        t0 = time.perf_counter()
        try:
            this = simulate_fade(CELL, fit_cycles)
        except SimulationFailed as error:
            partial = error.result
            done = len(partial.cycles) if partial is not None else 0
            log(f"    failed in cycle {done + 1}: {error}")
            result["error"] = f"simulate_fade failed in cycle {done + 1}: {error}"
            return result
        fade_times.append(time.perf_counter() - t0)
        log(f"    {fade_times[-1]:.2f} s")
        if curve is None:
            curve = this
    result["simulate_fade_s"] = {"runs": fade_times, "best": min(fade_times), "median": statistics.median(fade_times)}

    data = synthetic_data(curve)
    spec = fit_parameters(CELL)[FIT_PARAMETER]
    result["true_value"] = spec.value
    result["unit"] = spec.unit
    result["data"] = {"points_capacity": int(len(data.cycle)),
                      "points_resistance": int((~np.isnan(data.interface_resistance_ohm_cm2)).sum())}

    stamps = []

    def progress(evaluation, tried, rms):
        stamps.append(time.perf_counter())
        outcome = "simulation failed" if rms is None else f"rms {100 * rms:.3g} %"
        log(f"[fit] evaluation {evaluation}: {FIT_PARAMETER}={tried[FIT_PARAMETER]:.6g} -> {outcome}")

    log(f"[fit] fit_fade({CELL!r}, data, [{FIT_PARAMETER!r}], initial={{{FIT_PARAMETER!r}: {FIT_START:g}}}) ...")
    t0 = time.perf_counter()
    try:
        fit = fit_fade(CELL, data, [FIT_PARAMETER], initial={FIT_PARAMETER: FIT_START}, progress=progress)
    except (FitError, SimulationFailed) as error:
        result["error"] = f"{type(error).__name__}: {error}"
        log(f"    {result['error']}")
        return result
    wall = time.perf_counter() - t0
    per_evaluation = wall / fit.n_evaluations
    evaluation_times = [float(t) for t in np.diff([t0, *stamps])]
    fastest = min(evaluation_times) if evaluation_times else None
    fitted = fit.parameters[FIT_PARAMETER]
    plain_best = result["simulation"]["sides"]["plain"]["best_s"]
    result.update({
        "wall_time_s": wall,
        "fit_seconds": fit.seconds,
        "n_evaluations": fit.n_evaluations,
        "seconds_per_evaluation": per_evaluation,
        "evaluation_times_s": evaluation_times,
        "fastest_evaluation_s": fastest,
        "fitted_value": fitted["value"],
        "stderr": fitted["stderr"],
        "relative_error": fitted["value"] / spec.value - 1,
        "rmse_mAh_g": fit.rmse_mAh_g,
        "rmse_resistance_ohm_cm2": fit.rmse_resistance_ohm_cm2,
        "warnings": list(fit.warnings),
        "ratio_per_evaluation_over_plain_total": per_evaluation / plain_best["total"] if plain_best else None,
        "ratio_fastest_evaluation_over_plain_total": fastest / plain_best["total"] if plain_best and fastest else None,
        "ratio_per_evaluation_over_simulate_fade": per_evaluation / result["simulate_fade_s"]["best"],
    })
    return result


def _f(value, spec="7.2f", width=None):
    text = "-" if value is None or (isinstance(value, float) and not math.isfinite(value)) else format(value, spec)
    return text.rjust(width) if width else text


def print_class_table(results, cycles, heading):
    print(heading)
    header = (f"{'class':<5} {'side':<6} " + " ".join(f"{p + ' [s]':>16}" for p in PHASES)
              + f" {'cycles':>7} {'Q_dis 1st':>10} {'Q_dis last':>10}")
    print(header)
    print("-" * len(header))
    for name, result in results.items():
        for side in ("ours", "plain"):
            s = result["sides"][side]
            if s["best_s"]:
                cells = " ".join(f"{s['best_s'][p]:7.2f} ({s['median_s'][p]:6.2f})" for p in PHASES)
            else:
                cells = " ".join(f"{'failed':>16}" for _ in PHASES)
            print(f"{name:<5} {side:<6} {cells} {s['cycles_finished']:>7} "
                  f"{_f(s['first_cycle_discharge_capacity_mAh_g'], '.2f', 10)} "
                  f"{_f(s['last_cycle_discharge_capacity_mAh_g'], '.2f', 10)}")
        r = result["ratio_ours_over_plain"]
        if r:
            print(f"{name:<5} {'ratio':<6} " + " ".join(f"{r[p]:16.2f}" for p in PHASES))
        print()
    for name, result in results.items():
        for side in ("ours", "plain"):
            s = result["sides"][side]
            if not s["complete"]:
                print(f"  WARNING: {name} {side} stopped in cycle {s.get('failed_cycle', 1)} of {cycles} "
                      f"({s['termination']}); its time is not comparable")


def print_report(report):
    cfg = report["config"]
    m = report["machine"]
    print(f"Cell {cfg['cell']} at {cfg['temperature_C']:g} C, {cfg['steps']}, IDAKLUSolver, "
          f"best of {cfg['repeats']} (median in brackets); capacities in mAh/g")
    print(f"Machine: {m['platform']}, {m['cpu_count']} CPUs, Python {m['python']}, "
          f"PyBaMM {m['pybamm']}, pybamm-ssb {m['pybamm_ssb']}")
    load = m["load_average_1_5_15_min"]
    print("Load average (1/5/15 min) at start " + "/".join(f"{x:.2f}" for x in load["start"])
          + ", at end " + "/".join(f"{x:.2f}" for x in load["end"]) + f" on {m['cpu_count']} CPUs")
    print()
    if report["classes"]:
        print_class_table(report["classes"], cfg["cycles"], f"1. Cycling, {cfg['cycles']} cycles")
        for name, result in report["classes"].items():
            s = result["sides"]
            print(f"{name}: ours = {s['ours']['model']}, plain = {s['plain']['model']}")
        print("Ratios ours/plain (best total; best solve only):")
        for name, result in report["classes"].items():
            r = result["ratio_ours_over_plain"]
            if r:
                print(f"  {name:<5} total {r['total']:.2f}   solve {r['solve']:.2f}")
        print()
    fit = report.get("fit")
    if fit:
        n = fit["cycles"]
        print_class_table({"SPMe": fit["simulation"]}, n, f"2. Fit of {FIT_PARAMETER} on {n} cycles: "
                          f"one simulation of {n} cycles, for comparison")
        if "simulate_fade_s" in fit:
            f = fit["simulate_fade_s"]
            print(f"One simulate_fade({cfg['cell']!r}, {n}) (build and solve; the fit builds once): "
                  f"best {f['best']:.2f} s (median {f['median']:.2f} s)")
        if "error" in fit:
            print(f"Fit not done: {fit['error']}")
        else:
            d = fit["data"]
            print(f"Data: {d['points_capacity']} capacities, {d['points_resistance']} interface resistances "
                  f"(synthetic, noiseless, at {FIT_PARAMETER} = {fit['true_value']:g} {fit['unit']})")
            print(f"fit_fade from {FIT_PARAMETER} = {fit['initial']:g} {fit['unit']}: "
                  f"{fit['wall_time_s']:.1f} s wall, {fit['n_evaluations']} evaluations, "
                  f"{fit['seconds_per_evaluation']:.2f} s per evaluation")
            print(f"  fitted {FIT_PARAMETER} = {fit['fitted_value']:.6g} +- {fit['stderr']:.2g} {fit['unit']} "
                  f"(true {fit['true_value']:g}, relative error {fit['relative_error']:.1e}); "
                  f"rmse {fit['rmse_mAh_g']:.2g} mAh/g, {_f(fit['rmse_resistance_ohm_cm2'], '.2g')} ohm cm2")
            plain = fit["simulation"]["sides"]["plain"]["best_s"]
            if plain:
                print(f"  seconds per evaluation / plain PyBaMM SPMe total for {n} cycles "
                      f"({plain['total']:.2f} s): {fit['ratio_per_evaluation_over_plain_total']:.2f}")
                print(f"  fastest evaluation ({fit['fastest_evaluation_s']:.2f} s) / the same: "
                      f"{fit['ratio_fastest_evaluation_over_plain_total']:.2f}")
            print(f"  seconds per evaluation / one simulate_fade call: "
                  f"{fit['ratio_per_evaluation_over_simulate_fade']:.2f}")
            for warning in fit["warnings"]:
                print(f"  fit warning: {warning}")
        print()
    print(f"Wall time of the whole benchmark: {report['wall_time_s']:.1f} s")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=f"Time pybamm-ssb's degrading SolidStateSPMe/DFN against PyBaMM's plain half-cell models "
        f"cycling {CELL}, and time one fade fit."
    )
    parser.add_argument("--cycles", type=int, default=200, help="cycles of the cycling runs (default 200)")
    parser.add_argument("--fit-cycles", type=int, default=50, help="cycles of the fitted data (default 50)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs per simulation; best is reported (default 3); the fit runs once")
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH",
                        help="write the results as JSON: to PATH (the table is still printed), "
                        "or alone on stdout if no PATH")
    parser.add_argument("--classes", nargs="*", choices=CLASS_NAMES, default=list(CLASS_NAMES),
                        help="model classes of the cycling comparison (default: all; none to skip it)")
    parser.add_argument("--no-fit", action="store_true", help="skip the fit")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed 1-cycle warm-up runs")
    args = parser.parse_args(argv)
    if args.cycles < 1 or args.repeats < 1:
        parser.error("--cycles and --repeats must be at least 1")
    if args.fit_cycles < 2:
        parser.error("--fit-cycles must be at least 2 (the fit needs at least 2 measured cycles)")
    return args


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()
    load_start = os.getloadavg()
    values, steps, options, c_rate, temperature_C = cell_setup()
    all_classes = model_classes(options)
    classes = {name: all_classes[name] for name in args.classes}
    if not args.no_warmup:
        warm = dict(classes)
        if not args.no_fit:
            warm.setdefault("SPMe", all_classes["SPMe"])
        warm_up(warm, values, steps)
    experiment = cycling_experiment(values, steps, args.cycles)
    results = {name: benchmark_class(name, sides, values, experiment, args.cycles, args.repeats)
               for name, sides in classes.items()}
    fit = None if args.no_fit else benchmark_fit(all_classes["SPMe"], values, steps, args.fit_cycles, args.repeats)
    report = {
        "config": {"cell": CELL, "c_rate": c_rate, "temperature_C": temperature_C, "steps": steps,
                   "model_options": options, "cycles": args.cycles, "fit_cycles": args.fit_cycles,
                   "repeats": args.repeats, "warmup": not args.no_warmup},
        "machine": {**machine_info(), "load_average_1_5_15_min": {"start": load_start, "end": os.getloadavg()}},
        "classes": results,
        "fit": fit,
        "wall_time_s": time.perf_counter() - start,
    }
    emit(report, args.json, print_report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
