"""Open cells: a registered name, a cell file anywhere on disk and a composed cell run through
every runner, resolved once; errors name the file and the key."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pybamm
import pytest

import pybamm_ssb
from pybamm_ssb import (
    PybammSsbError,
    compose_cell,
    get_cell,
    prepare_run,
    resolve_cell,
    simulate_cycling,
)
from pybamm_ssb.cells import AS_ASSEMBLED
from pybamm_ssb.fade_data import FadeData
from pybamm_ssb.fitting import fit_fade
from pybamm_ssb.impedance import cell_impedance
from pybamm_ssb.provenance import ParameterFileError
from pybamm_ssb.rate import rate_capability
from pybamm_ssb.registry import UnknownCellError, cell_components, check_file
from pybamm_ssb.symmetric import simulate_symmetric

from .conftest import LFP

REPO = Path(__file__).resolve().parents[1]
SETS = REPO / "parameter_sets"
TPW_PARTS = ("lithium_metal", "LATP_NUHS_Cui2025", "LFP_Cui2025", "TPW_Cui2025")


def capacities(result):
    return [row["discharge_capacity_mAh_g"] for row in result.cycles]


def copy_cell_with_components(tmp_path, name):
    """The registered cell's file and its component files copied into tmp_path, the cell file
    naming them by relative path (the electrolyte's family stays a registered name)."""
    parts = cell_components(name)
    folders = {"anode": "anodes", "electrolyte": "electrolytes", "cathode": "cathodes", "assembly": "interfaces"}
    text = (SETS / "cells" / f"{name}.toml").read_text()
    for kind, part in parts.items():
        (tmp_path / folders[kind]).mkdir(exist_ok=True)
        shutil.copy(SETS / folders[kind] / f"{part}.toml", tmp_path / folders[kind])
        text = text.replace(f'{kind} = "{part}"', f'{kind} = "{folders[kind]}/{part}.toml"')
    path = tmp_path / "cell.toml"
    path.write_text(text)
    return path


def test_cell_file_outside_the_repository_gives_the_registered_capacities(tmp_path):
    outside = tmp_path / "mine.toml"
    shutil.copy(SETS / "cells" / f"{LFP}.toml", outside)
    registered = capacities(simulate_cycling(LFP, cycles=2))
    from_file = capacities(simulate_cycling(str(outside), cycles=2))
    assert from_file == pytest.approx(registered, rel=1e-9)
    assert resolve_cell(outside).meta["file"] == str(outside.resolve())


def test_cell_file_with_components_by_relative_path_composes_the_same_values(tmp_path):
    path = copy_cell_with_components(tmp_path, LFP)
    mine, registered = get_cell(str(path)), get_cell(LFP)
    assert all(str(p).startswith(str(tmp_path)) for p in mine.components.values())
    numbers = [k for k, v in registered.values.items() if isinstance(v, float)]
    assert len(numbers) > 40
    assert {k: mine.values[k] for k in numbers} == {k: registered.values[k] for k in numbers}
    assert mine.provenance["Positive particle radius [m]"].source.startswith(str(tmp_path))


def test_get_cell_hands_out_values_a_caller_cannot_corrupt():
    cell = get_cell(LFP)
    thickness = cell.values["Separator thickness [m]"]
    cell.values["Separator thickness [m]"] = 1.0
    cell.meta["model_options"]["contact loss"] = "none"
    again = get_cell(LFP)
    assert again.values["Separator thickness [m]"] == thickness
    assert "contact loss" not in again.meta["model_options"]
    assert pybamm.ParameterValues(LFP)["Separator thickness [m]"] == thickness


def test_a_composed_cell_runs_through_simulate_rate_eis_symmetric_and_fit():
    cell = compose_cell(*TPW_PARTS, meta={"temperature_C": 25.0})
    registered = get_cell(LFP)
    cycled = simulate_cycling(cell, cycles=1)
    assert capacities(cycled) == pytest.approx(capacities(simulate_cycling(LFP, cycles=1)), rel=1e-9)
    assert cycled.cell == cell.name
    rate = rate_capability(cell, [0.5])
    assert 0 < rate.discharge_capacity_mAh_g[0] < 170
    spectrum = cell_impedance(cell, fmin=10, fmax=1e5, points_per_decade=2)
    assert np.all(np.isfinite(spectrum.z)) and spectrum.z_real_ohm_cm2[0] > spectrum.z_real_ohm_cm2[-1] > 0
    symmetric = simulate_symmetric(cell, 0.1, 2.0)
    assert symmetric.final_overpotential_mV > 0
    data = FadeData(np.array([1, 2, 3]), np.array(capacities(simulate_cycling(LFP, cycles=3))), None, None, None, "model")
    fit = fit_fade(cell, data, ["anode_interphase_rate"], max_evaluations=4)
    assert fit.cell == cell.name
    assert registered.values["Separator thickness [m]"] == cell.values["Separator thickness [m]"]


def test_overrides_of_a_composed_cell_compose_it_again():
    cell = compose_cell(*TPW_PARTS)
    thicker = resolve_cell(cell, {"particle_radius_um": 3.0})
    assert thicker.values["Positive particle radius [m]"] == pytest.approx(3e-6)
    assert cell.values["Positive particle radius [m]"] != pytest.approx(3e-6)
    assert thicker.provenance["Positive particle radius [m]"].kind == "fitted"


def test_parameter_values_start_charged_and_runs_start_as_assembled():
    values = pybamm.ParameterValues(LFP)
    setup = prepare_run(LFP)
    c_max = values["Maximum concentration in positive electrode [mol.m-3]"]
    assert values["Initial concentration in positive electrode [mol.m-3]"] / c_max < 0.01  # charged: delithiated
    assert setup.parameter_values["Initial concentration in positive electrode [mol.m-3]"] == values[AS_ASSEMBLED]
    assert values[AS_ASSEMBLED] / c_max == pytest.approx(0.99)


def test_the_run_options_follow_the_cell_and_the_caller():
    assert prepare_run("Cui2025_LFP_CUHS_CPS").options == {"interface heterogeneity": "lognormal"}
    assert prepare_run("Yang2026_LFP_PGPE_PLATP10J").options == {"contact loss": "cathode"}
    assert prepare_run(LFP).options == {}
    uniform = prepare_run("Cui2025_LFP_CUHS_CPS", overrides={"lithium_interface_spread_per_roughness_1_nm": 0.0})
    assert uniform.options == {}
    assert prepare_run(LFP, 60.0, {"interphases": "none"}).options == {"interphases": "none"}
    assert prepare_run(LFP, 60.0).parameter_values["Ambient temperature [K]"] == pytest.approx(333.15)
    assert prepare_run(LFP).temperature_C == 25.0


def test_cathode_ocp_from_a_pybamm_parameter_set_or_a_table(tmp_path):
    text = (SETS / "cathodes" / "LFP_Cui2025.toml").read_text()
    pybamm_set = tmp_path / "lfp_prada.toml"
    pybamm_set.write_text(text.replace('ocp = "lfp_afshar2017"', 'ocp = "pybamm:Prada2013"'))
    cell = compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(pybamm_set), "TPW_Cui2025")
    assert cell.values["Positive electrode OCP [V]"] is pybamm.ParameterValues("Prada2013")["Positive electrode OCP [V]"]
    assert "Prada2013" in cell.provenance["Positive electrode OCP [V]"].source
    named = tmp_path / "lco_named.toml"
    named.write_text(text.replace('ocp = "lfp_afshar2017"', 'ocp = "pybamm:Marquis2019:Positive electrode OCP [V]"')
                     .replace("voltage_window_V = [2.5, 3.8]", "voltage_window_V = [3.0, 4.2]")
                     .replace("[quantities.initial_stoichiometry]\nvalue = 0.99", "[quantities.initial_stoichiometry]\nvalue = 0.96"))
    lco = compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(named), "TPW_Cui2025")
    assert lco.values["Positive electrode OCP [V]"].__name__ == "lico2_ocp_Dualfoil1998"
    for spec, message in (("pybamm:NoSuchSet", "no parameter set 'NoSuchSet'"),
                          ("pybamm:Marquis2019:Positive particle radius [m]", "no function 'Positive particle radius")):
        bad = tmp_path / "bad.toml"
        bad.write_text(text.replace('ocp = "lfp_afshar2017"', f'ocp = "{spec}"'))
        with pytest.raises(ParameterFileError, match=message):
            compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(bad), "TPW_Cui2025")

    x = np.linspace(0.0, 1.0, 11)
    (tmp_path / "ocp.csv").write_text("stoichiometry,ocp_V\n" + "".join(f"{a},{4.2 - a}\n" for a in x))
    table = tmp_path / "lfp_table.toml"
    table.write_text(text.replace('ocp = "lfp_afshar2017"', 'ocp = "ocp.csv"'))
    cell = compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(table), "TPW_Cui2025")
    U = cell.values["Positive electrode OCP [V]"](pybamm.Scalar(0.25)).evaluate()
    assert np.asarray(U).item() == pytest.approx(3.95)
    # charged: OCP = 3.8 V is x = 0.4 on this line
    c_max = cell.values["Maximum concentration in positive electrode [mol.m-3]"]
    assert cell.values["Initial concentration in positive electrode [mol.m-3]"] / c_max == pytest.approx(0.4)


@pytest.mark.parametrize(
    "csv, message",
    [
        ("x,ocp_V\n0,4\n1,3\n", "lacks the columns ['stoichiometry']"),
        ("stoichiometry,ocp_V\n0,4200\n1,3000\n", "volts, not mV"),
        ("stoichiometry,ocp_V\n0,4\n0.5,nan\n1,3\n", "finite numbers"),
        ("stoichiometry,ocp_V\n0,4\n2,3\n", "in [0, 1]"),
    ],
)
def test_a_bad_ocp_table_is_refused_naming_the_file(tmp_path, csv, message):
    (tmp_path / "bad.csv").write_text(csv)
    cathode = tmp_path / "cathode.toml"
    cathode.write_text((SETS / "cathodes" / "LFP_Cui2025.toml").read_text().replace('ocp = "lfp_afshar2017"',
                                                                                   'ocp = "bad.csv"'))
    with pytest.raises(ParameterFileError, match="bad.csv") as error:
        compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(cathode), "TPW_Cui2025")
    assert message in str(error.value)


def test_bad_cell_and_component_files_name_the_file_and_the_key(tmp_path):
    cell = tmp_path / "cell.toml"
    cell.write_text('anode = "lithium_metal"\nelectrolyte = "LATP_NUHS_Cui2025"\ncathode = "LFP_Cui2025"\nc_rate = 0.2\n')
    with pytest.raises(ParameterFileError, match=r"cell.toml lacks \['assembly'\]"):
        get_cell(str(cell))
    cell.write_text(cell.read_text() + 'assembly = "TPW_Cui2025"\n')
    assert get_cell(str(cell)).name == "cell"
    cell.write_text(cell.read_text().replace("c_rate = 0.2", "c_rate = -1"))
    with pytest.raises(ParameterFileError, match="'c_rate' must be a number between"):
        get_cell(str(cell))

    cathode = tmp_path / "cathode.toml"
    text = (SETS / "cathodes" / "LFP_Cui2025.toml").read_text()
    cathode.write_text(text.replace('[quantities.void_fraction]\nvalue = 0.30\nkind = "assumed"\n',
                                    '[quantities.void_fraction]\nvalue = 0.30\n'))
    with pytest.raises(ParameterFileError, match=r"cathode.toml quantity 'void_fraction' lacks \['kind'\]"):
        compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(cathode), "TPW_Cui2025")
    cathode.write_text(text.replace("[quantities.void_fraction]\nvalue = 0.30\n", "[quantities.other]\nvalue = 0.30\n"))
    with pytest.raises(ParameterFileError, match="cathode.toml has no quantity 'void_fraction'"):
        compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(cathode), "TPW_Cui2025")
    with pytest.raises(ParameterFileError, match="no cathode file .*missing.toml"):
        compose_cell("lithium_metal", "LATP_NUHS_Cui2025", str(tmp_path / "missing.toml"), "TPW_Cui2025")
    with pytest.raises(UnknownCellError, match="unknown cell 'NoSuchCell'"):
        simulate_cycling("NoSuchCell")


def test_every_error_of_the_package_is_a_pybamm_ssb_error():
    import pybamm_ssb.fade_data
    import pybamm_ssb.fitting
    import pybamm_ssb.latp_conductivity
    import pybamm_ssb.reproduce
    import pybamm_ssb.spectra

    errors = [pybamm_ssb.ParameterError, pybamm_ssb.ParameterFileError, pybamm_ssb.ProtocolError,
              pybamm_ssb.SimulationFailed, pybamm_ssb.UnknownCellError, pybamm_ssb.fade_data.FadeDataError,
              pybamm_ssb.fitting.FitError, pybamm_ssb.latp_conductivity.UnknownConditionError,
              pybamm_ssb.reproduce.TargetSelectionError, pybamm_ssb.spectra.ImpedanceInputError]
    assert all(issubclass(e, PybammSsbError) for e in errors)
    assert issubclass(pybamm_ssb.UnknownCellError, KeyError) and issubclass(pybamm_ssb.ParameterError, ValueError)


def test_check_validates_a_cell_or_component_file_and_counts_its_provenance(tmp_path):
    summary = check_file(REPO / "examples" / "my_cell.toml")
    assert summary["kind"] == "cell" and summary["cell"] == "My_LFP_NUHS_TPW"
    assert sum(summary["counts"].values()) == len(summary["parameters"]) > 70
    component = check_file(REPO / "examples" / "my_lfp_cathode.toml")
    assert component["kind"] == "cathode" and component["counts"]["assumed"] == len(component["parameters"])
    assert check_file(SETS / "electrolytes" / "LATP_CUHS_Cui2025.toml")["kind"] == "electrolyte"
    out = subprocess.run([sys.executable, "-m", "pybamm_ssb.cli", "check", str(tmp_path / "none.toml")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "none.toml" in out.stderr


def test_cli_simulate_of_a_cell_file_equals_the_registered_name(tmp_path):
    outside = tmp_path / "copy.toml"
    shutil.copy(SETS / "cells" / f"{LFP}.toml", outside)
    by_name, by_file = (subprocess.run([sys.executable, "-m", "pybamm_ssb.cli", "simulate", cell, "--json"],
                                       capture_output=True, text=True, timeout=300) for cell in (LFP, str(outside)))
    assert by_name.returncode == by_file.returncode == 0
    assert json.loads(by_file.stdout)["cycles"] == json.loads(by_name.stdout)["cycles"]


def test_example_cell_runs_from_its_own_folder():
    result = simulate_cycling(REPO / "examples" / "my_cell.toml", cycles=1)
    assert 150 < capacities(result)[0] < 170
    assert pybamm_ssb.get_cell(str(REPO / "examples" / "my_cell.toml")).provenance["Positive electrode OCP [V]"].source \
        .endswith("lfp_ocp.csv")
