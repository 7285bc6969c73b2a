"""Measured capacity fade: one row per measured cycle, read from a CSV file or a DataFrame.

Columns: ``cycle`` and ``discharge_capacity_mAh_g`` (required);
``interface_resistance_ohm_cm2`` (optional, empty where not measured);
``c_rate`` and ``temperature_C`` (optional, one value for the whole test).
Rows are counted from 1, after the header. A cycler's time series becomes the same ``FadeData``
through ``cycler_data``.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import PybammSsbError
from .experiments import C_RATE_MAX
from .memory import memory_bytes
from .validation import TEMPERATURE_RANGE_C

REQUIRED = ("cycle", "discharge_capacity_mAh_g")
CAPACITY_RANGE_MAH_G = (1.0, 400.0)
RESISTANCE_RANGE_OHM_CM2 = (0.1, 1e5)


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


ROWS_LISTED = 5  # rows a message names; more are counted (a time series may have thousands)


def _rows(mask):
    rows = np.flatnonzero(mask) + 1
    listed = ", ".join(str(i) for i in rows[:ROWS_LISTED])
    return listed if len(rows) <= ROWS_LISTED else f"{listed}, ... ({len(rows)} rows)"


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


READ_MEMORY_FACTOR = 10  # a table read from text takes up to about this many times the file's size


def _check_size(path):
    """A file whose table would not fit in half the memory available is refused, with the estimate."""
    size, (_, available) = path.stat().st_size, memory_bytes()
    if available is not None and size * READ_MEMORY_FACTOR > available / 2:
        raise FadeDataError(f"{path} ({size / 1e9:.3g} GB) would take about {size * READ_MEMORY_FACTOR / 1e9:.3g} GB to "
                            f"read, more than half the {available / 1e9:.3g} GB available: split it, or keep the cycles "
                            "to be fitted")


def read_table(path_or_dataframe, what="fade data"):
    """(table, source) of a CSV path or a ``pandas.DataFrame``, column names stripped; a missing or
    unreadable file raises FadeDataError naming ``what`` it should hold."""
    if isinstance(path_or_dataframe, pd.DataFrame):
        table, source = path_or_dataframe, "DataFrame"
    else:
        path = Path(path_or_dataframe)
        if not path.is_file():
            raise FadeDataError(f"{what} file not found: {path}")
        try:
            table = pd.read_csv(path, skipinitialspace=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            raise FadeDataError(f"cannot read {path} as CSV: {str(error).strip()}") from None
        source = str(path)
    return table.rename(columns=lambda name: str(name).strip()), source


def read_fade_data(path_or_dataframe, *, cell=None, format=None):
    """Checked fade data from a CSV path or a ``pandas.DataFrame``; raises FadeDataError.

    A path may also hold a cycler's time series: a ``format`` (``cycler_data.FORMATS``; default: found
    from the file's name and columns) other than "fade" is read by ``cycler_data.read_cycler_data``
    for ``cell``, whose active mass turns the charge passed into mAh/g."""
    if not isinstance(path_or_dataframe, pd.DataFrame):
        if Path(path_or_dataframe).is_file():
            _check_size(Path(path_or_dataframe))
        from .cycler_data import PER_CYCLE, detect_format, read_cycler_data  # cycler_data builds on this module

        format = format or detect_format(path_or_dataframe)
        if format != PER_CYCLE:
            return read_cycler_data(path_or_dataframe, cell, format)
    table, source = read_table(path_or_dataframe)
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
