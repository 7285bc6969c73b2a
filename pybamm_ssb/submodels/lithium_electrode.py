"""Variable names of one lithium-metal electrode, so that its submodels are written once.

The contact (lithium_contact.py), interphase (interphase.py) and foil (lithium_inventory.py)
submodels of a lithium electrode take a LithiumElectrode: the full cell has one, its anode
(the default, PyBaMM's "Lithium metal" names); the symmetric Li | electrolyte | Li cell
(pybamm_ssb.symmetric) uses each submodel twice, with ``LithiumElectrode.named("Electrode 1")``
and ``"Electrode 2"``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LithiumElectrode:
    """``metal`` prefixes the foil and interface variables ("{metal} thickness [m]"), ``film``
    the interphase's variables (its parameters stay "Anode interphase ..."), ``current`` is the
    electrode's current density [A.m-2], > 0 stripping."""

    metal: str = "Lithium metal"
    film: str = "Anode interphase"
    current: str = "Current collector current density [A.m-2]"

    @classmethod
    def named(cls, name):
        """Electrode ``name`` of a cell with more than one lithium electrode."""
        return cls(f"{name} lithium", f"{name} interphase", f"{name} current density [A.m-2]")


ANODE = LithiumElectrode()
