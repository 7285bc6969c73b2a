"""Discharge-curve data checks, voltage residuals, and a curve fit that separates two parameters
that capacities alone cannot (synthetic data made with the package)."""

import json

import numpy as np
import pandas as pd
import pytest

from pybamm_ssb.cli import main
from pybamm_ssb.curve_data import read_discharge_curves
from pybamm_ssb.experiments import protocol_experiment
from pybamm_ssb.fade import curve_protocol, simulate_fade
from pybamm_ssb.fade_data import FadeDataError, read_fade_data
from pybamm_ssb.fit_curves import VoltageResiduals, simulated_discharge
from pybamm_ssb.fitting import FitError, fit_fade
from pybamm_ssb.plotting import plot_fit

CELL = "Yang2026_LFP_PGPE_PLATP10J"
PROTOCOL = {"c_rate": 1.0, "temperature_C": 30.0}
TRUTH = {"anode_interphase_rate": 20.0, "cathode_contact_loss": 0.1}
CYCLES, CURVE_CYCLES = 12, (1, 6, 12)
CAPACITY_NOISE, VOLTAGE_NOISE_V, POINTS = 0.005, 0.002, 40

# --- data checks ------------------------------------------------------------------------------

HEADER = "cycle,capacity_mAh_g,voltage_V"
GOOD = "1,0,3.45 1,70,3.40 1,140,2.6"


@pytest.mark.parametrize(
    "header, rows, message",
    [
        ("cycle,capacity_mAh_g", "1,0 1,70 1,140", "missing column 'voltage_V'; columns found: cycle, capacity_mAh_g"),
        ("cycle,voltage_V,capacity", "1,3.4,0 1,3.3,70 1,2.6,140", "missing column 'capacity_mAh_g'"),
        (HEADER, "1,0,3.45 1,70, 1,140,2.6", "column 'voltage_V' is empty at rows 2"),
        (HEADER, "1,0,3.45 1,70,3.4 1,lots,2.6", "column 'capacity_mAh_g' must hold numbers, got 'lots' at rows 3"),
        (HEADER, "1,0,3450 1,70,3400 1,140,2600", "column 'voltage_V' looks like mV (largest value 3450); give volts"),
        (HEADER, "1,0,3.45 1,70,-3.4 1,140,2.6", "column 'voltage_V' must be positive"),
        (HEADER, "1,0,3.45 1,70,8.4 1,140,2.6", "column 'voltage_V' must be at most 6 V"),
        (HEADER, "1,0,3.45 1,0.0007,3.4 1,0.0014,2.6", "column 'capacity_mAh_g' looks like A.h"),
        (HEADER, "1,0,3.45 1,-70,3.4 1,140,2.6", "column 'capacity_mAh_g' must be >= 0"),
        (HEADER, "1,0,3.45 1,700,3.4 1,1400,2.6", "column 'capacity_mAh_g' must be at most 400 mAh/g"),
        (HEADER, "1,0,3.45 1,70,3.4 1,60,2.6", "column 'capacity_mAh_g' must not decrease within a cycle"),
        (HEADER, "2,0,3.45 2,70,3.4 2,140,2.6 1,0,3.45", "column 'cycle' must not decrease"),
        (HEADER, "1,0,3.45 1.5,70,3.4 1,140,2.6", "column 'cycle' must hold whole numbers >= 1"),
        (HEADER, f"{GOOD} 5,0,3.4 5,100,2.6", "cycle 5 has 2 points; give at least 3 per curve"),
        (HEADER, "1,0,3.45 1,70,3.4", "need at least 3 rows"),
    ],
)
def test_bad_curves_name_the_column(tmp_path, header, rows, message):
    path = tmp_path / "curves.csv"
    path.write_text("\n".join([header, *rows.split()]) + "\n")
    with pytest.raises(FadeDataError) as error:
        read_discharge_curves(path)
    assert str(error.value).startswith(f"discharge curves {path}: ") and message in str(error.value)
    assert "\n" not in str(error.value)


def test_good_curves_and_their_protocol(tmp_path):
    path = tmp_path / "curves.csv"
    path.write_text(f"{HEADER},c_rate\n" + "\n".join(f"{row},1" for row in f"{GOOD} 3,0,3.4 3,50,3.3 3,120,2.5".split()) + "\n")
    curves = read_discharge_curves(path)
    assert curves.cycles.tolist() == [1, 3] and curves.c_rate == 1.0 and curves.temperature_C is None
    np.testing.assert_array_equal(curves.points[3][0], [0, 50, 120])
    np.testing.assert_array_equal(curves.points[1][1], [3.45, 3.40, 2.6])
    with pytest.raises(FadeDataError, match="discharge curves file not found"):
        read_discharge_curves(tmp_path / "nope.csv")


def test_only_the_curve_cycles_are_output_finely(ncm_values):
    steps = ["Charge at 1C until 3.8 V", "Discharge at 1C until 2.5 V"]
    protocol = curve_protocol(steps, 4, (2, 4), 1.0)
    assert protocol[0] == protocol[2] == steps
    assert protocol[1] == protocol[3] == [steps[0], "Discharge at 1C until 2.5 V (7.2 second period)"]
    experiment = protocol_experiment(ncm_values, protocol)  # a step's own period is accepted
    assert sorted({step.period for step in experiment.steps}) == [7.2, 120.0]


# --- the synthetic test: anode interphase rate vs cathode contact loss --------------------------

@pytest.fixture(scope="module")
def synthetic():
    """12 cycles of the PGPE@P-LATP10-J cell at 1C and 30 C with known rates: capacities with
    0.5 % noise, and the discharge curves of cycles 1, 6 and 12 at 40 points with 2 mV noise."""
    truth = simulate_fade(CELL, CYCLES, TRUTH, curve_cycles=CURVE_CYCLES, **PROTOCOL)
    rng = np.random.default_rng(1)
    capacity = truth.discharge_capacity_mAh_g * (1 + CAPACITY_NOISE * rng.standard_normal(CYCLES))
    fade = read_fade_data(pd.DataFrame({"cycle": truth.cycle, "discharge_capacity_mAh_g": capacity}).assign(**PROTOCOL))
    tables = []
    for cycle in CURVE_CYCLES:
        q, v = simulated_discharge(truth, cycle)
        points = np.linspace(0, q[-1], POINTS)
        noisy = np.interp(points, q, v) + VOLTAGE_NOISE_V * rng.standard_normal(POINTS)
        tables.append(pd.DataFrame({"cycle": cycle, "capacity_mAh_g": points, "voltage_V": noisy}))
    curves = read_discharge_curves(pd.concat(tables).assign(**PROTOCOL))
    return truth, fade, curves


def test_a_shorter_simulated_curve_is_held_at_its_cut_off(synthetic):
    truth, _, curves = synthetic
    q, v = simulated_discharge(truth, 12)
    beyond = pd.DataFrame({"cycle": 12, "capacity_mAh_g": [0.0, q[-1] / 2, q[-1] + 5, q[-1] + 20],
                           "voltage_V": [3.5, 3.3, 2.9, 2.8]})
    residuals = VoltageResiduals(read_discharge_curves(beyond))
    errors = residuals.errors(truth)
    assert errors[2:] == pytest.approx([v[-1] - 2.9, v[-1] - 2.8]) and v[-1] == pytest.approx(2.5, abs=1e-6)
    assert errors[0] == pytest.approx(v[0] - 3.5)
    assert residuals.weights == pytest.approx(1 / (np.mean([3.5, 3.3, 2.9, 2.8]) * 2))  # 1 / (mean V sqrt(m))
    assert np.isnan(VoltageResiduals(curves).errors(simulate_fade(CELL, 3, TRUTH, **PROTOCOL))).sum() == 2 * POINTS


def test_curves_separate_what_capacities_cannot(synthetic, tmp_path):
    """Capacities alone: the two rates are correlated near -1 and the interphase rate is
    unidentifiable; with the curves both come back within two standard errors."""
    _, fade, curves = synthetic
    capacity_only = fit_fade(CELL, fade, list(TRUTH), initial=TRUTH)
    assert abs(capacity_only.correlation[0, 1]) > 0.99
    rate = capacity_only.parameters["anode_interphase_rate"]
    assert rate["stderr"] > rate["value"]  # the rate is not determined at all
    assert any("correlated" in warning for warning in capacity_only.warnings)

    both = fit_fade(CELL, fade, list(TRUTH), curves=curves, initial={"anode_interphase_rate": 40.0, "cathode_contact_loss": 0.05})
    assert abs(both.correlation[0, 1]) < 0.9 and both.warnings == []
    for name, truth in TRUTH.items():
        fitted = both.parameters[name]
        assert fitted["value"] == pytest.approx(truth, rel=0.05), name
        assert abs(fitted["value"] - truth) < 2 * fitted["stderr"], name
        assert fitted["stderr"] < 0.05 * truth, name
    assert both.rmse_voltage_mV == pytest.approx(1e3 * VOLTAGE_NOISE_V, rel=0.3)
    assert [row["cycle"] for row in both.voltage_residuals] == list(CURVE_CYCLES)
    assert all(row["points"] == POINTS for row in both.voltage_residuals)
    summary = json.loads(json.dumps(both.as_json(), allow_nan=False))
    assert summary["rmse_voltage_mV"] == pytest.approx(both.rmse_voltage_mV)
    plot_fit(both, fade, tmp_path / "fit.png", curves)
    assert (tmp_path / "fit.png").stat().st_size > 20_000


def test_curves_alone_fit_and_protocols_must_agree(synthetic):
    _, fade, curves = synthetic
    alone = fit_fade(CELL, None, ["anode_interphase_rate"], curves=curves, fixed={"cathode_contact_loss": 0.1},
                     initial={"anode_interphase_rate": 30.0})
    fitted = alone.parameters["anode_interphase_rate"]
    assert abs(fitted["value"] - 20.0) < 2 * fitted["stderr"] and fitted["stderr"] < 1.0
    assert alone.rmse_mAh_g is None and alone.residuals == []
    with pytest.raises(FitError, match="nothing to fit"):
        fit_fade(CELL, None, ["anode_interphase_rate"])
    other = read_fade_data(pd.DataFrame({"cycle": [1, 2], "discharge_capacity_mAh_g": [140.0, 139.0], "c_rate": 0.5}))
    with pytest.raises(FitError, match="c_rate differs between the fade data and the discharge curves: 0.5, 1.0"):
        fit_fade(CELL, other, ["anode_interphase_rate"], curves=curves)


def test_fit_command_with_curves(synthetic, tmp_path, capsys):
    _, fade, curves = synthetic
    fade_csv, curves_csv, bad_csv = tmp_path / "fade.csv", tmp_path / "curves.csv", tmp_path / "bad.csv"
    pd.DataFrame({"cycle": fade.cycle, "discharge_capacity_mAh_g": fade.discharge_capacity_mAh_g, **PROTOCOL}).to_csv(fade_csv, index=False)
    pd.concat([pd.DataFrame({"cycle": c, "capacity_mAh_g": q, "voltage_V": v}) for c, (q, v) in curves.points.items()]).to_csv(
        curves_csv, index=False)
    pd.read_csv(curves_csv).assign(voltage_V=lambda t: 1e3 * t.voltage_V).to_csv(bad_csv, index=False)

    assert main(["fit", CELL, str(fade_csv), "--parameters", "anode_interphase_rate", "--curves", str(bad_csv)]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "column 'voltage_V' looks like mV" in error[0] and "evaluation" not in error[0]

    args = ["fit", CELL, str(fade_csv), "--parameters", "anode_interphase_rate", "--fixed", "cathode_contact_loss=0.1",
            "--curves", str(curves_csv), "--max-evaluations", "4"]
    assert main([*args, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [row["cycle"] for row in summary["voltage_residuals"]] == list(CURVE_CYCLES) and summary["rmse_voltage_mV"] > 0
    assert main(args) == 0
    assert "mV over the curves" in capsys.readouterr().out
