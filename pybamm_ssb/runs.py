"""What a run needs, decided in one place: ``prepare_run`` turns a cell (registered name,
cell file or ComposedCell), a temperature and model options into a ``RunSetup``. Every runner
(cycling, rate, fade and fit, impedance, symmetric cell) starts from it.

- Temperature: the one given, else the cell's own ("Ambient temperature [K]": its test
  temperature), checked against the validated range.
- Initial state: the cell as assembled (the pristine cathode the documents' protocols start
  from), not the charged state ``pybamm.ParameterValues(name)`` starts from; values given by
  the caller with an initial concentration of their own keep it.
- Model options: those the values need (``cell_options``: "contact loss" "cathode" for a gel
  that fills the Li voids, "interface heterogeneity" "lognormal" exactly when the Li interface
  has a conductance spread), then the caller's over them.
"""

from dataclasses import dataclass, field

import pybamm

from .cell_options import cell_options
from .cells import AS_ASSEMBLED, ComposedCell
from .registry import resolve_cell
from .validation import check_parameter_values, check_temperature, temperature_warnings


@dataclass(frozen=True)
class RunSetup:
    """A resolved cell, its parameter values at the run's temperature and state, and the model
    options of the run."""

    cell: ComposedCell
    parameter_values: pybamm.ParameterValues
    temperature_C: float
    options: dict
    warnings: list = field(default_factory=list)  # e.g. a temperature where the parameters are extrapolated

    @property
    def name(self):
        return self.cell.name


def run_options(values, requested=None):
    """The model options of a run with ``values``: those the values need (cell_options), then the
    caller's."""
    return cell_options(values) | dict(requested or {})


def prepare_run(cell, temperature_C=None, model_options=None, *, parameter_values=None, overrides=None):
    """The RunSetup of ``cell`` at ``temperature_C`` (module docstring), values checked before any
    solve. ``parameter_values`` replaces the cell's values (e.g. edited ones); ``overrides``
    composes the cell again with component quantities replaced."""
    cell = resolve_cell(cell, overrides)
    values = parameter_values.copy() if parameter_values is not None else cell.parameter_values
    if temperature_C is None:
        temperature_C = values["Ambient temperature [K]"] - 273.15
    check_temperature(temperature_C)
    T = temperature_C + 273.15
    values.update({"Ambient temperature [K]": T, "Initial temperature [K]": T})
    initial = "Initial concentration in positive electrode [mol.m-3]"
    charged = cell.values.get(initial)
    if AS_ASSEMBLED in values.keys() and values[initial] == charged:
        values.update({"Initial concentration in positive electrode [mol.m-3]": values[AS_ASSEMBLED]})
    check_parameter_values(values)
    return RunSetup(cell, values, float(temperature_C), run_options(values, model_options),
                    temperature_warnings(temperature_C))
