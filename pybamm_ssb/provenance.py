"""Values with provenance, and the component files that hold them.

Every number in a parameter file is a quantity with a kind (physics notes, section 7):
quoted (printed in a document, with its location), derived (computed from other
values, with the formula), assumed (not in the documents, with the reason or the
literature source) or fitted (estimated by this package from a named target).
"""

import numbers
import tomllib
from dataclasses import dataclass
from importlib import resources

import pybamm

KINDS = ("quoted", "derived", "assumed", "fitted")
COMPONENT_FOLDERS = ("anodes", "electrolytes", "cathodes", "interfaces", "cells")


class ParameterFileError(ValueError):
    """A parameter file is missing, malformed or lacks provenance."""


@dataclass(frozen=True)
class Provenance:
    kind: str
    source: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ParameterFileError(f"provenance kind must be one of {KINDS}, got '{self.kind}'")
        if not self.source.strip():
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
    """One parameter file: its metadata and its quantities."""

    folder: str
    file: str
    meta: dict
    quantities: dict

    def __getitem__(self, name):
        try:
            return self.quantities[name]
        except KeyError:
            raise ParameterFileError(
                f"{self.folder}/{self.file}.toml has no quantity '{name}'"
            ) from None

    def value(self, name):
        return self[name].value

    def get(self, name):
        return self.quantities.get(name)

    def with_values(self, values, kind, source):
        """A copy with some quantities replaced (each must already exist).

        A value may be a ``pybamm.InputParameter``, to be given at solve time."""
        quantities = dict(self.quantities)
        for name, value in values.items():
            self[name]  # raises for unknown names
            if isinstance(value, numbers.Real):
                value = float(value)
            elif not isinstance(value, pybamm.InputParameter):
                raise ParameterFileError(f"value of '{name}' must be a number or a pybamm.InputParameter, "
                                         f"got {value!r}")
            quantities[name] = Quantity(name, value, Provenance(kind, source), self[name].range)
        return Component(self.folder, self.file, self.meta, quantities)


def parameter_files(folder):
    """Names (without .toml) of the parameter files in one folder of parameter_sets."""
    root = resources.files("pybamm_ssb.parameter_sets") / folder
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def read_toml(folder, file):
    if folder not in COMPONENT_FOLDERS:
        raise ParameterFileError(f"unknown parameter folder '{folder}'")
    path = resources.files("pybamm_ssb.parameter_sets") / folder / f"{file}.toml"
    if not path.is_file():
        known = ", ".join(parameter_files(folder))
        raise ParameterFileError(f"no {folder} file '{file}'; known: {known}")
    with path.open("rb") as f:
        return tomllib.load(f)


def load_component(folder, file):
    """Read parameter_sets/<folder>/<file>.toml into a Component, checking provenance."""
    data = read_toml(folder, file)
    quantities = {}
    for name, entry in data.get("quantities", {}).items():
        missing = {"value", "kind", "source"} - set(entry)
        if missing:
            raise ParameterFileError(
                f"{folder}/{file}.toml quantity '{name}' lacks {sorted(missing)}"
            )
        if not isinstance(entry["value"], (int, float)):
            raise ParameterFileError(f"{folder}/{file}.toml quantity '{name}' is not a number")
        quantities[name] = Quantity(
            name, float(entry["value"]), Provenance(entry["kind"], entry["source"]), _range(folder, file, name, entry)
        )
    return Component(folder, file, data.get("meta", {}), quantities)


def _range(folder, file, name, entry):
    """The quantity's sensible (low, high); required for fitted values, which must lie inside."""
    if "range" not in entry:
        if entry["kind"] == "fitted":
            raise ParameterFileError(f"{folder}/{file}.toml fitted quantity '{name}' needs a range = [low, high]")
        return None
    low, high = (float(v) for v in entry["range"])
    if not low <= float(entry["value"]) <= high:
        raise ParameterFileError(
            f"{folder}/{file}.toml quantity '{name}' = {entry['value']} lies outside its range [{low:g}, {high:g}]"
        )
    return (low, high)
