"""LATP conductivity per sintering condition (004 Raj 2023, Tables 2 and 3)."""

import math
import pathlib
import tomllib
from importlib import resources

import numpy as np
import pybamm
import pytest

from pybamm_ssb.functions import K_B_EV
from pybamm_ssb.latp_conductivity import (
    UnknownConditionError,
    conductivity_table,
    latp_conductivity,
    sintering_conditions,
)

# Independent transcription of 004 Tables 2 and 3: condition -> (sigma at 25 C [S/cm], E_a [eV]).
EXPECTED = {
    "air_700C": (3.43e-5, 0.39),
    "air_800C": (1.93e-4, 0.36),
    "air_900C": (1.04e-4, 0.37),
    "air_1000C": (4.02e-5, 0.37),
    "ar_700C": (4.69e-5, 0.40),
    "ar_800C": (3.28e-5, 0.35),
    "ar_900C": (2.76e-5, 0.40),
    "ar_1000C": (6.02e-5, 0.27),
    "bm_ar_800C": (8.77e-4, 0.34),
    "bm_ar_850C": (1.86e-4, 0.40),
    "bm_ar_900C": (1.62e-4, 0.38),
    "bm_air_800C": (6.66e-4, 0.35),
    "bm_air_850C": (1.64e-4, 0.40),
    "bm_air_900C": (1.53e-4, 0.37),
}
T25 = 298.15
SEED = pathlib.Path("/work/shared/seeds/004_a4d3a7fdb16dc8fb.txt")
# Pairs of temperatures [C] between -20 and 80 C.
PAIRS_C = [(-20.0, 80.0), (-20.0, 0.0), (10.0, 25.0), (25.0, 60.0), (40.0, 41.0), (79.0, 80.0)]


def _toml():
    path = resources.files("pybamm_ssb.parameter_sets") / "conductivity" / "LATP_Raj2023.toml"
    with path.open("rb") as f:
        return tomllib.load(f)


def test_all_conditions_of_tables_2_and_3():
    assert sorted(sintering_conditions()) == sorted(EXPECTED)


@pytest.mark.parametrize("condition", sorted(EXPECTED))
def test_value_at_25C_in_S_per_m(condition):
    sigma_S_cm, _ = EXPECTED[condition]
    f = latp_conductivity(condition)
    assert f(1000.0, T25) == pytest.approx(100.0 * sigma_S_cm, rel=1e-9)
    # conductivity does not depend on c_e for a single-ion conductor
    assert f(1.0, T25) == pytest.approx(f(5000.0, T25), rel=1e-12)


@pytest.mark.parametrize("condition", sorted(EXPECTED))
def test_apparent_activation_energy(condition):
    _, ea = EXPECTED[condition]
    f = latp_conductivity(condition)
    for t1_C, t2_C in PAIRS_C:
        T1, T2 = t1_C + 273.15, t2_C + 273.15
        slope = (math.log(f(1000.0, T2)) - math.log(f(1000.0, T1))) / (1 / T2 - 1 / T1)
        assert -K_B_EV * slope == pytest.approx(ea, rel=1e-6), (t1_C, t2_C)


def test_conductivity_rises_with_temperature_and_accepts_arrays():
    f = latp_conductivity("bm_ar_800C")
    T = np.linspace(253.15, 353.15, 11)
    sigma = f(1000.0, T)
    assert sigma.shape == T.shape
    assert np.all(np.diff(sigma) > 0)


def test_works_inside_pybamm_expression():
    f = latp_conductivity("air_800C")
    expr = f(pybamm.Scalar(1000), pybamm.Scalar(330.0))
    assert isinstance(expr, pybamm.Symbol)
    assert float(np.squeeze(expr.evaluate())) == pytest.approx(f(1000.0, 330.0), rel=1e-12)
    assert f(1000.0, 330.0) > 100.0 * EXPECTED["air_800C"][0]


def test_unknown_condition_lists_known_ones():
    with pytest.raises(KeyError) as info:
        latp_conductivity("air_750C")
    assert isinstance(info.value, UnknownConditionError)
    message = str(info.value)
    assert "air_750C" in message
    for condition in EXPECTED:
        assert condition in message


def test_conductivity_table_rows():
    rows = conductivity_table()
    assert [r[0] for r in rows] == sintering_conditions()
    for condition, sigma, ea, source in rows:
        assert (sigma, ea) == EXPECTED[condition]
        assert source.startswith("004 Raj 2023, Table ")
        assert ("Table 3" in source) == condition.startswith("bm_")


def test_every_quantity_quoted_from_004():
    data = _toml()
    entries = [q for c in data["conditions"].values() for q in c.values() if isinstance(q, dict)]
    entries += list(data["measurement"].values())
    assert len(entries) == 3 * len(EXPECTED) + 3
    for entry in entries:
        assert entry["kind"] == "quoted"
        assert "004" in entry["source"]
        assert isinstance(entry["value"], (int, float))


@pytest.mark.skipif(not SEED.exists(), reason="document 004 not available")
def test_rows_match_document_text():
    """Each condition's row in 004 holds its density, conductivity and E_a."""
    data = _toml()["conditions"]
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for condition, entry in data.items():
        T = condition.rsplit("_", 1)[1][:-1]
        table = "Table 3" if condition.startswith("bm_") else "Table 2"
        start = next(i for i, line in enumerate(lines) if line.startswith(table + "."))
        row = next(line for line in lines[start:] if line.startswith(f"{T} °C")).split("\t")
        side = 0 if condition.split("_")[-2] == ("ar" if table == "Table 3" else "air") else 3
        density, sigma, ea = row[1 + side : 4 + side]
        mantissa, exponent = sigma.replace(" ", "").split("×10")
        exponent = exponent.replace("⁻", "-").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
        assert float(density) == entry["relative_density_percent"]["value"], condition
        assert float(mantissa) * 10 ** int(exponent) == pytest.approx(
            entry["total_conductivity_S_cm"]["value"], rel=1e-12
        ), condition
        assert float(ea) == entry["activation_energy_eV"]["value"], condition

