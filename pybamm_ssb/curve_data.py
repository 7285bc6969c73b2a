"""Measured discharge curves: voltage against specific capacity for chosen cycles, read from a
CSV file or a DataFrame.

Columns: ``cycle``, ``capacity_mAh_g`` (charge passed since the start of that cycle's
discharge, mAh per g of cathode active material) and ``voltage_V`` (required); ``c_rate`` and
``temperature_C`` (optional, one value for the whole test, as in the fade data). The rows of a
cycle are one discharge: together, in the file's order of rising capacity; cycles in rising
order. Rows are counted from 1, after the header.
"""

from dataclasses import dataclass

import numpy as np

from .fade_data import C_RATE_MAX, CAPACITY_RANGE_MAH_G, FadeDataError, _complete, _constant, _reject, read_table
from .validation import TEMPERATURE_RANGE_C

REQUIRED = ("cycle", "capacity_mAh_g", "voltage_V")
VOLTAGE_RANGE_V = (0.0, 6.0)
MIN_POINTS = 3  # measured points per curve


@dataclass
class DischargeCurves:
    points: dict  # cycle -> (capacity [mAh/g], voltage [V]), arrays in rising capacity
    c_rate: float | None
    temperature_C: float | None
    source: str

    @property
    def cycles(self):
        return np.array(sorted(self.points), dtype=int)


def _check_voltage(voltage):
    column, (low, high) = "voltage_V", VOLTAGE_RANGE_V
    expected = f"expected {low:g}-{high:g} V"
    _reject(column, voltage, voltage <= low, f"be positive ({expected})")
    if (voltage > 100).all():
        raise FadeDataError(f"column '{column}' looks like mV (largest value {voltage.max():g}); give volts, {expected}")
    _reject(column, voltage, voltage > high, f"be at most {high:g} V ({expected})")


def _check_capacity(capacity):
    column, high = "capacity_mAh_g", CAPACITY_RANGE_MAH_G[1]
    expected = f"expected 0-{high:g} mAh/g"
    _reject(column, capacity, capacity < 0, f"be >= 0 ({expected})")
    if capacity.max() < 5:  # as for the fade data's capacities
        raise FadeDataError(f"column '{column}' looks like A.h (or mA.h) per cell (largest value {capacity.max():g}); "
                            f"give mAh per gram of active material, {expected}")
    _reject(column, capacity, capacity > high, f"be at most {high:g} mAh/g ({expected})")


def read_discharge_curves(path_or_dataframe):
    """Checked discharge curves from a CSV path or a ``pandas.DataFrame``; a FadeDataError names
    the source and the column."""
    table, source = read_table(path_or_dataframe, "discharge curves")
    try:
        return _read(table, source)
    except FadeDataError as error:
        raise FadeDataError(f"discharge curves {source}: {error}") from None


def _read(table, source):
    missing = [column for column in REQUIRED if column not in table]
    if missing:
        raise FadeDataError(f"missing column '{missing[0]}'; columns found: {', '.join(table.columns) or 'none'}")
    if len(table) < MIN_POINTS:
        raise FadeDataError(f"need at least {MIN_POINTS} rows (points of a curve), got {len(table)}")
    cycles = _complete(table, "cycle")
    _reject("cycle", cycles, (cycles < 1) | (cycles != np.round(cycles)), "hold whole numbers >= 1")
    _reject("cycle", cycles, np.r_[False, np.diff(cycles) < 0], "not decrease (the rows of a cycle together, cycles in rising order)")
    capacity = _complete(table, "capacity_mAh_g")
    _check_capacity(capacity)
    voltage = _complete(table, "voltage_V")
    _check_voltage(voltage)
    same_cycle = np.r_[False, np.diff(cycles) == 0]
    _reject("capacity_mAh_g", capacity, same_cycle & (np.r_[0.0, np.diff(capacity)] < 0),
            "not decrease within a cycle (one discharge per cycle)")
    points = {}
    for cycle in np.unique(cycles).astype(int):
        rows = cycles == cycle
        if rows.sum() < MIN_POINTS:
            raise FadeDataError(f"cycle {cycle} has {rows.sum()} points; give at least {MIN_POINTS} per curve")
        points[int(cycle)] = (capacity[rows], voltage[rows])
    return DischargeCurves(
        points=points,
        c_rate=_constant(table, "c_rate", 0.0, C_RATE_MAX, low_inclusive=False),
        temperature_C=_constant(table, "temperature_C", *TEMPERATURE_RANGE_C, low_inclusive=True),
        source=source,
    )
