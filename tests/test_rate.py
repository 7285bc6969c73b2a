"""Rate capability: the low-rate limit, monotonic decline, protocol checks, CLI."""

import json

import numpy as np
import pytest

from pybamm_ssb import cli
from pybamm_ssb.experiments import ProtocolError
from pybamm_ssb.rate import DEFAULT_RATES, rate_capability
from pybamm_ssb.registry import get_cell
from pybamm_ssb.reproduce import RATE, TARGETS

YANG = "Yang2026_LFP_PGPE_PLATP10J"


@pytest.fixture(scope="module")
def curve():
    return rate_capability(YANG, (0.02, 0.5, 2.0))


def test_low_rate_capacity_is_the_active_fraction_of_lfp(curve):
    """At C/50 diffusion and resistance no longer limit: Q -> f * 170 mAh/g (window is the full LFP swing)."""
    f = get_cell(YANG).values["Positive electrode active material volume fraction"]
    values = get_cell(YANG).values
    eps_lfp = values["Positive electrode active material loading [kg.m-2]"] / (3600.0 * values["Positive electrode thickness [m]"])
    expected = f / eps_lfp * 169.9  # mAh/g of LiFePO4: F / (3.6 M)
    assert curve.discharge_capacity_mAh_g[0] == pytest.approx(expected, rel=0.015)


def test_capacity_falls_with_rate(curve):
    assert np.all(np.diff(curve.discharge_capacity_mAh_g) < 0)
    assert curve.discharge_capacity_mAh_g[-1] < 0.9 * curve.discharge_capacity_mAh_g[0]


def test_every_002_variant_has_five_rate_targets_and_only_the_calibration_cell_is_fitted():
    rate_targets = [t for t in TARGETS if t.quantity == RATE and t.id.startswith("002") and "_LFP_" in t.cell]
    assert len(rate_targets) == 15
    assert all(t.rate_test == (0.1, 0.2, 0.5, 1.0, 2.0) and t.c_rate == t.rate_test[t.cycle - 1] for t in rate_targets)
    assert {t.kind for t in rate_targets if t.cell == YANG} == {"fitted"}
    assert {t.kind for t in rate_targets if t.cell != YANG} == {"predicted"}


@pytest.mark.parametrize("rates", [(), (0.0,), (-1.0,), (50.0,)])
def test_bad_rates_are_rejected_before_solving(rates):
    with pytest.raises(ProtocolError, match="C-rates must lie in"):
        rate_capability(YANG, rates)


def test_cli_json(capsys, tmp_path):
    plot = tmp_path / "rate.png"
    assert cli.main(["rate", YANG, "--rates", "1", "--json", "--plot", str(plot)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"cell", "temperature_C", "points"}
    assert [set(p) for p in out["points"]] == [{"c_rate", "discharge_capacity_mAh_g"}]
    assert plot.stat().st_size > 0
    assert cli.main(["rate", YANG, "--rates", "1,fast"]) == 2


def test_a_rate_whose_steps_cannot_start_counts_zero_capacity():
    """A 10 um anode film (1000 Ohm cm2 at 1e-4 S/m) puts the 2C charge above 4.0 V at once:
    PyBaMM returns empty steps, which pass no charge; the 0.5C cycle before is unaffected."""
    cell = "Yang2026_LFP_PLATP10"
    values = get_cell(cell, overrides={"anode_interphase_initial_thickness_nm": 1e4}).parameter_values
    film = 1e4 * 1e-9 / values["Anode interphase conductivity [S.m-1]"](303.15) * 1e4  # Ohm cm2
    current = 2 * values["Nominal cell capacity [A.h]"] / (values["Electrode height [m]"] * values["Electrode width [m]"] * 1e4)
    assert 4.0 - 3.45 < current * film  # LFP plateau + film drop is above the upper cut-off
    q = rate_capability(cell, (0.5, 2.0), parameter_values=values).discharge_capacity_mAh_g
    assert q[0] > 140.0
    assert q[1] == 0.0


def test_a_rate_that_cannot_start_at_all_does_not_stop_the_test():
    """The pressed CUHS NCM811 cell, discharged to 2.8 V, is beyond both cut-offs at 2C (its
    charge and its discharge start outside the window): that rate delivers nothing, and the
    0.1C cycle after it still runs (PyBaMM alone stops the experiment at such a cycle)."""
    q = rate_capability("Cui2025_NCM811_CUHS_CPS", (*DEFAULT_RATES, 0.1)).discharge_capacity_mAh_g
    assert DEFAULT_RATES[-1] == 2.0 and q[-2] == 0.0
    assert q[-1] > 100.0 and q[0] > 100.0
