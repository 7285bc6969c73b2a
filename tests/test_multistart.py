"""Fits from several starting points in parallel processes (pybamm_ssb.multistart), and an
accelerated fit through the command line."""

import json

import numpy as np
import pandas as pd
import pytest

from pybamm_ssb.cli import main
from pybamm_ssb.fade import fit_parameters, simulate_fade
from pybamm_ssb.fade_data import read_fade_data
from pybamm_ssb.fitting import FitError, _to_unit
from pybamm_ssb.multistart import fit_multistart, starting_points
from pybamm_ssb.registry import get_cell

MEMBRANE = "Yang2026_LFP_PGPE_PLATP10J"


def test_starting_points_are_the_given_one_then_a_latin_hypercube():
    specs = [fit_parameters(MEMBRANE)[name] for name in ("anode_interphase_rate", "cathode_contact_loss")]
    points = starting_points(specs, {"anode_interphase_rate": 7.0}, 5, seed=1)
    assert points[0] == {"anode_interphase_rate": 7.0, "cathode_contact_loss": specs[1].value}
    unit = np.array([[_to_unit(spec, p[spec.name]) for spec in specs] for p in points[1:]])
    for column in unit.T:  # each of the 4 equal slices of each range holds one point
        assert sorted(np.floor(column * 4).astype(int)) == [0, 1, 2, 3]
    assert starting_points(specs, {}, 5, seed=1) [1:] == points[1:]  # seeded


def test_the_best_of_several_starts_is_kept(tmp_path):
    """A rate fitted to 8 cycles from the cell's value and from a Latin hypercube point: both starts
    reach the truth, the result lists them, and the polished fit recovers it."""
    truth = 20.0
    curve = simulate_fade(MEMBRANE, 8, {"anode_interphase_rate": truth})
    data = read_fade_data(pd.DataFrame({"cycle": curve.cycle, "discharge_capacity_mAh_g": curve.discharge_capacity_mAh_g}))
    result = fit_multistart(MEMBRANE, data, ["anode_interphase_rate"], 2, workers=2, relative_noise=1e-3)
    assert result.parameters["anode_interphase_rate"]["value"] == pytest.approx(truth, rel=1e-3)
    assert len(result.starts) == 2 and all(start["fitted"] is not None for start in result.starts)
    assert result.cost == pytest.approx(min(start["cost"] for start in result.starts), abs=1e-9)


def test_multistart_refuses_what_it_cannot_run():
    with pytest.raises(FitError, match="starts must be a whole number"):
        fit_multistart(MEMBRANE, None, ["anode_interphase_rate"], 0)
    with pytest.raises(FitError, match="by name or file"):
        fit_multistart(get_cell(MEMBRANE), None, ["anode_interphase_rate"], 2)


def test_an_accelerated_simulation_from_the_command_line_marks_its_jumped_cycles(capsys):
    assert main(["simulate", MEMBRANE, "--cycles", "60", "--accelerate", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    rows = printed["cycles"]
    assert [row["cycle"] for row in rows] == list(range(1, 61)) and any(row["extrapolated"] for row in rows)
    assert printed["jumps"] and printed["solved_cycles"] < 60
