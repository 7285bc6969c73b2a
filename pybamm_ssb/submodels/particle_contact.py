"""Loss of cathode-particle contact driven by the particles' volume change.

Particles shrink on delithiation (relative volume Omega(sto), PyBaMM's "Positive electrode
volume change"); each contraction opens gaps, of which the stack pressure closes a part
over the recovery time 1/r_p(p):

    d theta_c/dt = -beta max(0, -dOmega/dt) theta_c + r_p(p) (1 - theta_c)

A particle out of contact carries no current and stores no usable lithium, so the contact
fraction scales the active material volume fraction, eps_s = theta_c eps_s,0: it lowers
both the capacity and the active area (PyBaMM then books the lithium left in cut-off
particles as lost lithium). SPM-class models carry one theta_c driven by the average
particle; the DFN one per place, driven by the particles there (dsto/dt = -3 j / (F R c_max)).
In parallel regions of the area, each region has its own; the lost lithium is their sum.
"""

import pybamm

STOICHIOMETRY_STEP = 1e-4


class ParticleContactLoss(pybamm.active_material.LossActiveMaterial):
    """PyBaMM's active-material state driven by contact loss instead of stress."""

    def __init__(self, param, options, x_average):
        super().__init__(param, "positive", options, x_average, "primary")

    def get_coupled_variables(self, variables):
        if self.x_average:  # one contact fraction for the electrode (SPM-class models)
            sto = variables["Average positive particle stoichiometry"]
            j = variables["X-averaged positive electrode interfacial current density [A.m-2]"]
            eps = variables["X-averaged positive electrode active material volume fraction"]
            eps_0, R = pybamm.x_average(self.phase_param.epsilon_s), pybamm.x_average(self.phase_param.R)
        else:  # a contact fraction at each place, driven by the particles there (DFN)
            sto = variables["R-averaged positive particle stoichiometry"]
            j = variables["Positive electrode interfacial current density [A.m-2]"]
            eps = variables["Positive electrode active material volume fraction"]
            eps_0, R = self.phase_param.epsilon_s, self.phase_param.R
        c_max = self.phase_param.c_max
        p = pybamm.Parameter("Stack pressure [Pa]")

        def omega(x):
            return pybamm.FunctionParameter(
                "Positive electrode volume change", {"Positive particle stoichiometry": x}
            )

        h = STOICHIOMETRY_STEP
        d_omega_d_sto = (omega(sto + h) - omega(sto - h)) / (2 * h)
        d_sto_dt = -3 * j / (self.param.F * R * c_max)
        contraction = pybamm.maximum(-d_omega_d_sto * d_sto_dt, 0)
        beta = pybamm.Parameter("Cathode contact loss coefficient")
        recovery = pybamm.FunctionParameter("Cathode contact recovery rate [s-1]", {"Stack pressure [Pa]": p})
        deps_dt = -beta * contraction * eps + recovery * (eps_0 - eps)
        variables.update(self._get_standard_active_material_change_variables(deps_dt))
        variables.update(
            {
                "Cathode contact fraction": pybamm.z_average(pybamm.x_average(eps) / pybamm.x_average(eps_0)),
                "Cathode particle contraction rate [s-1]": contraction,
            }
        )
        return variables

    def set_rhs(self, variables):
        """PyBaMM's rhs, with the lost lithium [mol] summed over parallel regions of the area."""
        super().set_rhs(variables)
        for state in self.rhs:
            if state.name.startswith("Loss of lithium"):
                self.rhs[state] = pybamm.z_average(self.rhs[state])
