"""Optional dependencies: a feature that needs one imports it here, and a missing one is named
with the extra that installs it."""

import importlib

from .errors import PybammSsbError


class MissingExtraError(PybammSsbError, ImportError):
    """An optional dependency that a requested feature needs is not installed."""


def require(module, extra, purpose):
    """The imported ``module``, or MissingExtraError naming the extra ``pybamm-ssb[extra]``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(f"{purpose} needs {module}, which is not installed; "
                                f"install the extra '{extra}': pip install 'pybamm-ssb[{extra}]'") from None
