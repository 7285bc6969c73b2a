"""Sphinx configuration of the pybamm-ssb documentation.

Build: ``sphinx-build -W -b html docs docs/_build/html``. The API pages are generated from the
docstrings (autosummary), the parameter-set pages from the parameter files
(``_ext/parameter_set_pages.py``), the CLI page from the argparse parser (``_ext/cli_reference.py``), and the notebook pages
from the outputs stored in ``notebooks/`` (not executed here: ``docs/execute_notebooks.py`` does that).
"""

import importlib
import importlib.util
import re
import sys
from pathlib import Path

import pybamm_ssb

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "pybamm-ssb"
author = "pybamm-ssb contributors"
copyright = "pybamm-ssb contributors, BSD-3-Clause"
release = version = pybamm_ssb.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_nb",
    "parameter_set_pages",
    "cli_reference",
]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "execute_notebooks.py"]
templates_path = ["_templates"]

# Markdown pages and notebooks (MyST); notebooks are shown with the outputs they store
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"
nb_merge_streams = True

# API reference from the docstrings
autosummary_generate = True
autosummary_ignore_module_all = False  # a package page lists its __all__, the names users import from it
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_inherit_docstrings = False  # PyBaMM's generic docstrings of the submodel methods the package overrides add nothing
highlight_language = "text"  # the docstrings' indented equations are plain text, not Python

html_theme = "pydata_sphinx_theme"
html_title = "pybamm-ssb"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
smartquotes = False  # keep the parameter files' sources and the CLI's --options as they are written


HEADING_UNDERLINE = re.compile(r"^\s*([-=~^])\1{2,}\s*$")


def indentation(line):
    return len(line) - len(line.lstrip())


def docstring_as_rst(app, what, name, obj, options, lines):
    """Read the package's plain-text docstrings as reStructuredText.

    The docstrings write equations as indented plain text after a paragraph (e.g.
    ``dL/dt = S [k_lin (1 + gamma |i|) + k_par / L]``): such a block, indented 4 or more under an
    unindented paragraph, is shown verbatim (a literal block). Elsewhere ``|`` is a character, not
    the start of a substitution (``|Z|``, ``R||C``). A section heading (a title underlined with
    ``---``) becomes a rubric, since a heading cannot stand inside an object's description."""
    text = list(lines)
    lines.clear()
    previous = ""  # the last non-blank line outside a literal block
    literal_above = None  # indentation of the paragraph that opened the current literal block
    underline = False  # the line underlines a heading already written as a rubric
    for index, line in enumerate(text):
        if underline:
            underline = False
            continue
        following = text[index + 1] if index + 1 < len(text) else ""
        if literal_above is not None and line.strip() and indentation(line) <= literal_above:
            literal_above = None
        if literal_above is None:
            if line.strip() and HEADING_UNDERLINE.match(following) and len(following.strip()) >= len(line.strip()):
                lines.extend([f".. rubric:: {line.strip()}", ""])
                underline = True
                continue
            if (line.strip() and indentation(line) >= 4 and not text[index - 1].strip() and previous
                    and indentation(previous) == 0 and not previous.startswith("..")):
                lines.extend(["::", ""])
                literal_above = 0
            elif line.strip():
                previous = line
                line = line.replace("|", "\\|")
                if line.rstrip().endswith("::"):
                    literal_above = indentation(line)
        lines.append(line)

def resolve_public_names(app, env, node, contnode):
    """Link ``pybamm_ssb.NAME`` (a public name as users write it, e.g. ``pybamm_ssb.get_cell``) to
    the object's documentation in its own module (``pybamm_ssb.registry.get_cell``)."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("pybamm_ssb."):
        return None
    module_name, _, attribute = target.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError):
        return None
    canonical = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
    if canonical == target or not canonical.startswith("pybamm_ssb."):
        return None
    return env.get_domain("py").resolve_xref(env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode)


API_PAGES = Path(__file__).parent / "api"


def remove_pages_of_removed_modules(app):
    """Delete the generated API page of a module that no longer exists (autosummary writes pages but never
    deletes them, and the stale page would fail to import); runs before autosummary generates the pages."""
    for page in API_PAGES.glob("*.rst"):
        try:
            found = importlib.util.find_spec(page.stem) is not None
        except ModuleNotFoundError:  # its package is gone too
            found = False
        if not found:
            page.unlink()


def setup(app):
    app.connect("builder-inited", remove_pages_of_removed_modules, priority=400)
    app.connect("autodoc-process-docstring", docstring_as_rst)
    app.connect("missing-reference", resolve_public_names)
