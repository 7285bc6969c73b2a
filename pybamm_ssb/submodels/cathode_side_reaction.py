"""The CEI's side current in PyBaMM's positive-electrode reaction bookkeeping.

PyBaMM's inverse kinetics split the interfacial current into the main (intercalation)
reaction and the "SEI" reaction of the electrode, j_main = j_total - j_SEI. Feeding the
cathode interphase's anodic current in that slot means the charge spent oxidising the
electrolyte does not delithiate the cathode, which lowers the Coulombic efficiency.
"""

import pybamm


class CathodeInterphaseCurrent(pybamm.sei.NoSEI):
    """PyBaMM's positive 'SEI' reaction carrying the CEI growth current."""

    def __init__(self, param, options, phase="primary"):
        super().__init__(param, "positive", options, phase)

    def get_fundamental_variables(self):
        zero = pybamm.FullBroadcast(pybamm.Scalar(0), "positive electrode", "current collector")
        return self._get_standard_concentration_variables(zero)

    def get_coupled_variables(self, variables):
        j = variables["Cathode interphase side-reaction current density [A.m-2]"]
        variables.update(self._get_standard_reaction_variables(j))
        variables.update(self._get_standard_interfacial_current_variables(j))
        return super().get_coupled_variables(variables)
