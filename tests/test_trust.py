"""Results that should not be trusted are flagged, per cycle and in the run's warnings."""

import pytest

from pybamm_ssb import simulate_cycling
from pybamm_ssb.trust import flag_cycles

CYCLE = ["Charge at 0.2C until 3.8 V", "Discharge at 0.2C until 2.5 V"]


def row(cycle, discharge, charge, **summary):
    return {"cycle": cycle, "discharge_capacity_mAh_g": discharge, "charge_capacity_mAh_g": charge,
            "coulombic_efficiency": discharge / charge if charge else None, **summary}


def test_a_rate_the_cell_cannot_deliver_is_flagged_in_every_cycle():
    steps = ["Charge at 2C until 3.8 V", "Discharge at 2C until 2.5 V"]
    result = simulate_cycling("Chu2024_LLZO_Cu3N", steps, cycles=2, temperature_C=0.0)
    assert all(c["discharge_capacity_mAh_g"] < 3.4 for c in result.cycles)  # 2 % of 170 mAh/g
    assert all(c["flags"][0].startswith("delivered ") for c in result.cycles)
    assert any(w.startswith("cycles 1-2: delivered ") and "the cell delivers (almost) nothing" in w for w in result.warnings)


def test_an_ordinary_run_has_no_flags():
    result = simulate_cycling("Chu2024_LLZO_Cu3N", cycles=2)
    assert [c["flags"] for c in result.cycles] == [[], []] and result.warnings == []


def test_coulombic_efficiency_above_one_is_flagged_with_the_runs_own():
    rows = [row(1, 53.1, 89.2), row(2, 53.9, 55.0), row(3, 43.0, 41.6), row(4, 34.2, 32.3)]
    warnings = flag_cycles(rows, 170.0, [CYCLE] * 4)
    assert [len(r["flags"]) for r in rows] == [0, 0, 1, 1]
    assert rows[3]["flags"][0] == "Coulombic efficiency 1.059 > 1: charge stranded in earlier cycles comes back (over cycles 1-4: 0.845)"
    assert warnings == ["cycles 3-4: Coulombic efficiency 1.034 > 1: charge stranded in earlier cycles comes back "
                        "(over cycles 1-3: 0.807)"]


@pytest.mark.parametrize("name, what", [("Area-averaged lithium metal interface contact fraction", "the Li | electrolyte contact"),
                                        ("Cathode contact fraction", "the cathode particles' contact")])
def test_a_collapsed_contact_is_flagged(name, what):
    rows = [row(1, 150.0, 151.0, **{name: 0.5}), row(2, 100.0, 101.0, **{name: 0.04})]
    assert flag_cycles(rows, 170.0, [CYCLE] * 2) == [f"cycle 2: {what} has collapsed to 4.0 % of its area: the cell has failed"]


def test_a_cycle_without_a_discharge_is_not_expected_to_deliver():
    rows = [row(1, 0.0, 150.0), row(2, 0.0, 0.0)]
    warnings = flag_cycles(rows, 170.0, [["Charge at 0.2C until 3.8 V"], ["Rest for 1 hour"]])
    assert warnings == [] and rows[0]["flags"] == rows[1]["flags"] == []
