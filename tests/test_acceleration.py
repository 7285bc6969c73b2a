"""Cycle jumping (pybamm_ssb.acceleration) and block-by-block runs: exact on analytic envelopes,
and accurate against full simulations of a welded, a pressed and a membrane cell."""

import numpy as np
import pybamm
import pytest

from pybamm_ssb.acceleration import CycleJumping, fill_extrapolated
from pybamm_ssb.experiments import cycling_experiment, default_steps
from pybamm_ssb.registry import get_cell
from pybamm_ssb.simulate import CYCLES_PER_BLOCK, SAVED_CYCLES, CyclingSimulation, active_mass_g, cycle_capacities
from pybamm_ssb.validation import ParameterError

WELDED, PRESSED, MEMBRANE = "Cui2025_NCM811_NUHS_TPW", "Cui2025_LFP_NUHS_CPS", "Yang2026_LFP_PGPE_PLATP10J"


NONE = np.zeros(0, dtype=int)


def _quadratic(k):
    """An envelope quadratic in cycle number (a film growing at a falling rate), and a constant."""
    return np.array([2.0 + 0.03 * k - 1e-5 * k**2, 5.0])


def test_a_jump_along_a_quadratic_envelope_is_exact():
    """Once the trend dg/dk is known, second-order Adams-Bashforth integrates a quadratic exactly."""
    jumping = CycleJumping(window=2)
    ends = {k: _quadratic(k) for k in range(1, 40)}
    for cycle in (6, 10, 15, 20):
        jumping.measure(ends, cycle, NONE)
    slow = np.array([0, 1])
    for n in (5, 37, 200):
        assert jumping.land(ends[20], 20, n, slow, NONE) == pytest.approx(_quadratic(20 + n), rel=1e-12)


def test_after_a_jump_fast_states_land_by_the_second_order_step_on_their_secants():
    """A secant's derivative is exact about its midpoint on a quadratic: the fast state lands on it
    exactly, as the slow one does (the fast one is kept before the second measurement)."""
    jumping = CycleJumping(window=2)
    ends = {k: _quadratic(k)[::-1] for k in range(1, 40)}  # state 1 is the fast one
    slow, fast = np.array([0]), np.array([1])
    jumping.measure(ends, 6, fast)
    assert jumping.land(ends[6], 6, 4, slow, fast)[1] == ends[6][1]
    for cycle in (10, 15, 20):
        jumping.measure(ends, cycle, fast)
    assert jumping.samples[-1].p.tolist() == [19.0, 17.5]
    for n in (5, 37, 200):
        assert jumping.land(ends[20], 20, n, slow, fast)[1] == pytest.approx(_quadratic(20 + n)[0], rel=1e-12)


def test_a_secant_divides_the_relaxation_after_a_jump_by_its_span():
    """A quantity on a linear envelope that, landed off by d at cycle 20, relaxes by r per cycle:
    the window's g (cycles 22-23) carries d (r - 1)(r + r^2) / 2, the secant from cycle 10 only d r^3 / 13."""
    d, r = 0.05, 0.65
    ends = {k: np.array([1.0 + 0.01 * k + (d * r ** (k - 20) if k >= 20 else 0.0)]) for k in range(1, 24)}
    window, secant = CycleJumping(window=2), CycleJumping(window=2)
    for jumping, which in ((window, NONE), (secant, np.array([0]))):
        jumping.measure(ends, 10, which)
        jumping.measure(ends, 23, which)
    assert window.samples[-1].g[0] - 0.01 == pytest.approx(d * (r - 1) * (r + r**2) / 2, rel=1e-9)
    assert secant.samples[-1].g[0] - 0.01 == pytest.approx(d * r**3 / 13, rel=1e-9)
    assert secant.samples[-1].p[0] == 16.5


def _cubic(k):
    return np.array([2.0 + 0.03 * k - 1e-5 * k**2 + 2e-8 * k**3, 5.0])


@pytest.mark.parametrize("rtol", [1e-4, 1e-3, 8e-3])
def test_the_jump_length_is_the_longest_whose_error_on_a_cubic_envelope_stays_within_the_tolerance(rtol):
    """On a cubic envelope g''/2 is exact (window 1: no scatter), and the error of the second-order
    jump is |g''/2| (n^3/3 + (a + b) n^2/2 + a b n): n cycles stay within rtol, n + 1 do not."""
    scale, controlled, slow, fast = np.ones(2), np.array([0, 1]), np.array([0, 1]), np.zeros(0, dtype=int)
    jumping = CycleJumping(rtol=rtol, window=1, max_jump=10**6)
    ends = {k: _cubic(k) for k in range(1, 400)}
    for cycle in (10, 20, 30):
        jumping.measure(ends, cycle, NONE)
    assert jumping._curvature() == pytest.approx([3 * 2e-8, 0.0], abs=1e-15)
    jumping.measure(ends, 45, NONE)
    n = jumping.jump_length(45, scale, controlled, 10**6)
    error = [abs(jumping.land(ends[45], 45, m, slow, fast)[0] - _cubic(45 + m)[0]) for m in (n, n + 1)]
    assert error[0] <= rtol < error[1]
    assert jumping.jump_length(45, scale, controlled, jumping.window + jumping.settle + 1) == 0  # no room: the rest is simulated


def test_a_secant_quantity_bounds_the_jump_by_its_own_measurement_cycles():
    """With g a secant about p = 37.5 and q = 25 (not 44.5 and 29.5), the local error uses a = 7.5
    and b = 20: n cycles stay within rtol, n + 1 do not."""
    rtol, scale, controlled = 1e-3, np.ones(2), np.array([0, 1])
    jumping = CycleJumping(rtol=rtol, window=1, max_jump=10**6)
    ends = {k: _cubic(k) for k in range(1, 400)}
    for cycle in (10, 20, 30, 45):
        jumping.measure(ends, cycle, np.array([0]))
    assert jumping.samples[-1].p[0] == 37.5 and jumping.samples[-2].p[0] == 25.0
    n = jumping.jump_length(45, scale, controlled, 10**6)
    error = [abs(jumping._curvature()[0]) * (m**3 / 3 + 27.5 * m**2 / 2 + 150 * m) for m in (n, n + 1)]
    assert error[0] <= rtol < error[1]


def test_before_the_curvature_is_known_the_first_jump_is_taken_then_doubled():
    scale, controlled = np.ones(2), np.array([0, 1])
    jumping = CycleJumping(max_jump=10**6)
    ends = {k: _cubic(k) for k in range(1, 40)}
    jumping.measure(ends, 6, NONE)
    assert jumping.jump_length(6, scale, controlled, 10**6) == jumping.first_jump
    jumping.jumps.append((6, jumping.first_jump))
    jumping.measure(ends, 13, NONE)
    assert jumping.jump_length(13, scale, controlled, 10**6) == 2 * jumping.first_jump


def test_a_jump_whose_landing_disagrees_is_rejected_and_halved():
    scale, controlled, observed = np.ones(2), np.array([0]), np.array([1])
    jumping = CycleJumping(rtol=1e-3)
    ends = {k: _quadratic(k) for k in range(1, 40)}
    for cycle in (6, 10, 15, 20):
        jumping.measure(ends, cycle, observed)
    landed = {k: _quadratic(k) + np.array([0.01 * (k - 40), 0.0]) for k in range(41, 44)}  # derivative off by 0.01
    assert not jumping.accept(20, 20, {**ends, **landed}, 43, scale, controlled, observed, observed)
    assert jumping.rejected == 1 and jumping.jump_length(20, scale, controlled, 10**6) <= 10
    relaxing = {k: _quadratic(k) + np.array([0.0, 0.01 * 0.1 ** (k - 41)]) for k in range(41, 44)}  # back by cycle 43
    assert not jumping.accept(20, 20, {**ends, **relaxing}, 43, scale, controlled, observed, observed)
    right = {k: _quadratic(k) for k in range(41, 44)}
    assert jumping.accept(20, 20, {**ends, **right}, 43, scale, controlled, observed, observed)
    assert jumping.jumps == [(20, 20)]


def test_bad_settings_are_refused():
    for settings in ({"rtol": 0}, {"rtol": float("nan")}, {"window": 0}, {"first": 2, "window": 2}, {"max_jump": 1.5}):
        with pytest.raises(ParameterError):
            CycleJumping(**settings)


def test_rows_of_jumped_cycles_are_interpolated_and_marked():
    rows = [{"cycle": c, "discharge_capacity_mAh_g": 100.0 - c, "charge_capacity_mAh_g": 101.0 - c,
             "coulombic_efficiency": (100.0 - c) / (101.0 - c)} for c in (1, 2, 5, 9)]
    filled = fill_extrapolated(rows, 9)
    assert [r["cycle"] for r in filled] == list(range(1, 10))
    assert [r["extrapolated"] for r in filled] == [False, False, True, True, False, True, True, True, False]
    assert filled[6]["discharge_capacity_mAh_g"] == pytest.approx(93.0)
    assert filled[6]["coulombic_efficiency"] == pytest.approx(93.0 / 94.0)


def test_blocks_change_nothing_and_keep_only_what_the_rows_need():
    """A run longer than a block gives PyBaMM's own rows for its whole experiment, and keeps only
    the solutions of a few cycles."""
    cycles = CYCLES_PER_BLOCK + 20
    steps = default_steps(get_cell(MEMBRANE).parameter_values, 1.0)
    one = CyclingSimulation(MEMBRANE, steps, 1)  # the model and values every run of the cell gets
    values = one.values
    plain = pybamm.Simulation(one.simulation._unprocessed_model, parameter_values=values,
                              experiment=cycling_experiment(values, steps, cycles), solver=pybamm.IDAKLUSolver()).solve()
    expected = cycle_capacities(plain, active_mass_g(values))
    result = CyclingSimulation(MEMBRANE, steps, cycles).solve(save_at_cycles=[33])
    assert len(result.cycles) == cycles and result.solution is None
    for ours, theirs in zip(result.cycles, expected):
        assert ours["discharge_capacity_mAh_g"] == pytest.approx(theirs["discharge_capacity_mAh_g"], rel=1e-6)
        assert ours["Interfacial resistance [Ohm.m2]"] == pytest.approx(theirs["Interfacial resistance [Ohm.m2]"], rel=1e-6)
    assert {1, 33, cycles} <= set(result.saved) and len(result.saved) <= SAVED_CYCLES + 3
    with pytest.raises(ParameterError, match="cycle 2 was not kept"):
        result.cycle_solution(2)
    whole = CyclingSimulation(MEMBRANE, steps, cycles).solve(keep_solution=True)
    assert len(whole.solution.cycles) == cycles and len(whole.saved) == cycles
    assert [r["discharge_capacity_mAh_g"] for r in whole.cycles] == [r["discharge_capacity_mAh_g"] for r in result.cycles]


def test_acceleration_needs_a_repeated_protocol():
    run = CyclingSimulation(MEMBRANE, protocol=[["Charge at 1C until 4.0 V", "Discharge at 1C until 2.5 V"],
                                                ["Charge at 0.5C until 4.0 V", "Discharge at 0.5C until 2.5 V"]])
    with pytest.raises(ParameterError, match="repeat the same steps"):
        run.solve(accelerate=True)
    with pytest.raises(ParameterError, match="no whole solution"):
        CyclingSimulation(MEMBRANE, cycles=3).solve(accelerate=True, keep_solution=True)


CHECKED = {WELDED: (100, 500, 1000), MEMBRANE: (100, 500, 1000), PRESSED: (100, 300)}


@pytest.fixture(scope="module", params=list(CHECKED))
def full_and_accelerated(request):
    cell = request.param
    run = CyclingSimulation(cell, cycles=max(CHECKED[cell]))
    return cell, run.solve(), run.solve(accelerate=True)


def test_accelerated_runs_match_full_ones(full_and_accelerated):
    """Retention within 1 percentage point and interfacial resistance within 2 % at the checked
    cycles, every row present, and fewer cycles solved."""
    cell, full, fast = full_and_accelerated
    total = max(CHECKED[cell])
    assert [r["cycle"] for r in fast.cycles] == list(range(1, total + 1))
    first = full.cycles[0]["discharge_capacity_mAh_g"]
    for n in CHECKED[cell]:
        ours, truth = fast.cycles[n - 1], full.cycles[n - 1]
        retention_error = 100 * (ours["discharge_capacity_mAh_g"] - truth["discharge_capacity_mAh_g"]) / first
        assert abs(retention_error) < 1.0, (cell, n, retention_error)
        assert ours["Interfacial resistance [Ohm.m2]"] == pytest.approx(truth["Interfacial resistance [Ohm.m2]"], rel=0.02)
    assert fast.jumps and fast.solved_cycles < total
    jumped = {c for start, n in fast.jumps for c in range(start + 1, start + n + 1)}
    assert all(fast.cycles[c - 1]["extrapolated"] for c in jumped)
