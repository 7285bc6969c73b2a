"""Bulk and grain-boundary resistance of a sintered solid-electrolyte layer.

The layer is two area-specific elements in series (brick-layer picture), each Arrhenius
in temperature:

    R_k(T) = R_k(T_ref) exp[(E_k / R) (1/T - 1/T_ref)],   k in {bulk, gb}

The bulk part is carried by PyBaMM's separator electrolyte (conductivity sigma_bulk(T),
so R_bulk = L_s / (sigma_bulk * transport efficiency)); the grain boundary is a lumped
element. In the capacitive variant each part is an R||C, with a state per part

    C_k dV_k/dt = i - V_k / R_k,

so that an impedance simulation shows one arc per part. Because the separator already
drops i*R_bulk, the bulk element adds only its capacitive bypass V_bulk - i*R_bulk, which
vanishes at DC.
"""

import pybamm


class BaseSolidElectrolyte(pybamm.BaseSubModel):
    """Shared parameters and output variables of the solid-electrolyte layer."""

    def __init__(self, param, options=None):
        super().__init__(param, options=options)

    def _resistances(self, variables):
        """Bulk and grain-boundary area-specific resistances [Ohm.m2] at T."""
        T = variables["X-averaged separator temperature [K]"]
        c_e = variables["X-averaged separator electrolyte concentration [mol.m-3]"]
        tf = variables["X-averaged separator electrolyte transport efficiency"]
        R_bulk = self.param.s.L / (self.param.kappa_e(c_e, T) * tf)
        R_gb = pybamm.FunctionParameter(
            "Solid electrolyte grain-boundary resistance [Ohm.m2]",
            {"Temperature [K]": T},
        )
        return R_bulk, R_gb

    def _output_variables(self, R_bulk, R_gb, eta_bulk, eta_gb, eta_series):
        return {
            "Solid electrolyte bulk resistance [Ohm.m2]": R_bulk,
            "Solid electrolyte grain-boundary resistance [Ohm.m2]": R_gb,
            "Solid electrolyte bulk overpotential [V]": eta_bulk,
            "Solid electrolyte grain-boundary overpotential [V]": eta_gb,
            "Solid electrolyte overpotential [V]": eta_bulk + eta_gb,
            "Solid electrolyte series overpotential [V]": eta_series,
        }


class ResistiveSolidElectrolyte(BaseSolidElectrolyte):
    """DC limit: bulk and grain boundary are pure resistances (cycling timescales)."""

    def get_coupled_variables(self, variables):
        i = variables["Current collector current density [A.m-2]"]
        R_bulk, R_gb = self._resistances(variables)
        eta_gb = i * R_gb
        variables.update(
            self._output_variables(R_bulk, R_gb, i * R_bulk, eta_gb, eta_gb)
        )
        return variables


class CapacitiveSolidElectrolyte(BaseSolidElectrolyte):
    """Bulk and grain boundary as R||C elements, one voltage state each."""

    def get_fundamental_variables(self):
        V_bulk = pybamm.Variable(
            "Solid electrolyte bulk voltage [V]", domain="current collector"
        )
        V_gb = pybamm.Variable(
            "Solid electrolyte grain-boundary voltage [V]", domain="current collector"
        )
        return {
            "Solid electrolyte bulk voltage [V]": V_bulk,
            "Solid electrolyte grain-boundary voltage [V]": V_gb,
        }

    def get_coupled_variables(self, variables):
        i = variables["Current collector current density [A.m-2]"]
        R_bulk, R_gb = self._resistances(variables)
        V_bulk = variables["Solid electrolyte bulk voltage [V]"]
        V_gb = variables["Solid electrolyte grain-boundary voltage [V]"]
        eta_series = V_bulk - i * R_bulk + V_gb
        variables.update(
            self._output_variables(R_bulk, R_gb, V_bulk, V_gb, eta_series)
        )
        return variables

    def set_rhs(self, variables):
        i = variables["Current collector current density [A.m-2]"]
        R_bulk = variables["Solid electrolyte bulk resistance [Ohm.m2]"]
        R_gb = variables["Solid electrolyte grain-boundary resistance [Ohm.m2]"]
        V_bulk = variables["Solid electrolyte bulk voltage [V]"]
        V_gb = variables["Solid electrolyte grain-boundary voltage [V]"]
        C_bulk = pybamm.Parameter("Solid electrolyte bulk capacitance [F.m-2]")
        C_gb = pybamm.Parameter("Solid electrolyte grain-boundary capacitance [F.m-2]")
        # written as (R C + tau_min) dV/dt = i R - V, so that an element with zero
        # resistance (no grain boundary, e.g. a polymer-ceramic composite) is a short,
        # V = 0, instead of a division by zero; tau_min is far below any R C here
        tau_min = pybamm.Scalar(1e-15)
        self.rhs = {
            V_bulk: (i * R_bulk - V_bulk) / (R_bulk * C_bulk + tau_min),
            V_gb: (i * R_gb - V_gb) / (R_gb * C_gb + tau_min),
        }

    def set_initial_conditions(self, variables):
        self.initial_conditions = {
            variables["Solid electrolyte bulk voltage [V]"]: pybamm.Scalar(0),
            variables["Solid electrolyte grain-boundary voltage [V]"]: pybamm.Scalar(0),
        }
