"""PyBOP interoperability: PyBOP's optimisers and samplers on a registered cell, through the fade
adapter (degradation parameters, per-cycle data) and through PyBOP's own PyBaMM simulator
(SolidStateSPMe, a voltage-time series). Skipped when pybop is not installed (extra ``pybop``)."""

import importlib
import sys
from importlib.util import find_spec

import numpy as np
import pandas as pd
import pybamm
import pytest

import pybamm_ssb
from pybamm_ssb.extras import MissingExtraError
from pybamm_ssb.fade import simulate_fade
from pybamm_ssb.fade_data import read_fade_data
from pybamm_ssb.fitting import FitError, fit_fade

needs_pybop = pytest.mark.skipif(find_spec("pybop") is None, reason="pybop is not installed (extra 'pybop')")

CELL = "Yang2026_LFP_PGPE_PLATP10J"
PROTOCOL = {"c_rate": 1.0, "temperature_C": 30.0}
TRUTH = {"anode_interphase_rate": 20.0, "cathode_contact_loss": 0.1}
NOISE = 0.005


@pytest.fixture(scope="module")
def fade():
    """12 cycles at 1C and 30 C with known rates, capacities with 0.5 % noise."""
    truth = simulate_fade(CELL, 12, TRUTH, **PROTOCOL)
    noisy = truth.discharge_capacity_mAh_g * (1 + NOISE * np.random.default_rng(1).standard_normal(12))
    return read_fade_data(pd.DataFrame({"cycle": truth.cycle, "discharge_capacity_mAh_g": noisy}).assign(**PROTOCOL))


def test_missing_pybop_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pybop", None)
    monkeypatch.delitem(sys.modules, "pybamm_ssb.pybop_adapter", raising=False)
    with pytest.raises(MissingExtraError, match=r"the PyBOP adapter needs pybop.*pip install 'pybamm-ssb\[pybop\]'"):
        importlib.import_module("pybamm_ssb.pybop_adapter")


@needs_pybop
def test_pybop_optimiser_finds_the_least_squares_optimum(fade):
    """PyBOP's Nelder-Mead on the adapter's capacities ends where fit_fade does."""
    import pybop

    from pybamm_ssb import pybop_adapter

    simulator = pybop_adapter.FadeSimulator(CELL, ["cathode_contact_loss"], fade, fixed={"anode_interphase_rate": 20.0},
                                            initial={"cathode_contact_loss": 0.2})
    cost = pybop.SumSquaredError(pybop_adapter.fade_dataset(fade), target=pybop_adapter.CAPACITY)
    result = pybop.SciPyMinimize(pybop.Problem(simulator, cost), pybop.SciPyMinimizeOptions(method="Nelder-Mead", maxiter=40)).run()
    ours = fit_fade(CELL, fade, ["cathode_contact_loss"], fixed={"anode_interphase_rate": 20.0})
    fitted = ours.parameters["cathode_contact_loss"]
    assert result.x[0] == pytest.approx(fitted["value"], abs=0.2 * fitted["stderr"])
    assert abs(result.x[0] - TRUTH["cathode_contact_loss"]) < 2 * fitted["stderr"]
    assert result.best_cost == pytest.approx(np.sum((ours.curve.discharge_capacity_mAh_g - fade.discharge_capacity_mAh_g) ** 2),
                                             rel=0.05)


@needs_pybop
def test_pybop_sampler_on_the_adapter(fade):
    """DE-MCMC on pybop.LogPDF (uniform prior over the bounds), chains started by a prior
    centred on the least-squares value: the 95 % interval holds the truth."""
    import pybop

    from pybamm_ssb import pybop_adapter

    ours = fit_fade(CELL, fade, ["cathode_contact_loss"], fixed={"anode_interphase_rate": 20.0}).parameters["cathode_contact_loss"]
    prior = pybop.Gaussian(ours["value"], 3 * ours["stderr"], truncated_at=[0.0, 5.0])
    simulator = pybop_adapter.FadeSimulator(CELL, ["cathode_contact_loss"], fade, fixed={"anode_interphase_rate": 20.0},
                                            priors={"cathode_contact_loss": prior})
    dataset = pybop_adapter.fade_dataset(fade)
    likelihood = pybop.GaussianLogLikelihoodKnownSigma(dataset, sigma=NOISE * fade.discharge_capacity_mAh_g.mean(),
                                                       target=pybop_adapter.CAPACITY)
    options = pybop.PintsSamplerOptions(n_chains=3, max_iterations=40, warm_up_iterations=10, log_to_screen=False)
    np.random.seed(0)  # PyBOP's PINTS samplers draw from numpy's global generator
    samples = pybop.DifferentialEvolutionMCMC(pybop.LogPDF(simulator, likelihood), options).run().all_samples[:, 0]
    low, high = np.percentile(samples, [2.5, 97.5])
    assert low < TRUTH["cathode_contact_loss"] < high and high - low < 10 * ours["stderr"]


@needs_pybop
def test_adapter_checks_its_inputs(fade):
    import pybop

    from pybamm_ssb import pybop_adapter

    with pytest.raises(FitError, match="unknown fit parameter 'contact'; allowed: anode_interphase_rate"):
        pybop_adapter.FadeSimulator(CELL, ["contact"], fade)
    with pytest.raises(FitError, match="prior given for 'anode_interphase_rate', which is not fitted"):
        pybop_adapter.FadeSimulator(CELL, ["cathode_contact_loss"], fade, priors={"anode_interphase_rate": pybop.Gaussian(20, 1)})
    simulator = pybop_adapter.FadeSimulator(CELL, ["anode_interphase_rate"], fade)
    rate = simulator.parameters["anode_interphase_rate"]
    assert isinstance(rate.transformation, pybop.LogTransformation) and tuple(rate.bounds) == (1e-4, 1e4)  # log-uniform over the range
    with pytest.raises(FitError, match="PyBOP target 'Voltage \\[V\\]' is not an output of the fade simulator"):
        simulator.set_output_variables(["Voltage [V]"])
    simulator.set_output_variables([pybop_adapter.CAPACITY, pybop_adapter.RESISTANCE])
    assert simulator.output_variables == [pybop_adapter.CAPACITY, pybop_adapter.RESISTANCE]


@needs_pybop
def test_pybop_fits_solid_state_spme_to_a_discharge():
    """No adapter needed for PyBaMM parameters: PyBOP's own simulator runs SolidStateSPMe with the
    cell's options and values, and recovers the cathode's active volume fraction from 2 mV noise."""
    import pybop

    values = pybamm.ParameterValues(CELL)  # charged, as PyBaMM's sets start
    options = pybamm_ssb.prepare_run(CELL).options
    values["Current function [A]"] = values["Nominal cell capacity [A.h]"]  # 1C
    time = np.linspace(0, 2800, 60)
    solution = pybamm.Simulation(pybamm_ssb.SolidStateSPMe(options), parameter_values=values).solve([0, time[-1]], t_interp=time)
    noisy = solution["Voltage [V]"].data + 0.002 * np.random.default_rng(2).standard_normal(len(time))
    dataset = pybop.Dataset({"Time [s]": time, "Current [A]": solution["Current [A]"].data, "Voltage [V]": noisy})
    name = "Positive electrode active material volume fraction"
    truth = values[name]
    values[name] = pybop.Parameter(bounds=[0.3, 0.5], initial_value=0.45)
    simulator = pybop.pybamm.Simulator(pybamm_ssb.SolidStateSPMe(options), parameter_values=values, protocol=dataset)
    problem = pybop.Problem(simulator, pybop.SumSquaredError(dataset, target="Voltage [V]"))
    result = pybop.SciPyMinimize(problem, pybop.SciPyMinimizeOptions(method="Nelder-Mead", maxiter=30)).run()
    assert result.x[0] == pytest.approx(truth, rel=0.01)
