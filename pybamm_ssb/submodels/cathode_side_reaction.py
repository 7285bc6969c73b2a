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


class InverseKineticsTotalInterfacialCurrent(pybamm.interface.TotalInterfacialCurrent):
    """PyBaMM's reaction sums for inverse kinetics (SPM-class models). The main reaction is the
    total less the side reaction, so the cathode's sums over reactions are the total current,
    a j = -i / L: that value itself, rather than a sum whose side-reaction terms cancel (their
    cancelling derivatives made the electrolyte's Jacobian rows depend on the particles, the
    contact and the CEI)."""

    def _get_coupled_variables_by_phase_and_domain(self, variables, domain, phase_name):
        variables = super()._get_coupled_variables_by_phase_and_domain(variables, domain, phase_name)
        if domain != "positive":
            return variables
        a_j = variables["X-averaged positive electrode total volumetric interfacial current density [A.m-3]"]
        local = pybamm.PrimaryBroadcast(a_j, "positive electrode")
        for total in ("electrolyte reaction source terms", "volumetric interfacial current densities"):
            variables[f"Sum of positive electrode {phase_name}{total} [A.m-3]"] = local
            variables[f"Sum of x-averaged positive electrode {phase_name}{total} [A.m-3]"] = a_j
        return variables
