"""Measured cycling as it comes off a cycler: a time series turned into capacities per cycle and ``FadeData``.

Formats (``FORMATS``): "fade", the per-cycle table of ``fade_data``; "bdf", the Battery Data Format
(a CSV file with the columns ``test_time_second``, ``voltage_volt``, ``current_ampere`` and optionally
``cycle_count`` and ``ambient_temperature_celsius``, or their labels ``Test Time / s`` ...; current
positive on charge), read here; and the vendors' exports, read by ionworksdata (the optional extra
``cyclers``): "biologic" (EC-Lab .mpt/.txt), "neware" (.csv/.xlsx), "arbin" (.csv/.xlsx/.res),
"maccor" (.txt/.csv/.NNN) and "basytec" (.txt/.csv).

With the current I positive on discharge (PyBaMM's sign), each cycle's

    Q_dis = sum over its intervals of max(q_k, 0),   Q_ch = sum of max(-q_k, 0),   CE = Q_dis / Q_ch,

in mAh per gram of cathode active material (``simulate.active_mass_g``), with the charge of the
interval between samples k and k+1 q_k = (I_k + I_k+1) / 2 dt_k (trapezoid) where both samples have
one sign, and q_k = I_k+1 dt_k where the current changes sign, starts or stops: a step began inside
the interval (cyclers record each step's last point), and its current held. An interval counts in
the cycle of the sample that ends it. Cycles are the file's cycle column, numbered from 1 in their
order; without one, a cycle starts wherever the current turns back to the sign the test opened with.
The C-rate is the median discharge current over the cell's nominal capacity (PyBaMM's 1C); a fit
cycles the cell at it both ways, as the cell's protocol does.
"""

import gzip
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .extras import require
from .fade_data import C_RATE_MAX, REQUIRED, FadeDataError, _complete, _reject, read_fade_data, read_table
from .runs import prepare_run
from .simulate import active_mass_g
from .validation import TEMPERATURE_RANGE_C

PER_CYCLE = "fade"
BDF = "bdf"
VENDOR_FORMATS = ("biologic", "neware", "arbin", "maccor", "basytec")
FORMATS = (PER_CYCLE, BDF, *VENDOR_FORMATS)
# ionworksdata's reader names -> ours
IONWORKS_READERS = {"biologic mpt": "biologic", "biologic": "biologic", "biologic csv": "biologic", "neware": "neware",
                    "arbin": "arbin", "maccor": "maccor", "basytec": "basytec"}
# quantity -> (BDF machine-readable name, preferred label, unit); the label's header is "Label / unit"
BDF_COLUMNS = {
    "time": ("test_time_second", "Test Time", "s"),
    "voltage": ("voltage_volt", "Voltage", "V"),
    "current": ("current_ampere", "Current", "A"),
    "cycle": ("cycle_count", "Cycle Count", "1"),
    "ambient temperature": ("ambient_temperature_celsius", "Ambient Temperature", "degC"),
}
BDF_REQUIRED = ("time", "voltage", "current")
BDF_SUFFIXES = (".bdf", ".bdf.csv", ".bdf.gz", ".bdf.csv.gz")
C_RATE_RANGE = (1e-4, C_RATE_MAX)  # a discharge current outside this is in the wrong unit, or of another cell
VOLTAGE_RANGE_V = (0.0, 10.0)
REST_FRACTION = 0.01  # |I| below this fraction of the largest current is rest when telling charge from discharge
AS_TO_MAH = 1 / 3.6


@dataclass
class TimeSeries:
    """A cycler's record in PyBaMM's sign (``current_A`` > 0 on discharge); ``columns`` maps each
    quantity ("time", "voltage", "current", "cycle") to the column it was read from."""

    time_s: np.ndarray
    current_A: np.ndarray
    voltage_V: np.ndarray
    cycle: np.ndarray | None  # the file's cycle index of each sample, or None
    ambient_temperature_C: float | None
    columns: dict
    format: str
    source: str


@dataclass
class MeasuredCycles:
    """Capacities per cycle of a time series (``table``: cycle, discharge_capacity_mAh_g,
    charge_capacity_mAh_g, coulombic_efficiency), the C-rate and temperature it ran at, and the cell
    and active mass that turned its charge into mAh/g."""

    table: pd.DataFrame
    c_rate: float
    temperature_C: float | None
    cell: str
    active_mass_g: float
    format: str
    source: str

    def fade_data(self):
        """The checked ``FadeData`` of these cycles (``fade_data.read_fade_data``'s rules)."""
        table = self.table[["cycle", "discharge_capacity_mAh_g"]].assign(c_rate=self.c_rate)
        if self.temperature_C is not None:
            table = table.assign(temperature_C=self.temperature_C)
        try:
            data = read_fade_data(table)
        except FadeDataError as error:
            raise FadeDataError(f"capacities per cycle of {self.source} (its current over {self.cell}'s active mass, "
                                f"{self.active_mass_g * 1e3:.3g} mg): {error}") from None
        return replace(data, source=self.source)


def read_cycler_data(path, cell, format=None):
    """Checked ``FadeData`` of the cycler's time series at ``path`` for ``cell`` (name, cell file or
    ComposedCell); ``format`` as in ``FORMATS`` (default: ``detect_format``)."""
    return measured_cycles(path, cell, format).fade_data()


def measured_cycles(path, cell, format=None):
    """``MeasuredCycles`` of the time series at ``path`` for ``cell`` (module docstring)."""
    if cell is None:
        raise FadeDataError(f"reading the time series {path} needs its cell: the cell's active mass turns A.h into mAh/g")
    setup = prepare_run(cell)
    series = read_time_series(path, format)
    values = setup.parameter_values
    mass = active_mass_g(values)
    return MeasuredCycles(
        table=cycle_capacities(series, mass),
        c_rate=_c_rate(series, values["Nominal cell capacity [A.h]"], setup.name),
        temperature_C=series.ambient_temperature_C,
        cell=setup.name,
        active_mass_g=mass,
        format=series.format,
        source=series.source,
    )


def detect_format(path):
    """The format (``FORMATS``) of the file at ``path``: BDF by its name (.bdf, .bdf.csv, .bdf.gz) or
    its three required columns, the per-cycle table by its columns, a vendor's export by
    ionworksdata's detection; "fade" for a file none of these places, whose missing columns
    ``read_fade_data`` then names."""
    path = Path(path)
    if not path.is_file():
        return PER_CYCLE
    headers = [header.strip() for header in _first_line(path).strip().split(",")]
    if path.name.lower().endswith(BDF_SUFFIXES) or _is_bdf(headers):
        return BDF
    if any(header in REQUIRED for header in headers):
        return PER_CYCLE
    ionworksdata = require("ionworksdata", "cyclers", f"{path.name} is neither a per-cycle table (columns {', '.join(REQUIRED)}) "
                           f"nor BDF ({', '.join(BDF_COLUMNS[q][0] for q in BDF_REQUIRED)}); reading it as a vendor's export")
    try:
        reader = ionworksdata.read.detect_reader(path)
    except (ValueError, OSError, UnicodeDecodeError):
        return PER_CYCLE
    if reader not in IONWORKS_READERS:
        raise FadeDataError(f"{path.name} reads as ionworksdata's '{reader}', which pybamm-ssb does not take; formats: "
                            f"{', '.join(FORMATS)} (BDF as CSV: {', '.join(BDF_SUFFIXES)} or .csv)")
    return IONWORKS_READERS[reader]


def read_time_series(path, format=None):
    """The checked ``TimeSeries`` of the cycler file at ``path`` in ``format`` (default: detect_format)."""
    format = format or detect_format(path)
    if format == BDF:
        return _read_bdf(path)
    if format in VENDOR_FORMATS:
        return _read_vendor(path, format)
    raise FadeDataError(f"format of a time series must be one of {', '.join(FORMATS[1:])}, got '{format}'")


def _first_line(path):
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", errors="replace") as handle:
            return handle.readline()
    except OSError:
        return ""


def _bdf_quantity(header):
    """(quantity, unit) of a BDF header, its machine-readable name (unit None) or "Label / unit"; None if neither."""
    label, _, unit = (part.strip() for part in header.partition("/"))
    for quantity, (machine, preferred, _) in BDF_COLUMNS.items():
        if header == machine:
            return quantity, None
        if label == preferred and unit:
            return quantity, unit
    return None


def _is_bdf(headers):
    found = {match[0] for match in map(_bdf_quantity, headers) if match}
    return all(quantity in found for quantity in BDF_REQUIRED)


def _bdf_columns(headers):
    """quantity -> header of the BDF columns present; a label in another unit is an error naming it."""
    columns = {}
    for header in headers:
        match = _bdf_quantity(header)
        if match is None:
            continue
        quantity, unit = match
        machine, label, fixed = BDF_COLUMNS[quantity]
        if unit is not None and unit != fixed:
            raise FadeDataError(f"column '{header}' must be in {fixed}: BDF fixes the unit ('{label} / {fixed}' or '{machine}')")
        columns.setdefault(quantity, header)
    return columns


def _read_bdf(path):
    table, source = read_table(path, "cycler data")
    columns = _bdf_columns(table.columns)
    missing = [quantity for quantity in BDF_REQUIRED if quantity not in columns]
    if missing:
        machine, label, unit = BDF_COLUMNS[missing[0]]
        raise FadeDataError(f"missing BDF column '{machine}' (or '{label} / {unit}'); columns found: "
                            f"{', '.join(table.columns) or 'none'}")
    series = _series(table, columns, -1.0, BDF, source)  # BDF's current is positive on charge
    _check_sign(series)
    return series


def _read_vendor(path, format):
    ionworksdata = require("ionworksdata", "cyclers", f"reading a {format} export")
    path = Path(path)
    if not path.is_file():
        raise FadeDataError(f"cycler data file not found: {path}")
    reader = {".mpt": "biologic mpt", ".csv": "biologic csv"}.get(path.suffix.lower(), format) if format == "biologic" else format
    try:
        frame = ionworksdata.read.time_series(path, reader)
    except Exception as error:  # the reader's own errors, of any type: one line naming the file
        text = str(error).strip()
        raise FadeDataError(f"cannot read {path} as a {format} export: {text.splitlines()[0] if text else type(error).__name__}") from None
    columns = {"time": "Time [s]", "voltage": "Voltage [V]", "current": "Current [A]"}  # the reader's names, PyBaMM's sign
    if "Cycle from cycler" in frame.columns:
        columns["cycle"] = "Cycle from cycler"
    table = pd.DataFrame({name: frame[name].to_numpy() for name in columns.values()})
    return _series(table, columns, 1.0, format, str(path))


MAX_TEST_SECONDS = 1e9


def _series(table, columns, current_sign, format, source):
    """TimeSeries of ``table`` with its units and order checked; ``current_sign`` turns the file's
    current into PyBaMM's."""
    if len(table) < 2:
        raise FadeDataError(f"{source} needs at least 2 rows (samples), got {len(table)}")
    time = _complete(table, columns["time"])
    _reject(columns["time"], time, ~np.isfinite(time) | (np.abs(time) > MAX_TEST_SECONDS),
            f"hold seconds within {MAX_TEST_SECONDS:g} (about 30 years; ms perhaps? give s)")
    _reject(columns["time"], time, np.r_[False, np.diff(time) < 0], "never decrease (time since the test started)")
    if time[-1] <= time[0]:
        raise FadeDataError(f"column '{columns['time']}' must increase, every row has {time[0]:g} s")
    voltage = _complete(table, columns["voltage"])
    low, high = VOLTAGE_RANGE_V
    _reject(columns["voltage"], voltage, (voltage < low) | (voltage > high), f"be between {low:g} and {high:g} V (mV perhaps? give V)")
    current = current_sign * _complete(table, columns["current"])
    _reject(columns["current"], current, ~np.isfinite(current), "hold finite numbers")
    cycle = None
    if "cycle" in columns:
        cycle = _complete(table, columns["cycle"])
        _reject(columns["cycle"], cycle, ~np.isfinite(cycle), "hold finite numbers")
        _reject(columns["cycle"], cycle, np.r_[False, np.diff(cycle) < 0], "never decrease")
    temperature = None
    if "ambient temperature" in columns:
        column, (low, high) = columns["ambient temperature"], TEMPERATURE_RANGE_C
        ambient = _complete(table, column)
        _reject(column, ambient, (ambient < low) | (ambient > high), f"be between {low:g} and {high:g} C")
        temperature = round(float(np.median(ambient)), 1)
    return TimeSeries(time, current, voltage, cycle, temperature, dict(columns), format, source)


def _steady(current):
    """Samples carrying current: its magnitude above REST_FRACTION of the largest."""
    return np.abs(current) > REST_FRACTION * np.abs(current).max()


def _check_sign(series):
    """The voltage falls while PyBaMM's current is positive (discharge); a file with the other sign
    convention makes it rise, and is rejected naming the current column."""
    current, voltage = series.current_A, series.voltage_V
    on = _steady(current)
    within = on[:-1] & on[1:] & (np.sign(current[:-1]) == np.sign(current[1:]))  # intervals inside one half-cycle
    if np.sum(np.sign(current[:-1][within]) * np.diff(voltage)[within]) > 0:
        raise FadeDataError(f"column '{series.columns['current']}' is positive on discharge (the voltage falls while it is "
                            "positive); BDF's current is positive on charge, into the cell: negate the column")


def _cycles_from_current(current):
    """Cycle of each sample: a new cycle starts where the current turns back to the sign the test
    opened with; rest samples stay in the cycle before them."""
    on = _steady(current)
    sign = np.sign(current[on])
    starts = (sign == sign[0]) & np.r_[False, sign[:-1] == -sign[0]]
    labels = np.ones(len(current))
    labels[on] = 1 + np.cumsum(starts)
    last_on = np.maximum.accumulate(np.where(on, np.arange(len(current)), 0))  # samples before the first: 1
    return labels[last_on]


def cycle_capacities(series, mass_g):
    """Discharge and charge capacity [mAh/g] and Coulombic efficiency of each cycle of ``series``
    (module docstring), cycles numbered from 1; cycles without a discharge are left out."""
    time, current = series.time_s, series.current_A
    if not current.any():
        raise FadeDataError(f"column '{series.columns['current']}' is zero throughout: no charge passes")
    labels = series.cycle if series.cycle is not None else _cycles_from_current(current)
    index = np.unique(labels, return_inverse=True)[1]  # labels never decrease: 0, 1, ... in their order
    a, b = current[:-1], current[1:]
    passed = np.where(a * b > 0, 0.5 * (a + b), b) * np.diff(time)  # [A s] per interval, > 0 on discharge
    n = index.max() + 1
    discharge = np.bincount(index[1:], np.maximum(passed, 0.0), n) * AS_TO_MAH / mass_g
    charge = np.bincount(index[1:], np.maximum(-passed, 0.0), n) * AS_TO_MAH / mass_g
    with np.errstate(divide="ignore", invalid="ignore"):
        efficiency = np.where(charge > 0, discharge / charge, np.nan)
    kept = discharge > 0
    return pd.DataFrame({"cycle": np.arange(1, n + 1)[kept], "discharge_capacity_mAh_g": discharge[kept],
                         "charge_capacity_mAh_g": charge[kept], "coulombic_efficiency": efficiency[kept]})


def _c_rate(series, nominal_Ah, cell):
    """Median discharge current over the nominal capacity, to 3 significant digits; outside
    C_RATE_RANGE the current column is in the wrong unit (or the cell is another one)."""
    current, column = series.current_A, series.columns["current"]
    discharging = _steady(current) & (current > 0)
    if not discharging.any():
        raise FadeDataError(f"column '{column}' never discharges the cell; a capacity per cycle needs discharges")
    amps = float(np.median(current[discharging]))
    c_rate, (low, high) = amps / nominal_Ah, C_RATE_RANGE
    if not low <= c_rate <= high:
        hint = "mA perhaps? give A" if c_rate > high else "a smaller cell's? give its own cell file"
        raise FadeDataError(f"column '{column}' gives a discharge current of {amps:.3g} A, {c_rate:.3g}C for {cell} "
                            f"(1C = {nominal_Ah * 1e3:.3g} mA); expected {low:g}-{high:g}C: {hint}")
    return float(f"{c_rate:.3g}")
