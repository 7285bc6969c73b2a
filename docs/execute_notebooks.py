"""Execute the notebooks in place, so that the stored notebooks show their outputs and figures.

    .venv/bin/python docs/execute_notebooks.py [NOTEBOOK ...]    # every notebooks/*.ipynb by default

Each notebook runs top to bottom in a fresh kernel from its own folder (nbclient) and is written
back with its outputs. Figures are stored as PNG (the inline backend's format); timing metadata is
not recorded and long text outputs are cut, so that running the notebooks again gives a small diff
(none when nothing changed). A notebook that raises is left unchanged and the script exits 1 after
trying the others.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CELL_TIMEOUT_S = 3600
MAX_TEXT_LINES = 60  # a longer text output keeps its first and last lines


class NotebookChanged(RuntimeError):
    """The notebook file changed on disk while it ran: its outputs are not written over the edit."""


def _cut(text):
    """``text`` with its middle lines replaced by a note when it has more than MAX_TEXT_LINES lines."""
    lines = text.splitlines(keepends=True)
    if len(lines) <= MAX_TEXT_LINES:
        return text
    head, tail = lines[:MAX_TEXT_LINES // 2], lines[-MAX_TEXT_LINES // 2:]
    return "".join(head) + f"... ({len(lines) - len(head) - len(tail)} lines not stored) ...\n" + "".join(tail)


def tidy(notebook):
    """Drop what changes from run to run without changing what the notebook shows: execution
    timing, widget state; cut long text outputs."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                output.text = _cut(output.text)
            elif "text/plain" in output.get("data", {}) and "text/html" not in output.data:
                output.data["text/plain"] = _cut(output.data["text/plain"])
    return notebook


def execute(path):
    """Run the notebook at ``path`` and write it back with its outputs; the seconds it took."""
    stored = path.read_bytes()
    notebook = nbformat.reads(stored.decode(), as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log (a cell's errors come as its outputs)
    seconds = time.perf_counter() - start
    if path.read_bytes() != stored:
        raise NotebookChanged(f"{path} was edited while it ran; run it again")
    nbformat.write(tidy(notebook), path)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, metavar="NOTEBOOK",
                        help="notebooks to execute (default: every notebooks/*.ipynb)")
    paths = parser.parse_args(argv).notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    failed = []
    for path in paths:
        print(f"{path.name} ...", end=" ", flush=True)
        try:
            print(f"{execute(path.resolve()):.0f} s", flush=True)
        except (CellExecutionError, CellTimeoutError, DeadKernelError, NotebookChanged) as error:
            failed.append(path.name)
            print(f"FAILED, left unchanged:\n{error}", flush=True)
    if failed:
        print(f"{len(failed)} of {len(paths)} notebooks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
