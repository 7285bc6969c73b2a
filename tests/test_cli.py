"""Command line: JSON shapes, current densities, plots and one-line errors."""

import json
import os
import subprocess
import sys

import pytest

from pybamm_ssb import cell_names
from pybamm_ssb.cli import main
from pybamm_ssb.experiments import ProtocolError, cycling_experiment, to_pybamm_step

from .conftest import LFP, NCM


def run(*args):
    return subprocess.run([sys.executable, "-m", "pybamm_ssb.cli", *args], capture_output=True, text=True, timeout=300)


def test_cells_json_lists_every_cell_with_its_keys():
    out = run("cells", "--json")
    assert out.returncode == 0
    rows = json.loads(out.stdout)
    assert [r["name"] for r in rows] == cell_names()
    for row in rows:
        assert set(row) == {"name", "description", "document", "cathode", "electrolyte", "assembly", "citation"}
        assert row["document"] in {"000_ba47987edc986d26.txt", "001_36cb608d53ec1786.txt", "002_1378a6488f586d9a.txt",
                                   "003_8961a3251bd9d1a7.txt"}
    documents = {r["document"][:3] for r in rows}
    assert documents == {"000", "001", "002", "003"}
    by_name = {r["name"]: r for r in rows}
    assert by_name["Cui2025_LFP_CUHS_CPS"]["electrolyte"] == "LATP-CUHS"
    assert by_name["Cui2025_LFP_CUHS_CPS"]["assembly"] == "CPS"
    assert by_name["Yang2026_LFP_PLATP10"]["electrolyte"] == "P-LATP10"
    assert by_name["Dandena2025_NCM_LNO_LPSCl"]["electrolyte"] == "Li6PS5Cl"
    assert by_name["Yang2026_LCO_PGPE_PLATP10J"]["cathode"] == "LCO"
    assert sum(name.startswith("Chu2024_LLZO_") for name in by_name) == 16
    assert {r["citation"] for r in rows} == {"Cui2025", "Chu2024", "Yang2026", "Dandena2025"}


def test_provenance_gives_kind_and_source_of_every_parameter(capsys):
    from pybamm_ssb import get_cell

    assert main(["provenance", NCM, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cell"] == NCM
    assert set(out["parameters"]) == set(get_cell(NCM).provenance)
    loading = out["parameters"]["Positive electrode active material loading [kg.m-2]"]
    assert loading["kind"] == "derived" and "cathodes/NCM811_Cui2025" in loading["source"]
    assert main(["provenance", NCM, "--kind", "fitted", "--json"]) == 0
    fitted = json.loads(capsys.readouterr().out)["parameters"]
    assert fitted and {p["kind"] for p in fitted.values()} == {"fitted"}
    assert "Anode interphase linear growth rate [m.s-1]" in fitted  # the NUHS rate, fitted to 000 Fig. 6e/f
    assert main(["provenance", NCM, "--kind", "fitted"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{NCM}: {len(fitted)} PyBaMM parameters") and len(lines) == len(fitted) + 1


def test_output_piped_into_a_reader_that_stops_early_ends_quietly():
    reader = subprocess.run(f"{sys.executable} -m pybamm_ssb.cli provenance {NCM} | head -1", shell=True,
                            capture_output=True, text=True, timeout=120)
    assert reader.stdout.startswith(f"{NCM}: ") and reader.stderr == ""


def test_simulate_json_and_plot(tmp_path):
    plot = tmp_path / "v.png"
    out = run("simulate", NCM, "--cycles", "2", "--json", "--plot", str(plot))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)  # stdout holds the JSON alone
    assert result["cell"] == NCM and result["temperature_C"] == 25.0
    assert [c["cycle"] for c in result["cycles"]] == [1, 2]
    first = result["cycles"][0]
    from pybamm_ssb.submodels.degradation_summary import SUMMARY_VARIABLES

    capacities = {"cycle", "discharge_capacity_mAh_g", "charge_capacity_mAh_g", "coulombic_efficiency", "flags"}
    assert set(first) == capacities | set(SUMMARY_VARIABLES)  # a welded cell: every degradation summary
    assert first["discharge_capacity_mAh_g"] == pytest.approx(185.9, rel=0.03) and first["flags"] == []
    assert "cycle 2/2" in out.stderr  # progress goes to stderr
    assert plot.stat().st_size > 10_000


def test_current_density_steps_equal_the_same_current_in_amps(capsys):
    from pybamm_ssb import get_cell

    values = get_cell(LFP).parameter_values
    area_cm2 = values["Electrode height [m]"] * values["Electrode width [m]"] * 1e4
    assert to_pybamm_step("Discharge at 0.3 mA/cm2 until 2.5 V", area_cm2) == f"Discharge at {0.3e-3 * area_cm2:.6g} A until 2.5 V"
    args = ["simulate", LFP, "--json", "--experiment"]
    assert main([*args, "Charge at 0.1 mA/cm2 until 3.8 V", "Discharge at 0.1 mA/cm2 until 2.5 V"]) == 0
    by_density = json.loads(capsys.readouterr().out)
    amps = f"{0.1e-3 * area_cm2:.6g} A"
    assert main([*args, f"Charge at {amps} until 3.8 V", f"Discharge at {amps} until 2.5 V"]) == 0
    by_current = json.loads(capsys.readouterr().out)
    assert by_density["cycles"] == by_current["cycles"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["simulate", "Cui2025_NOPE"], "unknown cell 'Cui2025_NOPE'"),
        (["provenance", "Cui2025_NOPE"], "unknown cell 'Cui2025_NOPE'"),
        (["reproduce", "--only", "009"], "no target id starts with '009'"),
        (["simulate", NCM, "--experiment", "Discharge at fast"], "cannot read step 'Discharge at fast'"),
        (["simulate", NCM, "--temperature", "-300"], "temperature must be between -50 and 150 C"),
        (["simulate", NCM, "--cycles", "0"], "cycles must be a whole number >= 1"),
    ],
)
def test_bad_input_gives_one_line_error(args, message):
    out = run(*args)
    assert out.returncode != 0
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr


def test_malformed_protocols_are_rejected_before_solving():
    from pybamm_ssb import get_cell

    values = get_cell(NCM).parameter_values
    with pytest.raises(ProtocolError, match="at least one step"):
        cycling_experiment(values, [], 1)
    with pytest.raises(ProtocolError, match="cycles must be"):
        cycling_experiment(values, ["Rest for 1 hour"], 2.5)


def test_non_physical_parameter_is_named_before_solving():
    from pybamm_ssb import ParameterError, get_cell, simulate_cycling

    values = get_cell(NCM).parameter_values
    values["Separator thickness [m]"] = 0.5  # 50 cm: a unit slip
    with pytest.raises(ParameterError, match=r"'Separator thickness \[m\]' must be between 1e-06 and 0.005"):
        simulate_cycling(NCM, parameter_values=values)
    values = get_cell(NCM).parameter_values
    values["Solid electrolyte grain-boundary resistance [Ohm.m2]"] = -1.0
    with pytest.raises(ParameterError, match="grain-boundary resistance .* must be non-negative"):
        simulate_cycling(NCM, parameter_values=values)


def test_importing_the_plotting_modules_keeps_the_users_matplotlib_backend():
    code = ("import matplotlib; import pybamm_ssb.plotting, pybamm_ssb.nyquist, pybamm_ssb.symmetric; "
            "print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "MPLBACKEND": "svg"})
    assert out.stdout.strip() == "svg", out.stderr
