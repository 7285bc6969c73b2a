"""Fuzzing the parsers with Hypothesis: whatever a user writes as a protocol step, a parameter
file or a measured-data file, the package answers with its result or with one of its own
errors (a PybammSsbError, one line) -- never a traceback from deeper down."""

import io
import math
import re
import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pybamm_ssb import PybammSsbError, get_cell
from pybamm_ssb.experiments import protocol_experiment
from pybamm_ssb.fade_data import read_fade_data
from pybamm_ssb.registry import check_file

SETS = Path(__file__).resolve().parents[1] / "parameter_sets"
# derandomized: the same examples in every run, so CI is reproducible (raise max_examples and drop it to search further)
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALUES = get_cell("Cui2025_LFP_NUHS_TPW").parameter_values
COMPONENTS = {"cathode": "cathodes/LFP_Cui2025.toml", "assembly": "interfaces/CPS_Cui2025.toml",
              "electrolyte": "electrolytes/LATP_NUHS_Cui2025.toml", "anode": "anodes/lithium_metal.toml"}
TEXTS = {kind: (SETS / file).read_text() for kind, file in COMPONENTS.items()}
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # a division by zero is a traceback waiting

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                    st.sampled_from([0, -0.0, 1e-300, 1e300]))
number_text = numbers.map(lambda x: f"{x:g}" if isinstance(x, float) else str(x))
step_words = st.sampled_from(["Charge", "Discharge", "Rest", "Hold", "charge", "Dance", ""])
units = st.sampled_from(["C", "A", "mA", "mA/cm2", "uA/cm2", "W", "V", "hours", "minutes", "seconds", "", "%"])
structured_steps = st.builds(
    lambda word, value, unit, joint, limit, limit_unit: f"{word} at {value}{unit} {joint} {limit} {limit_unit}".strip(),
    step_words, number_text, units, st.sampled_from(["until", "for", "or until", "", "for 1 hour or until"]),
    number_text, units,
)


@FUZZ
@given(st.one_of(structured_steps, st.text(max_size=60)))
def test_any_step_is_read_or_refused_in_one_line(step):
    try:
        protocol_experiment(VALUES, [[step]])
    except PybammSsbError as error:
        assert "\n" not in str(error).strip(), str(error)


def _toml(value):
    """A TOML literal for ``value`` (floats, ints, strings, booleans, lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


toml_values = st.one_of(numbers, st.booleans(), st.text(string.printable, max_size=8), st.lists(st.integers(), max_size=3))
quantity_of = {kind: st.sampled_from(re.findall(r"^\[quantities\.(\w+)\]", text, re.MULTILINE)) for kind, text in TEXTS.items()}


@pytest.mark.parametrize("kind", COMPONENTS)
@FUZZ
@given(data=st.data(), value=toml_values)
def test_any_value_in_a_users_parameter_file_is_used_or_refused(tmp_path_factory, kind, data, value):
    """Every quantity of a component file of each kind, set to any TOML value."""
    key = data.draw(quantity_of[kind])
    lines = TEXTS[kind].splitlines()
    start = lines.index(f"[quantities.{key}]")
    lines[start + 1] = f"value = {_toml(value)}"
    path = tmp_path_factory.mktemp("fuzz") / f"{kind}.toml"
    path.write_text("\n".join(lines))
    try:
        check_file(path, kind=kind)
    except PybammSsbError as error:
        assert str(error).strip(), "an error without a message"


@FUZZ
@given(st.text(max_size=200))
def test_any_text_as_a_parameter_file_is_refused_in_one_line(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "cathode.toml"
    path.write_text(text)
    with pytest.raises(PybammSsbError):
        check_file(path, kind="cathode")


cells = st.one_of(numbers.map(str), st.text(string.printable.replace("\n", "").replace("\r", "").replace(",", ""), max_size=6),
                  st.just(""))
columns = st.lists(st.sampled_from(["cycle", "discharge_capacity_mAh_g", "interface_resistance_ohm_cm2", "c_rate",
                                    "temperature_C", "notes"]), min_size=0, max_size=5, unique=True)


@FUZZ
@given(columns=columns, rows=st.lists(st.lists(cells, min_size=5, max_size=5), max_size=8))
def test_any_measured_data_table_is_read_or_refused(tmp_path_factory, columns, rows):
    text = ",".join(columns) + "\n" + "".join(",".join(row[:len(columns)]) + "\n" for row in rows)
    path = tmp_path_factory.mktemp("fuzz") / "fade.csv"
    path.write_text(text)
    try:
        data = read_fade_data(path)
    except PybammSsbError as error:
        assert str(error).strip()
    else:
        assert len(data.cycle) >= 2 and (data.discharge_capacity_mAh_g > 0).all()


@FUZZ
@given(times=st.lists(numbers, min_size=0, max_size=12), currents=st.lists(numbers, min_size=12, max_size=12),
       voltages=st.lists(numbers, min_size=12, max_size=12))
def test_any_bdf_time_series_is_read_or_refused(tmp_path_factory, times, currents, voltages):
    n = len(times)
    table = pd.DataFrame({"test_time_second": times, "current_ampere": currents[:n], "voltage_volt": voltages[:n]})
    path = tmp_path_factory.mktemp("fuzz") / "series.bdf.csv"
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    path.write_text(buffer.getvalue())
    try:
        read_fade_data(path, cell="Cui2025_LFP_NUHS_TPW", format="bdf")
    except PybammSsbError as error:
        assert str(error).strip()
