"""A sample of the robustness grid (benchmarks/grid.py: every cell x C-rate x temperature x
model) as CI runs it: no run may end in a traceback, and every run that does not finish says why."""

import json
import subprocess
import sys
from pathlib import Path

GRID = Path(__file__).resolve().parents[1] / "benchmarks" / "grid.py"


def test_a_sample_of_the_grid_has_no_traceback():
    run = subprocess.run([sys.executable, str(GRID), "--sample", "8", "--cycles", "3", "--seed", "19", "--workers", "2",
                          "--json"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout)
    totals, runs = report["totals"], report["runs"]
    assert totals["runs"] == len(runs) == 8 and totals["traceback"] == 0
    assert sum(totals[k] for k in ("finished", "stopped", "cannot start", "refused")) == 8
    for row in runs:
        assert (row["reason"] is None) == (row["outcome"] == "finished"), row
        assert row["outcome"] != "stopped" or row["reason"].startswith("stopped after ")
        assert row["outcome"] != "finished" or row["cycles_kept"] == 3
    assert "[8/8]" in run.stderr  # progress
