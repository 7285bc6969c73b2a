"""Sphinx extension: a page per registered cell, built from the parameter files at build time.

At ``builder-inited`` one stub page per name of ``pybamm_ssb.registry.cell_names()`` is written to
``parameter_sets/`` (stubs of cells no longer registered are removed). Each stub holds the
``ssb-cell`` directive, which renders the cell's summary (``registry.cell_summary``) and the
provenance of every PyBaMM parameter (``ComposedCell.provenance``, the table of
``pybamm-ssb provenance CELL``) with its value. ``ssb-cell-table`` lists every cell with a link
to its page. The pages depend on the cell's parameter files, so an edited file rebuilds them.
"""

import numbers
from importlib import resources
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from pybamm_ssb.provenance import KINDS
from pybamm_ssb.registry import cell_names, cell_summary, get_cell, load_cell_components

PAGES = "parameter_sets"
# no "on this page" sidebar: the page has one section, and its table needs the width
STUB = "---\nhtml_theme.sidebar_secondary.remove: true\n---\n# {name}\n\n```{{ssb-cell}} {name}\n```\n"


def write_stubs(app):
    """One ``parameter_sets/<cell>.md`` per registered cell; stale stubs removed, unchanged ones kept
    (so an incremental build does not reread them)."""
    folder = Path(app.srcdir) / PAGES
    folder.mkdir(exist_ok=True)
    names = cell_names()
    for stale in set(folder.glob("*.md")) - {folder / f"{name}.md" for name in names}:
        stale.unlink()
    for name in names:
        page, text = folder / f"{name}.md", STUB.format(name=name)
        if not page.exists() or page.read_text() != text:
            page.write_text(text)


def formatted_value(value):
    """A parameter value as the table shows it: numbers to 6 significant digits, functions by name."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return f"{value:.6g}"
    if callable(value):
        return f"function {getattr(value, '__name__', type(value).__name__)}"
    return str(value)


def table(header, rows, widths):
    """A docutils table of plain-text cells (no markup is interpreted in the file's text)."""
    group = nodes.tgroup(cols=len(header))
    group += [nodes.colspec(colwidth=width) for width in widths]
    head, body = nodes.thead(), nodes.tbody()
    for parent, cells in [(head, header), *((body, row) for row in rows)]:
        line = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=str(cell))
            line += entry
        parent += line
    group += [head, body]
    return nodes.table("", group, classes=["colwidths-given", "provenance-table"])


def field_list(fields):
    """A docutils field list ``name: text`` of plain-text fields."""
    listing = nodes.field_list()
    for name, text in fields:
        listing += nodes.field("", nodes.field_name(text=name), nodes.field_body("", nodes.paragraph(text=str(text))))
    return listing


def parameter_files(cell_name):
    """Paths of the parameter files a registered cell reads: its cell file and its components'."""
    root = resources.files("pybamm_ssb.parameter_sets")
    files = [root / "cells" / f"{cell_name}.toml"]
    files += [root / component.folder / f"{component.file}.toml" for component in load_cell_components(cell_name)]
    return [str(path) for path in files]


class CellDirective(SphinxDirective):
    """``ssb-cell NAME``: the summary and provenance table of one registered cell."""

    required_arguments = 1

    def run(self):
        name = self.arguments[0]
        cell = get_cell(name)
        for path in parameter_files(name):
            self.env.note_dependency(path)
        summary = cell_summary(name)
        facts = [("description", summary["description"]), ("document", summary["document"]),
                 ("citation", summary["citation"] or "-"), ("electrolyte", summary["electrolyte"]),
                 ("cathode", summary["cathode"]), ("assembly", summary["assembly"]),
                 ("C-rate of the protocol", f"{cell.meta['c_rate']:g}"),
                 ("model options", ", ".join(f"{k}: {v}" for k, v in cell.meta.get("model_options", {}).items()) or "-"),
                 ("component files", ", ".join(f"{kind}: {file}" for kind, file in cell.components.items()))]
        counts = ", ".join(f"{sum(p.kind == kind for p in cell.provenance.values())} {kind}" for kind in KINDS)
        rows = [(parameter, formatted_value(cell.values.get(parameter)), p.kind, p.source)
                for parameter, p in cell.provenance.items()]
        usage = nodes.paragraph()
        usage += [nodes.Text("Use it as "), nodes.literal(text=f'pybamm.ParameterValues("{name}")'),
                  nodes.Text(" or "), nodes.literal(text=f"pybamm_ssb.get_cell(\"{name}\")"),
                  nodes.Text("; the same table is printed by "), nodes.literal(text=f"pybamm-ssb provenance {name}"), nodes.Text(".")]
        provenance = nodes.section(ids=[nodes.make_id(f"{name}-provenance")], names=[f"{name} provenance"])
        provenance += nodes.title(text="Provenance of each parameter")
        provenance += nodes.paragraph(text=f"{len(rows)} PyBaMM parameters ({counts}).")
        provenance += table(("parameter", "value", "kind", "source"), rows, (26, 14, 10, 50))
        return [usage, field_list(facts), provenance]


class CellTableDirective(SphinxDirective):
    """``ssb-cell-table``: every registered cell with a link to its page and its document."""

    def run(self):
        rows = []
        for name in cell_names():
            summary = cell_summary(name)
            link = nodes.paragraph()
            link += addnodes.pending_xref("", nodes.literal(text=name), refdomain="std", reftype="doc",
                                          reftarget=f"/{PAGES}/{name}", refexplicit=True, refdoc=self.env.docname)
            rows.append((link, summary["electrolyte"], summary["cathode"], summary["assembly"], summary["citation"] or "-"))
        return [table(("cell", "electrolyte", "cathode", "assembly", "citation"), rows, (30, 20, 15, 20, 15))]

def setup(app):
    app.connect("builder-inited", write_stubs)
    app.add_directive("ssb-cell", CellDirective)
    app.add_directive("ssb-cell-table", CellTableDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
