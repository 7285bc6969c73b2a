"""Values with provenance, and the component files that hold them.

Every number in a parameter file is a quantity with a kind:
quoted (printed in a document, with its location), derived (computed from other
values, with the formula), assumed (not in the documents, with the reason or the
literature source) or fitted (estimated by this package from a named target).
"""

import math
import numbers
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pybamm

from .errors import PybammSsbError

KINDS = ("quoted", "derived", "assumed", "fitted")
COMPONENT_FOLDERS = ("anodes", "electrolytes", "cathodes", "interfaces", "cells")


class ParameterFileError(PybammSsbError, ValueError):
    """A parameter file is missing, malformed or lacks provenance."""


# What a quantity's name says of its allowed values (checked in every file, registered or a
# user's, and in every override), by the end of its name: (low, high, whether low is allowed).
POSITIVE = ("_g_cm3", "_g_mol", "_mg_cm2", "_S_m", "_S_cm", "_m2_s", "_MPa", "_um", "_mm", "_ohm", "_ohm_cm2",
            "_F", "_uF_cm2", "_mAh_g", "_mA_cm2", "_mol_m3", "_time_h", "_nm_cm2_uAh", "_formula_unit",
            "initial_thickness_nm", "relative_permittivity_bulk", "creep_stress_exponent", "active_mass_fraction",
            "electrochemically_active_fraction", "slurry_solid_mass_fraction",
            "_share_of_interfacial_resistance")
NON_NEGATIVE = ("_eV", "_nm_h", "_nm2_h", "_cm2_mA", "_percent", "_spread", "_1_nm", "surface_roughness_nm",
                "contact_loss_coefficient", "catholyte_bruggeman")
BELOW_ONE = ("void_fraction", "porosity", "_share_of_interfacial_resistance")  # 1 leaves no solid / no other share
UNIT_INTERVAL = ("fraction", "porosity", "_share_of_interfacial_resistance", "transference_number",
                 "stoichiometry", "charge_transfer_coefficient", "oxidation_transfer_coefficient")

# What a quantity's unit says of its magnitude: (low, high, the unit a value outside most likely
# is in). The bands hold every solid-state cell's value and leave out the same value in a unit
# 1000 times larger or smaller (a thickness in m or mm where um is meant, a capacity in Ah/g,
# a pressure in kPa or Pa, an energy in kJ/mol where eV is meant, a temperature in K).
MAGNITUDES = {
    "_1_nm": None,  # a rate per nm, not a length
    "_um": (0.01, 1e4, "m or mm"), "_nm": (0.01, 1e5, "m or um"), "_mm": (0.1, 1e3, "m or um"),
    "_mAh_g": (1.0, 4e3, "Ah/g"), "_mg_cm2": (0.05, 200.0, "g/cm2"), "_mA_cm2": (1e-3, 1e3, "A/cm2 or uA/cm2"),
    "_MPa": (0.01, 1e3, "kPa, Pa or GPa"), "_ohm_cm2": (1e-3, 1e5, "mOhm cm2 or kOhm cm2"),
    "_g_cm3": (0.1, 25.0, "kg/m3"), "_g_mol": (1.0, 5e3, "kg/mol"), "_eV": (0.0, 3.0, "kJ/mol or meV"),
    "temperature_C": (-100.0, 200.0, "K"), "temperature_min_C": (-100.0, 200.0, "K"),
    "temperature_max_C": (-100.0, 200.0, "K"), "_V": (0.0, 10.0, "mV"), "_uF_cm2": (1e-3, 1e5, "F/cm2 or nF/cm2"),
    "_mol_m3": (10.0, 1e6, "mol/L"), "_time_h": (1e-3, 1e6, "s"), "_ohm": (1e-3, 1e9, "mOhm or kOhm"),
    "_S_cm": (1e-12, 10.0, "mS/cm or S/m"), "_S_m": (1e-14, 1e9, "S/cm or mS/cm"), "_m2_s": (1e-25, 1e-5, "cm2/s"),
    "_F": (1e-15, 1.0, "uF or nF"), "_share_of_interfacial_resistance": (1e-3, 1.0, "percent"),
}
LARGEST, SMALLEST = 1e30, 1e-30  # no quantity in these files' units comes near them: beyond, a typo or an overflow


def check_value(label, name, value):
    """``value`` of quantity ``name`` (in file ``label``) is finite, inside what its name
    allows (POSITIVE, NON_NEGATIVE, UNIT_INTERVAL, BELOW_ONE) and of a magnitude its unit allows
    (MAGNITUDES); raises ParameterFileError naming both."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ParameterFileError(f"{label} quantity '{name}' must be a finite number, got {value!r}")
    if name.endswith(POSITIVE) and value <= 0:
        raise ParameterFileError(f"{label} quantity '{name}' must be > 0, got {value:g}")
    if name.endswith(NON_NEGATIVE) and value < 0:
        raise ParameterFileError(f"{label} quantity '{name}' must be >= 0, got {value:g}")
    if any(part in name for part in UNIT_INTERVAL) and not 0 <= value <= 1:
        raise ParameterFileError(f"{label} quantity '{name}' must lie in [0, 1], got {value:g}")
    if name.endswith(BELOW_ONE) and value >= 1:
        raise ParameterFileError(f"{label} quantity '{name}' must be < 1, got {value:g}")
    if abs(value) > LARGEST or 0 < abs(value) < SMALLEST:
        raise ParameterFileError(f"{label} quantity '{name}' = {value:g} is beyond any physical value in its unit")
    rule = next((rule for suffix, rule in MAGNITUDES.items() if name.endswith(suffix)), None)
    if rule is not None and not rule[0] <= value <= rule[1]:
        raise ParameterFileError(f"{label} quantity '{name}' = {value:g} lies outside {rule[0]:g}-{rule[1]:g}, the "
                                 f"plausible values in its unit: is it given in {rule[2]}?")


@dataclass(frozen=True)
class Provenance:
    kind: str
    source: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ParameterFileError(f"provenance kind must be one of {KINDS}, got '{self.kind}'")
        if not isinstance(self.source, str) or not self.source.strip():
            raise ParameterFileError("provenance source must not be empty")


@dataclass(frozen=True)
class Quantity:
    """A value with its provenance and, for fittable values, its physically sensible range."""

    name: str
    value: float
    provenance: Provenance
    range: tuple = None


@dataclass(frozen=True)
class Component:
    """One parameter file: its metadata and its quantities.

    ``path`` is the file on disk for a user's own file, None for a registered one; ``used``
    collects the quantities read from it (so an override of one a cell never reads is caught)."""

    folder: str
    file: str
    meta: dict
    quantities: dict
    path: Path = None
    used: set = field(default_factory=set, compare=False, repr=False)

    @property
    def label(self):
        """How errors and provenance name the file."""
        return str(self.path) if self.path is not None else f"{self.folder}/{self.file}.toml"

    def reference(self, key):
        """Resolve a reference the file makes (``meta[key]``) to another file: a registered name,
        or a path relative to this file."""
        return relative_reference(self.meta[key], self.path)

    def __getitem__(self, name):
        try:
            quantity = self.quantities[name]
            self.used.add(name)
            return quantity
        except KeyError:
            raise ParameterFileError(f"{self.label} has no quantity '{name}'") from None

    def value(self, name):
        return self[name].value

    def get(self, name):
        return self.quantities.get(name)

    def with_values(self, values, kind, source):
        """A copy with some quantities replaced (each must already exist), each checked like a
        file's value and against its range; 0 for a non-negative quantity (a mechanism switched
        off, e.g. no contact spread) is allowed below a range's low end.

        A value may be a ``pybamm.InputParameter``, to be given at solve time."""
        quantities = dict(self.quantities)
        for name, value in values.items():
            allowed = self[name].range  # raises for unknown names
            if isinstance(value, pybamm.InputParameter):
                pass  # given at solve time, within the range of the fit that sets it
            elif isinstance(value, numbers.Real) and not isinstance(value, bool):
                value = float(value)
                check_value(f"{self.label} (override)", name, value)
                switched_off = value == 0 and name.endswith(NON_NEGATIVE)  # a what-if without the mechanism
                if allowed is not None and not allowed[0] <= value <= allowed[1] and not switched_off:
                    raise ParameterFileError(f"{self.label} (override) quantity '{name}' = {value:g} lies outside "
                                             f"its range [{allowed[0]:g}, {allowed[1]:g}]")
            else:
                raise ParameterFileError(f"value of '{name}' must be a number or a pybamm.InputParameter, "
                                         f"got {value!r}")
            quantities[name] = Quantity(name, value, Provenance(kind, source), self[name].range)
        return Component(self.folder, self.file, self.meta, quantities, self.path)


def parameter_files(folder):
    """Names (without .toml) of the registered parameter files in one folder of parameter_sets."""
    root = resources.files("pybamm_ssb.parameter_sets") / folder
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def is_path(reference):
    """A reference to a file on disk (a path, or a name ending in .toml or .csv, or holding a slash), not a
    registered name."""
    text = str(reference)
    return isinstance(reference, Path) or text.endswith((".toml", ".csv")) or "/" in text or "\\" in text


def relative_reference(reference, relative_to=None):
    """A registered name as it is, or a path (relative to the file ``relative_to`` if given),
    made absolute."""
    if not is_path(reference):
        return reference
    path = Path(reference).expanduser()
    if not path.is_absolute() and relative_to is not None:
        path = Path(relative_to).parent / path
    return path.resolve()


def read_toml(folder, reference):
    """(data, path) of a registered file ``folder/<name>.toml`` (path None) or of a file on disk."""
    if folder not in COMPONENT_FOLDERS:
        raise ParameterFileError(f"unknown parameter folder '{folder}'")
    if is_path(reference):
        path = Path(reference)
        if not path.is_file():
            raise ParameterFileError(f"no {folder[:-1]} file {path}")
        source, path = path, path.resolve()
    else:
        source, path = resources.files("pybamm_ssb.parameter_sets") / folder / f"{reference}.toml", None
        if not source.is_file():
            known = ", ".join(parameter_files(folder))
            raise ParameterFileError(f"no {folder} file '{reference}'; known: {known} (or give a path to a .toml file)")
    try:
        with source.open("rb") as f:
            return tomllib.load(f), path
    except tomllib.TOMLDecodeError as error:
        raise ParameterFileError(f"{source} is not valid TOML: {error}") from None


def load_component(folder, reference):
    """Read a component file (a registered name in parameter_sets/<folder>/, or a path to a file
    of the same form anywhere) into a Component, checking provenance and ranges."""
    data, path = read_toml(folder, reference)
    name = path.stem if path is not None else str(reference)
    component = Component(folder, name, data.get("meta", {}), {}, path)
    for key, entry in data.get("quantities", {}).items():
        if not isinstance(entry, dict):
            raise ParameterFileError(f"{component.label} quantity '{key}' must be a table with value, kind and source")
        missing = {"value", "kind", "source"} - set(entry)
        if missing:
            raise ParameterFileError(f"{component.label} quantity '{key}' lacks {sorted(missing)}")
        value = entry["value"]
        check_value(component.label, key, value)
        try:
            provenance = Provenance(entry["kind"], entry["source"])
        except ParameterFileError as error:
            raise ParameterFileError(f"{component.label} quantity '{key}': {error}") from None
        component.quantities[key] = Quantity(key, float(value), provenance, _range(component, key, entry))
    return component


def _range(component, name, entry):
    """The quantity's sensible (low, high); required for fitted values, which must lie inside."""
    if "range" not in entry:
        if entry["kind"] == "fitted":
            raise ParameterFileError(f"{component.label} fitted quantity '{name}' needs a range = [low, high]")
        return None
    low, high = (float(v) for v in entry["range"])
    if not low <= float(entry["value"]) <= high:
        raise ParameterFileError(
            f"{component.label} quantity '{name}' = {entry['value']} lies outside its range [{low:g}, {high:g}]"
        )
    return (low, high)
