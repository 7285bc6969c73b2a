"""Command line: ``pybamm-ssb cells``, ``simulate``, ``fit`` and ``reproduce``."""

import argparse
import json
import sys

import pybamm

from .cells import UnknownCellError, cell_names, cell_summary
from .experiments import ProtocolError
from .fade_data import FadeDataError, read_fade_data
from .fitting import FitError, fit_fade
from .provenance import ParameterFileError
from .simulate import SimulationFailed, simulate_cycling
from .validation import ParameterError

INPUT_ERRORS = (UnknownCellError, ProtocolError, ParameterError, ParameterFileError, FadeDataError, FitError)


def _parser():
    parser = argparse.ArgumentParser(prog="pybamm-ssb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    cells = sub.add_parser("cells", help="list the registered cells")
    cells.add_argument("--json", action="store_true", help="print a JSON list")

    sim = sub.add_parser("simulate", help="cycle a cell and report capacities")
    sim.add_argument("cell", help="registered cell name (see `pybamm-ssb cells`)")
    sim.add_argument("--experiment", nargs="+", metavar="STEP",
                     help="PyBaMM experiment steps, e.g. 'Discharge at 0.3 mA/cm2 until 2.5 V'")
    sim.add_argument("--cycles", type=int, default=1)
    sim.add_argument("--temperature", type=float, default=None, metavar="DEG_C")
    sim.add_argument("--model", choices=["spme", "dfn"], default="spme")
    sim.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    sim.add_argument("--plot", metavar="FILE.png", help="write voltage vs capacity")

    fit = sub.add_parser("fit", help="fit degradation parameters to measured capacity fade")
    fit.add_argument("cell", help="registered cell name (see `pybamm-ssb cells`)")
    fit.add_argument("data", metavar="DATA.csv",
                     help="columns cycle, discharge_capacity_mAh_g [, interface_resistance_ohm_cm2, c_rate, temperature_C]")
    fit.add_argument("--parameters", required=True, metavar="P1,P2",
                     help="comma-separated fit parameters (an unknown name lists the allowed ones)")
    fit.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    fit.add_argument("--plot", metavar="FILE.png", help="write measured and fitted fade")
    rep = sub.add_parser("reproduce", help="simulate the documents' targets and compare")
    rep.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    rep.add_argument("--plots", metavar="DIR", help="write capacity-vs-cycle figures into DIR")
    return parser


def _cells(args):
    rows = [cell_summary(name) for name in cell_names()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        print(f"{row['name']:28s} {row['description']}")


def _simulate(args):
    try:
        result = simulate_cycling(args.cell, steps=args.experiment, cycles=args.cycles,
                                  temperature_C=args.temperature, model=args.model, progress=True)
        failure = None
    except SimulationFailed as error:
        result, failure = error.result, error
    if result is None:
        raise failure
    if args.plot:
        from .plotting import plot_voltage_capacity

        plot_voltage_capacity(result, args.plot)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        print(f"{result.cell} at {result.temperature_C:g} C")
        print("cycle  discharge [mAh/g]  charge [mAh/g]  CE")
        for row in result.cycles:
            ce = row["coulombic_efficiency"]
            print(f"{row['cycle']:5d}  {row['discharge_capacity_mAh_g']:17.1f}  "
                  f"{row['charge_capacity_mAh_g']:14.1f}  {'-' if ce is None else f'{ce:.4f}'}")
    if failure is not None:
        raise failure


def _fit(args):
    data = read_fade_data(args.data)
    names = [name.strip() for name in args.parameters.split(",") if name.strip()]
    result = fit_fade(args.cell, data, names, progress=True)
    for warning in result.warnings:
        print(f"pybamm-ssb: warning: {warning}", file=sys.stderr)
    if args.plot:
        from .plotting import plot_fit

        plot_fit(result, data, args.plot)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
        return
    print(f"{result.cell} fitted to {data.source} ({len(data.cycle)} measured cycles)")
    print(f"{'parameter':32s} {'value':>11s}    {'stderr':>9s}  unit")
    for name, fitted in result.parameters.items():
        print(f"{name:32s} {fitted['value']:11.4g} +- {fitted['stderr']:9.2g}  {result.units[name]}")
    rmse = f"rmse {result.rmse_mAh_g:.3g} mAh/g"
    if result.rmse_resistance_ohm_cm2 is not None:
        rmse += f", {result.rmse_resistance_ohm_cm2:.3g} ohm cm2"
    print(rmse)
    print(f"{result.n_evaluations} simulations in {result.seconds:.1f} s")


def _reproduce(args):
    from .reproduce import TARGETS, reproduce

    rows, runs = reproduce(progress=not args.json)
    splits = {cell: split for cell, (_, split) in runs.items()}
    if args.plots:
        from pathlib import Path

        from .plotting import plot_fade

        folder = Path(args.plots)
        folder.mkdir(parents=True, exist_ok=True)
        for cell, (curve, split) in runs.items():
            points = [(t.cycle, t.measured) for t in TARGETS if t.cell == cell]
            plot_fade(cell, curve, points, split, folder / f"{cell}.png")
    if args.json:
        print(json.dumps({"targets": rows, "capacity_loss_by_mechanism": splits}, indent=2))
        return
    print(f"{'target':20s} {'measured':>9s} {'simulated':>9s} {'error':>7s}  kind       source")
    for r in rows:
        print(f"{r['id']:20s} {r['measured']:9.1f} {r['simulated']:9.1f} {r['rel_error']:+7.1%}  {r['kind']:9s}  {r['source']}")
    print("\ncapacity lost by the last cycle [mAh/g]: resistance rise / lost active material / lost lithium")
    for cell, split in splits.items():
        print(f"{cell:28s} " + " / ".join(f"{v:6.1f}" for v in split.values()))


def main(argv=None):
    args = _parser().parse_args(argv)
    pybamm.set_logging_level("ERROR")
    try:
        {"cells": _cells, "simulate": _simulate, "fit": _fit, "reproduce": _reproduce}[args.command](args)
    except INPUT_ERRORS as error:
        print(f"pybamm-ssb: error: {error}", file=sys.stderr)
        return 2
    except SimulationFailed as error:
        print(f"pybamm-ssb: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
