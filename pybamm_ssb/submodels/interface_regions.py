"""Parallel regions of the electrode area with unevenly conducting lithium interfaces.

A physically stacked cell touches its electrolyte better in some places than in others
(000 Cui 2025, Sec. 1: poor contact gives an inhomogeneous current distribution). The
area is split into regions k = 1..N of equal size that share the terminal voltage; the
lithium interface of region k conducts by a factor w_k, lognormal across the area with
spread sigma (the standard deviation of ln w) and mean 1:

    w(q) = exp(sigma Phi^-1(q)) / <exp(sigma Phi^-1(q))>,    q = z / L_z

q is the area fraction, sorted by w, and Phi^-1 the standard normal quantile. w scales the
local contact (exchange current and film conductance), so the Li interface's parallel
conductance is that of the uniform cell at any sigma. The cell's is lower: the current
crowds into the better regions, whose electrolyte and cathode then carry all of it
(impedance.cell_impedance).

The regions are PyBaMM's 1+1D cell with z as the area coordinate (models.INTERFACE_REGIONS
of them, at the midpoints of equal areas). They discretise a continuous spread: the fade of
a flat-OCP cell converges slowly with their number (LFP CUHS-CPS at its fitted values, cycle
100: 53.4 / 47.1 / 43.3 / 41.6 mAh/g with 4 / 8 / 16 / 32 regions; regions clustered at the
tails, Chebyshev in q, converge no faster: 41.6 / 39.9 / 37.5 with 8 / 16 / 32), so fitted
values belong to the number they were fitted with.
"""

import numpy as np
import pybamm
from scipy.stats import norm

_AREA_FRACTION = np.linspace(1e-4, 1 - 1e-4, 2001)
_PROBIT = norm.ppf(_AREA_FRACTION)


def area_fraction():
    """q = z / L_z, the fraction of the electrode area with a lower conductance factor."""
    return pybamm.standard_spatial_vars.z / pybamm.Parameter("Electrode height [m]")


def conductance_factor():
    """w(q) of the module docstring (mean 1 over the area)."""
    sigma = pybamm.Parameter("Lithium interface conductance spread")
    probit = pybamm.Interpolant(_AREA_FRACTION, _PROBIT, area_fraction(), name="probit")
    w = pybamm.exp(sigma * probit)
    return w / pybamm.z_average(w)


def region_conductance_factors(sigma, regions):
    """w_k of ``regions`` equal regions, at their midpoints q_k = (k - 1/2) / N as the
    discretised model has them (same probit table, mean 1 over the regions)."""
    q = (np.arange(regions) + 0.5) / regions
    w = np.exp(sigma * np.interp(q, _AREA_FRACTION, _PROBIT))
    return w / w.mean()


def parallel_resistance(R):
    """Resistance [Ohm.m2] of the regions in parallel, 1 / <1 / R>; R itself when uniform."""
    return 1 / pybamm.z_average(1 / R)
