"""BibTeX entries of this package and of the documents its cells come from.

PyBaMM collects what a simulation rests on in ``pybamm.citations``: a model registers its
sources when it is built, and ``pybamm.ParameterValues`` registers every entry of a
parameter set's ``"citations"`` list. This package follows both conventions: instantiating
``SolidStateSPMe`` / ``SolidStateDFN`` registers the package (``register_package``), and
every cell's values carry the package's entry and that of the cell's document, so

    >>> sim = pybamm.Simulation(pybamm_ssb.SolidStateSPMe(),
    ...                         parameter_values=pybamm.ParameterValues("Cui2025_LFP_NUHS_TPW"))
    >>> pybamm.print_citations()   # lists pybamm-ssb and Cui et al. 2025 with PyBaMM's own

The entries give only bibliographic facts as the documents print them (authors, title,
journal, year, volume and first page where printed, DOI), with the journals' usual
abbreviations. PyBaMM formats the list with ``pybtex`` (a dependency of this package); without
it ``pybamm.print_citations()`` only warns, but the entries are registered all the same.
"""

import re

import pybamm

from .provenance import ParameterFileError

PACKAGE = "pybammssb"

BIBTEX = {
    PACKAGE: """@software{pybammssb,
  title = {{pybamm-ssb}: solid-state lithium-metal battery models for {PyBaMM}},
  author = {{pybamm-ssb contributors}},
  year = {2026},
  version = {0.1.0},
  note = {Python package, version 0.1.0}
}""",
    # 000: first page (title block, DOI line)
    "Cui2025": """@article{Cui2025,
  title = {An integrated optimization strategy by {Joule} heating technique enabling rapid fabrication of robust
           {Li1.3Al0.3Ti1.7(PO4)3} solid-state electrolyte for all-solid-state lithium metal
           batteries},
  author = {Cui, Xiangming and Chen, Xin and Lin, Changzheng and Wang, Jingzhao and Guo, Zirui and Zhou, Mi and
            Yao, Zhouzhou and Zhang, Jiaxin and Sun, Shiya and Wang, Jianan and Yan, Wei},
  journal = {J. Colloid Interface Sci.},
  year = {2025},
  doi = {10.1016/j.jcis.2025.01.276}
}""",
    # 001: first page ("Cite this: DOI: ..."; no volume or pages printed)
    "Chu2024": """@article{Chu2024,
  title = {Optimization strategies for key interfaces of {LLZO}-based solid-state lithium metal batteries},
  author = {Chu, Jiangwei and Li, Ziwei and Wang, Jin and Huang, Gang and Zhang, Xinbo},
  journal = {Mater. Chem. Front.},
  year = {2024},
  doi = {10.1039/d3qm01111a}
}""",
    # 002: first page ("Cite this: EES Batteries, 2026, 2, 176")
    "Yang2026": """@article{Yang2026,
  title = {An internal--external dual-modification strategy for enhancing interfacial stability and ionic transport
           in {LAMP}-based solid-state electrolytes},
  author = {Yang, Mou and Liu, Qing and Zeng, Kun and Zhao, Genfu and Yang, Li and Hu, Qingxia and Liang, Xilin and
            Yu, Shuyuan and Guo, Hong},
  journal = {EES Batteries},
  year = {2026},
  volume = {2},
  pages = {176},
  doi = {10.1039/d5eb00166h}
}""",
    # 003: first page ("Cite this: EES Batteries, 2025, 1, 692")
    "Dandena2025": """@article{Dandena2025,
  title = {Review of interface issues in {Li}--argyrodite-based solid-state {Li}--metal batteries},
  author = {Dandena, Berhanu Degagsa and Tsai, Dah-Shyang and Wu, She-Huang and Su, Wei-Nien and
            Hwang, Bing Joe},
  journal = {EES Batteries},
  year = {2025},
  volume = {1},
  pages = {692},
  doi = {10.1039/d5eb00101c}
}""",
    # 004: HAL cover page ("To cite this version: ... ACS Applied Energy Materials, 2023, 6 (3),
    # pp.1197-1207. 10.1021/acsaem.2c02464")
    "Raj2023": """@article{Raj2023,
  title = {Stabilizing the {NASICON} Solid Electrolyte in an Inert Atmosphere as a Function of Physical Properties
           and Sintering Conditions for Solid-State Battery Fabrication},
  author = {Raj, Hari and Fabre, Timothée and Lachal, Marie and Neveu, Audric and Jean, Justine and
            Steil, Marlu César and Bouchet, Renaud and Pralong, Valérie},
  journal = {ACS Appl. Energy Mater.},
  year = {2023},
  volume = {6},
  number = {3},
  pages = {1197--1207},
  doi = {10.1021/acsaem.2c02464}
}""",
}

# the source documents, by the number their file names start with
DOCUMENT_KEYS = {"000": "Cui2025", "001": "Chu2024", "002": "Yang2026", "003": "Dandena2025", "004": "Raj2023"}
_DOCUMENT = re.compile(r"^(\d{3})_[0-9a-f]+\.txt$")


def document_citation(document):
    """The key of ``document`` (a seed file name such as "000_ba47987edc986d26.txt"), or None
    for a document that is not one of the five (a user's lab notebook, say)."""
    match = _DOCUMENT.match(str(document).strip()) if document else None
    return DOCUMENT_KEYS.get(match.group(1)) if match else None


def bibtex(key_or_entry):
    """The BibTeX entry of a key of this module; a BibTeX entry (starting with "@") as it is.

    Raises KeyError naming the known keys for anything else."""
    text = str(key_or_entry).strip()
    if text.startswith("@"):
        return text
    try:
        return BIBTEX[text]
    except KeyError:
        raise KeyError(f"unknown citation '{text}'; known: {', '.join(BIBTEX)} (or give a BibTeX entry)") from None


def entry_key(entry):
    """The key of a BibTeX entry: "Cui2025" of "@article{Cui2025, ...}"."""
    match = re.match(r"\s*@\w+\s*\{\s*([^,\s]+)\s*,", entry)
    if match is None:
        raise ValueError(f"not a BibTeX entry: {entry[:60]!r}")
    return match.group(1)


def register(key_or_entry):
    """Register a key of this module (or a BibTeX entry) with ``pybamm.citations``."""
    pybamm.citations.register(bibtex(key_or_entry))


def register_package():
    """Register this package's own entry (models do on instantiation)."""
    register(PACKAGE)


def cell_citations(meta):
    """The "citations" value of a cell (this package's entry, then its document's) with the
    kind and source of its provenance.

    The document's entry is the cell file's ``citation`` (a key of this module or a BibTeX
    entry) if it gives one, else that of its ``document`` if it is one of the five seeds."""
    package = bibtex(PACKAGE)
    document = meta.get("document")
    given = meta.get("citation")
    key = given or document_citation(document)
    if key is None:
        return [package], "assumed", (f"This package's own entry only: the cell's document ({document or 'none named'}) "
                                      "has no entry in pybamm_ssb.citations (a cell file's 'citation' gives one)")
    try:
        entry = bibtex(key)
    except KeyError as error:
        raise ParameterFileError(f"cell '{meta.get('description', '?')}': 'citation' {error.args[0]}") from None
    label = entry_key(entry)
    number = {v: k for k, v in DOCUMENT_KEYS.items()}.get(label)
    where = (f"{number} {label[:-4]} {label[-4:]}, first page (title block, before Sec. 1)" if number is not None
             else f"the cell file's citation '{label}'")
    return [package, entry], "quoted", (f"{where}: bibliographic data, with this package's own entry "
                                        "(pybamm_ssb.citations); ParameterValues registers both")
