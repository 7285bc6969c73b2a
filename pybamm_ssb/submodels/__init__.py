"""Submodels that add solid-state physics to PyBaMM's lithium-metal half-cell."""

from .cathode_side_reaction import CathodeInterphaseCurrent, InverseKineticsTotalInterfacialCurrent
from .degradation_summary import CathodeInterphaseCharge
from .interface_resistance import InterfaceResistance
from .interphase import AnodeInterphase, CathodeInterphase
from .lithium_contact import ConstantLithiumContact, LithiumUnrefilledVoidContact, LithiumVoidContact
from .lithium_electrode import LithiumElectrode
from .lithium_inventory import LithiumMetalThickness
from .lithium_metal_interface import (
    SeriesDropLithiumMetalExplicit,
    SeriesDropLithiumMetalSurfaceForm,
)
from .particle_contact import ParticleContactLoss
from .solid_electrolyte import CapacitiveSolidElectrolyte, ResistiveSolidElectrolyte

__all__ = [
    "AnodeInterphase",
    "CapacitiveSolidElectrolyte",
    "CathodeInterphase",
    "CathodeInterphaseCharge",
    "CathodeInterphaseCurrent",
    "ConstantLithiumContact",
    "InterfaceResistance",
    "InverseKineticsTotalInterfacialCurrent",
    "LithiumElectrode",
    "LithiumMetalThickness",
    "LithiumUnrefilledVoidContact",
    "LithiumVoidContact",
    "ParticleContactLoss",
    "ResistiveSolidElectrolyte",
    "SeriesDropLithiumMetalExplicit",
    "SeriesDropLithiumMetalSurfaceForm",
]
