"""Checks on parameter values and operating conditions before a solver sees them."""

import math

import pybamm

from .errors import PybammSsbError

# Physically sensible ranges of the parameters a user is most likely to edit: (min, max).
PHYSICAL_RANGES = {
    "Separator thickness [m]": (1e-6, 5e-3),
    "Positive electrode thickness [m]": (1e-6, 1e-3),
    "Negative electrode thickness [m]": (1e-7, 5e-3),
    "Positive particle radius [m]": (1e-8, 1e-4),
    "Positive electrode active material volume fraction": (0.01, 1.0),
    "Positive electrode porosity": (0.0, 1.0),
    "Separator porosity": (0.0, 1.0),
    "Cation transference number": (0.0, 1.0),
    "Maximum concentration in positive electrode [mol.m-3]": (1e3, 1e5),
    "Initial concentration in electrolyte [mol.m-3]": (1.0, 1e5),
    "Solid electrolyte bulk capacitance [F.m-2]": (1e-12, 10.0),
    "Solid electrolyte grain-boundary capacitance [F.m-2]": (1e-12, 10.0),
    "Electrode height [m]": (1e-4, 1.0),
    "Electrode width [m]": (1e-4, 1.0),
    "Lithium interface conductance spread": (0.0, 3.0),
}
# Functions of temperature (or of (c_e, T), (sto, T)) that must be positive at T_ref;
# the grain-boundary resistance may be zero (membranes have no grain boundaries).
POSITIVE_FUNCTIONS = {
    "Electrolyte conductivity [S.m-1]": lambda f, T: f(1000.0, T),
    "Solid electrolyte grain-boundary resistance [Ohm.m2]": lambda f, T: f(T),
    "Positive particle diffusivity [m2.s-1]": lambda f, T: f(0.5, T),
}
MAY_BE_ZERO = {"Solid electrolyte grain-boundary resistance [Ohm.m2]"}
TEMPERATURE_RANGE_C = (-50.0, 150.0)
# Where the parameters rest on measurements: conductivities measured from -40 to 80 C (Raj et al.
# 2023, LATP) and cells cycled at 0, 25 and 80 C (Cui et al. 2025). Outside, every rate is an
# Arrhenius extrapolation.
MEASURED_RANGE_C = (-40.0, 80.0)


class ParameterError(PybammSsbError, ValueError):
    """A missing or non-physical parameter value."""


def check_temperature(temperature_C):
    low, high = TEMPERATURE_RANGE_C
    if temperature_C is None or not math.isfinite(temperature_C) or not low <= temperature_C <= high:
        raise ParameterError(
            f"temperature must be between {low:g} and {high:g} C (lithium melts at 180.5 C), "
            f"got {temperature_C}"
        )


def temperature_warnings(temperature_C):
    """A one-line warning, in a list, when ``temperature_C`` lies outside MEASURED_RANGE_C."""
    low, high = MEASURED_RANGE_C
    if low <= temperature_C <= high:
        return []
    return [f"{temperature_C:g} C lies outside {low:g} to {high:g} C, where the parameters were measured: every "
            "conductivity, resistance and rate is extrapolated by its Arrhenius law"]


def _is_input(value):
    """A value built from pybamm.InputParameter (a fitted quantity), known only at solve time."""
    return isinstance(value, pybamm.Symbol) and value.has_symbol_of_classes(pybamm.InputParameter)


def _evaluate(value):
    return float(value.evaluate()) if isinstance(value, pybamm.Symbol) else float(value)


def check_parameter_values(values):
    """Raise ParameterError naming the first missing or out-of-range parameter."""
    for key, (low, high) in PHYSICAL_RANGES.items():
        if key not in values.keys():
            raise ParameterError(f"missing parameter '{key}'")
        value = values[key]
        if _is_input(value):
            continue  # set at solve time, within the range of the input it is made from
        if not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
            raise ParameterError(f"parameter '{key}' must be between {low:g} and {high:g}, got {value}")
    T_ref = values["Reference temperature [K]"]
    for key, probe in POSITIVE_FUNCTIONS.items():
        if key not in values.keys():
            raise ParameterError(f"missing parameter '{key}'")
        value = values[key]
        result = _evaluate(probe(value, T_ref)) if callable(value) else float(value)
        if not math.isfinite(result) or result < 0 or (result == 0 and key not in MAY_BE_ZERO):
            sign = "non-negative" if key in MAY_BE_ZERO else "positive"
            raise ParameterError(f"parameter '{key}' must be {sign} at the reference temperature, got {result}")
