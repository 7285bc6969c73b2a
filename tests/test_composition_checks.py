"""Impossible values are refused when a cell is composed, naming the file, the quantity and what
it allows: overrides (get_cell, compose_cell, resolve_cell) and users' own files alike."""

import math
import re
from pathlib import Path

import pytest

from pybamm_ssb import compose_cell, get_cell
from pybamm_ssb.provenance import ParameterFileError, check_value
from pybamm_ssb.registry import cell_names, check_file

NCM = "Cui2025_NCM811_NUHS_TPW"
SETS = Path(__file__).resolve().parents[1] / "parameter_sets"


@pytest.mark.parametrize(
    "override, message",
    [
        ({"electrochemically_active_fraction": 1.5}, r"'electrochemically_active_fraction' must lie in \[0, 1\], got 1.5"),
        ({"electrochemically_active_fraction": 0.3}, r"= 0.3 lies outside its range \[0.5, 1\]"),
        ({"interfacial_resistance_ohm": math.nan}, "'interfacial_resistance_ohm' must be a finite number"),
        ({"interfacial_resistance_ohm": -496.0}, "'interfacial_resistance_ohm' must be > 0, got -496"),
        ({"particle_radius_um": 0.0}, "'particle_radius_um' must be > 0, got 0"),
        ({"foil_thickness_um": 0.0}, "'foil_thickness_um' must be > 0"),
        ({"stack_pressure_MPa": 0.0}, "'stack_pressure_MPa' must be > 0"),
        ({"interface_roughness_length_um": 0.0}, "'interface_roughness_length_um' must be > 0"),
        ({"total_conductivity_S_cm": math.inf}, "'total_conductivity_S_cm' must be a finite number"),
        ({"total_conductivity_S_cm": 0.38}, "the override of 'total_conductivity_S_cm' changes nothing"),
        ({"anode_interphase_linear_rate_nm_h": -1.0}, "must be >= 0"),
    ],
)
def test_impossible_overrides_are_refused_at_composition(override, message):
    with pytest.raises(ParameterFileError, match=message):
        get_cell(NCM, override)


def test_a_mechanism_may_be_switched_off_below_its_fitted_range():
    """0 for a non-negative quantity is a what-if without the mechanism (no contact spread), not
    an estimate outside the fitted range; a negative one is refused."""
    uniform = get_cell("Cui2025_LFP_CUHS_CPS", {"lithium_interface_spread_per_roughness_1_nm": 0.0})
    assert uniform.values["Lithium interface conductance spread"] == 0
    with pytest.raises(ParameterFileError, match="lies outside its range"):
        get_cell("Cui2025_LFP_CUHS_CPS", {"lithium_interface_spread_per_roughness_1_nm": 0.5})


def test_a_users_file_is_checked_by_the_same_rules(tmp_path):
    text = (SETS / "cathodes" / "LFP_Cui2025.toml").read_text()
    bad = tmp_path / "cathode.toml"
    bad.write_text(re.sub(r"(\[quantities\.particle_radius_um\]\nvalue = )\S+", r"\g<1>-1.0", text))
    with pytest.raises(ParameterFileError, match=r"cathode.toml quantity 'particle_radius_um' must be > 0, got -1"):
        compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(bad), "TPW_Cui2025")


def test_value_rules_by_name():
    check_value("f", "catholyte_bruggeman", 0.0)  # allowed: >= 0
    check_value("f", "anode_interphase_linear_rate_nm_h", 0.0)
    for name, value in (("active_density_g_cm3", 0.0), ("porosity", 1.2), ("oxidation_onset_V", math.nan)):
        with pytest.raises(ParameterFileError, match=f"'{name}'"):
            check_value("f", name, value)


@pytest.mark.parametrize(
    "cell, override, unit",
    [
        ("Cui2025_LFP_CUHS_CPS", {"particle_radius_um": 14.9e-6}, "m or mm"),  # a radius in m where um is meant
        ("Cui2025_LFP_CUHS_CPS", {"stack_pressure_MPa": 1e6}, "kPa, Pa or GPa"),  # 1 MPa in Pa
        ("Cui2025_LFP_CUHS_CPS", {"anode_activation_energy_eV": 33.8}, "kJ/mol or meV"),  # 0.35 eV in kJ/mol
        ("Chu2024_LLZO_HF", {"interfacial_resistance_ohm_cm2": 254e3}, "mOhm cm2 or kOhm cm2"),  # in mOhm cm2
    ],
)
def test_a_value_off_by_a_factor_of_1000_from_its_unit_is_refused(cell, override, unit):
    (name, value), = override.items()
    expected = re.escape(f"'{name}' = {value:g} lies outside") + ".*" + re.escape(f"plausible values in its unit: is it given in {unit}?")
    with pytest.raises(ParameterFileError, match=expected):
        get_cell(cell, override)


def test_every_registered_and_example_value_is_inside_its_units_band():
    for name in cell_names():
        get_cell(name)
    check_file(Path(__file__).parents[1] / "examples" / "my_cell.toml")
