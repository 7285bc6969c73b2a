"""Command line: ``pybamm-ssb cells`` and ``pybamm-ssb simulate``."""

import argparse
import json
import sys

import pybamm

from .cells import UnknownCellError, cell_names, cell_summary
from .experiments import ProtocolError
from .provenance import ParameterFileError
from .simulate import SimulationFailed, simulate_cycling
from .validation import ParameterError

INPUT_ERRORS = (UnknownCellError, ProtocolError, ParameterError, ParameterFileError)


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


def main(argv=None):
    args = _parser().parse_args(argv)
    pybamm.set_logging_level("ERROR")
    try:
        {"cells": _cells, "simulate": _simulate}[args.command](args)
    except INPUT_ERRORS as error:
        print(f"pybamm-ssb: error: {error}", file=sys.stderr)
        return 2
    except SimulationFailed as error:
        print(f"pybamm-ssb: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
