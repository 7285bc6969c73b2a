"""The package's errors: every one is a ``PybammSsbError``, so ``except PybammSsbError`` catches
what the package raises on purpose; each also keeps its own class and the built-in base its
callers expect (``ValueError`` for bad input, ``KeyError`` for an unknown name)."""


class PybammSsbError(Exception):
    """Base class of the errors raised by pybamm-ssb."""


def did_you_mean(name, known):
    """" (did you mean 'x' or 'y'?)" for the known names closest to a misspelt ``name`` (case
    ignored; difflib's ratio >= 0.6), or "" when none is close."""
    import difflib

    by_lower = {str(k).lower(): str(k) for k in known}
    close = difflib.get_close_matches(str(name).lower(), list(by_lower), n=3)
    return f" (did you mean {' or '.join(repr(by_lower[c]) for c in close)}?)" if close else ""
