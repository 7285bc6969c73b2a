"""Parameter files (TOML, one per component or cell) and PyBaMM's entry points to them.

Each registered cell name is an attribute of this module returning its parameter dict,
which is what the ``pybamm_parameter_sets`` entry-point group expects:
``pybamm.ParameterValues("Cui2025_NCM811_NUHS_TPW")``.
"""

import functools


def __getattr__(name):
    from ..registry import cell_names, parameter_set_values

    if name in cell_names():
        loader = functools.partial(parameter_set_values, name)
        loader.__doc__ = f"Parameter values of the {name} cell (see parameter_sets/cells/{name}.toml)."
        return loader
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
