"""Command line: ``pybamm-ssb cells``, ``check``, ``provenance``, ``simulate``, ``rate``, ``eis``, ``symmetric``,
``fit``, ``sweep``, ``reproduce`` and ``calibrate``. Every command that takes a CELL takes a registered name or the path of a
cell file (``*.toml``), resolved once."""

import argparse
import json
import os
import re
import signal
import sys
import threading

import pybamm

from .curve_data import read_discharge_curves
from .cycler_data import FORMATS
from .errors import PybammSsbError
from .experiments import ProtocolError
from .extras import require
from .fade_data import read_fade_data
from .fitting import FitError, fit_fade
from .posterior import PosteriorOptions
from .provenance import KINDS
from .rate import rate_capability
from .registry import (
    COMPONENT_KINDS,
    cell_names,
    cell_summary,
    check_file,
    resolve_cell,
)
from .reproduce import RATE, TARGETS, reproduce, select_targets
from .simulate import SimulationFailed, simulate_cycling


class UsageError(PybammSsbError, ValueError):
    """A command-line value that cannot be used, e.g. a --plot path that cannot be written."""


def _check_plot_path(path):
    """A one-line error, before any solving, if ``path`` cannot be written as a figure."""
    if path is None:
        return
    if os.path.isdir(path):
        raise UsageError(f"--plot '{path}' is a directory; give a file name, e.g. '{os.path.join(path, 'plot.png')}'")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"--plot '{path}': folder '{folder}' does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"--plot '{path}' cannot be written (permission denied)")


CELL_HELP = "registered cell name (see `pybamm-ssb cells`) or the path of a cell file (*.toml)"


ACCELERATE_HELP = ("jump cycles: simulate a few in full and extrapolate the degradation states over the others, "
                   "with an error control; the rows of jumped cycles are interpolated and marked extrapolated")


def _parser():
    parser = argparse.ArgumentParser(prog="pybamm-ssb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    cells = sub.add_parser("cells", help="list the registered cells")
    cells.add_argument("--json", action="store_true", help="print a JSON list")

    check = sub.add_parser("check", help="validate a cell or component file and summarise its provenance")
    check.add_argument("file", metavar="FILE.toml")
    check.add_argument("--kind", choices=list(COMPONENT_KINDS),
                       help="the component's kind, if neither its folder's name nor its contents tell")
    check.add_argument("--json", action="store_true", help="print the summary and every value's provenance as JSON")

    prov = sub.add_parser("provenance", help="where each parameter value of a cell comes from")
    prov.add_argument("cell", help=CELL_HELP)
    prov.add_argument("--kind", choices=KINDS, help="only the values of this kind")
    prov.add_argument("--json", action="store_true", help="print the table as JSON on stdout")

    sim = sub.add_parser("simulate", help="cycle a cell and report capacities")
    sim.add_argument("cell", help=CELL_HELP)
    sim.add_argument("--experiment", nargs="+", action="extend", metavar="STEP",
                     help="PyBaMM experiment steps, e.g. 'Discharge at 0.3 mA/cm2 until 2.5 V' (the flag may repeat)")
    sim.add_argument("--cycles", type=int, default=1)
    sim.add_argument("--temperature", type=float, default=None, metavar="DEG_C")
    sim.add_argument("--model", choices=["spme", "dfn"], default="spme")
    sim.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    sim.add_argument("--plot", metavar="FILE.png", help="write voltage vs capacity")
    sim.add_argument("--accelerate", action="store_true", help=ACCELERATE_HELP)

    fit = sub.add_parser("fit", help="fit degradation parameters to measured capacity fade")
    fit.add_argument("cell", help=CELL_HELP)
    fit.add_argument("data", metavar="DATA",
                     help="per-cycle CSV (columns cycle, discharge_capacity_mAh_g [, interface_resistance_ohm_cm2, c_rate, "
                          "temperature_C]) or a cycler's time series (BDF; BioLogic, Neware, Arbin, Maccor, BaSyTec exports)")
    fit.add_argument("--format", choices=FORMATS,
                     help="DATA's format: fade (per-cycle CSV), bdf or a cycler's (default: from its name and columns)")
    fit.add_argument("--parameters", required=True, metavar="P1,P2",
                     help="comma-separated fit parameters (an unknown name lists the allowed ones)")
    fit.add_argument("--fixed", metavar="NAME=VALUE,...",
                     help="comma-separated fittable parameters held at these values (in their file units)")
    fit.add_argument("--max-evaluations", type=int, metavar="N", help="stop after about N simulations")
    fit.add_argument("--model", choices=["spme", "dfn"], default="spme")
    fit.add_argument("--accelerate", action="store_true", help=ACCELERATE_HELP)
    fit.add_argument("--starts", type=int, default=1, metavar="N",
                     help="fit from N starting points (the cell's values and a Latin hypercube), in parallel; keep the best")
    fit.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    fit.add_argument("--plot", metavar="FILE.png",
                     help="write measured and fitted fade (and curves); with --posterior also FILE_posterior.png, a corner plot")
    fit.add_argument("--curves", metavar="CURVES.csv",
                     help="discharge curves to fit as well: columns cycle, capacity_mAh_g, voltage_V [, c_rate, temperature_C]")
    fit.add_argument("--posterior", nargs="?", type=int, const=PosteriorOptions.steps, metavar="STEPS",
                     help=f"then sample the posterior by MCMC for STEPS steps (default {PosteriorOptions.steps}; "
                          "needs the extra 'uq'); costs walkers x STEPS simulations")
    fit.add_argument("--walkers", type=int, metavar="N", help="MCMC walkers (default 4 per fitted parameter, at least 8)")
    fit.add_argument("--noise", type=float, metavar="FRACTION",
                     help="measurement noise of capacities and resistances, e.g. 0.005 (default: from the residuals)")
    fit.add_argument("--voltage-noise", type=float, metavar="MV",
                     help="measurement noise of the curves' voltages [mV] (default: from the residuals)")
    fit.add_argument("--predict-cycle", type=int, metavar="N", help="band of the discharge capacity at cycle N from posterior draws")
    fit.add_argument("--predict-samples", type=int, default=PosteriorOptions.predict_samples, metavar="N",
                     help=f"posterior draws simulated for --predict-cycle (default {PosteriorOptions.predict_samples})")
    rate = sub.add_parser("rate", help="discharge capacity at each C-rate (the documents' rate test)")
    rate.add_argument("cell", help=CELL_HELP)
    rate.add_argument("--rates", default="0.1,0.2,0.5,1,2", metavar="R1,R2", help="comma-separated C-rates")
    rate.add_argument("--temperature", type=float, default=None, metavar="DEG_C")
    rate.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    rate.add_argument("--plot", metavar="FILE.png", help="write capacity vs C-rate with the measured points")
    rep = sub.add_parser("reproduce", help="simulate the documents' targets and compare")
    rep.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    rep.add_argument("--plots", metavar="DIR", help="write capacity-vs-cycle figures into DIR")
    rep.add_argument("--only", metavar="PREFIX[,PREFIX]",
                     help="only the targets whose id starts with one of these, e.g. 002 or 000-ncm")
    cal = sub.add_parser("calibrate", help="fit a document's calibrated values to its targets and write them to the parameter files")
    cal.add_argument("name", metavar="CELL|DOCUMENT",
                     help="a document (e.g. 000), a calibration (e.g. 000-nuhs-fade) or a calibrated cell")
    cal.add_argument("--held-out", action="store_true",
                     help="then refit without each fitted target and store the error on it (parameter_sets/calibration/held_out.toml)")
    cal.add_argument("--dry-run", action="store_true", help="fit and report, write no file")
    cal.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    sym = sub.add_parser("symmetric", help="plate/strip a Li | electrolyte | Li cell of CELL's electrolyte")
    sym.add_argument("cell", help=CELL_HELP + "; its electrolyte and Li interface are used")
    sym.add_argument("--current-density", type=float, required=True, metavar="MA_CM2",
                     help="current density magnitude, > 0 and <= 100 mA/cm2")
    sym.add_argument("--hours", type=float, required=True, metavar="H", help="duration [h], > 0")
    sym.add_argument("--half-cycle-hours", type=float, default=1.0, metavar="H",
                     help="duration of each plating/stripping half-cycle [h], <= --hours (default 1)")
    sym.add_argument("--temperature", type=float, default=None, metavar="DEG_C")
    sym.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    sym.add_argument("--plot", metavar="FILE.png", help="write overpotential vs time")
    eis = sub.add_parser("eis", help="simulate a cell's impedance spectrum and fit its equivalent circuit")
    eis.add_argument("cell", help=CELL_HELP)
    eis.add_argument("--soc", type=float, default=0.5, help="state of charge, 0-1 (default 0.5)")
    eis.add_argument("--fmin", type=float, default=None, metavar="HZ",
                     help="lowest frequency (default: 0.01, lower if an arc of the cell peaks below 0.1 Hz)")
    eis.add_argument("--fmax", type=float, default=None, metavar="HZ",
                     help="highest frequency (default: 1e6, or a decade above the cell's fastest arc, e.g. 1e9 for a LATP pellet)")
    eis.add_argument("--temperature", type=float, default=None, metavar="DEG_C")
    eis.add_argument("--circuit", choices=["cell-tlm", "cell-tlm-nogb", "cell", "cell-2arc"], default=None,
                     help="equivalent circuit to fit (default cell-tlm, or cell-tlm-nogb without grain boundaries)")
    eis.add_argument("--json", action="store_true", help="print spectrum and fit as JSON on stdout")
    eis.add_argument("--plot", metavar="FILE.png", help="write the Nyquist plot with the fitted arcs")
    swp = sub.add_parser("sweep", help="cycle a cell at every point of a parameter grid, on a Dask cluster (extra 'sweep')")
    swp.add_argument("cell", help=CELL_HELP)
    swp.add_argument("--vary", action="append", required=True, metavar="NAME=V1,V2,...",
                     help="a fit parameter or component quantity and its values (the flag may repeat, once per name)")
    swp.add_argument("--temperature", nargs="+", action="extend", type=float, metavar="DEG_C",
                     help="temperatures of the grid (default: the cell's own)")
    swp.add_argument("--cycles", type=int, default=100, metavar="N", help="cycles per run (default 100)")
    swp.add_argument("--samples", type=int, metavar="N",
                     help="N points of a Latin hypercube between each name's least and greatest value, instead of the full grid")
    swp.add_argument("--seed", type=int, default=0, help="seed of --samples (default 0)")
    swp.add_argument("--model", choices=["spme", "dfn"], default="spme")
    swp.add_argument("--accelerate", action="store_true", help=ACCELERATE_HELP)
    swp.add_argument("--out", metavar="RESULTS.csv|.parquet", help="write a row per run and cycle")
    swp.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    swp.add_argument("--workers", type=int, metavar="N", help="worker processes of the local cluster (default: one per core)")
    return parser


def _cells(args):
    rows = [cell_summary(name) for name in cell_names()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        print(f"{row['name']:{width}s}  {row['description']}")


def _check(args):
    summary = check_file(args.file, args.kind)
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in summary["counts"].items())
    what = "PyBaMM parameters" if summary["kind"] == "cell" else "quantities"
    print(f"{summary['file']}: {summary['kind']} file, valid; {len(summary['parameters'])} {what} ({counts})")
    if summary["kind"] != "cell":
        print(f"composes into {summary['cell']}")


def _provenance(args):
    cell = resolve_cell(args.cell)
    table = {name: p for name, p in cell.provenance.items() if args.kind in (None, p.kind)}
    if args.json:
        print(json.dumps({"cell": cell.name, "parameters": {name: {"kind": p.kind, "source": p.source}
                                                            for name, p in table.items()}}, indent=2))
        return
    counts = ", ".join(f"{sum(p.kind == kind for p in table.values())} {kind}" for kind in KINDS)
    print(f"{cell.name}: {len(table)} PyBaMM parameters ({counts})")
    width = max((len(name) for name in table), default=0)
    for name, p in table.items():
        print(f"{name:{width}s}  {p.kind:8s}  {p.source}")


def _simulate(args):
    _check_plot_path(args.plot)
    try:
        result = simulate_cycling(resolve_cell(args.cell), steps=args.experiment, cycles=args.cycles,
                                  temperature_C=args.temperature, model=args.model, progress=True, accelerate=args.accelerate)
        failure = None
    except SimulationFailed as error:
        result, failure = error.result, error
    if result is None:
        if args.json:
            print(json.dumps({"cell": args.cell, "temperature_C": args.temperature, "stopped": str(failure),
                              "warnings": [], "cycles": []}, indent=2))
        raise failure
    for warning in result.warnings:
        print(f"pybamm-ssb: warning: {warning}", file=sys.stderr)
    if args.plot:
        from .plotting import plot_voltage_capacity

        plot_voltage_capacity(result, args.plot)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        per_gram = 1e3 / result.active_mass_g  # A.h -> mAh/g
        degradation = [  # header, the row's summary variable, factor to the header's unit, format
            ("SEI Li [mAh/g]", "Loss of capacity to negative SEI [A.h]", per_gram, ".3f"),
            ("CEI charge [mAh/g]", "Cathode interphase charge [A.h]", per_gram, ".4f"),
            ("LAM [%]", "Loss of active material in positive electrode [%]", 1, ".3f"),
            ("R_SEI [ohm cm2]", "Parallel anode interphase resistance [Ohm.m2]", 1e4, ".1f"),
            ("R_CEI [ohm cm2]", "Parallel cathode interphase resistance [Ohm.m2]", 1e4, ".2f"),
            ("R_int [ohm cm2]", "Interfacial resistance [Ohm.m2]", 1e4, ".1f"),
        ]
        print(f"{result.cell} at {result.temperature_C:g} C")
        print("cycle  discharge [mAh/g]  charge [mAh/g]  CE      " + "  ".join(h for h, *_ in degradation))
        for row in result.cycles:
            ce = row["coulombic_efficiency"]
            values = "  ".join(f"{'-':>{len(h)}s}" if name not in row else f"{row[name] * factor:{len(h)}{fmt}}"
                               for h, name, factor, fmt in degradation)
            print(f"{row['cycle']:5d}  {row['discharge_capacity_mAh_g']:17.1f}  "
                  f"{row['charge_capacity_mAh_g']:14.1f}  {'-' if ce is None else f'{ce:.4f}':6s}  {values}"
                  + ("  *" if row.get("extrapolated") else ""))
        if result.jumps is not None:
            marked = sum(bool(row.get("extrapolated")) for row in result.cycles)
            print(f"* interpolated: {marked} of {len(result.cycles)} rows ({sum(n for _, n in result.jumps)} cycles jumped "
                  f"in {len(result.jumps)} jumps, and the cycles that settled each landing); {result.solved_cycles} cycles solved")
    if failure is not None:
        raise failure


def _posterior_options(args):
    """PosteriorOptions of the fit command's options, None without --posterior."""
    alone = [flag for flag, value in (("--walkers", args.walkers), ("--noise", args.noise), ("--voltage-noise", args.voltage_noise),
                                      ("--predict-cycle", args.predict_cycle)) if value is not None]
    if args.posterior is None:
        if alone:
            raise UsageError(f"{alone[0]} needs --posterior")
        return None
    return PosteriorOptions(steps=args.posterior, walkers=args.walkers, noise_relative=args.noise,
                            noise_voltage_mV=args.voltage_noise, predict_cycle=args.predict_cycle,
                            predict_samples=args.predict_samples)


def _fit(args):
    _check_plot_path(args.plot)
    posterior = _posterior_options(args)
    if posterior is not None and args.plot:
        require("corner", "uq", "the corner plot of --plot")
    cell = resolve_cell(args.cell)
    data = read_fade_data(args.data, cell=cell, format=args.format)
    curves = read_discharge_curves(args.curves) if args.curves else None
    names = [name.strip() for name in args.parameters.split(",") if name.strip()]
    fixed = {}
    for item in [part.strip() for part in (args.fixed or "").split(",") if part.strip()]:
        name, _, value = (text.strip() for text in item.partition("="))
        try:
            number = float(value)
        except ValueError:
            number = None
        if not name or name in fixed or number is None:
            raise FitError(f"--fixed takes NAME=VALUE pairs, each name once, separated by commas; got '{item}'")
        fixed[name] = number
    options = dict(curves=curves, posterior=posterior, fixed=fixed, max_evaluations=args.max_evaluations, progress=True,
                   model=args.model, accelerate=args.accelerate)
    if args.starts == 1:
        result = fit_fade(cell, data, names, **options)
    else:
        from .multistart import fit_multistart

        result = fit_multistart(cell, data, names, args.starts, **options)
        for start in result.starts:
            print(f"start {start['initial']}: {start['fitted'] or start['error']}"
                  + ("" if start["fitted"] is None else f", cost {start['cost']:.4g}"), file=sys.stderr)
    for warning in result.warnings:
        print(f"pybamm-ssb: warning: {warning}", file=sys.stderr)
    if args.plot:
        from .plotting import plot_fit, plot_posterior

        plot_fit(result, data, args.plot, curves)
        if result.posterior is not None:
            root, extension = os.path.splitext(args.plot)
            plot_posterior(result.posterior, f"{root}_posterior{extension or '.png'}")
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
        return
    print(f"{result.cell} fitted to {data.source} ({len(data.cycle)} measured cycles)"
          + ("" if curves is None else f" and {curves.source} ({len(curves.cycles)} discharge curves)"))
    print(f"{'parameter':32s} {'value':>11s}    {'stderr':>9s}  unit")
    for name, fitted in result.parameters.items():
        print(f"{name:32s} {fitted['value']:11.4g} +- {fitted['stderr']:9.2g}  {result.units[name]}")
    if result.fixed:
        print("held fixed: " + ", ".join(f"{name} = {value:g}" for name, value in result.fixed.items()))
    rmse = f"rmse {result.rmse_mAh_g:.3g} mAh/g"
    if result.rmse_resistance_ohm_cm2 is not None:
        rmse += f", {result.rmse_resistance_ohm_cm2:.3g} ohm cm2"
    if result.rmse_voltage_mV is not None:
        rmse += f", {result.rmse_voltage_mV:.3g} mV over the curves"
    print(rmse)
    print(f"{result.n_evaluations} simulations in {result.seconds:.1f} s; {result.stop_reason}")
    if result.posterior is not None:
        print("\n".join(result.posterior.summary_lines()))


def _rate(args):
    _check_plot_path(args.plot)
    try:
        rates = [float(r) for r in args.rates.split(",") if r.strip()]
    except ValueError:
        raise ProtocolError(f"--rates must be comma-separated numbers, got '{args.rates}'") from None
    curve = rate_capability(resolve_cell(args.cell), rates, temperature_C=args.temperature, progress=not args.json)
    if args.plot:
        from .plotting import plot_rate

        plot_rate(curve, [(t.c_rate, t.measured) for t in TARGETS if t.cell == curve.cell and t.quantity == RATE], args.plot)
    if args.json:
        print(json.dumps(curve.as_json(), indent=2))
        return
    print(f"{curve.cell} at {curve.temperature_C:g} C")
    print("C-rate  discharge [mAh/g]")
    for r, q in zip(curve.c_rate, curve.discharge_capacity_mAh_g):
        print(f"{r:6g}  {q:17.1f}")


def _reproduce(args):
    targets = select_targets(args.only.split(",")) if args.only is not None else TARGETS
    report = reproduce(targets, progress=not args.json)
    rows = report.rows
    splits = {cell: split for cell, (_, split) in report.runs.items()}
    if args.plots:
        from pathlib import Path

        from .plotting import plot_fade, plot_rate

        folder = Path(args.plots)
        folder.mkdir(parents=True, exist_ok=True)
        for run, (curve, split) in report.runs.items():
            points = [(t.cycle, t.measured, t.bound) for t in targets
                      if t.run == run and t.quantity == "discharge_capacity_mAh_g"]
            resistance = [(t.cycle, t.measured) for t in targets if t.run == run and t.quantity == "interface_resistance_ohm_cm2"]
            plot_fade(run, curve, points, split, folder / f"{re.sub(r'[^A-Za-z0-9.-]+', '_', run)}.png", resistance)
        for (cell, test), curve in report.rates.items():
            points = [(t.c_rate, t.measured) for t in targets if t.cell == cell and t.rate_test == test]
            plot_rate(curve, points, folder / f"{cell}_rate_test.png")
    summary, documents = report.summary(), report.documents()
    if args.json:
        print(json.dumps({"targets": rows, "capacity_loss_by_mechanism": splits, "summary": summary, "documents": documents,
                          "fitted_values": report.fitted_values}, indent=2))
        return
    bounds = {t.id: {"at most": "<=", "at least": ">="}.get(t.bound, "") for t in targets}
    print(f"{'target':24s} {'measured':>9s} {'simulated':>9s} {'fitted':>7s} {'held-out':>12s}  kind       source")
    for r in rows:
        mark = "" if report.met[r["id"]] else "  (outside tolerance)"
        measured = f"{bounds[r['id']]}{r['measured']:.1f}"
        fitted = f"{r['rel_error']:+7.1%}" if r["kind"] == "fitted" else f"{'-':>7s}"
        print(f"{r['id']:24s} {measured:>9s} {r['simulated']:9.1f} {fitted} {_percent(r['held_out_error']):>12s}  {r['kind']:9s}  "
              f"{r['source']}{mark}")
    print("\n" + "; ".join(f"{kind}: {s['within_tolerance']} of {s['targets']} within tolerance"
                           for kind, s in summary.items()))
    for document, s in documents.items():
        mean = "none computed" if s["mean_abs_held_out_error"] is None else \
            f"{s['mean_abs_held_out_error']:.1%} over {s['held_out_errors']} targets with a value"
        print(f"{document}: {s['within_tolerance']} of {s['targets']} within tolerance (fitted {s['fitted']['within_tolerance']} "
              f"of {s['fitted']['targets']}, predicted {s['predicted']['within_tolerance']} of {s['predicted']['targets']}); "
              f"mean |held-out error| {mean}")
    print("\nfitted values per cell (component file: quantity)")
    for cell, names in report.fitted_values.items():
        print(f"{cell:38s} {len(names)}: {', '.join(names) or '-'}")
    print("\ncapacity lost by the last cycle [mAh/g]: resistance rise / lost active material / lost lithium")
    for run, split in splits.items():
        print(f"{run:38s} " + " / ".join(f"{round(v, 1) + 0.0:6.1f}" for v in split.values()))  # no "-0.0"


def _symmetric(args):
    from .plotting import plot_symmetric
    from .symmetric import simulate_symmetric

    _check_plot_path(args.plot)
    result = simulate_symmetric(resolve_cell(args.cell), args.current_density, args.hours, half_cycle_hours=args.half_cycle_hours,
                                temperature_C=args.temperature, progress=True)
    if args.plot:
        plot_symmetric(result, args.plot)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
        return
    short = "none" if result.short_circuit_h is None else f"at {result.short_circuit_h:.2f} h"
    print(f"Li | {result.cell} electrolyte | Li at {result.temperature_C:g} C, +-{args.current_density:g} mA/cm2, "
          f"{args.half_cycle_hours:g} h half-cycles")
    print(f"overpotential after {result.time_h[-1]:.1f} h: {result.final_overpotential_mV:.1f} mV; short circuit: {short}")


def _eis(args):
    from .impedance import eis_report, format_eis_report

    _check_plot_path(args.plot)
    report, spectrum, fit = eis_report(resolve_cell(args.cell), soc=args.soc, fmin=args.fmin, fmax=args.fmax,
                                       temperature_C=args.temperature, circuit=args.circuit)
    for warning in report["warnings"]:
        print(f"pybamm-ssb: warning: {warning}", file=sys.stderr)
    if args.plot:
        from .nyquist import plot_nyquist

        plot_nyquist(spectrum, fit, args.plot)
    print(json.dumps(report, indent=2) if args.json else format_eis_report(report))


def _sweep(args):
    from .sweep import parse_vary, run_summary, sweep

    table = sweep(resolve_cell(args.cell), parse_vary(args.vary), temperatures=args.temperature, cycles=args.cycles,
                  samples=args.samples, seed=args.seed, model=args.model, scheduler=args.scheduler, workers=args.workers,
                  out=args.out, accelerate=args.accelerate)
    capacity = "{:.1f}".format
    print(run_summary(table).to_string(index=False, formatters={"first_mAh_g": capacity, "last_mAh_g": capacity}))
    for run in table.drop_duplicates("run").itertuples():
        if run.status != "finished":
            print(f"run {run.run} {run.status}: {run.reason}")
    if args.out:
        print(f"wrote {len(table)} rows to {args.out}")


def _percent(error):
    return "not computed" if error is None else f"{error:+.1%}"


def _calibrate(args):
    from .calibration import calibrate

    reports = calibrate(args.name, held_out_errors=args.held_out, dry_run=args.dry_run, progress=not args.json or None)
    if args.json:
        print(json.dumps(reports, indent=2))
        return
    for report in reports:
        print(f"{report['calibration']}: {report['evaluations']} simulations, fit {report['fit_seconds']:.0f} s, "
              f"all {report['seconds']:.0f} s" + (" (as many targets as parameters)" if report["exact"] else ""))
        for name, p in report["parameters"].items():
            print(f"  {name:40s} {p['value']:11.4g} +- {p['stderr']:9.2g} {p['unit']:6s} range {p['range'][0]:g}-{p['range'][1]:g}, "
                  f"was {p['previous']:.4g}")
        for id, error in report["fitted_errors"].items():
            held = report.get("held_out", {}).get(id)
            print(f"  {id:24s} fitted error {error:+7.2%}" + ("" if held is None else
                  f"  held-out error {_percent(held.get('error'))} ({held['note']})"))
        for warning in report["warnings"]:
            print(f"  warning: {warning}")
        print("  wrote " + ", ".join(report["written"]) if report["written"] else "  nothing written (--dry-run)")


COMMANDS = {"cells": _cells, "check": _check, "provenance": _provenance, "simulate": _simulate, "fit": _fit,
            "sweep": _sweep, "reproduce": _reproduce, "rate": _rate, "symmetric": _symmetric, "eis": _eis,
            "calibrate": _calibrate}


def _terminate(signum, frame):
    """SIGTERM: handled as an interrupt (SIGINT's handler: a run keeps the cycles it finished)."""
    global _received
    _received = signum
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt


_received = signal.SIGINT  # the signal an interrupt came from (SIGTERM sets it)


def main(argv=None):
    args = _parser().parse_args(argv)
    pybamm.set_logging_level("ERROR")
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        COMMANDS[args.command](args)
        sys.stdout.flush()  # inside the try: a reader that closed the pipe is caught below
    except SimulationFailed as error:
        sys.stdout.flush()  # the kept cycles before the error line
        print(f"pybamm-ssb: error: {error}", file=sys.stderr)
        return 128 + _received if error.interrupted else 1
    except KeyboardInterrupt:
        print("pybamm-ssb: error: interrupted", file=sys.stderr)
        return 128 + _received
    except PybammSsbError as error:  # bad input: a name, a file, a value, a protocol
        print(f"pybamm-ssb: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader closed the pipe (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
