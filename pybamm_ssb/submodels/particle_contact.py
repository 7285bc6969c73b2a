"""Loss of cathode-particle contact driven by the particles' volume change.

Particles shrink on delithiation (relative volume Omega(sto), PyBaMM's "Positive electrode
volume change"); each contraction opens gaps, of which the stack pressure closes a part
over the recovery time 1/r_p(p):

    d theta_c/dt = -[beta max(0, -dOmega/dt) + a_asm max(0, -dOmega_H3/dt)] theta_c + r_p(p) (1 - theta_c)

The second term is NCM811's own: past the H2 -> H3 onset sto_on its lattice collapses along c
(Omega_H3 = -dV_H3 min(1, max(0, (sto_on - sto) / (sto_on - sto_end))), ``volume_change``;
Kondrakov et al., J. Phys. Chem. C 121 (2017) 3286) and pulls particles off a rigid solid
electrolyte (Koerver et al., Chem. Mater. 29 (2017) 5574). A charge down to sto_min lowers
ln(theta_c) by a_asm dV_H3 (sto_on - sto_min) / (sto_on - sto_end) through it, by nothing if it stops
above the onset; a_asm is the assembly's (a pressed interface holds particles worse than a welded one,
000 Cui 2025, Sec. 3, Fig. 5e). Cathodes without the transition (LFP) have Omega_H3 = 0.

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

        def omega_h3(x):
            return pybamm.FunctionParameter(
                "Positive electrode H2-H3 volume change", {"Positive particle stoichiometry": x}
            )

        h = STOICHIOMETRY_STEP
        d_sto_dt = -3 * j / (self.param.F * R * c_max)
        contraction = pybamm.maximum(-(omega(sto + h) - omega(sto - h)) / (2 * h) * d_sto_dt, 0)
        collapse = pybamm.maximum(-(omega_h3(sto + h) - omega_h3(sto - h)) / (2 * h) * d_sto_dt, 0)
        beta = pybamm.Parameter("Cathode contact loss coefficient")
        a_asm = pybamm.Parameter("Cathode H2-H3 contact loss coefficient")
        recovery = pybamm.FunctionParameter("Cathode contact recovery rate [s-1]", {"Stack pressure [Pa]": p})
        deps_dt = -(beta * contraction + a_asm * collapse) * eps + recovery * (eps_0 - eps)
        variables.update(self._get_standard_active_material_change_variables(deps_dt))
        variables.update(
            {
                "Cathode contact fraction": pybamm.z_average(pybamm.x_average(eps) / pybamm.x_average(eps_0)),
                "Cathode particle contraction rate [s-1]": contraction,
                "Cathode H2-H3 collapse rate [s-1]": collapse,
            }
        )
        return variables

    def set_rhs(self, variables):
        """PyBaMM's rhs, with the lost lithium [mol] summed over parallel regions of the area."""
        super().set_rhs(variables)
        for state in self.rhs:
            if state.name.startswith("Loss of lithium"):
                self.rhs[state] = pybamm.z_average(self.rhs[state])
