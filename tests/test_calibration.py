"""Calibrations as data (pybamm_ssb.calibration): a cheap calibration recovers the value its targets
were made with, held-out errors, the write-back into parameter files, and what is refused."""

import shutil
import tomllib

import pytest

from pybamm_ssb import cli
from pybamm_ssb.calibration import (
    CALIBRATIONS,
    EXACT_NOISE,
    Calibration,
    CalibrationError,
    Parameter,
    TargetSimulator,
    calibrate,
    fit_calibration,
    fit_spec,
    held_out,
    parameter_file,
    select_calibrations,
    write_fitted,
)
from pybamm_ssb.provenance import load_component
from pybamm_ssb.reproduce import TARGETS, Target, simulate_targets

CELL = "Cui2025_NCM811_NUHS_TPW"
FRACTION = Parameter("cathode_active_fraction", (CELL,), (0.5, 1.0), "usable share of the cathode", "a test's")
TRUE_FRACTION = 0.8


@pytest.fixture(scope="module")
def synthetic():
    """Capacities of cycles 1 and 2 of the NCM811 cell simulated with an active fraction of 0.8 (the file: 0.87)."""
    made = [Target(f"t-c{n}", CELL, "discharge_capacity_mAh_g", n, 1.0, "mAh/g", "fitted", "synthetic", 0.03) for n in (1, 2)]
    simulator = TargetSimulator(made, [FRACTION])
    values = simulate_targets(made, simulator.cell_values({FRACTION.label: TRUE_FRACTION}), simulator.fade)[0]
    return [Target(t.id, t.cell, t.quantity, t.cycle, values[t.id], t.unit, t.kind, t.source, t.tolerance) for t in made]


def test_a_calibration_recovers_the_value_its_targets_were_made_with(synthetic):
    fitted = fit_calibration(Calibration("test-ncm", ("t-c1", "t-c2"), (FRACTION,)), synthetic)
    value = fitted.values[FRACTION.label]
    assert value["value"] == pytest.approx(TRUE_FRACTION, rel=1e-4)
    assert value["previous"] == load_component("cathodes", "NCM811_Cui2025").value("electrochemically_active_fraction")
    assert not fitted.exact and all(abs(e) < 1e-5 for e in fitted.errors.values())


def test_an_exact_fit_takes_its_stderr_from_the_stated_measurement_noise(synthetic):
    """One target, one parameter: capacity is nearly proportional to the active fraction, so a 1 %
    uncertainty of the capacity is about 1 % of the fraction."""
    fitted = fit_calibration(Calibration("test-ncm", ("t-c1",), (FRACTION,)), synthetic)
    value = fitted.values[FRACTION.label]
    assert fitted.exact and value["value"] == pytest.approx(TRUE_FRACTION, rel=1e-4)
    assert 0.7 * EXACT_NOISE * TRUE_FRACTION < value["stderr"] < 1.3 * EXACT_NOISE * TRUE_FRACTION


def test_a_held_out_run_reports_an_error_for_each_fitted_target(synthetic):
    calibration = Calibration("test-ncm", ("t-c1", "t-c2"), (FRACTION,))
    results = held_out(calibration, synthetic)
    assert set(results) == {"t-c1", "t-c2"}
    for entry in results.values():
        assert entry["note"].startswith("target left out")
        assert abs(entry["error"]) < 1e-4  # the other cycle's capacity fixes the same fraction
        assert entry["values"][FRACTION.label] == pytest.approx(TRUE_FRACTION, rel=1e-3)
    two = Calibration("test-two", ("t-c1", "t-c2"), (FRACTION, Parameter("cathode_contact_loss", (CELL,), (1e-3, 1e3), "m", "b")))
    for entry in held_out(two, synthetic).values():  # nothing is fitted: 2 parameters on 1 target
        assert "error" not in entry and entry["note"].startswith("underdetermined: without it, 2 parameters")


def test_calibrate_dry_run_writes_nothing_and_reports_held_out_errors(synthetic, monkeypatch):
    monkeypatch.setattr("pybamm_ssb.calibration.write_held_out", pytest.fail)
    calibration = Calibration("test-ncm", ("t-c1", "t-c2"), (FRACTION,))
    [report] = calibrate("test-ncm", held_out_errors=True, dry_run=True, catalogue=synthetic, calibrations=(calibration,))
    assert report["written"] == [] and set(report["held_out"]) == {"t-c1", "t-c2"}
    assert report["parameters"][FRACTION.label]["value"] == pytest.approx(TRUE_FRACTION, rel=1e-4)


@pytest.fixture
def cathode_copy(tmp_path):
    path = tmp_path / "NCM811_copy.toml"
    shutil.copy(parameter_file("cathodes", "NCM811_Cui2025"), path)
    return path


def test_write_back_round_trips_through_the_loader(cathode_copy):
    """An assumed value with a range becomes fitted: only its value, kind and source change, and its
    stderr and targets are added; the loader reads it back."""
    name = "electrochemically_active_fraction"
    text = cathode_copy.read_text()
    start = text.index(f"[quantities.{name}]")
    cathode_copy.write_text(text[:start] + text[start:].replace('kind = "fitted"', 'kind = "assumed"', 1))
    before = cathode_copy.read_text().splitlines()
    write_fitted(cathode_copy, name, 0.81234567, 0.0021, "a named mechanism (a basis)", ["t-c1", "t-c2"])
    quantity = load_component("cathodes", cathode_copy).get(name)
    assert quantity.value == 0.8123 and quantity.provenance.kind == "fitted" and quantity.range == (0.5, 1.0)
    assert quantity.provenance.source == "a named mechanism (a basis)"
    entry = tomllib.loads(cathode_copy.read_text())["quantities"][name]
    assert entry["stderr"] == 0.0021 and entry["targets"] == ["t-c1", "t-c2"]
    after = cathode_copy.read_text().splitlines()
    start = after.index(f"[quantities.{name}]") + 1
    end, old_end = (lines.index("", start) for lines in (after, before))
    assert after[start:end] == ["value = 0.8123", 'kind = "fitted"', 'source = "a named mechanism (a basis)"',
                                "range = [0.5, 1.0]", "stderr = 0.0021", 'targets = ["t-c1", "t-c2"]']
    assert after[:start] == before[:start] and after[end:] == before[old_end:]  # the rest of the file as it was


def test_a_fitted_value_outside_or_at_the_end_of_its_range_is_refused(cathode_copy):
    text = cathode_copy.read_text()
    for value in (1.2, 0.4, 0.995):  # range [0.5, 1.0]; 0.995 is within 2 % of its top
        with pytest.raises(CalibrationError, match="range"):
            write_fitted(cathode_copy, "electrochemically_active_fraction", value, 0.01, "s", ["t"])
    assert cathode_copy.read_text() == text
    with pytest.raises(CalibrationError, match="not inside the range"):
        fit_spec(Parameter("cathode_active_fraction", (CELL,), (0.1, 1.0), "m", "b"))


def test_calibrate_an_unknown_cell_or_document_is_a_clear_error(capsys):
    assert cli.main(["calibrate", "009"]) == 2
    error = capsys.readouterr().err
    assert "no calibration for '009'" in error and "give a document (000, 002, 003)" in error
    with pytest.raises(CalibrationError, match="did you mean 'Cui2025_LFP_CUHS_CPS'"):
        select_calibrations("Cui2025_LFP_CUHS_CP")


def test_the_declared_calibrations_cover_the_fitted_targets_once_with_their_files_ranges():
    by_name = {c.name: c for c in select_calibrations("000")}
    assert list(by_name) == ["000-ncm811-cathode", "000-lfp-cathode", "000-nuhs-fade", "000-cps-fade", "000-ncm811-h2-h3"]
    assert [c.name for c in select_calibrations("Cui2025_NCM811_NUHS_TPW")] == ["000-ncm811-cathode", "000-nuhs-fade"]
    seen = [id for c in CALIBRATIONS for id in c.targets]
    assert len(seen) == len(set(seen))
    kinds = {t.id: t.kind for t in TARGETS}
    assert all(kinds[id] == "fitted" for id in seen)
    uncalibrated = {id for id, kind in kinds.items() if kind == "fitted"} - set(seen)
    assert uncalibrated == {"002-j-r1", "002-pgpe-r1", "002-p-r1"}  # the quoted initial resistances are inputs
    for calibration in CALIBRATIONS:
        for parameter in calibration.parameters:
            spec = fit_spec(parameter)  # the declared range lies inside every holder file's
            assert spec.low < spec.value < spec.high, parameter.label
