"""Rate capability: discharge capacity against C-rate, as the documents measure it.

Each rate is one cycle, a constant-current charge then discharge at that rate in the
cell's voltage window, run one after the other on the same cell (state carried over),
lowest rate first.
"""

from dataclasses import dataclass

from .experiments import C_RATE_MAX, ProtocolError
from .registry import resolve_cell
from .simulate import simulate_cycling

DEFAULT_RATES = (0.1, 0.2, 0.5, 1.0, 2.0)


@dataclass
class RateCurve:
    cell: str
    temperature_C: float
    c_rate: list
    discharge_capacity_mAh_g: list

    def as_json(self):
        return {
            "cell": self.cell,
            "temperature_C": self.temperature_C,
            "points": [{"c_rate": r, "discharge_capacity_mAh_g": q}
                       for r, q in zip(self.c_rate, self.discharge_capacity_mAh_g)],
        }


def check_rates(rates):
    rates = [float(r) for r in rates]
    if not rates or any(not 0 < r <= C_RATE_MAX for r in rates):
        raise ProtocolError(f"C-rates must lie in (0, {C_RATE_MAX:g}], got {rates}")
    return rates


def rate_protocol(parameter_values, rates):
    """One cycle per rate: CC charge to the upper, CC discharge to the lower cut-off.

    A one-second rest opens each cycle. PyBaMM stops the whole experiment at a cycle none of
    whose steps can start (a resistive cell whose high-rate charge and discharge both begin
    beyond the cut-offs); with the rest, that rate delivers zero and the test goes on."""
    v_min = parameter_values["Lower voltage cut-off [V]"]
    v_max = parameter_values["Upper voltage cut-off [V]"]
    return [["Rest for 1 second", f"Charge at {r:g}C until {v_max:g} V", f"Discharge at {r:g}C until {v_min:g} V"]
            for r in rates]


def rate_capability(cell, rates=DEFAULT_RATES, temperature_C=None, parameter_values=None, model="spme",
                    progress=False):
    """Discharge capacity [mAh/g] of ``cell`` (a registered name, the path of a cell file or a
    ComposedCell) at each C-rate (a RateCurve)."""
    rates = check_rates(rates)
    cell = resolve_cell(cell)
    values = parameter_values if parameter_values is not None else cell.parameter_values
    result = simulate_cycling(cell, protocol=rate_protocol(values, rates), temperature_C=temperature_C,
                              parameter_values=values, model=model, progress=progress)
    return RateCurve(result.cell, result.temperature_C, rates, [row["discharge_capacity_mAh_g"] for row in result.cycles])
