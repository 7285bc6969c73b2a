"""A warning when a cell's values need model options the model was built without.

Some cells can only be run as their documents describe with a model option: a pressed cell
whose lithium interface conducts unevenly ("Lithium interface conductance spread" > 0, or an
input) needs {"interface heterogeneity": "lognormal"}; a gel cell, whose electrolyte fills the
voids at the lithium surface ("Lithium voids filled by the electrolyte" 1), needs
{"contact loss": "cathode"}. The package's runners build their models with these options
(``pybamm_ssb.prepare_run(name).options``); a model built plainly,

    >>> pybamm.Simulation(pybamm_ssb.SolidStateSPMe(), parameter_values=pybamm.ParameterValues(name))

would run the pressed cell as uniform and open voids under the gel, silently. So the models
warn (``MissingOptionWarning``), once per model and option, naming the option and the call
that gives it.

Hook: PyBaMM hands a model its parameter values in ``ParameterValues.process_model``, the one
place every route goes through (``pybamm.Simulation``, experiments, EIS, direct use), by
setting ``model.symbol_processor.parameter_values``. The solid-state models' processor is a
``CheckingSymbolProcessor``, whose setter checks the values against the model's options. An
option the caller gave explicitly is the caller's choice (e.g. the impedance runs' regions
solved one by one with "interface heterogeneity" "none") and is never warned about.
"""

import numbers
import warnings

import pybamm

from .cell_options import needed_options

# values a user commonly sets on a registered cell's values; the rest identify the cell
_STATE = {
    "Ambient temperature [K]",
    "Initial temperature [K]",
    "Initial concentration in positive electrode [mol.m-3]",
    "Initial concentration in electrolyte [mol.m-3]",
    "Current function [A]",
}


class MissingOptionWarning(UserWarning):
    """A cell's values need a model option that the model was built without."""


class OptionCheck:
    """What a solid-state model was built with, and the options it has already warned about
    (shared by the model's copies: PyBaMM's ``new_copy`` copies the model shallowly)."""

    def __init__(self, model_class, options, given):
        # the package's class the model is (or derives from), e.g. "SolidStateSPMe"
        self.model_class = next(c.__name__ for c in model_class.__mro__ if c.__module__.startswith("pybamm_ssb"))
        self.options = dict(options)  # the package's options, completed with the defaults
        self.given = dict(given or {})  # what the caller passed to the model
        self.warned = set()

    def missing(self, values):
        """{option: (needed value, what the values say)} for each option the values need and
        the model lacks, the caller not having chosen it."""
        needed = needed_options(values)
        return {key: need for key, need in needed.items()
                if key not in self.given and self.options.get(key) != need[0]}

    def check(self, values):
        missing = self.missing(values)
        new = [key for key in missing if key not in self.warned]
        if not new:
            return
        self.warned.update(new)
        name = registered_cell_name(values)
        suggested = {**self.given, **{key: value for key, (value, _) in missing.items()}}
        for key in new:
            warnings.warn(self.message(name, key, *missing[key], suggested), MissingOptionWarning, stacklevel=3)

    def message(self, name, key, value, reason, suggested):
        whose = f"{name}'s values" if name else "These values"
        cell = f'"{name}"' if name else "cell"
        return (f"{whose} {reason[0]}, but this {self.model_class} was built without {_literal({key: value})}: "
                f"{reason[1]}. Build the model with pybamm_ssb.{self.model_class}({_literal(suggested)}) "
                f"(the cell's options: pybamm_ssb.prepare_run({cell}).options).")

    def processor(self, processor):
        """``processor`` (the model's SymbolProcessor) as one that checks the values it is given."""
        if isinstance(processor, CheckingSymbolProcessor) and processor.option_check is self:
            return processor
        checking = CheckingSymbolProcessor(self)
        checking.__dict__.update({k: v for k, v in vars(processor).items() if k != "option_check"})
        return checking


class CheckingSymbolProcessor(pybamm.SymbolProcessor):
    """PyBaMM's SymbolProcessor that checks the parameter values PyBaMM attaches to the model
    (``ParameterValues.process_model``) against the model's options."""

    def __init__(self, option_check):
        super().__init__()
        self.option_check = option_check

    @pybamm.SymbolProcessor.parameter_values.setter
    def parameter_values(self, parameter_values):
        pybamm.SymbolProcessor.parameter_values.fset(self, parameter_values)
        self.option_check.check(parameter_values)

    def copy(self):
        return self.option_check.processor(super().copy())


def registered_cell_name(values):
    """The registered cell whose values ``values`` are (temperatures, initial state and current
    aside), else None."""
    from .registry import cell_names, get_cell

    for name in cell_names():
        own = get_cell(name).values
        if all(key in values.keys() and _same(values[key], value) for key, value in own.items()
               if key not in _STATE and isinstance(value, numbers.Real)):
            return name
    return None


def _same(a, b):
    return isinstance(a, numbers.Real) and (a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b)))


def _literal(options):
    def shown(x):
        return f'"{x}"' if isinstance(x, str) else repr(x)

    return "{" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in options.items()) + "}"
