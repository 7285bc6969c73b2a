"""The package's errors: every one is a ``PybammSsbError``, so ``except PybammSsbError`` catches
what the package raises on purpose; each also keeps its own class and the built-in base its
callers expect (``ValueError`` for bad input, ``KeyError`` for an unknown name)."""


class PybammSsbError(Exception):
    """Base class of the errors raised by pybamm-ssb."""
