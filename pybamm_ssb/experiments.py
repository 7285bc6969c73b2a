"""Cycling protocols: PyBaMM experiment steps, with current densities as documents state them.

A step may give its current as a density, ``"Discharge at 0.3 mA/cm2 until 2.5 V"``;
it is converted to amperes with the cell's electrode area before PyBaMM reads it.
"""

import re

import pybamm

from .errors import PybammSsbError

DENSITY = re.compile(
    r"(?P<value>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)\s*(?P<unit>mA|uA|µA|A)\s*/\s*cm(?:2|\^2|²)"
)
TO_AMPS = {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "µA": 1e-6}


class ProtocolError(PybammSsbError, ValueError):
    """A protocol step that PyBaMM cannot read, or a malformed cycle count."""


NEGATIVE = re.compile(r"^\s*(?P<kind>charge|discharge)\s+at\s+-\s*(?P<rest>.*)$", re.IGNORECASE)
CURRENT = re.compile(r"^\s*(?:charge|discharge)\s+at\s+(?P<value>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
                     r"\s*(?P<unit>C|A)\b", re.IGNORECASE)
C_RATE_MAX = 20.0  # beyond this no cell of this kind holds its voltage window: a unit slip, not a protocol
BEYOND_CUT_OFF = ("its first point is already beyond its cut-off: the overpotential at this current and temperature "
                  "is larger than the voltage window leaves")
UNTIL_VOLTS = re.compile(r"until\s+(?P<volts>\d+(?:\.\d*)?|\.\d+)\s*V\b", re.IGNORECASE)


def electrode_area_cm2(parameter_values):
    return parameter_values["Electrode height [m]"] * parameter_values["Electrode width [m]"] * 1e4


def to_pybamm_step(step, area_cm2):
    """Replace a current density in ``step`` with the current in A for this cell."""

    def amps(match):
        current = float(match["value"]) * TO_AMPS[match["unit"]] * area_cm2
        return f"{current:.6g} A"

    return DENSITY.sub(amps, step)


def default_steps(parameter_values, c_rate):
    """The documents' protocol: CC charge then CC discharge at ``c_rate`` in the window."""
    v_min = parameter_values["Lower voltage cut-off [V]"]
    v_max = parameter_values["Upper voltage cut-off [V]"]
    return [f"Charge at {c_rate:g}C until {v_max:g} V", f"Discharge at {c_rate:g}C until {v_min:g} V"]


def cycling_experiment(parameter_values, steps, cycles, period="2 minutes"):
    """A ``pybamm.Experiment`` repeating ``steps`` for ``cycles`` cycles."""
    if not isinstance(cycles, int) or isinstance(cycles, bool) or cycles < 1:
        raise ProtocolError(f"cycles must be a whole number >= 1, got {cycles!r}")
    return protocol_experiment(parameter_values, [list(steps)] * cycles, period)


def protocol_experiment(parameter_values, cycles, period="2 minutes"):
    """A ``pybamm.Experiment`` of ``cycles``, each a list of step strings."""
    if not cycles or not all(cycles):
        raise ProtocolError("a protocol needs at least one step in every cycle")
    area = electrode_area_cm2(parameter_values)
    converted = [tuple(to_pybamm_step(s, area) for s in steps) for steps in cycles]
    unique = dict(zip((s for steps in cycles for s in steps), (c for conv in converted for c in conv)))
    for original in unique:
        if not original.isprintable():
            raise ProtocolError(f"step {original!r} holds a line break or another control character: one step per string")
        negative = NEGATIVE.match(original)
        if negative:
            other = "Charge" if negative["kind"].lower() == "discharge" else "Discharge"
            raise ProtocolError(
                f"step '{original}' cannot start: its current is negative, which turns a {negative['kind'].lower()} "
                f"into a {other.lower()}; write '{other} at {negative['rest']}' with the voltage the {other.lower()} "
                "should reach"
            )
    nominal_Ah = parameter_values["Nominal cell capacity [A.h]"]
    for original, step in unique.items():
        _check_current(original, step, nominal_Ah)
        try:
            pybamm.step.string(step)  # a step may carry its own "(10 second period)"; the others get ``period``
        except Exception as error:  # PyBaMM raises several types for unreadable steps
            raise ProtocolError(
                f"cannot read step '{original}': {str(error).split('For example')[0].strip()} Example: 'Discharge at 0.2C until 2.8 V' "
                "or 'Charge at 0.1 mA/cm2 for 1 hour'"
            ) from None
    return pybamm.Experiment(converted, period=period)


def _check_current(original, step, nominal_Ah):
    """A constant-current step (``step``: with amperes for densities) moves charge, at most
    C_RATE_MAX times the cell's nominal capacity an hour."""
    match = CURRENT.match(step)
    if match is None:
        return
    value = float(match["value"])
    if value == 0:
        raise ProtocolError(f"step '{original}' has no current: to wait, write 'Rest for 1 hour'")
    c_rate = value if match["unit"] == "C" else value / nominal_Ah
    if c_rate > C_RATE_MAX:
        raise ProtocolError(f"step '{original}' asks for {c_rate:.4g}C, beyond {C_RATE_MAX:g}C (1C = {1e3 * nominal_Ah:.4g} mA "
                            "for this cell): is the current in the unit meant?")


def why_step_cannot_start(step, voltage, where):
    """Why ``step`` ends as it starts, the cell being at ``voltage`` [V] (``where``: e.g. "as
    assembled, at its lower cut-off")."""
    kind = step.strip().split()[0].lower() if step.strip() else ""
    until = UNTIL_VOLTS.search(step)
    start = f"the cell starts it at {voltage:.3g} V ({where})"
    if until and kind == "discharge" and float(until["volts"]) >= voltage:
        return f"a discharge ends when the voltage falls to {until['volts']} V, but {start}"
    if until and kind == "charge" and float(until["volts"]) <= voltage:
        return f"a charge ends when the voltage rises to {until['volts']} V, but {start}"
    return f"{BEYOND_CUT_OFF}; {start}"


def lengthened_step(step, hours):
    """``step`` with an explicit duration of ``hours`` before its "until" condition, in PyBaMM's
    syntax ("Charge at 1 A for 100 hours or until 4.2 V")."""
    head, sep, tail = step.partition(" until ")
    return f"{head} for {hours:g} hours or until {tail}" if sep else f"{step} for {hours:g} hours"
