"""Open-circuit potentials of the cathode materials, as functions of stoichiometry.

NCM811: the multi-site (MSMR) description of NMC811 in PyBaMM's ``MSMR_Example`` set
(Verbrugge et al. 2017, J. Electrochem. Soc. 164, E3243; Baker & Verbrugge 2018),
x(U) = sum_j X_j / (1 + exp[f (U - U0_j) / w_j]), inverted on a voltage grid. Unlike
single-curve fits it drops steeply as x -> 1, so a discharge ends at the lower cut-off.

LFP: the curve of Afshar et al. 2017 shipped with PyBaMM's ``Prada2013`` set.
"""

import functools

import numpy as np
import pybamm
from pybamm.input.parameters.lithium_ion.Prada2013 import LFP_ocp_Afshar2017

F_OVER_RT_298 = 96485.33212 / (8.314462618 * 298.15)


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


def lfp_afshar2017(sto):
    """LFP OCP [V] vs Li/Li+ (Afshar et al. 2017, via PyBaMM's Prada2013 set)."""
    return LFP_ocp_Afshar2017(sto)


OCP_FUNCTIONS = {"ncm811_msmr": ncm811_msmr, "lfp_afshar2017": lfp_afshar2017}


def open_circuit_voltage(name, sto):
    """Numerical OCP of a named curve at stoichiometries ``sto`` (array)."""
    return np.array([OCP_FUNCTIONS[name](pybamm.Scalar(s)).evaluate() for s in np.atleast_1d(sto)]).ravel()
