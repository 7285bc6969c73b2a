"""Contact fraction theta of the Li|electrolyte interface (voids), as PyBaMM's utilisation.

PyBaMM scales the lithium exchange current by the "Lithium metal interface utilisation";
here that factor is the fraction of the geometric interface in contact. Stripping removes
lithium at v = i / (F c_Li); creep of lithium under the stack pressure p refills at
v_creep(p, T). Voids open when stripping outruns creep; plating and creep close them:

    d theta/dt = -(theta / h_v) max(0, v_strip - v_creep)
                 + ((1 - theta) / h_v) max(0, v_plate + v_creep - v_strip)

h_v is the roughness length of the interface.

Voids that plating does not refill (LithiumUnrefilledVoidContact, option "contact loss"
"unrefilled"): of the void area opened while stripping outruns creep, a fraction phi
("Lithium unrefilled void fraction") is dead; plating and creep close only the open voids
1 - theta - theta_d, so the dead fraction theta_d only grows and caps the contact at 1 - theta_d:

    d theta/dt   = -(theta / h_v) max(0, v_strip - v_creep)
                   + ((1 - theta - theta_d) / h_v) max(0, v_plate + v_creep - v_strip)
    d theta_d/dt = phi (theta / h_v) max(0, v_strip - v_creep)

Contact, open and dead voids add up to 1, each >= 0. Kasemchainan et al., Nat. Mater. 18 (2019)
1105: above the critical stripping current set by creep, voids accumulate at Li|garnet over
cycles because plating on the remaining contact does not fill them. phi = 0 is the model above. With "interface heterogeneity" the utilisation
of each region is theta w_k (submodels/interface_regions.py). The submodels take the
LithiumElectrode they describe (the full cell's anode by default).
"""

import pybamm

from .interface_regions import conductance_factor
from .lithium_electrode import ANODE


def _initial_contact():
    return pybamm.Parameter("Initial lithium interface contact fraction")


def lithium_stripping_velocity(i, F):
    """v = i / (F c_Li) [m.s-1]: > 0 stripping, < 0 plating (c_Li = 1 / molar volume)."""
    c_li = 1 / pybamm.Parameter("Lithium metal partial molar volume [m3.mol-1]")
    return i / (F * c_li)


def lithium_creep_velocity(T):
    """Creep refill velocity v_creep(p, T) [m.s-1] at the stack pressure p."""
    p = pybamm.Parameter("Stack pressure [Pa]")
    return pybamm.FunctionParameter(
        "Lithium creep velocity [m.s-1]", {"Stack pressure [Pa]": p, "Temperature [K]": T}
    )


def void_rates(v, v_creep):
    """(opening, closing) rates [s-1] per unit contact and per unit open void (module docstring)."""
    h_v = pybamm.Parameter("Lithium interface roughness length [m]")
    v_strip = pybamm.maximum(v, 0)
    v_plate = pybamm.maximum(-v, 0)
    return pybamm.maximum(v_strip - v_creep, 0) / h_v, pybamm.maximum(v_plate + v_creep - v_strip, 0) / h_v


def contact_fraction_rate(theta, v, v_creep):
    """d theta/dt of the void model (module docstring)."""
    opening, closing = void_rates(v, v_creep)
    return (1 - theta) * closing - theta * opening


class _LithiumContact(pybamm.interface_utilisation.BaseModel):
    def __init__(self, param, options, in_regions=False, electrode=ANODE):
        super().__init__(param, "negative", options)
        self.in_regions = in_regions  # the area split into parallel regions (models: "interface heterogeneity")
        self.electrode = electrode

    def _contact_variables(self, theta):
        """PyBaMM's utilisation variables of contact ``theta`` (named after the electrode), times
        w_k in parallel regions."""
        utilisation = theta
        if self.in_regions:
            utilisation = theta * conductance_factor()
        metal = self.electrode.metal
        variables = {
            name.replace("Lithium metal", metal): value
            for name, value in self._get_standard_interface_utilisation_variables(utilisation).items()
        }
        variables[f"{metal} interface contact fraction"] = theta
        return variables


class ConstantLithiumContact(_LithiumContact):
    """Contact fixed at its initial value (the assembly's)."""

    def get_fundamental_variables(self):
        return self._contact_variables(pybamm.PrimaryBroadcast(_initial_contact(), "current collector"))


class LithiumVoidContact(_LithiumContact):
    """Contact lost to voids on stripping, regained by plating and creep."""

    def get_fundamental_variables(self):
        theta = pybamm.Variable(f"{self.electrode.metal} interface contact fraction", domain="current collector")
        theta.print_name = "theta_Li"
        return self._contact_variables(theta)

    def get_coupled_variables(self, variables):
        i = variables[self.electrode.current]
        T = variables["X-averaged cell temperature [K]"]
        v = lithium_stripping_velocity(i, self.param.F)  # > 0 stripping (discharge), < 0 plating
        v_creep = lithium_creep_velocity(T)
        variables.update(
            {
                f"{self.electrode.metal} stripping velocity [m.s-1]": v,
                "Lithium creep velocity [m.s-1]": v_creep,
            }
        )
        return variables

    def set_rhs(self, variables):
        theta = variables[f"{self.electrode.metal} interface contact fraction"]
        v = variables[f"{self.electrode.metal} stripping velocity [m.s-1]"]
        v_creep = variables["Lithium creep velocity [m.s-1]"]
        self.rhs = {theta: contact_fraction_rate(theta, v, v_creep)}

    def set_initial_conditions(self, variables):
        theta = variables[f"{self.electrode.metal} interface contact fraction"]
        self.initial_conditions = {theta: _initial_contact()}


class LithiumUnrefilledVoidContact(LithiumVoidContact):
    """The void contact with a dead void fraction theta_d that plating does not refill (module docstring)."""

    def get_fundamental_variables(self):
        metal = self.electrode.metal
        variables = super().get_fundamental_variables()
        theta_d = pybamm.Variable(f"{metal} interface dead void fraction", domain="current collector")
        theta_d.print_name = "theta_d"
        theta = variables[f"{metal} interface contact fraction"]
        variables.update({f"{metal} interface dead void fraction": theta_d,
                          f"{metal} interface open void fraction": 1 - theta - theta_d})
        return variables

    def set_rhs(self, variables):
        metal = self.electrode.metal
        theta, theta_d = variables[f"{metal} interface contact fraction"], variables[f"{metal} interface dead void fraction"]
        opening, closing = void_rates(variables[f"{metal} stripping velocity [m.s-1]"], variables["Lithium creep velocity [m.s-1]"])
        phi = pybamm.Parameter("Lithium unrefilled void fraction")
        self.rhs = {theta: (1 - theta - theta_d) * closing - theta * opening, theta_d: phi * theta * opening}

    def set_initial_conditions(self, variables):
        super().set_initial_conditions(variables)
        self.initial_conditions[variables[f"{self.electrode.metal} interface dead void fraction"]] = pybamm.Scalar(0)
