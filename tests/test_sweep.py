"""Parameter sweeps: the grid, its Latin hypercube, the table of runs, bad input, and a run on a real Dask cluster."""

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pybamm_ssb import resolve_cell, simulate_cycling
from pybamm_ssb.cli import main
from pybamm_ssb.experiments import default_steps
from pybamm_ssb.extras import MissingExtraError
from pybamm_ssb.sweep import SweepError, check_output, run_summary, sweep, sweep_grid

from .conftest import LFP

pytest.importorskip("distributed")

RATE, RATE_KEY = "anode_interphase_rate", "anode_interphase_linear_rate_nm_h"
C_RATE = 0.5  # at 0.5C the LFP cell cycles at 25 C, stops after one cycle at -30 C and cannot start at -40 C
DASK = Path(sys.executable).parent / "dask"


def direct_run(cell, cycles, c_rate, temperature_C=None):
    """The discharge capacities of ``simulate_cycling`` on one point, for comparison with a sweep's rows."""
    steps = default_steps(cell.values, c_rate)
    return [row["discharge_capacity_mAh_g"] for row in simulate_cycling(cell, steps, cycles, temperature_C).cycles]


@pytest.fixture(scope="module")
def local_sweep():
    """2 interphase rates x 3 temperatures, 3 cycles, on a local cluster of two worker processes."""
    return sweep(LFP, {RATE: [1.0, 300.0]}, temperatures=[25, -30, -40], cycles=3, c_rate=C_RATE, workers=2, progress=False)


def test_local_sweep_has_a_row_per_run_and_cycle_and_keeps_every_failure(local_sweep):
    table = local_sweep
    assert list(table.columns) == ["run", RATE, "temperature_C", "cycle", "discharge_capacity_mAh_g", "charge_capacity_mAh_g",
                                   "coulombic_efficiency", "status", "reason"]
    runs = table.drop_duplicates("run").set_index("run")
    assert list(runs.index) == [1, 2, 3, 4, 5, 6]
    assert [(p[RATE], p["temperature_C"]) for _, p in runs.iterrows()] == [(1, 25), (1, -30), (1, -40), (300, 25), (300, -30), (300, -40)]
    assert list(runs["status"]) == ["finished", "stopped", "failed"] * 2
    for run, status in runs["status"].items():
        rows = table[table["run"] == run]
        if status == "finished":
            assert list(rows["cycle"]) == [1, 2, 3] and rows["reason"].isna().all()
        elif status == "stopped":  # the finished cycle is kept, with why the next did not run
            assert list(rows["cycle"]) == [1] and "stopped after 1 of 3 cycles" in rows["reason"].iloc[0]
        else:  # no cycle: one row, cycle missing, the reason kept
            assert len(rows) == 1 and pd.isna(rows["cycle"].iloc[0]) and np.isnan(rows["discharge_capacity_mAh_g"].iloc[0])
            assert "cannot start" in rows["reason"].iloc[0]
    summary = run_summary(table).set_index("run")
    assert list(summary["cycles"]) == [3, 1, 0] * 2 and list(summary["status"]) == list(runs["status"])


def test_faster_interphase_growth_fades_more_and_rows_equal_a_direct_run(local_sweep):
    at_25 = local_sweep[(local_sweep["temperature_C"] == 25)]
    last = at_25[at_25["cycle"] == 3].set_index(RATE)["discharge_capacity_mAh_g"]
    assert last[300.0] < last[1.0] - 1.0  # mAh/g
    fast = resolve_cell(LFP, {RATE_KEY: 300.0})
    swept = at_25[at_25[RATE] == 300.0]["discharge_capacity_mAh_g"]
    assert list(swept) == pytest.approx(direct_run(fast, 3, C_RATE, 25.0), rel=1e-6)


def test_grid_is_the_product_of_the_values_and_temperatures():
    points = sweep_grid(LFP, {RATE: [1, 10, 100], "stack_pressure_MPa": [0.5, 2]}, temperatures=[0, 60])
    assert [p.run for p in points] == list(range(1, 13))
    assert {(p.values[RATE], p.values["stack_pressure_MPa"], p.temperature_C) for p in points} == {
        (r, s, t) for r in (1, 10, 100) for s in (0.5, 2) for t in (0, 60)}
    assert {p.temperature_C for p in sweep_grid(LFP, {RATE: [1]})} == {25.0}  # the cell's own


def test_latin_hypercube_has_one_point_per_stratum_log_uniform_for_log_fitted_names():
    vary = {RATE: [0.1, 1000.0, 3.0], "stack_pressure_MPa": [0.5, 5.0], "lithium_roughness": [2.0, 2.0]}
    points = sweep_grid(LFP, vary, temperatures=[0, 60], samples=20, seed=1)
    assert len(points) == 20 and [p.run for p in points] == list(range(1, 21))

    def strata(values, low, high):
        return sorted(np.floor(20 * (np.asarray(values) - low) / (high - low)).astype(int))

    rates = [math.log(p.values[RATE]) for p in points]  # the fit works in logs for this range: log-uniform
    assert strata(rates, math.log(0.1), math.log(1000)) == list(range(20))
    assert strata([p.values["stack_pressure_MPa"] for p in points], 0.5, 5.0) == list(range(20))  # uniform
    assert strata([p.temperature_C for p in points], 0, 60) == list(range(20))
    assert {p.values["lithium_roughness"] for p in points} == {2.0}  # one value: held
    again = sweep_grid(LFP, vary, temperatures=[0, 60], samples=20, seed=1)
    other = sweep_grid(LFP, vary, temperatures=[0, 60], samples=20, seed=2)
    assert again == points and other != points


def test_bad_values_fail_before_anything_runs():
    unreachable = "tcp://127.0.0.1:9"  # were anything submitted, the error would be this scheduler's
    with pytest.raises(SweepError, match="grid point anode_interphase_rate=1e\\+06 at 25 C: .*outside its range"):
        sweep(LFP, {RATE: [1.0, 1e6]}, cycles=2, scheduler=unreachable)
    with pytest.raises(SweepError, match="stack_pressure_MPa=-1 at 25 C: .*must be > 0"):
        sweep(LFP, {"stack_pressure_MPa": [1.0, -1.0]}, cycles=2, scheduler=unreachable)
    with pytest.raises(SweepError, match="at 500 C: temperature must be between"):
        sweep(LFP, {RATE: [1.0]}, temperatures=[25, 500], cycles=2, scheduler=unreachable)
    with pytest.raises(SweepError, match=r"neither a fit parameter .*\(did you mean 'anode_interphase_rate'"):
        sweep_grid(LFP, {"anode_interphase_rat": [1.0]})
    with pytest.raises(SweepError, match="log-uniformly .* must be > 0"):
        sweep_grid(LFP, {RATE: [0.0, 10.0]}, samples=4)
    with pytest.raises(SweepError, match="samples must be a whole number"):
        sweep_grid(LFP, {RATE: [1.0, 10.0]}, samples=0)


def test_parquet_without_pyarrow_names_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import fails as if it were not installed
    with pytest.raises(MissingExtraError, match="needs pyarrow, which is not installed.*pybamm-ssb\\[sweep\\]"):
        check_output(tmp_path / "sweep.parquet")
    check_output(tmp_path / "sweep.csv")


@pytest.mark.parametrize("args, message", [
    (["--vary", f"{RATE}="], "the values must be numbers"),
    (["--vary", f"{RATE}=1,x"], "the values must be numbers"),
    (["--vary", "=1"], "expected NAME=V1,V2"),
    (["--vary", f"{RATE}=1", "--vary", f"{RATE}=2"], f"names '{RATE}' twice"),
    (["--vary", f"{RATE}=1", "--cycles", "0"], "cycles must be a whole number >= 1"),
    (["--vary", f"{RATE}=1", "--out", "/no/such/folder/sweep.csv"], "folder '/no/such/folder' does not exist"),
    (["--vary", f"{RATE}=1", "--out", "sweep.txt"], "must end in .csv or .parquet"),
    (["--vary", "no_such_quantity=1"], "neither a fit parameter"),
    (["--vary", f"{RATE}=1", "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], "leave workers out"),
])
def test_cli_bad_input_is_one_line_and_exit_2(capsys, args, message):
    assert main(["sweep", LFP, *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pybamm-ssb: error: ") and message in err[0]


def test_cli_out_that_is_a_folder_is_refused(capsys, tmp_path):
    (tmp_path / "results.csv").mkdir()
    assert main(["sweep", LFP, "--vary", f"{RATE}=1", "--out", str(tmp_path / "results.csv")]) == 2
    assert "is a directory; give a file name" in capsys.readouterr().err


@pytest.fixture
def dask_cluster(tmp_path):
    """A Dask scheduler on a free port of 127.0.0.1 and one worker, as separate processes; its address."""
    from distributed import Client

    scheduler_file = tmp_path / "scheduler.json"
    processes = []
    try:
        processes.append(subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                           "--scheduler-file", str(scheduler_file)], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() or not scheduler_file.read_text().strip():
            assert time.monotonic() < deadline and processes[0].poll() is None, "the scheduler did not start"
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        processes.append(subprocess.Popen([str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-nanny",
                                           "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(1, timeout=120)
        yield address
    finally:
        for process in reversed(processes):  # the worker first: one whose scheduler is gone may not end on SIGTERM
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_cli_runs_on_a_running_scheduler_and_writes_the_table(dask_cluster, tmp_path, capsys):
    out = tmp_path / "sweep.parquet"
    assert main(["sweep", LFP, "--vary", "stack_pressure_MPa=0.5,5", "--cycles", "2", "--scheduler", dask_cluster,
                 "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "run 2/2" in printed.err
    lines = printed.out.splitlines()
    assert lines[0].split() == ["run", "stack_pressure_MPa", "temperature_C", "first_mAh_g", "last_mAh_g", "cycles", "status"]
    assert [line.split()[-1] for line in lines[1:3]] == ["finished", "finished"] and lines[3] == f"wrote 4 rows to {out}"
    table = pd.read_parquet(out)
    assert list(table["stack_pressure_MPa"]) == [0.5, 0.5, 5.0, 5.0] and list(table["cycle"]) == [1, 2, 1, 2]
    low_pressure = resolve_cell(LFP, {"stack_pressure_MPa": 0.5})
    direct = direct_run(low_pressure, 2, low_pressure.meta["c_rate"])
    assert list(table["discharge_capacity_mAh_g"][:2]) == pytest.approx(direct, rel=1e-9)
