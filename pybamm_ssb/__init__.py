"""pybamm-ssb: solid-state lithium-metal battery models for PyBaMM."""

from .cells import ComposedCell, compose_cell
from .errors import PybammSsbError
from .experiments import ProtocolError
from .models import SolidStateDFN, SolidStateSPMe
from .option_warnings import MissingOptionWarning
from .provenance import ParameterFileError
from .registry import (
    UnknownCellError,
    cell_names,
    cell_parameter_values,
    get_cell,
    resolve_cell,
)
from .runs import RunSetup, prepare_run
from .simulate import SimulationFailed, simulate_cycling
from .validation import ParameterError

__version__ = "0.1.0"

__all__ = [
    "ComposedCell",
    "MissingOptionWarning",
    "ParameterError",
    "ParameterFileError",
    "ProtocolError",
    "PybammSsbError",
    "RunSetup",
    "SimulationFailed",
    "SolidStateDFN",
    "SolidStateSPMe",
    "UnknownCellError",
    "cell_names",
    "cell_parameter_values",
    "compose_cell",
    "get_cell",
    "prepare_run",
    "resolve_cell",
    "simulate_cycling",
]
