"""Cells by name or by file, and ``resolve_cell``, which turns either (or a composed cell) into
one ``ComposedCell``.

A cell file names its four components and the conditions of its test:

    name = "My_LFP_cell"                      # optional: the file's stem otherwise
    description = "Li | LATP | LFP, my press"  # optional
    document = "my lab notebook, p. 12"        # optional: where the cell's data come from
    anode = "lithium_metal"                    # a registered name ...
    electrolyte = "LATP_NUHS_Cui2025"
    cathode = "./my_cathode.toml"              # ... or a path relative to this file
    assembly = "TPW_Cui2025"
    c_rate = 0.2                               # the cycling protocol's C-rate
    temperature_C = 25.0                       # optional: the electrolyte's reference temperature

The registered cells are the files of ``parameter_sets/cells``; ``pybamm.ParameterValues(name)``
reaches them through the ``pybamm_parameter_sets`` entry points.
"""

import functools
import math
import os
from pathlib import Path

from .cells import COMPONENT_KINDS, ComposedCell, compose_cell, load_electrolyte
from .citations import entry_key
from .errors import PybammSsbError, did_you_mean
from .experiments import C_RATE_MAX
from .provenance import (
    KINDS,
    ParameterFileError,
    is_path,
    load_component,
    parameter_files,
    read_toml,
)
from .validation import TEMPERATURE_RANGE_C

DEFAULT_CELL = "Cui2025_NCM811_NUHS_TPW"
OPTIONAL_TEXT = ("name", "description", "document", "citation")
C_RATE_RANGE = (1e-3, C_RATE_MAX)


class UnknownCellError(PybammSsbError, KeyError):
    """A cell name that is neither registered nor a cell file."""

    def __str__(self):
        return self.args[0]


def cell_names():
    """Names of the registered cells (files in parameter_sets/cells)."""
    return parameter_files("cells")


def _cell_spec(reference):
    """The checked contents of a cell file (a registered name or a path) and its path."""
    if not is_path(reference) and reference not in cell_names():
        names = cell_names()
        known = f"`pybamm-ssb cells` lists all {len(names)}" if did_you_mean(reference, names) else \
            f"known cells: {', '.join(names)}"
        raise UnknownCellError(f"unknown cell '{reference}'{did_you_mean(reference, names)}; {known} "
                               "(or give the path of a cell file, *.toml)")
    spec, path = read_toml("cells", reference)
    label = str(path) if path is not None else f"cells/{reference}.toml"
    missing = [key for key in COMPONENT_KINDS if key not in spec]
    if missing:
        raise ParameterFileError(f"{label} lacks {missing}: a cell file names its {', '.join(COMPONENT_KINDS)}")
    for key in (*COMPONENT_KINDS, *OPTIONAL_TEXT):
        if key in spec and not (isinstance(spec[key], str) and spec[key].strip()):
            raise ParameterFileError(f"{label}: '{key}' must be a non-empty string, got {spec[key]!r}")
    _check_number(spec, "c_rate", C_RATE_RANGE, label, required=True)
    _check_number(spec, "temperature_C", TEMPERATURE_RANGE_C, label, required=False)
    return spec, path


def _check_number(spec, key, bounds, label, required):
    if key not in spec:
        if required:
            raise ParameterFileError(f"{label} lacks '{key}' (between {bounds[0]:g} and {bounds[1]:g})")
        return
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not bounds[0] <= value <= bounds[1]:
        raise ParameterFileError(f"{label}: '{key}' must be a number between {bounds[0]:g} and {bounds[1]:g}, "
                                 f"got {value!r}")


def _compose(reference, overrides=None):
    spec, path = _cell_spec(reference)
    name = spec.get("name") or (path.stem if path is not None else reference)
    meta = {"description": spec.get("description", name), "document": spec.get("document", "user's own cell"),
            "c_rate": float(spec["c_rate"]), "file": str(path) if path is not None else None}
    meta.update({key: spec[key] for key in ("citation",) if key in spec})
    if "temperature_C" in spec:
        meta["temperature_C"] = float(spec["temperature_C"])
    return compose_cell(**{kind: spec[kind] for kind in COMPONENT_KINDS}, name=name, meta=meta, overrides=overrides,
                        relative_to=path)


@functools.cache
def _registered_cell(name):
    return _compose(name)


def get_cell(name, overrides=None):
    """The registered cell ``name`` (or a cell file's path) as a ComposedCell, a fresh copy that
    the caller may change.

    ``overrides`` (quantity name -> value) replaces component quantities, e.g. in a fit."""
    if overrides or is_path(name):
        return _compose(name, overrides)
    return _registered_cell(name).copy()


def resolve_cell(cell, overrides=None):
    """One ComposedCell from a registered name, the path of a cell file, or a ComposedCell
    (with ``overrides`` applied: the cell composed again from its component files)."""
    if isinstance(cell, ComposedCell):
        return cell.with_overrides(overrides) if overrides else cell
    if isinstance(cell, (str, os.PathLike)):
        return get_cell(os.fspath(cell) if isinstance(cell, os.PathLike) else cell, overrides)
    raise UnknownCellError(f"a cell is a registered name, the path of a cell file or a ComposedCell, got {cell!r}")


def cell_components(cell):
    """The cell's component files: {"anode": ..., "electrolyte": ..., "cathode": ..., "assembly": ...}."""
    return dict(resolve_cell(cell).components)


def load_cell_components(cell):
    """The cell's component files, loaded: electrolyte, its family, cathode, assembly, anode."""
    files = cell_components(cell)
    return [*load_electrolyte(files["electrolyte"]), load_component("cathodes", files["cathode"]),
            load_component("interfaces", files["assembly"]), load_component("anodes", files["anode"])]


def cell_parameter_values(name):
    """``pybamm.ParameterValues`` of a registered cell (same as ParameterValues(name))."""
    return get_cell(name).parameter_values


def parameter_set_values(name):
    """Plain dict of values, as PyBaMM's ``pybamm_parameter_sets`` entry points return."""
    return get_cell(name).values


def cell_summary(cell):
    """One entry of ``pybamm-ssb cells --json``."""
    cell = resolve_cell(cell)
    citations = [entry_key(entry) for entry in cell.values["citations"][1:]]  # the first is the package's
    return {"name": cell.name, **{key: cell.meta[key] for key in ("description", "document", "cathode", "electrolyte",
                                                                    "assembly")},
            "citation": citations[0] if citations else None}


def _component_kind(data, path):
    """The kind of a component file: its folder's name, else what its contents show."""
    folders = {folder: kind for kind, folder in COMPONENT_KINDS.items()}
    if path.parent.name in folders:
        return folders[path.parent.name]
    meta, quantities = data.get("meta", {}), data.get("quantities", {})
    clues = (("cathode", "ocp" in meta), ("electrolyte", "family" in meta or "form" in meta),
             ("anode", "foil_thickness_um" in quantities), ("assembly", "anode_share_of_interfacial_resistance" in quantities))
    for kind, clue in clues:
        if clue:
            return kind
    raise ParameterFileError(f"{path}: cannot tell which kind of component this is; give the kind "
                             f"({', '.join(COMPONENT_KINDS)})")


def check_file(path, kind=None):
    """Validate a cell file or a component file and summarise its provenance.

    A cell file is composed (every component's provenance and ranges checked); a component
    is composed into the default cell in place of that cell's own component of its kind, so
    every quantity a cell needs from it is checked. Returns {"file", "kind", "cell", "counts",
    "parameters"}: counts of quantities (component) or PyBaMM parameters (cell) by kind."""
    path = Path(path)
    if path.suffix != ".toml" or not path.is_file():
        raise ParameterFileError(f"no parameter file {path} (a cell or component file, *.toml)")
    data, path = read_toml("cells", path)  # any parameter file reads the same way
    if all(key in data for key in COMPONENT_KINDS):
        cell = get_cell(os.fspath(path))
        provenance, what = cell.provenance, "cell"
    else:
        what = kind or _component_kind(data, path)
        if what not in COMPONENT_KINDS:
            raise ParameterFileError(f"kind must be one of {', '.join(COMPONENT_KINDS)}, got '{what}'")
        component = load_component(COMPONENT_KINDS[what], path)
        cell = compose_cell(**(_registered_cell(DEFAULT_CELL).components | {what: path}),
                            name=f"{DEFAULT_CELL} with {path.name}")
        provenance = {name: q.provenance for name, q in component.quantities.items()}
    counts = {k: sum(p.kind == k for p in provenance.values()) for k in KINDS}
    return {"file": str(path), "kind": what, "cell": cell.name, "counts": counts,
            "parameters": {name: {"kind": p.kind, "source": p.source} for name, p in provenance.items()}}
