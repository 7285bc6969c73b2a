"""The code stays clean under the project's ruff configuration (pyproject.toml)."""

import subprocess
import sys
from pathlib import Path


def test_ruff_finds_nothing():
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
                         cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
