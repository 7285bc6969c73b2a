"""Posterior sampling (emcee) on synthetic data: the credible intervals hold the truth, on the
analytic fade law of test_fitting and on a short chain of the real model with discharge curves."""

import json
import sys
import types

import numpy as np
import pandas as pd
import pytest

from pybamm_ssb.cli import main
from pybamm_ssb.curve_data import read_discharge_curves
from pybamm_ssb.extras import MissingExtraError
from pybamm_ssb.fade import simulate_fade
from pybamm_ssb.fit_curves import simulated_discharge
from pybamm_ssb.fitting import FitError, fit_fade
from pybamm_ssb.plotting import plot_posterior
from pybamm_ssb.posterior import PosteriorError, PosteriorOptions

from .conftest import NCM
from .test_fitting import SPECS, TRUTH, analytic_fade, measured


def analytic_capacity(cycle):
    return analytic_fade("analytic", cycle, TRUTH).discharge_capacity_mAh_g[-1]


def counting():
    calls = []

    def simulator(*args, **kwargs):
        calls.append(args)
        return analytic_fade(*args, **kwargs)

    return simulator, calls


def test_credible_intervals_hold_the_truth_and_scale_with_the_noise(tmp_path):
    options = PosteriorOptions(steps=300, walkers=16, predict_cycle=600, predict_samples=40, seed=1)
    result = fit_fade("analytic", measured(), ["a", "b", "c"], simulator=analytic_fade, specs=SPECS, posterior=options)
    posterior = result.posterior
    assert posterior.samples.shape == (16 * 150, 3) and posterior.burn == 150
    for name, truth in TRUTH.items():
        q = posterior.intervals[name]
        assert q["2.5"] < truth < q["97.5"], name
        assert q["50"] == pytest.approx(result.parameters[name]["value"], rel=0.02), name
        width = (q["97.5"] - q["2.5"]) / (2 * 1.96 * result.parameters[name]["stderr"])
        assert 0.5 < width < 2, name  # the posterior agrees with the linearised standard errors
    assert 0.2 < posterior.acceptance < 0.9
    assert 16 * 300 <= posterior.n_simulations <= 16 * 301  # walkers x (steps + the start)
    assert posterior.noise["relative"] == pytest.approx(0.005, rel=0.3) and posterior.noise["voltage_mV"] is None
    assert posterior.noise_source == {"relative": "estimated from the residuals"}
    band = posterior.prediction
    assert band["cycle"] == 600 and band["draws"] == 40 and band["failed"] == 0
    assert band["2.5"] < analytic_capacity(600) < band["97.5"]
    summary = json.loads(json.dumps(result.as_json(), allow_nan=False))["posterior"]
    assert set(summary["credible_intervals"]["a"]) == {"2.5", "50", "97.5"}
    assert summary["prediction"]["50"] == pytest.approx(band["50"])
    assert plot_posterior(posterior, tmp_path / "corner.png", truths=TRUTH) is not None
    assert (tmp_path / "corner.png").stat().st_size > 30_000

    noisier = fit_fade("analytic", measured(), ["a", "b", "c"], simulator=analytic_fade, specs=SPECS,
                       posterior=PosteriorOptions(steps=300, walkers=16, noise_relative=0.01, seed=1)).posterior
    assert noisier.noise_source == {"relative": "given"} and noisier.noise["relative"] == 0.01
    for name in TRUTH:
        widths = [p.intervals[name]["97.5"] - p.intervals[name]["2.5"] for p in (posterior, noisier)]
        assert 1.5 < widths[1] / widths[0] < 3.5, name  # twice the noise, about twice the width


@pytest.mark.parametrize(
    "options, message",
    [
        (PosteriorOptions(walkers=3), "posterior walkers must be a whole number >= 4, got 3"),
        (PosteriorOptions(steps=1), "posterior steps must be a whole number >= 2, got 1"),
        (PosteriorOptions(steps=10, burn=10), "posterior burn must be between 0 and steps - 1 = 9, got 10"),
        (PosteriorOptions(noise_relative=-0.01), "posterior noise_relative must be a number > 0"),
        (PosteriorOptions(predict_cycle=0), "posterior predict_cycle must be a whole number >= 1, got 0"),
        (PosteriorOptions(noise_voltage_mV=2.0), "a voltage noise was given for the posterior, but no discharge curves"),
    ],
)
def test_bad_options_stop_before_any_simulation(options, message):
    simulator, calls = counting()
    with pytest.raises((PosteriorError, FitError), match=message):
        fit_fade("analytic", measured(), ["a", "b"], simulator=simulator, specs=SPECS, posterior=options)
    assert calls == []


def test_missing_emcee_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "emcee", None)  # import emcee raises ImportError
    simulator, calls = counting()
    with pytest.raises(MissingExtraError, match=r"sampling the posterior needs emcee.*pip install 'pybamm-ssb\[uq\]'"):
        fit_fade("analytic", measured(), ["a"], simulator=simulator, specs=SPECS, posterior=True)
    assert calls == []


@pytest.fixture
def analytic_cli(monkeypatch, tmp_path):
    """The command line on the analytic fade law (as in test_fitting), and its data file."""
    module = types.ModuleType("pybamm_ssb.fade")
    module.fit_parameters = lambda cell: SPECS
    module.FadeSimulator = lambda varied, curve_cycles=(): analytic_fade
    monkeypatch.setitem(sys.modules, "pybamm_ssb.fade", module)
    data, path = measured(), tmp_path / "fade.csv"
    pd.DataFrame({"cycle": data.cycle, "discharge_capacity_mAh_g": data.discharge_capacity_mAh_g}).to_csv(path, index=False)
    return str(path)


def test_posterior_command(analytic_cli, tmp_path, capsys, monkeypatch):
    plot = tmp_path / "fit.png"
    args = ["fit", NCM, analytic_cli, "--parameters", "a,b", "--posterior", "60", "--walkers", "8", "--predict-cycle", "600"]
    assert main([*args, "--json", "--plot", str(plot)]) == 0
    out = capsys.readouterr()
    posterior = json.loads(out.out)["posterior"]
    assert (posterior["walkers"], posterior["steps"], posterior["burn"], posterior["samples"]) == (8, 60, 30, 240)
    for name in ("a", "b"):
        q = posterior["credible_intervals"][name]
        assert q["2.5"] < TRUTH[name] < q["97.5"], name
    assert posterior["prediction"]["cycle"] == 600 and posterior["prediction"]["draws"] == 20
    assert "posterior step 60/60" in out.err and out.err.count("prediction ") == 20
    assert plot.stat().st_size > 10_000 and (tmp_path / "fit_posterior.png").stat().st_size > 20_000

    assert main([*args, "--noise", "0.005"]) == 0
    text = capsys.readouterr().out
    assert "capacities 0.5 % (given)" in text and "97.5 %" in text and "capacity at cycle 600:" in text

    assert main(["fit", NCM, analytic_cli, "--parameters", "a", "--walkers", "8"]) == 2
    assert capsys.readouterr().err.strip() == "pybamm-ssb: error: --walkers needs --posterior"
    monkeypatch.setitem(sys.modules, "emcee", None)
    assert main(args) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "install the extra 'uq'" in error[0]


def test_real_model_posterior_from_discharge_curves():
    """The anode interphase rate of the PGPE@P-LATP10-J cell from the discharge curves of 6
    cycles at 1C (2 mV noise), contact loss held: a short chain (8 walkers x 18 steps, 12 kept;
    8 x 100 steps give 18.7-22.3 nm/h, the least-squares fit 20.6 +- 0.86)."""
    cell, protocol, truth = "Yang2026_LFP_PGPE_PLATP10J", {"c_rate": 1.0, "temperature_C": 30.0}, 20.0
    values = {"anode_interphase_rate": truth, "cathode_contact_loss": 0.1}
    simulated = simulate_fade(cell, 6, values, curve_cycles=(1, 3, 6), **protocol)
    rng = np.random.default_rng(1)
    tables = []
    for cycle in (1, 3, 6):
        q, v = simulated_discharge(simulated, cycle)
        points = np.linspace(0, q[-1], 30)
        tables.append(pd.DataFrame({"cycle": cycle, "capacity_mAh_g": points,
                                    "voltage_V": np.interp(points, q, v) + 0.002 * rng.standard_normal(30)}))
    curves = read_discharge_curves(pd.concat(tables).assign(**protocol))
    options = PosteriorOptions(steps=18, walkers=8, burn=6, noise_voltage_mV=2.0, predict_cycle=8, predict_samples=3)
    result = fit_fade(cell, None, ["anode_interphase_rate"], curves=curves, fixed={"cathode_contact_loss": 0.1},
                      initial={"anode_interphase_rate": 30.0}, posterior=options)
    posterior = result.posterior
    q = posterior.intervals["anode_interphase_rate"]
    assert q["2.5"] < truth < q["97.5"] and q["97.5"] - q["2.5"] < 0.3 * truth
    assert posterior.noise == {"relative": None, "voltage_mV": 2.0} and posterior.noise_source == {"voltage_mV": "given"}
    band = posterior.prediction
    reference = simulate_fade(cell, 8, values, **protocol).discharge_capacity_mAh_g[-1]
    assert band["failed"] == 0 and band["2.5"] - 0.5 < reference < band["97.5"] + 0.5
