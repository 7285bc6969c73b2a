"""Open-circuit potentials of the cathode materials, as functions of stoichiometry.

NCM811: the multi-site (MSMR) description of NMC811 in PyBaMM's ``MSMR_Example`` set
(Verbrugge et al. 2017, J. Electrochem. Soc. 164, E3243; Baker & Verbrugge 2018),
x(U) = sum_j X_j / (1 + exp[f (U - U0_j) / w_j]), inverted on a voltage grid. Unlike
single-curve fits it drops steeply as x -> 1, so a discharge ends at the lower cut-off.

LFP: the curve of Afshar et al. 2017 shipped with PyBaMM's ``Prada2013`` set.

A cathode file names its curve in ``meta.ocp``: one of the names above, ``"pybamm:<set>"``
for the "Positive electrode OCP [V]" of any of PyBaMM's parameter sets (e.g.
``"pybamm:Marquis2019"``, the LiCoO2 curve of Doyle's Dualfoil), ``"pybamm:<set>:<parameter>"``
for another function of stoichiometry of that set, or the path of a CSV table
(relative to the cathode file) with the columns ``stoichiometry`` and ``ocp_V``, interpolated
linearly.
"""

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pybamm
from pybamm.input.parameters.lithium_ion.Prada2013 import LFP_ocp_Afshar2017
from scipy.optimize import brentq

from .provenance import ParameterFileError, relative_reference

F_OVER_RT_298 = pybamm.constants.F.value / (pybamm.constants.R.value * 298.15)
PYBAMM_SET = "pybamm:"
TABLE_COLUMNS = ("stoichiometry", "ocp_V")
OCP_RANGE_V = (0.0, 6.0)


@functools.cache
def _ncm811_table():
    values = pybamm.ParameterValues("MSMR_Example")
    n = int(values["Number of reactions in positive electrode"])
    site = "Positive electrode host site {} ({})"
    U0 = np.array([values[site.format("standard potential", j) + " [V]"] for j in range(n)])
    X = np.array([values[site.format("occupancy fraction", j)] for j in range(n)])
    w = np.array([values[site.format("ideality factor", j)] for j in range(n)])
    U = np.linspace(4.6, 2.4, 441)
    x = (X / (1 + np.exp(F_OVER_RT_298 * (U[:, None] - U0) / w))).sum(axis=1)
    return x, U


def ncm811_msmr(sto):
    """NCM811 OCP [V] vs Li/Li+ (MSMR sites of Verbrugge et al. 2017, via PyBaMM)."""
    x, U = _ncm811_table()
    return pybamm.Interpolant(x, U, sto, name="ncm811_ocp_msmr", interpolator="cubic")


LFP_EMPTY_STOICHIOMETRY = 1e-3  # below it the fit of Afshar et al. levels off at 3.91 V


def lfp_afshar2017(sto):
    """LFP OCP [V] vs Li/Li+ (Afshar et al. 2017, via PyBaMM's Prada2013 set), with the ideal
    solution's term where the particle empties:

        U(x) = U_Afshar(x) + (R T_298 / F) ln(x_e / min(x, x_e)),   x_e = 1e-3.

    U_Afshar levels off at 3.91 V as x -> 0, so a charge at low overpotential (0.1C at 80 C) would
    empty the particle surface before reaching a 4.0 V cut-off and drive its concentration
    negative (where the solver fails). With the term the voltage rises without bound as the last
    lithium leaves (4.03 V at x = 1e-5), as a solid solution's does; above x_e nothing changes."""
    emptied = pybamm.minimum(pybamm.maximum(sto, 1e-12), LFP_EMPTY_STOICHIOMETRY)
    return LFP_ocp_Afshar2017(sto) + pybamm.log(LFP_EMPTY_STOICHIOMETRY / emptied) / F_OVER_RT_298


OCP_FUNCTIONS = {"ncm811_msmr": ncm811_msmr, "lfp_afshar2017": lfp_afshar2017}


def ocp_function(spec, relative_to=None):
    """(function of stoichiometry, description) of a cathode file's ``meta.ocp`` (module doc)."""
    if spec in OCP_FUNCTIONS:
        return OCP_FUNCTIONS[spec], f"Literature curve '{spec}' (see pybamm_ssb.ocp)"
    if isinstance(spec, str) and spec.startswith(PYBAMM_SET):
        return _pybamm_set_ocp(spec[len(PYBAMM_SET):])
    path = relative_reference(spec, relative_to)
    if isinstance(path, Path):
        return _table_ocp(path), f"Table of stoichiometry and OCP in {path}"
    raise ParameterFileError(f"ocp must be one of {sorted(OCP_FUNCTIONS)}, 'pybamm:<parameter set>' or the path "
                             f"of a CSV file with columns {', '.join(TABLE_COLUMNS)}; got {spec!r}")


def _pybamm_set_ocp(spec):
    """The function "<set>" (its positive electrode OCP) or "<set>:<parameter>" of PyBaMM's sets."""
    name, _, key = spec.partition(":")
    key = key or "Positive electrode OCP [V]"
    if name not in pybamm.parameter_sets:
        raise ParameterFileError(f"ocp 'pybamm:{spec}': PyBaMM has no parameter set '{name}'")
    values = pybamm.ParameterValues(name)
    if key not in values.keys() or not callable(values[key]):
        raise ParameterFileError(f"ocp 'pybamm:{spec}': that set has no function '{key}'")
    return values[key], f"'{key}' of PyBaMM's {name} parameter set ({values[key].__name__})"


@functools.cache
def _read_table(path):
    try:
        table = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ParameterFileError(f"cannot read the OCP table {path}: {error}") from None
    missing = [c for c in TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise ParameterFileError(f"OCP table {path} lacks the columns {missing} (it has {list(table.columns)})")
    x, U = (pd.to_numeric(table[c], errors="coerce").to_numpy(float) for c in TABLE_COLUMNS)
    low, high = OCP_RANGE_V
    if len(x) < 2 or not np.all(np.isfinite(x)) or not np.all(np.isfinite(U)):
        raise ParameterFileError(f"OCP table {path} needs at least two rows of finite numbers")
    if x.min() < 0 or x.max() > 1 or np.any(np.diff(np.sort(x)) == 0):
        raise ParameterFileError(f"OCP table {path}: stoichiometry must lie in [0, 1] without repeats")
    if U.min() < low or U.max() > high:
        raise ParameterFileError(f"OCP table {path}: ocp_V must lie in [{low:g}, {high:g}] V (volts, not mV), "
                                 f"got {U.min():g} to {U.max():g}")
    order = np.argsort(x)
    return x[order], U[order]


def _table_ocp(path):
    x, U = _read_table(path)

    def table_ocp(sto):
        return pybamm.Interpolant(x, U, sto, name=f"ocp_{path.stem}", interpolator="linear")

    return table_ocp


def open_circuit_voltage(function, sto):
    """Numerical OCP of a curve (a function of stoichiometry, or a name of OCP_FUNCTIONS) at
    stoichiometries ``sto`` (array)."""
    function = OCP_FUNCTIONS.get(function, function)
    sto = np.atleast_1d(np.asarray(sto, dtype=float))
    return np.broadcast_to(np.asarray(function(pybamm.Vector(sto)).evaluate(), dtype=float).ravel(), sto.shape).copy()


CHARGE_GRID = 400
EMPTIEST = 0.005  # a charge whose OCP never reaches the cut-off ends here (1/200 of the lithium left)


def charged_stoichiometry(function, start, voltage):
    """The stoichiometry a charge from ``start`` reaches where the OCP first meets ``voltage``
    (the upper cut-off), found on a grid from ``start`` down to EMPTIEST and refined; EMPTIEST
    itself if the OCP stays below the cut-off (an LFP two-phase plateau rises to it only at the
    very end). Returns (stoichiometry, whether the OCP reached the cut-off)."""
    grid = np.linspace(start, EMPTIEST, CHARGE_GRID + 1)
    above = np.flatnonzero(open_circuit_voltage(function, grid) >= voltage)
    if not len(above):
        return EMPTIEST, False
    k = above[0]
    if k == 0:
        raise ParameterFileError(f"the OCP at the initial stoichiometry {start:g} is already above the upper "
                                 f"cut-off {voltage:g} V: check the OCP curve, the initial stoichiometry and the window")
    return brentq(lambda x: open_circuit_voltage(function, x)[0] - voltage, grid[k], grid[k - 1], xtol=1e-10), True
