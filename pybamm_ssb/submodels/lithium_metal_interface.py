"""Lithium-metal electrode with the solid-electrolyte series drop at its interface.

PyBaMM's planar lithium electrode sets the electrolyte potential next to the metal,
phi_e = phi_s - delta_phi. The solid electrolyte's lumped elements (grain boundary, and
the bulk's capacitive bypass) sit in series between the metal and the separator, so
the electrolyte potential entering the separator is lowered by their drop:

    phi_e(x = 0) = phi_s - delta_phi - eta_series
"""

import pybamm


class _SeriesDropMixin:
    def get_coupled_variables(self, variables):
        eta_series = variables["Solid electrolyte series overpotential [V]"]
        variables = super().get_coupled_variables(variables)
        key = "Lithium metal interface electrolyte potential [V]"
        variables[key] = variables[key] - eta_series
        return variables


class SeriesDropLithiumMetalExplicit(
    _SeriesDropMixin, pybamm.electrode.ohm.LithiumMetalExplicit
):
    """Explicit lithium-metal potential with the series drop (inverse kinetics)."""


class SeriesDropLithiumMetalSurfaceForm(
    _SeriesDropMixin, pybamm.electrode.ohm.LithiumMetalSurfaceForm
):
    """Surface-form lithium-metal potential with the series drop."""
