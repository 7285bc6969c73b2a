"""Cycler time series (BDF and the vendors' exports) read into capacities per cycle and fitted."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pybamm_ssb.cli import main
from pybamm_ssb.cycler_data import detect_format, measured_cycles, read_time_series
from pybamm_ssb.extras import MissingExtraError
from pybamm_ssb.fade_data import FadeDataError, read_fade_data
from pybamm_ssb.fitting import fit_fade
from pybamm_ssb.runs import prepare_run
from pybamm_ssb.simulate import active_mass_g

DATA = Path(__file__).resolve().parents[1] / "examples" / "data"
SAMPLES = json.loads((DATA / "samples.json").read_text())
CELL = SAMPLES["cell"]
SIMULATED = pd.read_csv(DATA / SAMPLES["cycles_file"])  # the simulation's own capacities per cycle
BDF = DATA / SAMPLES["files"]["bdf"]


@pytest.mark.parametrize("format", SAMPLES["files"])
def test_every_reader_gives_the_simulated_capacities(format):
    path = DATA / SAMPLES["files"][format]
    assert detect_format(path) == format
    measured = measured_cycles(path, CELL)
    table = measured.table
    assert table["cycle"].tolist() == SIMULATED["cycle"].tolist() == list(range(1, SAMPLES["cycles"] + 1))
    for column in ("discharge_capacity_mAh_g", "charge_capacity_mAh_g", "coulombic_efficiency"):
        np.testing.assert_allclose(table[column], SIMULATED[column], rtol=5e-3)
    assert measured.c_rate == SAMPLES["c_rate"]
    assert measured.temperature_C == (SAMPLES["temperature_C"] if format == "bdf" else None)

    data = read_fade_data(path, cell=CELL)  # what `pybamm-ssb fit` and fit_fade get
    assert data.source == str(path) and data.c_rate == SAMPLES["c_rate"]
    np.testing.assert_array_equal(data.discharge_capacity_mAh_g, table["discharge_capacity_mAh_g"])


def test_the_per_cycle_table_is_read_as_before():
    path = DATA / SAMPLES["cycles_file"]
    assert detect_format(path) == "fade"
    data = read_fade_data(path)  # no cell needed
    assert data.c_rate == SAMPLES["c_rate"] and data.temperature_C == SAMPLES["temperature_C"]
    np.testing.assert_array_equal(data.discharge_capacity_mAh_g, SIMULATED["discharge_capacity_mAh_g"])


def two_cycles(tmp_path, name="two.bdf.csv", edit=None):
    """The BDF sample's first two cycles, edited by ``edit(table)``, as a file."""
    table = pd.read_csv(BDF)
    table = table[table["Cycle Count / 1"] <= 2].reset_index(drop=True)
    table = edit(table) if edit else table
    path = tmp_path / name
    table.to_csv(path, index=False)
    return path


def test_machine_readable_names_and_cycles_from_the_current(tmp_path):
    machine = {"Test Time / s": "test_time_second", "Voltage / V": "voltage_volt", "Current / A": "current_ampere"}
    path = two_cycles(tmp_path, "plain.csv", lambda t: t[list(machine)].rename(columns=machine))
    assert detect_format(path) == "bdf"  # by its columns
    table = measured_cycles(path, CELL).table
    np.testing.assert_allclose(table["discharge_capacity_mAh_g"], SIMULATED["discharge_capacity_mAh_g"][:2], rtol=1e-5)
    np.testing.assert_allclose(table["charge_capacity_mAh_g"], SIMULATED["charge_capacity_mAh_g"][:2], rtol=1e-5)


def test_charge_is_held_across_step_changes_and_rests(tmp_path):
    """Charge 1 h, rest, discharge 0.5 h, rest, charge: cycles from the sign, charge exact at the step edges."""
    time = [0, 1, 1800, 3600, 3601, 4000, 4001, 5800, 5801, 6000, 6001, 9600]
    current = [1e-4] * 4 + [0, 0] + [-1e-4] * 2 + [0, 0] + [1e-4] * 2  # BDF: positive on charge
    voltage = [3.30, 3.35, 3.40, 3.45, 3.44, 3.44, 3.40, 3.30, 3.31, 3.31, 3.35, 3.45]
    path = tmp_path / "rests.bdf"
    pd.DataFrame({"test_time_second": time, "voltage_volt": voltage, "current_ampere": current}).to_csv(path, index=False)
    mass = active_mass_g(prepare_run(CELL).parameter_values)
    measured = measured_cycles(path, CELL)
    table = measured.table  # cycle 2 has no discharge and is left out
    assert table["cycle"].tolist() == [1]
    assert table["charge_capacity_mAh_g"][0] == pytest.approx(0.1 / mass)  # 1e-4 A for 3600 s
    assert table["discharge_capacity_mAh_g"][0] == pytest.approx(0.05 / mass)  # 1e-4 A for 1800 s
    assert table["coulombic_efficiency"][0] == pytest.approx(0.5)
    assert measured.c_rate == pytest.approx(1e-4 / prepare_run(CELL).parameter_values["Nominal cell capacity [A.h]"], rel=1e-3)


def scaled(column, factor):
    def edit(table):
        table[column] = table[column] * factor
        return table
    return edit


def set_row(column, row, value):
    def edit(table):
        table[column] = table[column].astype(object)
        table.loc[row, column] = value
        return table
    return edit


@pytest.mark.parametrize(
    "edit, message",
    [
        (scaled("Current / A", 1e3), "column 'Current / A' gives a discharge current of 0.0545 A, 500C for Cui2025_LFP_NUHS_TPW "
                                     "(1C = 0.109 mA); expected 0.0001-20C: mA perhaps? give A"),
        (scaled("Current / A", 1e-4), "5e-05C for Cui2025_LFP_NUHS_TPW (1C = 0.109 mA); expected 0.0001-20C: a smaller cell's?"),
        (lambda t: t.rename(columns={"Current / A": "Current / mA"}), "column 'Current / mA' must be in A: BDF fixes the unit"),
        (scaled("Voltage / V", 1e3), "column 'Voltage / V' must be between 0 and 10 V (mV perhaps? give V), got 2833.88 at row 1"),
        (scaled("Current / A", -1), "column 'Current / A' is positive on discharge (the voltage falls while it is positive)"),
        (lambda t: t.drop(columns="Voltage / V"), "missing BDF column 'voltage_volt' (or 'Voltage / V'); columns found: Test Time"),
        (set_row("Current / A", 2, np.nan), "column 'Current / A' is empty at rows 3"),
        (set_row("Voltage / V", 4, "3.4 V"), "column 'Voltage / V' must hold numbers, got '3.4 V' at rows 5"),
        (set_row("Test Time / s", 3, 10.0), "column 'Test Time / s' must never decrease (time since the test started), got 10 at row 4"),
        (set_row("Cycle Count / 1", 3, 0), "column 'Cycle Count / 1' must never decrease, got 0 at row 4"),
        (lambda t: t.iloc[:0], "needs at least 2 rows (samples), got 0"),
    ],
)
def test_bad_time_series_are_rejected_naming_the_column(tmp_path, edit, message):
    path = two_cycles(tmp_path, edit=edit)
    with pytest.raises(FadeDataError) as error:
        read_fade_data(path, cell=CELL)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_an_empty_file_and_a_missing_cell(tmp_path):
    empty = tmp_path / "empty.bdf"
    empty.write_text("")
    with pytest.raises(FadeDataError, match="cannot read .*empty.bdf as CSV"):
        read_fade_data(empty, cell=CELL)
    with pytest.raises(FadeDataError, match="needs its cell: the cell's active mass turns A.h into mAh/g"):
        read_fade_data(BDF)


def test_a_vendor_file_in_the_wrong_unit_names_its_current(tmp_path):
    """A Neware export whose 'Current(A)' column holds mA."""
    table = pd.read_csv(DATA / SAMPLES["files"]["neware"])
    table["Current(A)"] *= 1e3
    path = tmp_path / "neware.csv"
    table.to_csv(path, index=False)
    with pytest.raises(FadeDataError, match=r"column 'Current \[A\]' gives a discharge current of 0.0545 A, 500C"):
        read_fade_data(path, cell=CELL)
    with pytest.raises(FadeDataError, match="cannot read .*lfp_0.5C.bdf.csv as a maccor export: "):
        read_fade_data(BDF, cell=CELL, format="maccor")


def test_without_the_extra_vendor_files_name_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ionworksdata", None)
    neware = DATA / SAMPLES["files"]["neware"]
    extra = r"needs ionworksdata, which is not installed; install the extra 'cyclers': pip install 'pybamm-ssb\[cyclers\]'"
    with pytest.raises(MissingExtraError, match=r"is neither a per-cycle table .*; reading it as a vendor's export " + extra):
        read_fade_data(neware, cell=CELL)
    with pytest.raises(MissingExtraError, match="reading a neware export " + extra):
        read_time_series(neware, "neware")
    assert read_time_series(BDF).format == "bdf"  # BDF needs no extra


@pytest.mark.parametrize("format", ["bdf", "neware"])
def test_fit_fade_recovers_the_rate_the_files_were_made_with(format):
    """Noise-free samples: the fit from half the truth lands within 1 % of it (its stderr reflects only
    the files' rounding, e.g. Neware's whole seconds)."""
    truth = SAMPLES["parameters"]["anode_interphase_rate"]
    data = read_fade_data(DATA / SAMPLES["files"][format], cell=CELL)
    result = fit_fade(CELL, data, ["anode_interphase_rate"], initial={"anode_interphase_rate": truth / 2}, max_evaluations=12)
    fitted = result.parameters["anode_interphase_rate"]
    assert fitted["value"] == pytest.approx(truth, rel=0.01)
    assert 0 < fitted["stderr"] < 0.01 * truth
    assert result.rmse_mAh_g < 0.05


def test_fit_command_reads_a_cycler_file(capsys):
    assert main(["fit", CELL, str(DATA / SAMPLES["files"]["arbin"]), "--parameters", "anode_interphase_rate",
                 "--max-evaluations", "2", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert len(summary["residuals"]) == SAMPLES["cycles"] and summary["n_evaluations"] <= 2

    assert main(["fit", CELL, str(BDF), "--format", "neware", "--parameters", "anode_interphase_rate"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith(f"pybamm-ssb: error: cannot read {BDF} as a neware export: ")
