"""Nothing computed is lost: failed, interrupted and cut-short runs keep their finished cycles
and say why they stopped; progress counts solved cycles; CLI input defects give one-line errors."""

import json
import os
import signal
import subprocess
import sys
import time

import pybamm
import pytest

from pybamm_ssb import PybammSsbError, SimulationFailed, simulate_cycling
from pybamm_ssb.cli import main
from pybamm_ssb.fade_data import read_fade_data

from .conftest import LFP

SHORT = ["Charge at 1C until 3.8 V", "Discharge at 1C until 2.5 V"]


def finish(run):
    """(stdout, stderr) of the rest of ``run``. Read through the file objects, not communicate(),
    which would miss the lines their iteration has already buffered."""
    out, err = run.stdout.read(), run.stderr.read()
    run.wait(timeout=60)
    return out, err


def cli(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "pybamm_ssb.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_a_solver_failure_mid_run_keeps_the_finished_cycles(monkeypatch, capsys):
    step = pybamm.IDAKLUSolver.step
    calls = []

    def failing_step(self, *args, **kwargs):  # the 5th step (cycle 3's charge) fails
        calls.append(1)
        if len(calls) == 5:
            raise pybamm.SolverError("Maximum number of decreased steps occurred")
        return step(self, *args, **kwargs)

    monkeypatch.setattr(pybamm.IDAKLUSolver, "step", failing_step)
    with pytest.raises(SimulationFailed) as failed:
        simulate_cycling(LFP, steps=SHORT, cycles=5, progress=True)
    message = str(failed.value)
    assert message == ("stopped after 2 of 5 cycles: the solver failed in cycle 3, step 'Charge at 1C until 3.8 V': "
                       "Maximum number of decreased steps occurred")
    result = failed.value.result
    assert [row["cycle"] for row in result.cycles] == [1, 2] and result.stopped == message
    assert result.cycles[1]["discharge_capacity_mAh_g"] > 50
    progress = capsys.readouterr().err
    assert "cycle 2/5" in progress and "cycle 3/5" not in progress  # cycle 3 never finished

    calls.clear()
    assert main(["simulate", LFP, "--cycles", "5", "--json", "--experiment", *SHORT]) == 1
    out = capsys.readouterr()
    printed = json.loads(out.out)  # valid JSON of the kept cycles, despite the failure
    assert printed["stopped"] == message and [row["cycle"] for row in printed["cycles"]] == [1, 2]
    assert out.err.strip().splitlines()[-1] == f"pybamm-ssb: error: {message}" and "ERROR" not in out.err
    calls.clear()
    assert main(["simulate", LFP, "--cycles", "5", "--experiment", *SHORT]) == 1
    table = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in table[2:]] == ["1", "2"]


def test_a_finished_run_says_it_was_not_stopped(capsys):
    assert main(["simulate", LFP, "--json", "--experiment", SHORT[0], "--experiment", SHORT[1]]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["stopped"] is None and printed["warnings"] == []
    assert printed["cycles"][0]["discharge_capacity_mAh_g"] > 50  # both --experiment steps ran


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_keeps_its_finished_cycles(how):
    run = cli("simulate", LFP, "--cycles", "500", "--json", "--experiment", *SHORT)
    progress = []
    for line in run.stderr:  # wait for two solved cycles
        progress.append(line)
        if line.startswith("cycle 2/500"):
            break
    run.send_signal(how)
    out, err = finish(run)
    assert run.returncode == 128 + how, err
    printed = json.loads(out)
    n = len(printed["cycles"])
    assert 2 <= n < 500 and [row["cycle"] for row in printed["cycles"]] == list(range(1, n + 1))
    assert printed["stopped"] == f"interrupted after {n} of 500 cycles"
    lines = (''.join(progress) + err).strip().splitlines()
    assert lines[-1] == f"pybamm-ssb: error: interrupted after {n} of 500 cycles"
    assert lines[-2] == f"cycle {n}/500" and "Traceback" not in err and "ERROR" not in err


def test_an_interrupted_run_prints_its_table():
    run = cli("simulate", LFP, "--cycles", "500", "--experiment", *SHORT)
    for line in run.stderr:
        if line.startswith("cycle 1/500"):
            break
    time.sleep(0.2)
    run.send_signal(signal.SIGINT)
    out, err = finish(run)
    assert run.returncode == 130
    rows = out.splitlines()[2:]
    n = int(err.strip().splitlines()[-1].split("interrupted after ")[1].split()[0])
    assert n >= 1 and [int(row.split()[0]) for row in rows] == list(range(1, n + 1))


@pytest.mark.parametrize(
    "step, message",
    [
        ("Discharge at 0.2C until 4.5 V",
         "step 'Discharge at 0.2C until 4.5 V' of cycle 1 cannot start: a discharge ends when the voltage falls to "
         "4.5 V, but the cell starts it at 2.5 V (as assembled, at its lower cut-off)"),
        ("Discharge at -0.2C until 2.8 V",
         "step 'Discharge at -0.2C until 2.8 V' cannot start: its current is negative, which turns a discharge into "
         "a charge; write 'Charge at 0.2C until 2.8 V' with the voltage the charge should reach"),
    ],
)
def test_a_step_that_cannot_start_is_a_one_line_error(step, message, capsys):
    assert main(["simulate", LFP, "--cycles", "3", "--experiment", step]) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err == f"pybamm-ssb: error: {message}\n"  # no "cycle n/3" either


def test_plot_path_is_checked_before_solving(tmp_path, capsys):
    assert main(["simulate", LFP, "--cycles", "500", "--plot", str(tmp_path)]) == 2  # would take minutes
    assert capsys.readouterr().err == (f"pybamm-ssb: error: --plot '{tmp_path}' is a directory; give a file name, "
                                       f"e.g. '{tmp_path / 'plot.png'}'\n")
    missing = tmp_path / "no" / "v.png"
    assert main(["simulate", LFP, "--cycles", "500", "--plot", str(missing)]) == 2
    assert capsys.readouterr().err == f"pybamm-ssb: error: --plot '{missing}': folder '{missing.parent}' does not exist\n"
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert main(["simulate", LFP, "--cycles", "500", "--plot", str(locked / "v.png")]) == 2
        assert "cannot be written" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.png")) and not (tmp_path.parent / f"{tmp_path.name}.png").exists()


def test_a_step_ending_on_the_default_duration_is_reported(capsys):
    step = "Charge at 0.02 mA/cm2 until 4.2 V"  # LFP charges fully in under 24 h without reaching 4.2 V
    warning = (f"step '{step}' (cycle 1) ran for PyBaMM's default 24 hours without reaching its end; to lengthen "
               "it give a duration, e.g. 'Charge at 0.02 mA/cm2 for 96 hours or until 4.2 V'")
    assert main(["simulate", LFP, "--json", "--experiment", step]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["warnings"] == [warning] and f"pybamm-ssb: warning: {warning}" in out.err
    assert main(["simulate", LFP, "--cycles", "2", "--experiment", step]) == 1  # PyBaMM stops the run there
    out = capsys.readouterr()
    assert out.err.strip().splitlines()[-1] == (f"pybamm-ssb: error: stopped after 1 of 2 cycles: step '{step}' of "
                                                "cycle 1 did not end within PyBaMM's default 24 hours")
    assert "cycle 1/2" in out.err and "cycle 2/2" not in out.err


def test_a_later_cycle_that_cannot_start_keeps_the_cycles_before_it():
    """PyBaMM raises when no step of a cycle can start ("All steps in the cycle ... are infeasible"),
    which would lose the finished cycles; the run stops there instead and keeps them."""
    protocol = [SHORT, ["Discharge at 1C until 3.0 V", "Discharge at 1C until 2.9 V"], SHORT]
    with pytest.raises(SimulationFailed) as failure:
        simulate_cycling(LFP, protocol=protocol)
    result = failure.value.result
    assert len(result.cycles) == 1 and result.cycles[0]["discharge_capacity_mAh_g"] > 50
    assert result.stopped.startswith("stopped after 1 of 3 cycles: step 'Discharge at 1C until 3.0 V' of cycle 2 cannot start")
    assert "at the end of cycle 1" in result.stopped


def test_a_run_that_would_exhaust_memory_stops_with_the_estimate(monkeypatch):
    """From the end of cycle 1 to cycle 11 the run measures what a cycle takes; 0.1 GB a cycle for 989
    more cycles is more than the 4 GB available, so it stops there and keeps the 11."""
    calls = iter(range(10**6))
    monkeypatch.setattr("pybamm_ssb.simulate.memory_bytes", lambda: (1e9 + 1e9 * next(calls), 4e9))  # 1 GB more by cycle 11
    with pytest.raises(SimulationFailed) as failure:
        simulate_cycling("Chu2024_LLZO_Cu3N", SHORT, cycles=1000)
    result = failure.value.result
    assert len(result.cycles) == 11
    assert result.stopped == ("stopped after 11 of 1000 cycles: the remaining 989 cycles would need about 98.9 GB (100 MB "
                              "per cycle over cycles 2-11), more than 80 % of the 4 GB available: run fewer cycles at a time")


def test_a_data_file_too_large_for_memory_is_refused_with_the_estimate(tmp_path, monkeypatch):
    data = tmp_path / "fade.csv"
    data.write_text("cycle,discharge_capacity_mAh_g\n" + "".join(f"{n},150\n" for n in range(1, 2001)))
    size = data.stat().st_size
    monkeypatch.setattr("pybamm_ssb.fade_data.memory_bytes", lambda: (1e8, 15 * size))  # 10 x size > half of 15 x size
    with pytest.raises(PybammSsbError, match=r"fade.csv \(\S+ GB\) would take about \S+ GB to read, more than half the \S+ GB "
                                             "available: split it, or keep the cycles to be fitted"):
        read_fade_data(data)
    monkeypatch.setattr("pybamm_ssb.fade_data.memory_bytes", lambda: (1e8, 25 * size))
    assert len(read_fade_data(data).cycle) == 2000
