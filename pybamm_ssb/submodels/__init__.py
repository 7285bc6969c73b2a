"""Submodels that add solid-state physics to PyBaMM's lithium-metal half-cell."""

from .lithium_metal_interface import (
    SeriesDropLithiumMetalExplicit,
    SeriesDropLithiumMetalSurfaceForm,
)
from .solid_electrolyte import CapacitiveSolidElectrolyte, ResistiveSolidElectrolyte

__all__ = [
    "CapacitiveSolidElectrolyte",
    "ResistiveSolidElectrolyte",
    "SeriesDropLithiumMetalExplicit",
    "SeriesDropLithiumMetalSurfaceForm",
]
