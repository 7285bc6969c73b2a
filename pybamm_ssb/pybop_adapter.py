"""PyBOP interoperability: a registered cell's degradation parameters fitted to per-cycle data
with PyBOP's optimisers and samplers (the optional extra ``pybop``).

PyBOP fits the outputs of a ``pybop.BaseSimulator`` to a ``pybop.Dataset`` on one domain.
PyBaMM parameters of ``SolidStateSPMe`` fit to a voltage-time series through PyBOP's own
``pybop.pybamm.Simulator`` (README, "PyBOP"). The degradation parameters of
``fade.fit_parameters`` are instead component quantities, in the parameter files' units, that
the cell's composition turns into PyBaMM parameters, and their data are per cycle:
``FadeSimulator`` gives PyBOP the discharge capacity (and interface resistance) of the cell's
cycling protocol at the measured cycles, the fitted parameters entering one built model as
inputs (``fade.FadeSimulator``)::

    import pybop
    from pybamm_ssb import pybop_adapter

    simulator = pybop_adapter.FadeSimulator(cell, ["anode_interphase_rate", "cathode_contact_loss"], data)
    cost = pybop.SumSquaredError(pybop_adapter.fade_dataset(data), target=pybop_adapter.CAPACITY)
    result = pybop.XNES(pybop.Problem(simulator, cost), pybop.PintsOptions(max_iterations=20)).run()

Priors and bounds are the parameter files' ranges: uniform, or log-uniform with PyBOP's
``LogTransformation`` for the parameters the package fits in log10. For PyBOP's samplers, give
the likelihood as ``pybop.LogPDF(simulator, likelihood)``: the samplers reject values outside the
bounds, and the density they see is then the posterior under these priors (PyBOP 26.3's
``LogPosterior`` puts its prior on the domain "Time [s]" and refuses a likelihood per cycle,
"All costs must have the same domain"). PyBOP's samplers start their chains at the priors'
means, the middle of ranges that span decades: give ``priors`` centred on a least-squares fit
(e.g. ``pybop.Gaussian(value, stderr, truncated_at=[low, high])``) to start them there.
"""

import numpy as np
import pybamm
from scipy import stats

from .extras import require
from .fade import FadeSimulator as _BuiltFade
from .fade import fit_parameters
from .fitting import FitError, select_parameters
from .registry import resolve_cell
from .simulate import SimulationFailed

pybop = require("pybop", "pybop", "the PyBOP adapter")

CYCLE = "Cycle number"
CAPACITY = "Discharge capacity [mAh.g-1]"
RESISTANCE = "Interface resistance [Ohm.cm2]"


def fade_dataset(data):
    """``pybop.Dataset`` of FadeData on the domain CYCLE: CAPACITY, and RESISTANCE when it was
    measured at every cycle (a PyBOP cost compares every point of the domain)."""
    table = {CYCLE: data.cycle.astype(float), CAPACITY: np.asarray(data.discharge_capacity_mAh_g, dtype=float)}
    resistance = data.interface_resistance_ohm_cm2
    if resistance is not None and not np.isnan(resistance).any():
        table[RESISTANCE] = np.asarray(resistance, dtype=float)
    return pybop.Dataset(table, domain=CYCLE)


def pybop_parameter(spec, initial=None, prior=None):
    """``pybop.Parameter`` of a FitParameter: uniform over its range, or log-uniform and
    log-transformed for a parameter fitted in log10, or ``prior`` (a PyBOP or frozen scipy
    distribution); starting at ``initial`` or its value."""
    start = spec.value if initial is None else initial
    transformation = pybop.LogTransformation() if spec.log else None
    if prior is None and spec.log:
        prior = stats.loguniform(spec.low, spec.high)
    if prior is None:
        return pybop.Parameter(bounds=[spec.low, spec.high], initial_value=start)
    return pybop.Parameter(prior, initial_value=start, transformation=transformation)


class FadeSimulator(pybop.BaseSimulator):
    """A PyBOP simulator of ``cell``'s discharge capacity [mAh/g] and interface resistance
    [ohm cm2] at the cycles of ``data`` (FadeData), cycled with its protocol (``data``'s C-rate
    and temperature, else the cell's), ``names`` (``fade.fit_parameters``) as inputs, started at
    ``initial``, with ``priors`` (name -> distribution) replacing the ranges' and ``fixed`` ones
    held. A run that fails gives PyBOP's failed solution (an infinite cost)."""

    def __init__(self, cell, names, data, *, initial=None, fixed=None, priors=None, model="spme"):
        self.cell = resolve_cell(cell)
        names, initial, self.fixed, priors = list(names), dict(initial or {}), dict(fixed or {}), dict(priors or {})
        chosen = select_parameters(fit_parameters(self.cell), names, initial, self.fixed, len(data.cycle))
        unknown = [name for name in priors if name not in names]
        if unknown:
            raise FitError(f"prior given for '{unknown[0]}', which is not fitted ({', '.join(names)})")
        super().__init__(pybop.Parameters({spec.name: pybop_parameter(spec, initial.get(spec.name), priors.get(spec.name))
                                           for spec in chosen}))
        self.cycles, self.c_rate, self.temperature_C, self.model = data.cycle, data.c_rate, data.temperature_C, model
        self._simulate = _BuiltFade(names)
        self.output_variables = [CAPACITY]

    def set_output_variables(self, target):
        unknown = [name for name in target if name not in (CAPACITY, RESISTANCE)]
        if unknown:
            raise FitError(f"PyBOP target '{unknown[0]}' is not an output of the fade simulator; allowed: {CAPACITY}, {RESISTANCE}")
        self.output_variables = list(target)

    def solve_batch(self, inputs, calculate_sensitivities=False):
        """One cycling run per set of inputs (PyBOP's interface); no sensitivities."""
        return [self._solve(x) for x in inputs]

    def _solve(self, inputs):
        values = {name: float(value) for name, value in inputs.items()}
        try:
            curve = self._simulate(self.cell, int(self.cycles.max()), self.fixed | values, c_rate=self.c_rate,
                                   temperature_C=self.temperature_C, model=self.model)
        except (SimulationFailed, pybamm.SolverError):
            return pybop.FailedSolution(self.output_variables, list(values))
        rows = np.searchsorted(curve.cycle, self.cycles)
        solution = pybop.Solution(inputs)
        solution.set_solution_variable(CAPACITY, np.asarray(curve.discharge_capacity_mAh_g)[rows])
        solution.set_solution_variable(RESISTANCE, np.asarray(curve.interface_resistance_ohm_cm2)[rows])
        return solution
