"""The documentation site builds without a warning and shows what it promises: the API from the
docstrings, a page per registered cell with its provenance, the CLI from its parser, and every
notebook with its stored figures."""

import html
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from pybamm_ssb.cli import _parser
from pybamm_ssb.registry import cell_names, get_cell

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built as the README says, warnings as errors, into a temporary folder."""
    html_dir = tmp_path_factory.mktemp("docs") / "html"
    build = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(html_dir)],
                           capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, f"sphinx-build failed:\n{build.stderr[-6000:]}"
    return html_dir


def page(site, name):
    return (site / name).read_text(encoding="utf-8")


def text_of(fragment):
    """The text of an HTML fragment, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_api_page_documents_the_models(site):
    models = page(site, "api/pybamm_ssb.models.html")
    assert 'id="pybamm_ssb.models.SolidStateSPMe"' in models and 'id="pybamm_ssb.models.SolidStateDFN"' in models
    assert "Package options" in models  # the module docstring's heading, shown as a rubric
    # the indented equation of a submodel docstring is shown verbatim, |i| included
    interphase = text_of(page(site, "api/pybamm_ssb.submodels.interphase.html"))
    assert "dL/dt = S * [ k_lin(T) (1 + gamma |i|) + k_par(T) / L ]" in interphase


def test_public_name_links_to_its_module_page(site):
    package = page(site, "api/pybamm_ssb.html")
    assert 'href="pybamm_ssb.models.html#pybamm_ssb.models.SolidStateSPMe"' in package


def test_a_page_per_registered_cell_with_its_provenance(site):
    pages = {path.stem for path in (site / "parameter_sets").glob("*.html")}
    assert pages == set(cell_names())
    cell = get_cell("Cui2025_LFP_NUHS_TPW")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page(site, "parameter_sets/Cui2025_LFP_NUHS_TPW.html"), flags=re.S)
    table = {cells[0]: cells[1:] for cells in ([text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
                                               for row in rows) if cells}
    provenance = cell.provenance["Lower voltage cut-off [V]"]
    assert table["Lower voltage cut-off [V]"] == ["2.5", "quoted", provenance.source]
    assert "Sec. 2.8" in provenance.source
    assert set(cell.provenance) <= set(table)
    assert f"{len(cell.provenance)} PyBaMM parameters" in page(site, "parameter_sets/Cui2025_LFP_NUHS_TPW.html")


def test_cli_page_lists_every_command(site):
    cli = text_of(page(site, "cli.html"))
    commands = next(action for action in _parser()._actions if action.dest == "command").choices
    assert "simulate" in commands
    for command in commands:
        assert f"pybamm-ssb {command}" in cli
    assert "--cycles" in cli and "--experiment" in cli  # no smart dashes


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_page_shows_its_stored_figures(site, notebook):
    stored = nbformat.read(notebook, as_version=4)
    figures = sum("image/png" in output.get("data", {}) for cell in stored.cells for output in cell.get("outputs", []))
    assert figures > 0, f"{notebook.name} stores no figure: run docs/execute_notebooks.py {notebook.relative_to(ROOT)}"
    assert page(site, f"notebooks/{notebook.stem}.html").count("<img") == figures


def test_stored_notebooks_have_no_timing_metadata():
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text())["cells"]
        assert not any("execution" in cell["metadata"] for cell in cells), notebook.name


def _execute_notebooks():
    spec = importlib.util.spec_from_file_location("execute_notebooks", DOCS / "execute_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tidy_cuts_long_text_and_drops_timing():
    script = _execute_notebooks()
    cell = nbformat.v4.new_code_cell("print(...)", metadata={"execution": {"iopub.execute_input": "2026-01-01"}})
    lines = [f"line {n}\n" for n in range(500)]
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="".join(lines)),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "short"}, execution_count=1)]
    notebook = script.tidy(nbformat.v4.new_notebook(cells=[cell]))
    kept = notebook.cells[0].outputs[0].text.splitlines()
    assert len(kept) == script.MAX_TEXT_LINES + 1
    assert kept[0] == "line 0" and kept[-1] == "line 499"
    assert kept[script.MAX_TEXT_LINES // 2] == f"... ({500 - script.MAX_TEXT_LINES} lines not stored) ..."
    assert notebook.cells[0].outputs[1].data["text/plain"] == "short"
    assert "execution" not in notebook.cells[0].metadata
