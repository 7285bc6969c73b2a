"""Lithium-metal electrode with the solid-electrolyte series drop at its interface.

PyBaMM's planar lithium electrode sets the electrolyte potential next to the metal,
phi_e = phi_s - delta_phi. The lumped series elements (the solid electrolyte's grain
boundary and the bulk's capacitive bypass, and the interphase films) sit between the
metal and the separator, so the electrolyte potential entering the separator is lowered
by the sum of their drops:

    phi_e(x = 0) = phi_s - delta_phi - sum(eta_series)

The cathode film is lumped here too: for the x-averaged (SPMe) cathode its drop
i R_CEI is the same wherever it sits in series.
"""

import pybamm


class _SeriesDropMixin:
    def __init__(self, param, domain, options, series_terms):
        super().__init__(param, domain, options)
        self.series_terms = series_terms

    def get_coupled_variables(self, variables):
        eta_series = sum(variables[name] for name in self.series_terms)
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
