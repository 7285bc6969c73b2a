"""Fade data checks, and the fitter on an analytic fade law and on the real model with known parameters."""

import json
import subprocess
import sys
import types
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from pybamm_ssb.cli import main
from pybamm_ssb.fade import FadeSimulator, FitParameter, fit_parameters, simulate_fade
from pybamm_ssb.fade_data import FadeDataError, read_fade_data
from pybamm_ssb.fitting import DIFF_STEP, FitError, fit_fade
from pybamm_ssb.plotting import plot_fit
from pybamm_ssb.simulate import SimulationFailed

from .conftest import NCM

Q0, R0 = 180.0, 40.0  # fresh capacity [mAh/g] and interface resistance [ohm cm2] of the analytic cell
TRUTH = {"a": 0.01, "b": 0.05, "c": 0.8}


@dataclass
class Curve:
    cycle: np.ndarray
    discharge_capacity_mAh_g: np.ndarray
    interface_resistance_ohm_cm2: np.ndarray


SPECS = {
    "a": FitParameter("a", "Square-root fade coefficient", 1e-3, 1e-4, 1e-1, True, "-"),
    "b": FitParameter("b", "Linear fade rate [mAh.g-1]", 0.01, 1e-3, 1.0, True, "mAh/g"),
    "c": FitParameter("c", "Resistance growth rate [Ohm.cm2]", 1.0, 0.0, 5.0, False, "ohm cm2"),
}


def analytic_fade(cell, cycles, parameters=None, *, c_rate=None, temperature_C=None, progress=False, model="spme"):
    """Q = Q0 (1 - a sqrt(n)) - b n,  R = R0 + c n."""
    p = {name: spec.value for name, spec in SPECS.items()} | (parameters or {})
    n = np.arange(1, cycles + 1)
    return Curve(n, Q0 * (1 - p["a"] * np.sqrt(n)) - p["b"] * n, R0 + p["c"] * n)


def measured(noise=0.005, seed=7):
    """Analytic fade at TRUTH every 5 of 500 cycles with relative Gaussian noise; resistance every 20."""
    rng = np.random.default_rng(seed)
    truth = analytic_fade("analytic", 500, TRUTH)
    cycles = np.r_[1, np.arange(5, 501, 5)]
    capacity = truth.discharge_capacity_mAh_g[cycles - 1] * (1 + noise * rng.standard_normal(len(cycles)))
    resistance = truth.interface_resistance_ohm_cm2[cycles - 1] * (1 + noise * rng.standard_normal(len(cycles)))
    resistance[cycles % 20 != 0] = np.nan
    table = {"cycle": cycles, "discharge_capacity_mAh_g": capacity, "interface_resistance_ohm_cm2": resistance}
    return read_fade_data(pd.DataFrame(table))


# --- data checks ------------------------------------------------------------------------------

BASIC = "cycle,discharge_capacity_mAh_g"
GOOD = BASIC + "\n1,180\n2,179.5\n3,179\n"
R, C, T = (BASIC + f",{column}" for column in ("interface_resistance_ohm_cm2", "c_rate", "temperature_C"))


@pytest.mark.parametrize(
    "header, rows, message",
    [
        ("cycle,capacity", "1,180 2,179", "missing column 'discharge_capacity_mAh_g'; columns found: cycle, capacity"),
        ("discharge_capacity_mAh_g", "180 179", "missing column 'cycle'"),
        (BASIC, "1,180 2, 3,", "column 'discharge_capacity_mAh_g' is empty at rows 2, 3"),
        (BASIC, "1,180 ,179", "column 'cycle' is empty at rows 2"),
        (BASIC, "1,180 2,lots", "column 'discharge_capacity_mAh_g' must hold numbers"),
        (BASIC, "1,180 3,179 2,178", "column 'cycle' must be strictly increasing"),
        (BASIC, "1,180 1,179", "column 'cycle' must be strictly increasing"),
        (BASIC, "0,180 1,179", "column 'cycle' must hold whole numbers >= 1"),
        (BASIC, "1,180 2.5,179", "column 'cycle' must hold whole numbers >= 1"),
        (BASIC, "1,180 2,-3", "column 'discharge_capacity_mAh_g' must be positive"),
        (BASIC, "1,0.0021 2,0.0020", "column 'discharge_capacity_mAh_g' looks like A.h"),
        (BASIC, "1,2.1 2,2.0", "expected 1-400 mAh/g"),
        (BASIC, "1,612 2,600", "column 'discharge_capacity_mAh_g' must be at most 400"),
        (BASIC, "1,180", "need at least 2 rows"),
        (R, "1,180, 2,179,", "column 'interface_resistance_ohm_cm2' has no values"),
        (R, "1,180,50 2,179,-4", "column 'interface_resistance_ohm_cm2' must be positive"),
        (R, "1,180,0.005 2,179,", "column 'interface_resistance_ohm_cm2' got 0.005 at row 1, below 0.1 ohm cm2: ohm.m2"),
        (R, "1,180,2e5 2,179,", "column 'interface_resistance_ohm_cm2' must be at most 100000 ohm cm2"),
        (C, "1,180,0 2,179,0", "column 'c_rate' must be in (0, 20]"),
        (C, "1,180,25 2,179,25", "column 'c_rate' must be in (0, 20]"),
        (C, "1,180,0.2 2,179,0.5", "column 'c_rate' must be the same on every row"),
        (C, "1,180,0.2 2,179,", "column 'c_rate' is empty at rows 2"),
        (T, "1,180,200 2,179,200", "column 'temperature_C' must be in [-50, 150]"),
    ],
)
def test_bad_fade_data_names_the_column(tmp_path, header, rows, message):
    path = tmp_path / "fade.csv"
    path.write_text("\n".join([header, *rows.split()]) + "\n")
    with pytest.raises(FadeDataError) as error:
        read_fade_data(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file_and_good_file(tmp_path):
    with pytest.raises(FadeDataError, match="file not found"):
        read_fade_data(tmp_path / "nope.csv")
    path = tmp_path / "fade.csv"
    path.write_text("cycle,discharge_capacity_mAh_g,interface_resistance_ohm_cm2,c_rate,temperature_C\n"
                    "1,180,50,0.2,25\n10, 178.5,,0.2,25\n20,177,61,0.2,25\n")
    data = read_fade_data(path)
    assert data.cycle.tolist() == [1, 10, 20] and data.cycle.dtype.kind == "i"
    assert data.discharge_capacity_mAh_g.tolist() == [180, 178.5, 177]
    assert np.isnan(data.interface_resistance_ohm_cm2[1]) and data.interface_resistance_ohm_cm2[2] == 61
    assert (data.c_rate, data.temperature_C, data.source) == (0.2, 25.0, str(path))


# --- fitter on the analytic fade law ----------------------------------------------------------

def test_a_file_is_fitted_as_its_table(tmp_path):
    data = measured()
    path = tmp_path / "fade.csv"
    pd.DataFrame({"cycle": data.cycle, "discharge_capacity_mAh_g": data.discharge_capacity_mAh_g}).to_csv(path, index=False)
    from_file = fit_fade("analytic", path, ["a", "b"], simulator=analytic_fade, specs=SPECS)
    from_table = fit_fade("analytic", read_fade_data(path), ["a", "b"], simulator=analytic_fade, specs=SPECS)
    assert from_file.parameters == from_table.parameters


def test_the_data_scatter_sets_what_a_misfit_is():
    from pybamm_ssb.fitting import _misfit

    cycles = np.arange(1, 41)
    noisy = 150 - 0.1 * cycles + np.random.default_rng(0).normal(0, 0.3, cycles.size)
    data = read_fade_data(pd.DataFrame({"cycle": cycles, "discharge_capacity_mAh_g": noisy}))
    assert _misfit(0.35, data) == [] and _misfit(0.7, data) == []  # within 3 x scatter / the 0.5 % floor (0.73)
    (warning,) = _misfit(1.5, data)
    assert warning.startswith("the fit misses the data: rms residual 1.5 mAh/g against their own scatter of 0.")

def test_recovers_the_parameters_of_noisy_synthetic_data(tmp_path):
    calls = []

    def counting(*args, **kwargs):
        calls.append(args[2])
        return analytic_fade(*args, **kwargs)

    data = measured()
    result = fit_fade("analytic", data, ["a", "b", "c"], simulator=counting, specs=SPECS)
    for name, truth in TRUTH.items():
        fitted = result.parameters[name]
        assert fitted["value"] == pytest.approx(truth, rel=0.1), name
        assert abs(fitted["value"] - truth) < 2 * fitted["stderr"], name
    assert result.n_evaluations == len(calls) > 3
    assert result.rmse_mAh_g == pytest.approx(0.005 * 150, rel=0.3)  # the noise
    assert result.rmse_resistance_ohm_cm2 is not None and result.at_bound == [] and result.warnings == []
    assert result.correlation.shape == (3, 3) and np.allclose(np.diag(result.correlation), 1)
    assert [row["cycle"] for row in result.residuals] == data.cycle.tolist()
    first = result.residuals[0]
    assert first["residual"] == pytest.approx(first["fitted"] - first["measured"])

    summary = result.as_json()
    assert list(summary)[:4] == ["parameters", "rmse_mAh_g", "n_evaluations", "seconds"]
    assert set(summary) == {"parameters", "rmse_mAh_g", "n_evaluations", "seconds", "converged", "stop_reason",
                            "residuals", "rmse_resistance_ohm_cm2", "correlation", "at_bound", "fixed", "rmse_voltage_mV",
                            "voltage_residuals", "posterior"}
    assert summary["rmse_voltage_mV"] is None and summary["voltage_residuals"] == [] and summary["posterior"] is None
    assert all(set(p) == {"value", "stderr"} for p in summary["parameters"].values())
    json.dumps(summary, allow_nan=False)

    plot_fit(result, data, tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 10_000


def test_degenerate_parameters_have_infinite_stderr():
    specs = SPECS | {"a2": FitParameter("a2", "Twin of a", 1e-3, 0.0, 0.05, False, "-"),
                     "a": FitParameter("a", "Square-root fade coefficient", 1e-3, 0.0, 0.05, False, "-")}

    def twins(cell, cycles, parameters, **kwargs):
        both = {"a": parameters["a"] + parameters["a2"], "b": TRUTH["b"], "c": TRUTH["c"]}
        return analytic_fade(cell, cycles, both)

    result = fit_fade("analytic", measured(), ["a", "a2"], simulator=twins, specs=specs)
    assert sum(p["value"] for p in result.parameters.values()) == pytest.approx(TRUTH["a"], rel=0.1)
    assert all(p["stderr"] == np.inf for p in result.parameters.values())
    assert "a, a2 cannot be separated by these data" in result.warnings[0]
    summary = json.loads(json.dumps(result.as_json(), allow_nan=False))
    assert summary["parameters"]["a"]["stderr"] is None


def test_failed_simulations_count_as_large_residuals():
    calls = []

    def failing(cell, cycles, parameters, **kwargs):
        calls.append(parameters)
        if len(calls) == 3:
            raise SimulationFailed("solver stopped", None)
        return analytic_fade(cell, cycles, parameters, **kwargs)

    lines = []
    result = fit_fade("analytic", measured(), ["a", "b"], simulator=failing, specs=SPECS,
                      progress=lambda n, values, rms: lines.append((n, rms)))
    assert result.n_evaluations == len(calls) == len(lines)
    assert lines[2] == (3, None)
    assert result.parameters["a"]["value"] == pytest.approx(TRUTH["a"], rel=0.1)


def test_bounds_starting_values_and_names_are_checked(capsys):
    data = measured()
    with pytest.raises(FitError, match="unknown fit parameter 'd'; allowed: a, b, c"):
        fit_fade("analytic", data, ["a", "d"], simulator=analytic_fade, specs=SPECS)
    with pytest.raises(FitError, match=r"unknown fit parameter 'bb' \(did you mean 'b'\?\); allowed: a, b, c"):
        fit_fade("analytic", data, ["a", "bb"], simulator=analytic_fade, specs=SPECS)
    with pytest.raises(FitError, match="initial a must be between 0.0001 and 0.1"):
        fit_fade("analytic", data, ["a"], initial={"a": 1.0}, simulator=analytic_fade, specs=SPECS)
    short = read_fade_data(pd.DataFrame({"cycle": [1, 2], "discharge_capacity_mAh_g": [180.0, 179.0]}))
    with pytest.raises(FitError, match="needs more than 2 measured points"):
        fit_fade("analytic", short, ["a", "b"], simulator=analytic_fade, specs=SPECS)

    # a fade faster than the upper bound allows ends at the bound, and says so
    result = fit_fade("analytic", data, ["b"], simulator=analytic_fade, specs=SPECS | {"b": FitParameter(
        "b", "Linear fade rate [mAh.g-1]", 0.002, 1e-3, 0.01, True, "mAh/g")}, progress=True)
    assert result.at_bound == ["b"] and any("b ended at a bound" in w for w in result.warnings)
    misfit = [w for w in result.warnings if w.startswith("the fit misses the data: rms residual ")]
    assert len(misfit) == 1 and result.rmse_mAh_g > 3 * 0.005 * 150  # well above the 0.5 % noise of the data
    assert capsys.readouterr().err.count("evaluation ") == result.n_evaluations


def test_fixed_values_reach_every_simulation_and_are_checked():
    calls = []

    def recording(cell, cycles, parameters, **kwargs):
        calls.append(parameters)
        return analytic_fade(cell, cycles, parameters, **kwargs)

    result = fit_fade("analytic", measured(), ["a", "b"], fixed={"c": TRUTH["c"]}, simulator=recording, specs=SPECS)
    assert all(call["c"] == TRUTH["c"] and set(call) == {"a", "b", "c"} for call in calls)
    models = []
    fit_fade("analytic", measured(), ["a"], simulator=lambda *a, model, **k: models.append(model) or analytic_fade(*a, **k),
             specs=SPECS, model="dfn")
    assert models and set(models) == {"dfn"}  # the chosen model class reaches every simulation
    assert result.parameters["b"]["value"] == pytest.approx(TRUTH["b"], rel=0.1)
    assert list(result.parameters) == ["a", "b"] and result.as_json()["fixed"] == {"c": TRUTH["c"]}

    data = measured()
    for fixed, message in [({"d": 1.0}, "unknown fit parameter 'd'; allowed: a, b, c"),
                           ({"c": 7.0}, "fixed c must be between 0 and 5 ohm cm2, got 7"),
                           ({"c": float("nan")}, "fixed c must be between 0 and 5 ohm cm2, got nan"),
                           ({"a": 0.01, "c": 1.0}, "a is both fitted and fixed")]:
        with pytest.raises(FitError, match=message):
            fit_fade("analytic", data, ["a", "b"], fixed=fixed, simulator=analytic_fade, specs=SPECS)


def test_max_evaluations_stops_the_fit_and_says_so():
    result = fit_fade("analytic", measured(), ["a", "b", "c"], max_evaluations=8, simulator=analytic_fade, specs=SPECS)
    assert 4 <= result.n_evaluations <= 8
    stopped = f"stopped after {result.n_evaluations} simulations before converging (max_evaluations 8)"
    assert result.warnings[0] == stopped  # and, stopped that early, it misses the data:
    assert result.warnings[1].startswith("the fit misses the data: rms residual ") and len(result.warnings) == 2
    assert not result.converged and result.stop_reason == stopped
    assert result.as_json()["converged"] is False and result.as_json()["stop_reason"] == stopped
    free = fit_fade("analytic", measured(), ["a", "b", "c"], simulator=analytic_fade, specs=SPECS)
    assert free.converged and free.stop_reason.startswith("converged: ") and free.as_json()["converged"] is True
    with pytest.raises(FitError, match="fitting 3 parameters needs max_evaluations of at least 4, got 3"):
        fit_fade("analytic", measured(), ["a", "b", "c"], max_evaluations=3, simulator=analytic_fade, specs=SPECS)


def test_difference_steps_are_fractions_of_the_range():
    """Also for a value near the low end of a linear range, where a step relative to u would vanish."""
    calls = []

    def recording(cell, cycles, parameters, **kwargs):
        calls.append(parameters)
        return analytic_fade(cell, cycles, parameters, **kwargs)

    fit_fade("analytic", measured(), ["c", "a"], initial={"c": 0.1}, simulator=recording, specs=SPECS)
    start, c_step, a_step = calls[:3]
    assert c_step["c"] - start["c"] == pytest.approx(DIFF_STEP * 5.0)  # c: 0-5 ohm cm2
    assert np.log10(a_step["a"] / start["a"]) == pytest.approx(DIFF_STEP * 3)  # a: 1e-4 to 1e-1


def test_a_failed_forward_difference_is_taken_backward():
    fixed = {"a": TRUTH["a"], "c": TRUTH["c"]}
    reference = fit_fade("analytic", measured(), ["b"], fixed=fixed, simulator=analytic_fade, specs=SPECS)
    b = reference.parameters["b"]["value"]

    def failing_above(cell, cycles, parameters, **kwargs):  # fails between the optimum and its forward step
        if parameters["b"] > b * 1.003:
            raise SimulationFailed("solver stopped", None)
        return analytic_fade(cell, cycles, parameters, **kwargs)

    result = fit_fade("analytic", measured(), ["b"], fixed=fixed, simulator=failing_above, specs=SPECS)
    assert result.parameters["b"]["value"] == pytest.approx(b, rel=1e-4)
    assert result.parameters["b"]["stderr"] == pytest.approx(reference.parameters["b"]["stderr"], rel=0.05)


# --- fitter on the real model -----------------------------------------------------------------

YANG = "Yang2026_LFP_PGPE_PLATP10J"


def test_fade_simulator_builds_once_and_matches_simulate_fade():
    """Rates, contact loss and the cathode's active fraction enter the built model as inputs, so
    changing them does not rebuild it; every call equals a fresh simulate_fade."""
    simulator = FadeSimulator(["anode_interphase_rate", "cathode_contact_loss", "cathode_active_fraction"])
    runs, capacities = [], []
    for values in ({"anode_interphase_rate": 4.142, "cathode_contact_loss": 0.05, "cathode_active_fraction": 0.9},
                   {"anode_interphase_rate": 8.0, "cathode_contact_loss": 0.5, "cathode_active_fraction": 0.9},
                   {"anode_interphase_rate": 8.0, "cathode_contact_loss": 0.5, "cathode_active_fraction": 0.8}):
        reused, fresh = simulator(YANG, 3, values), simulate_fade(YANG, 3, values)
        runs.append(simulator.last_run)
        for quantity in ("discharge_capacity_mAh_g", "interface_resistance_ohm_cm2"):
            np.testing.assert_allclose(getattr(reused, quantity), getattr(fresh, quantity), rtol=1e-9)
        capacities.append(reused.discharge_capacity_mAh_g[-1])
    assert runs[2] is runs[1] is runs[0]
    assert capacities[0] > capacities[1] > capacities[2]  # each call saw its own values
    simulator(YANG, 4, {"anode_interphase_rate": 6.0, "cathode_contact_loss": 0.1, "cathode_active_fraction": 0.9})
    assert simulator.last_run is not runs[0]  # another cycle count is another build ...
    simulator(YANG, 3, {"anode_interphase_rate": 6.0, "cathode_contact_loss": 0.1, "cathode_active_fraction": 0.9})
    assert simulator.last_run is runs[0]  # ... and the earlier one is kept and used again


def test_recovers_the_interphase_rate_of_the_real_model():
    """20 cycles at 1C and 30 C, 0.5 % noise; contact loss held at its true value, the rate started at twice it."""
    truth = {"anode_interphase_rate": 4.142, "cathode_contact_loss": 0.05}
    curve = simulate_fade(YANG, 20, truth)
    rng = np.random.default_rng(7)
    capacity, resistance = (q * (1 + 0.005 * rng.standard_normal(20))
                            for q in (curve.discharge_capacity_mAh_g, curve.interface_resistance_ohm_cm2))
    resistance[(curve.cycle % 5 != 0) & (curve.cycle != 1)] = np.nan  # impedance at cycles 1, 5, 10, 15, 20
    data = read_fade_data(pd.DataFrame({"cycle": curve.cycle, "discharge_capacity_mAh_g": capacity,
                                        "interface_resistance_ohm_cm2": resistance, "c_rate": 1.0,
                                        "temperature_C": 30.0}))

    result = fit_fade(YANG, data, ["anode_interphase_rate"], initial={"anode_interphase_rate": 8.284},
                      fixed={"cathode_contact_loss": truth["cathode_contact_loss"]})
    fitted = result.parameters["anode_interphase_rate"]
    assert 0 < fitted["stderr"] < np.inf
    assert fitted["value"] == pytest.approx(truth["anode_interphase_rate"], rel=0.1)
    assert abs(fitted["value"] - truth["anode_interphase_rate"]) < 2 * fitted["stderr"]
    assert result.warnings == []


def test_recovers_the_contact_spread_of_a_pressed_cell():
    """The CUHS LFP cell's first 15 cycles at 0.2C, 0.5 % noise: kappa (sigma = kappa R_q) is
    recovered from a start 30 % high, its regions built once for the whole fit."""
    cell = "Cui2025_LFP_CUHS_CPS"
    truth = fit_parameters(cell)["lithium_interface_spread"].value
    curve = simulate_fade(cell, 15)
    noise = 1 + 0.005 * np.random.default_rng(3).standard_normal(15)
    data = read_fade_data(pd.DataFrame({"cycle": curve.cycle, "discharge_capacity_mAh_g": curve.discharge_capacity_mAh_g * noise}))
    result = fit_fade(cell, data, ["lithium_interface_spread"], initial={"lithium_interface_spread": 1.3 * truth})
    fitted = result.parameters["lithium_interface_spread"]
    assert fitted["value"] == pytest.approx(truth, rel=0.1)
    assert abs(fitted["value"] - truth) < 2 * fitted["stderr"]
    assert result.warnings == [] and result.at_bound == []


# --- command line -----------------------------------------------------------------------------

def run(*args):
    return subprocess.run([sys.executable, "-m", "pybamm_ssb.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "cell, text, message",
    [
        ("Cui2025_NOPE", GOOD, "unknown cell 'Cui2025_NOPE'"),
        (NCM, "cycle,capacity_mAh\n1,180\n2,179\n", "missing column 'discharge_capacity_mAh_g'"),
    ],
)
def test_fit_bad_input_gives_one_line_error(tmp_path, cell, text, message):
    path = tmp_path / "fade.csv"
    path.write_text(text)
    out = run("fit", cell, str(path), "--parameters", "a")
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr


@pytest.fixture
def analytic_model(monkeypatch):
    """Stands in for ``pybamm_ssb.fade`` so the command line runs the analytic fade law."""
    module = types.ModuleType("pybamm_ssb.fade")
    module.fit_parameters = lambda cell: SPECS
    module.FadeSimulator = lambda varied, curve_cycles=(): analytic_fade
    monkeypatch.setitem(sys.modules, "pybamm_ssb.fade", module)


def test_fit_command_json_table_and_plot(tmp_path, capsys, analytic_model):
    path, plot = tmp_path / "fade.csv", tmp_path / "fit.png"
    data = measured()
    table = {"cycle": data.cycle, "discharge_capacity_mAh_g": data.discharge_capacity_mAh_g}
    pd.DataFrame(table).to_csv(path, index=False)

    assert main(["fit", NCM, str(path), "--parameters", "a,b", "--json", "--plot", str(plot)]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out)  # stdout holds the JSON alone
    assert summary["parameters"]["a"]["value"] == pytest.approx(TRUTH["a"], rel=0.1)
    assert summary["rmse_resistance_ohm_cm2"] is None
    assert out.err.count("evaluation ") == summary["n_evaluations"]
    assert plot.stat().st_size > 10_000
    assert summary["converged"] is True and summary["stop_reason"].startswith("converged: ")

    assert main(["fit", NCM, str(path), "--parameters", "a,b", "--max-evaluations", "3", "--json"]) == 0
    capped = json.loads(capsys.readouterr().out)
    assert capped["converged"] is False
    assert capped["stop_reason"] == f"stopped after {capped['n_evaluations']} simulations before converging (max_evaluations 3)"

    assert main(["fit", NCM, str(path), "--parameters", "a,b"]) == 0
    table = capsys.readouterr().out
    assert "a " in table and "+-" in table and "rmse" in table and "simulations in" in table

    assert main(["fit", NCM, str(path), "--parameters", "a,capacity"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error == ["pybamm-ssb: error: unknown fit parameter 'capacity'; allowed: a, b, c"]


@pytest.fixture
def fade_csv(tmp_path):
    path = tmp_path / "fade.csv"
    data = measured()
    table = {"cycle": data.cycle, "discharge_capacity_mAh_g": data.discharge_capacity_mAh_g}
    pd.DataFrame(table).to_csv(path, index=False)
    return str(path)


def test_fit_command_fixed_and_max_evaluations(capsys, analytic_model, fade_csv):
    assert main(["fit", NCM, fade_csv, "--parameters", "a,b", "--fixed", " c = 0.8 ", "--max-evaluations", "6",
                 "--json"]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert summary["fixed"] == {"c": 0.8} and summary["n_evaluations"] <= 6
    assert "pybamm-ssb: warning: stopped after" in out.err

    assert main(["fit", NCM, fade_csv, "--parameters", "a,b", "--fixed", "c=0.8"]) == 0
    assert "held fixed: c = 0.8" in capsys.readouterr().out


@pytest.mark.parametrize(
    "options, message",
    [
        (["--fixed", "c"], "--fixed takes NAME=VALUE pairs, each name once, separated by commas; got 'c'"),
        (["--fixed", "c="], "got 'c='"),
        (["--fixed", "=0.8"], "got '=0.8'"),
        (["--fixed", "c=lots"], "got 'c=lots'"),
        (["--fixed", "c=0.8,c=0.9"], "got 'c=0.9'"),
        (["--fixed", "c=9"], "fixed c must be between 0 and 5 ohm cm2, got 9"),
        (["--fixed", "b=0.05"], "b is both fitted and fixed"),
        (["--max-evaluations", "2"], "fitting 2 parameters needs max_evaluations of at least 3, got 2"),
    ],
)
def test_fit_command_bad_options_give_one_line_error(capsys, analytic_model, fade_csv, options, message):
    assert main(["fit", NCM, fade_csv, "--parameters", "a,b", *options]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("pybamm-ssb: error: ") and message in error[0]


def test_fit_command_max_evaluations_must_be_a_whole_number(capsys, fade_csv):
    with pytest.raises(SystemExit) as stop:
        main(["fit", NCM, fade_csv, "--parameters", "a", "--max-evaluations", "many"])
    assert stop.value.code == 2 and "--max-evaluations: invalid int value: 'many'" in capsys.readouterr().err
