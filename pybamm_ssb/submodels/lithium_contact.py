"""Contact fraction theta of the Li|electrolyte interface (voids), as PyBaMM's utilisation.

PyBaMM scales the lithium exchange current by the "Lithium metal interface utilisation";
here that factor is the fraction of the geometric interface in contact. Stripping removes
lithium at v = i / (F c_Li); creep of lithium under the stack pressure p refills at
v_creep(p, T). Voids open when stripping outruns creep; plating and creep close them
(physics notes, section 5):

    d theta/dt = -(theta / h_v) max(0, v_strip - v_creep)
                 + ((1 - theta) / h_v) max(0, v_plate + v_creep - v_strip)

h_v is the roughness length of the interface.
"""

import pybamm


def _initial_contact():
    return pybamm.Parameter("Initial lithium interface contact fraction")


class ConstantLithiumContact(pybamm.interface_utilisation.BaseModel):
    """Contact fixed at its initial value (the assembly's)."""

    def __init__(self, param, options):
        super().__init__(param, "negative", options)

    def get_fundamental_variables(self):
        theta = pybamm.PrimaryBroadcast(_initial_contact(), "current collector")
        return self._get_standard_interface_utilisation_variables(theta)


class LithiumVoidContact(pybamm.interface_utilisation.BaseModel):
    """Contact lost to voids on stripping, regained by plating and creep."""

    def __init__(self, param, options):
        super().__init__(param, "negative", options)

    def get_fundamental_variables(self):
        theta = pybamm.Variable("Lithium metal interface utilisation variable", domain="current collector")
        theta.print_name = "theta_Li"
        return self._get_standard_interface_utilisation_variables(theta)

    def get_coupled_variables(self, variables):
        i = variables["Current collector current density [A.m-2]"]
        T = variables["X-averaged cell temperature [K]"]
        p = pybamm.Parameter("Stack pressure [Pa]")
        c_li = 1 / pybamm.Parameter("Lithium metal partial molar volume [m3.mol-1]")
        v = i / (self.param.F * c_li)  # > 0 stripping (discharge), < 0 plating
        v_creep = pybamm.FunctionParameter(
            "Lithium creep velocity [m.s-1]", {"Stack pressure [Pa]": p, "Temperature [K]": T}
        )
        variables.update(
            {
                "Lithium stripping velocity [m.s-1]": v,
                "Lithium creep velocity [m.s-1]": v_creep,
            }
        )
        return variables

    def set_rhs(self, variables):
        theta = variables["Lithium metal interface utilisation variable"]
        v = variables["Lithium stripping velocity [m.s-1]"]
        v_creep = variables["Lithium creep velocity [m.s-1]"]
        h_v = pybamm.Parameter("Lithium interface roughness length [m]")
        v_strip = pybamm.maximum(v, 0)
        v_plate = pybamm.maximum(-v, 0)
        opening = theta * pybamm.maximum(v_strip - v_creep, 0)
        closing = (1 - theta) * pybamm.maximum(v_plate + v_creep - v_strip, 0)
        self.rhs = {theta: (closing - opening) / h_v}

    def set_initial_conditions(self, variables):
        theta = variables["Lithium metal interface utilisation variable"]
        self.initial_conditions = {theta: _initial_contact()}
