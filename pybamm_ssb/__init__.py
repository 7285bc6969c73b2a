"""pybamm-ssb: solid-state lithium-metal battery models for PyBaMM."""

from .cells import (
    ComposedCell,
    UnknownCellError,
    cell_names,
    cell_parameter_values,
    compose_cell,
    get_cell,
)
from .experiments import ProtocolError
from .models import SolidStateDFN, SolidStateSPMe
from .simulate import SimulationFailed, simulate_cycling
from .validation import ParameterError

__version__ = "0.1.0"

__all__ = [
    "ComposedCell",
    "ParameterError",
    "ProtocolError",
    "SimulationFailed",
    "SolidStateDFN",
    "SolidStateSPMe",
    "UnknownCellError",
    "cell_names",
    "cell_parameter_values",
    "compose_cell",
    "get_cell",
    "simulate_cycling",
]
