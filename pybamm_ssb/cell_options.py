"""The model options a cell's values need, decided in one place: ``compose_cell`` records them
(``ComposedCell.meta["model_options"]``), ``prepare_run`` builds every run's model with them,
and the models warn when PyBaMM hands them values that need an option they lack
(``option_warnings``).

- "interface heterogeneity" "lognormal": the Li interface conducts unevenly over the area,
  "Lithium interface conductance spread" > 0 (or set at solve time, an input of a fit);
- "contact loss" "cathode": the electrolyte fills the voids at the Li surface (a gel),
  "Lithium voids filled by the electrolyte" 1, so the Li contact stays at its initial value;
- "contact loss" "unrefilled": part of the voids opened on stripping stays (dry electrolyte),
  "Lithium unrefilled void fraction" > 0 (or set at solve time).
"""

import numbers

import pybamm

SPREAD = "Lithium interface conductance spread"
VOIDS_FILLED = "Lithium voids filled by the electrolyte"
UNREFILLED = "Lithium unrefilled void fraction"


def _acts(value):
    """A value that switches its mechanism on: > 0, or set at solve time (an input of a fit)."""
    return isinstance(value, pybamm.Symbol) or value > 0


def uneven_lithium_contact(spread):
    """True if the lithium interface conducts unevenly: a spread > 0, or one set at solve time."""
    return _acts(spread)


def _shown(value):
    return f"{value:.3g}" if isinstance(value, numbers.Real) else "set at solve time (an input)"


def needed_options(values):
    """{option: (value, (what the values say, what a model without it does))} for the options
    that ``values`` (pybamm.ParameterValues or a dict) need."""
    needed = {}
    spread = values.get(SPREAD)
    if spread is not None and uneven_lithium_contact(spread):
        shown = f"of {_shown(spread)}" if isinstance(spread, numbers.Real) else _shown(spread)
        needed["interface heterogeneity"] = ("lognormal", (
            f"give the Li interface a conductance spread {shown}", "it runs the cell as uniform"))
    filled = values.get(VOIDS_FILLED)
    if isinstance(filled, numbers.Real) and filled > 0:
        needed["contact loss"] = ("cathode", (
            f'say the electrolyte fills the Li voids ("{VOIDS_FILLED}" {filled:g})',
            "it opens voids at the Li interface as lithium is stripped, as under a dry solid electrolyte"))
    unrefilled = values.get(UNREFILLED)
    if "contact loss" not in needed and unrefilled is not None and _acts(unrefilled):
        needed["contact loss"] = ("unrefilled", (
            f'say part of the Li voids stays unrefilled ("{UNREFILLED}" {_shown(unrefilled)})', "plating refills every void"))
    return needed


def cell_options(values):
    """{option: value} that ``values`` need (module docstring)."""
    return {option: value for option, (value, _) in needed_options(values).items()}
