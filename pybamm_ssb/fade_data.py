"""Measured capacity fade: one row per measured cycle, read from a CSV file or a DataFrame.

Columns: ``cycle`` and ``discharge_capacity_mAh_g`` (required);
``interface_resistance_ohm_cm2`` (optional, empty where not measured);
``c_rate`` and ``temperature_C`` (optional, one value for the whole test).
Rows are counted from 1, after the header.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import PybammSsbError
from .validation import TEMPERATURE_RANGE_C

REQUIRED = ("cycle", "discharge_capacity_mAh_g")
CAPACITY_RANGE_MAH_G = (1.0, 400.0)
RESISTANCE_RANGE_OHM_CM2 = (0.1, 1e5)
C_RATE_MAX = 20.0


class FadeDataError(PybammSsbError, ValueError):
    """Measured fade data that are missing, malformed or in the wrong units."""


@dataclass
class FadeData:
    cycle: np.ndarray
    discharge_capacity_mAh_g: np.ndarray
    interface_resistance_ohm_cm2: np.ndarray | None  # NaN where not measured
    c_rate: float | None
    temperature_C: float | None
    source: str


def _rows(mask):
    return ", ".join(str(i + 1) for i in np.flatnonzero(mask))


def _numbers(table, column):
    """Column as floats; text that is not a number is an error, empty cells are NaN."""
    raw = table[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    text = np.isnan(values) & raw.notna().to_numpy()
    if text.any():
        first = raw.to_numpy()[np.flatnonzero(text)[0]]
        raise FadeDataError(f"column '{column}' must hold numbers, got '{first}' at rows {_rows(text)}")
    return values


def _complete(table, column):
    values = _numbers(table, column)
    if np.isnan(values).any():
        raise FadeDataError(f"column '{column}' is empty at rows {_rows(np.isnan(values))}")
    return values


def _first_outside(values, bad):
    i = np.flatnonzero(bad)[0]
    return f"got {values[i]:g} at row {i + 1}"


def _reject(column, values, bad, rule):
    """Raise naming the column, the rule and the first offending row, if any row is bad."""
    if bad.any():
        raise FadeDataError(f"column '{column}' must {rule}, {_first_outside(values, bad)}")


def _check_cycles(cycles):
    _reject("cycle", cycles, (cycles < 1) | (cycles != np.round(cycles)), "hold whole numbers >= 1")
    _reject("cycle", cycles, np.r_[False, np.diff(cycles) <= 0], "be strictly increasing")


def _check_capacity(capacity):
    column, (low, high) = "discharge_capacity_mAh_g", CAPACITY_RANGE_MAH_G
    expected = f"expected {low:g}-{high:g} mAh/g"
    _reject(column, capacity, capacity <= 0, f"be positive ({expected})")
    if (capacity < 5).all():
        raise FadeDataError(
            f"column '{column}' looks like A.h (or mA.h) per cell (largest value {capacity.max():g}); "
            f"give mAh per gram of active material, {expected}"
        )
    _reject(column, capacity, capacity > high, f"be at most {high:g} mAh/g ({expected})")


def _check_resistance(resistance):
    column, (low, high) = "interface_resistance_ohm_cm2", RESISTANCE_RANGE_OHM_CM2
    expected = f"expected {low:g}-{high:g} ohm cm2"
    measured = ~np.isnan(resistance)
    if not measured.any():
        raise FadeDataError(f"column '{column}' has no values; give at least one or drop the column")
    values = np.where(measured, resistance, low)
    _reject(column, values, values <= 0, f"be positive ({expected})")
    if (values < low).any():
        raise FadeDataError(
            f"column '{column}' {_first_outside(values, values < low)}, below {low:g} ohm cm2: "
            f"ohm.m2 perhaps? give ohm cm2 (1 ohm.m2 = 1e4 ohm cm2), {expected}"
        )
    _reject(column, values, values > high, f"be at most {high:g} ohm cm2 ({expected})")


def _constant(table, column, low, high, low_inclusive):
    """The single value of an optional per-test column, or None if the column is absent."""
    if column not in table:
        return None
    values = _complete(table, column)
    _reject(column, values, values != values[0], "be the same on every row")
    value = float(values[0])
    inside = (low <= value if low_inclusive else low < value) and value <= high
    if not inside:
        interval = f"{'[' if low_inclusive else '('}{low:g}, {high:g}]"
        raise FadeDataError(f"column '{column}' must be in {interval}, got {value:g}")
    return value


def read_fade_data(path_or_dataframe):
    """Checked fade data from a CSV path or a ``pandas.DataFrame``; raises FadeDataError."""
    if isinstance(path_or_dataframe, pd.DataFrame):
        table, source = path_or_dataframe, "DataFrame"
    else:
        path = Path(path_or_dataframe)
        if not path.is_file():
            raise FadeDataError(f"fade data file not found: {path}")
        try:
            table = pd.read_csv(path, skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            raise FadeDataError(f"cannot read {path} as CSV: {str(error).strip()}") from None
        source = str(path)
    table = table.rename(columns=lambda name: str(name).strip())
    missing = [column for column in REQUIRED if column not in table]
    if missing:
        raise FadeDataError(f"missing column '{missing[0]}'; columns found: {', '.join(table.columns) or 'none'}")
    if len(table) < 2:
        raise FadeDataError(f"need at least 2 rows (measured cycles), got {len(table)}")

    cycles = _complete(table, "cycle")
    _check_cycles(cycles)
    capacity = _complete(table, "discharge_capacity_mAh_g")
    _check_capacity(capacity)
    resistance = None
    if "interface_resistance_ohm_cm2" in table:
        resistance = _numbers(table, "interface_resistance_ohm_cm2")
        _check_resistance(resistance)
    return FadeData(
        cycle=cycles.astype(int),
        discharge_capacity_mAh_g=capacity,
        interface_resistance_ohm_cm2=resistance,
        c_rate=_constant(table, "c_rate", 0.0, C_RATE_MAX, low_inclusive=False),
        temperature_C=_constant(table, "temperature_C", *TEMPERATURE_RANGE_C, low_inclusive=True),
        source=source,
    )
