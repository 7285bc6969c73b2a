"""Parameter sets: provenance of every value, composition, registration, document numbers."""

import inspect
import math
import re
import tomllib
from pathlib import Path

import pybamm
import pytest

from pybamm_ssb import UnknownCellError, cell_names, compose_cell, get_cell
from pybamm_ssb.fade import FitParameter
from pybamm_ssb.fitting import _to_unit
from pybamm_ssb.functions import K_B_EV
from pybamm_ssb.provenance import (
    KINDS,
    ParameterFileError,
    load_component,
    parameter_files,
)
from pybamm_ssb.registry import cell_components

from .conftest import NCM

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT_LOCATION = re.compile(r"\b00[0-4]\b.*\b(Sec\.|Fig\.|Table)")


@pytest.mark.parametrize("name", cell_names())
def test_every_value_has_provenance(name):
    cell = get_cell(name)
    assert set(cell.values) == set(cell.provenance)
    for key, prov in cell.provenance.items():
        assert prov.kind in KINDS, key
        assert len(prov.source) > 10, key
        if prov.kind == "quoted":
            assert DOCUMENT_LOCATION.search(prov.source), f"{key}: quoted value without a document location"
        if prov.kind == "derived":
            assert "[from " in prov.source or "from" in prov.source, key


@pytest.mark.parametrize("folder", ["anodes", "electrolytes", "cathodes", "interfaces"])
def test_every_quantity_in_every_file_has_provenance(folder):
    for file in parameter_files(folder):
        component = load_component(folder, file)
        assert component.quantities, file
        for q in component.quantities.values():
            if q.provenance.kind == "quoted":
                assert DOCUMENT_LOCATION.search(q.provenance.source), f"{file}:{q.name}"


@pytest.mark.parametrize("folder", ["anodes", "electrolytes", "cathodes", "interfaces"])
def test_fitted_values_sit_inside_their_range_not_on_a_bound(folder):
    """At least 2 % of the range from either end, on the scale the fitter uses (logs for a
    range wider than 100x): a fit that ran into a bound has not found the value."""
    for file in parameter_files(folder):
        for q in load_component(folder, file).quantities.values():
            if q.provenance.kind == "fitted":
                u = _to_unit(FitParameter.of(q.name, q, ""), q.value)
                assert 0.02 <= u <= 0.98, f"{folder}/{file}: {q.name} = {q.value:g} at {u:.3f} of its range {q.range}"


def test_entry_points_register_every_cell_and_both_models():
    with open(ROOT / "pyproject.toml", "rb") as f:
        entry_points = tomllib.load(f)["project"]["entry-points"]
    assert sorted(entry_points["pybamm_parameter_sets"]) == cell_names()
    assert {"SolidStateSPMe", "SolidStateDFN"} <= set(entry_points["pybamm_models"])
    for name in cell_names():
        assert name in pybamm.parameter_sets
        values = pybamm.ParameterValues(name)
        assert values["Separator thickness [m]"] == get_cell(name).values["Separator thickness [m]"]
    assert pybamm.dispatch.models._get_class("SolidStateDFN").__name__ == "SolidStateDFN"


def _same(a, b):
    """Equal numbers, or functions that agree at a sample point (closures are rebuilt per cell)."""
    if a is b:
        return True
    if callable(a) and callable(b):
        args = [9968.7, 0.3, 1.0][: len(inspect.signature(a).parameters) - 1] + [310.0]
        a_value, b_value = (float((pybamm.Scalar(0) + f(*args)).evaluate()) for f in (a, b))
        return a_value == pytest.approx(b_value, rel=1e-12)
    return a == b


def _cathode_keys(values):
    return {k for k in values if k.startswith(("Positive", "Maximum concentration in positive", "Initial concentration in positive"))}


@pytest.mark.parametrize("cathode", ["NCM811_Cui2025", "LFP_Cui2025", "LFP_Yang2026", "NCM_LNO_Dandena2025"])
def test_variants_share_the_cathode_and_anode(cathode):
    """The cells of one document with the same cathode file differ only in electrolyte and assembly."""
    cells = [get_cell(n) for n in cell_names() if cell_components(n)["cathode"] == cathode]
    documents = {cell.meta["document"] for cell in cells}
    assert len(cells) >= 2
    for document in documents:
        variants = [cell for cell in cells if cell.meta["document"] == document]
        reference = variants[0]
        for cell in variants[1:]:
            for key in _cathode_keys(reference.values) - {"Positive electrode exchange-current density [A.m-2]"}:
                assert _same(reference.values[key], cell.values[key]), (cell.name, key)
            for key in ("Negative electrode thickness [m]", "Electrode height [m]"):
                assert reference.values[key] == cell.values[key]


def test_variants_differ_only_in_electrolyte_and_assembly():
    tpw = get_cell("Cui2025_LFP_NUHS_TPW").values
    cps = get_cell("Cui2025_LFP_NUHS_CPS").values
    differing = {k for k in tpw if not _same(tpw[k], cps[k])}
    # the Li side differs only by contact, its mean and its spread over the area (intrinsic j0
    # shared); the cathode side by how well it holds NCM811 through its H2 -> H3 collapse
    assert differing == {
        "Cathode H2-H3 contact loss coefficient",
        "Initial lithium interface contact fraction",
        "Lithium interface conductance spread",
        "Positive electrode exchange-current density [A.m-2]",
    }


def _asr(cell, T):
    v = cell.parameter_values
    h = v["Separator thickness [m]"]
    R_bulk = h / v["Electrolyte conductivity [S.m-1]"](1.0, T)
    R_gb = v["Solid electrolyte grain-boundary resistance [Ohm.m2]"](T)
    return R_bulk, R_gb


@pytest.mark.parametrize(
    "cell, sigma_S_cm, Ea_eV, R_bulk_ohm, R_gb_ohm",
    [
        ("Cui2025_NCM811_NUHS_TPW", 3.8e-4, 0.27, 280.6, 392.7),
        ("Cui2025_NCM811_CHST_CPS", 2.1e-4, 0.30, 363.5, None),
        ("Cui2025_NCM811_CUHS_CPS", 1.3e-4, 0.37, 301.3, 1715.6),
    ],
)
def test_electrolytes_reproduce_document_conductivity_and_activation_energy(cell, sigma_S_cm, Ea_eV, R_bulk_ohm, R_gb_ohm):
    """000 Sec. 3: sigma_tot, Ea and the two resistances of each LATP come back out."""
    c = get_cell(cell)
    v = c.values
    area = v["Electrode height [m]"] * v["Electrode width [m]"]
    h = v["Separator thickness [m]"]
    R_bulk, R_gb = _asr(c, 298.15)
    assert R_bulk / area == pytest.approx(R_bulk_ohm, rel=1e-9)
    if R_gb_ohm is not None:
        assert R_gb / area == pytest.approx(R_gb_ohm, rel=1e-9)
    sigma = h / (R_bulk + R_gb) / 100  # S/cm
    assert sigma == pytest.approx(sigma_S_cm, rel=0.03)
    # apparent activation energy of the total conductivity at 25 C
    T1, T2 = 293.15, 303.15
    total = [sum(_asr(c, T)) for T in (T1, T2)]
    apparent = K_B_EV * math.log(total[0] / total[1]) / (1 / T1 - 1 / T2)
    assert apparent == pytest.approx(Ea_eV, rel=0.01)


def test_grain_boundary_activation_energy_differs_from_bulk():
    c = get_cell("Cui2025_NCM811_CUHS_CPS")
    (b0, g0), (b1, g1) = _asr(c, 273.15), _asr(c, 353.15)
    Ea_bulk = K_B_EV * math.log(b0 / b1) / (1 / 273.15 - 1 / 353.15)
    Ea_gb = K_B_EV * math.log(g0 / g1) / (1 / 273.15 - 1 / 353.15)
    assert Ea_bulk == pytest.approx(0.24, rel=1e-6)
    assert Ea_gb > Ea_bulk + 0.1


def test_compose_any_electrolyte_with_any_cathode():
    cell = compose_cell("lithium_metal", "LATP_CUHS_Cui2025", "LFP_Cui2025", "TPW_Cui2025")
    reference = get_cell("Cui2025_LFP_CUHS_CPS").values
    assert cell.values["Electrolyte conductivity [S.m-1]"](1.0, 298.15) == pytest.approx(
        reference["Electrolyte conductivity [S.m-1]"](1.0, 298.15)
    )
    assert cell.meta == {"c_rate": 0.2, "electrolyte": "LATP-CUHS", "cathode": "LFP", "assembly": "TPW",
                         "model_options": {}}


def test_cathode_loading_is_an_assumption_shared_by_variants():
    loadings = {get_cell(n).values["Positive electrode active material loading [kg.m-2]"] for n in cell_names() if n.startswith("Cui2025_NCM811_")}
    assert len(loadings) == 1
    (loading,) = loadings
    assert 1.0 < loading * 100 < 10.0  # mg/cm2


def test_unknown_names_raise_clear_errors():
    with pytest.raises(UnknownCellError, match="unknown cell 'Cui2025_XYZ'; known cells: Chu2024_LLZO_AgLiF, .*Cui2025_LFP_CHST_CPS"):
        get_cell("Cui2025_XYZ")
    with pytest.raises(UnknownCellError, match="unknown cell 'Cui2025_LFP_NUHS_TWP' \\(did you mean 'Cui2025_LFP_NUHS_TPW'"):
        get_cell("Cui2025_LFP_NUHS_TWP")
    with pytest.raises(UnknownCellError, match="did you mean 'Cui2025_NCM811_NUHS_TPW'.*`pybamm-ssb cells` lists all"):
        get_cell("cui2025_ncm811_nuhs_tpw")
    with pytest.raises(ParameterFileError, match="no cathodes file 'NCM999'"):
        compose_cell("lithium_metal", "LATP_NUHS_Cui2025", "NCM999", "TPW_Cui2025")
    with pytest.raises(ParameterFileError, match="quantity 'anode_interphase_rate' \\(did you mean 'anode_interphase_linear_rate_nm_h'"):
        get_cell("Cui2025_LFP_NUHS_TPW", {"anode_interphase_rate": 1.0})
    with pytest.raises(ParameterFileError, match="no component of this cell has quantity 'radius'"):
        compose_cell("lithium_metal", "LATP_NUHS_Cui2025", "LFP_Cui2025", "TPW_Cui2025", overrides={"radius": 1})


def test_an_override_must_be_a_number_or_an_input_parameter():
    with pytest.raises(ParameterFileError, match="value of 'particle_radius_um' must be a number"):
        get_cell(NCM, {"particle_radius_um": "3"})
    # an input parameter flows into what is derived from it, whose provenance cannot print a number
    cell = get_cell(NCM, {"electrochemically_active_fraction": pybamm.InputParameter("f")})
    eps = cell.values["Positive electrode active material volume fraction"]
    fraction = load_component("cathodes", "NCM811_Cui2025").value("electrochemically_active_fraction")
    assert eps.evaluate(inputs={"f": 0.5}) == pytest.approx(0.5 / fraction * get_cell(NCM).values[
        "Positive electrode active material volume fraction"])
    assert "j0 = (set at solve time) A/m2" in cell.provenance["Positive electrode exchange-current density [A.m-2]"].source


def test_an_override_held_by_two_kinds_of_component_must_say_which():
    """The LATP family's salt diffusivity and the NCM811 solid diffusivity share a name."""
    with pytest.raises(ParameterFileError, match="say which, e.g. 'cathodes/diffusivity_m2_s'"):
        get_cell(NCM, {"diffusivity_m2_s": 1e-14})
    key = "Positive particle diffusivity [m2.s-1]"
    changed = get_cell(NCM, {"cathodes/diffusivity_m2_s": 1e-14}).parameter_values[key](0.5, 298.15)
    assert float(changed) == pytest.approx(1e-14, rel=1e-12, abs=0)
    assert get_cell(NCM).parameter_values[key](0.5, 298.15) == pytest.approx(4e-15, rel=1e-12, abs=0)  # the file value


# --- 003 (Dandena 2025): argyrodite cells from review numbers -------------------------------

ARGYRODITE = ("Dandena2025_NCM_LNO_LPSCl", "Dandena2025_NCM_LNO_LPSSbCl", "Dandena2025_NCM811_gradient_LPSCl")


@pytest.mark.parametrize("cell", ARGYRODITE)
def test_argyrodite_conducts_as_quoted_with_no_grain_boundary(cell):
    """003 Sec. 3.1: 0.9 mS/cm at 25 C and 0.31 eV; a cold-pressed pellet has one conductivity."""
    v = get_cell(cell).parameter_values
    sigma = v["Electrolyte conductivity [S.m-1]"]
    s25, s80 = (v.evaluate(sigma(v["Initial concentration in electrolyte [mol.m-3]"], pybamm.Scalar(T)))
                for T in (298.15, 353.15))
    assert s25 == pytest.approx(0.09, rel=1e-9)  # 0.9 mS/cm
    assert K_B_EV * math.log(s80 / s25) / (1 / 298.15 - 1 / 353.15) == pytest.approx(0.31, rel=1e-6)
    R_gb = v["Solid electrolyte grain-boundary resistance [Ohm.m2]"]
    assert v.evaluate(R_gb(pybamm.Scalar(298.15))) == 0.0
    assert v["Cation transference number"] == 1.0
    assert v["Initial concentration in electrolyte [mol.m-3]"] == pytest.approx(1.64e6 / 268.4 * 6)


def test_argyrodite_sei_takes_the_quoted_lithium_per_thickness():
    """003 Sec. 4.1: 1 uAh/cm2 of lithium makes about 9 nm of SEI."""
    c_li = get_cell(ARGYRODITE[0]).values["Anode interphase lithium concentration [mol.m-3]"]
    charge_uAh_cm2 = c_li * 9e-9 * pybamm.constants.F.value / 36  # C/m2 -> uAh/cm2
    assert charge_uAh_cm2 == pytest.approx(1.0, rel=2e-3)


def test_gradient_cell_runs_at_the_quoted_current_density():
    """003 Sec. 3.1: 0.089 mA/cm2; the loading is derived so that the cell's 0.1C is exactly that."""
    v = get_cell("Dandena2025_NCM811_gradient_LPSCl").parameter_values
    area_cm2 = v["Electrode height [m]"] * v["Electrode width [m]"] * 1e4
    assert 0.1 * v["Nominal cell capacity [A.h]"] * 1e3 / area_cm2 == pytest.approx(0.089, rel=1e-6)


def test_composite_cathode_fills_the_dense_volume():
    """Dry-pressed composite: active (all of it, inert part included) + catholyte + carbon = 1 - voids."""
    ca = load_component("cathodes", "NCM_LNO_Dandena2025")
    v = get_cell("Dandena2025_NCM_LNO_LPSCl").values
    f = ca.value("electrochemically_active_fraction")
    volumes = {p: ca.value(f"{p}_mass_fraction") / ca.value(f"{p}_density_g_cm3") for p in ("active", "carbon", "catholyte")}
    eps_active = v["Positive electrode active material volume fraction"] / f
    assert eps_active == pytest.approx((1 - ca.value("void_fraction")) * volumes["active"] / sum(volumes.values()))
    assert v["Positive electrode porosity"] == pytest.approx(eps_active * volumes["catholyte"] / volumes["active"])
    loading = v["Positive electrode active material loading [kg.m-2]"]
    assert loading == pytest.approx(ca.value("active_loading_mg_cm2") * 1e-2)
    assert v["Positive electrode thickness [m]"] == pytest.approx(loading / (ca.value("active_density_g_cm3") * 1e3 * eps_active))
