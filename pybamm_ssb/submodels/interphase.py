"""Growing interphases: the SEI at Li|electrolyte and the CEI at cathode|electrolyte.

Each film has its own thickness state L [m] and its own parameters. One growth law covers
the passivating and the mixed-conducting cases:

    dL/dt = S * [ k_lin(T) (1 + gamma |i|) + k_par(T) / L ]

k_par alone is parabolic growth (L^2 = L0^2 + 2 k_par t, resistance ~ sqrt(t)); k_lin alone
is linear growth (Ti4+ reduction of LATP by lithium), optionally accelerated by the current
density |i|. S = 1 at the anode; at the cathode the electrolyte oxidises at a rate that is
negligible below its onset U_ox and rises steeply above it (Tafel form):

    S = exp(alpha F (U - U_ox) / (R T)),   U = U_OCP(c_s,surf),

so k is the growth rate at the onset (a hard switch would stall the solver there). U is the
open-circuit potential of the particles' surface composition: the lithium chemical potential
the electrolyte touches, against which its stability window is set. (The surface potential
difference phi_s - phi_e would add the reaction overpotential, but in the SPMe it depends on
averages of the whole electrolyte and made the Jacobian's electrolyte block dense.)

The CEI grows at each place x at the rate set by the particles there, g(x); its thickness
state is the area-weighted mean, dL/dt = <a g> / <a>, so that the film's charge is exactly
the side current drawn along the electrode. (In SPM-class models every place has the
average particle, and g = dL/dt.)

The film is an ohmic layer, R_film = L / sigma_film(T), in series with the cell. The anode
film is formed from lithium metal (c_Li mol of Li per m3 of film); the cathode film draws an
anodic side current j(x) = F c_e- g(x) from the particle surface (see CathodeInterphaseCurrent).
"""

import pybamm

from .lithium_electrode import ANODE

POTENTIAL_MARGIN = 0.5  # V beyond the voltage cut-offs at which the CEI driving potential is held


def interphase_parameter(prefix, name, T=None):
    """Parameter ``"{prefix} {name}"``; a function of temperature when T is given."""
    full = f"{prefix} {name}"
    if T is None:
        return pybamm.Parameter(full)
    return pybamm.FunctionParameter(full, {"Temperature [K]": T})


def interphase_growth_rate(prefix, T, i, L, driving_factor=1):
    """dL/dt = S [k_lin(T) (1 + gamma |i|) + k_par(T) / L] of the film ``prefix`` [m.s-1]."""
    k_lin = interphase_parameter(prefix, "linear growth rate [m.s-1]", T)
    k_par = interphase_parameter(prefix, "parabolic growth constant [m2.s-1]", T)
    gamma = interphase_parameter(prefix, "current acceleration [m2.A-1]")
    return driving_factor * (k_lin * (1 + gamma * abs(i)) + k_par / L)


def interphase_resistance(prefix, T, L, area_factor=1):
    """Film resistance L / (sigma_film(T) * area factor) [Ohm.m2]."""
    return L / (interphase_parameter(prefix, "conductivity [S.m-1]", T) * area_factor)


class BaseInterphase(pybamm.BaseSubModel):
    """Thickness state, growth law and film overpotential of one interphase.

    Its parameters are "{prefix} ...", its variables "{film} ..." (the same name, except for
    the films of a cell with two lithium electrodes); ``current`` names the current density."""

    prefix = None  # "Anode interphase" or "Cathode interphase"

    def __init__(self, param, options=None, film=None, current="Current collector current density [A.m-2]"):
        super().__init__(param, options=options)
        self.film = film or self.prefix
        self.current = current

    def _parameter(self, name, T=None):
        return interphase_parameter(self.prefix, name, T)

    def get_fundamental_variables(self):
        L = pybamm.Variable(f"{self.film} thickness [m]", domain="current collector")
        L.print_name = "L_film"
        return {f"{self.film} thickness [m]": L}

    def _growth_rate(self, variables):
        """dL/dt of the film [m.s-1]."""
        T = variables["X-averaged cell temperature [K]"]
        i = variables[self.current]
        return interphase_growth_rate(self.prefix, T, i, variables[f"{self.film} thickness [m]"])

    def _film_area_factor(self, variables):
        """Film area per unit electrode area."""
        return pybamm.Scalar(1)

    def get_coupled_variables(self, variables):
        T = variables["X-averaged cell temperature [K]"]
        i = variables[self.current]
        L = variables[f"{self.film} thickness [m]"]
        growth = self._growth_rate(variables)
        R_film = interphase_resistance(self.prefix, T, L, self._film_area_factor(variables))
        variables.update(
            {
                f"{self.film} growth rate [m.s-1]": growth,
                f"{self.film} resistance [Ohm.m2]": R_film,
                f"{self.film} overpotential [V]": i * R_film,
            }
        )
        return variables

    def set_rhs(self, variables):
        L = variables[f"{self.film} thickness [m]"]
        self.rhs = {L: variables[f"{self.film} growth rate [m.s-1]"]}

    def set_initial_conditions(self, variables):
        L = variables[f"{self.film} thickness [m]"]
        self.initial_conditions = {L: self._parameter("initial thickness [m]")}


class AnodeInterphase(BaseInterphase):
    """SEI on lithium metal; its resistance is divided by the Li contact fraction.

    ``electrode`` (a LithiumElectrode) names the lithium electrode it covers."""

    prefix = "Anode interphase"

    def __init__(self, param, options=None, electrode=ANODE):
        super().__init__(param, options, electrode.film, electrode.current)
        self.electrode = electrode

    def _film_area_factor(self, variables):
        return variables[f"{self.electrode.metal} interface utilisation"]

    def get_coupled_variables(self, variables):
        variables = super().get_coupled_variables(variables)
        L = variables[f"{self.film} thickness [m]"]
        c_li = self._parameter("lithium concentration [mol.m-3]")
        L_0 = self._parameter("initial thickness [m]")
        variables[f"{self.film} lithium [mol.m-2]"] = c_li * (L - L_0)
        variables[f"{self.film} lithium consumption rate [mol.m-2.s-1]"] = (
            c_li * variables[f"{self.film} growth rate [m.s-1]"]
        )
        return variables


class CathodeInterphase(BaseInterphase):
    """CEI on the cathode particles, growing above the electrolyte's oxidation onset.

    ``x_average``: the model's cathode is one average particle (SPM-class models), whose
    rate g is then computed once rather than at each place."""

    prefix = "Cathode interphase"

    def __init__(self, param, options=None, x_average=False):
        super().__init__(param, options)
        self.x_average = x_average

    def _growth_rate(self, variables):
        """Area-weighted mean of the local rate g(x) (module docstring), set by get_coupled_variables."""
        local = variables[f"{self.film} local growth rate [m.s-1]"]
        if self.x_average:
            return pybamm.x_average(local)
        a = variables["Positive electrode surface area to volume ratio [m-1]"]
        return pybamm.x_average(a * local) / pybamm.x_average(a)

    def _local_growth_rate(self, variables):
        """g(x) = S(x) [k_lin (1 + gamma |i|) + k_par / L], S driven by the particles at x."""
        i = variables[self.current]
        L = variables[f"{self.film} thickness [m]"]
        where = "X-averaged positive electrode" if self.x_average else "Positive electrode"
        T = variables[f"{where} temperature [K]"]
        U = self._bounded_potential(variables[f"{where} open-circuit potential [V]"])
        U_ox = pybamm.Parameter("Electrolyte oxidation onset potential [V]")
        alpha = pybamm.Parameter("Electrolyte oxidation transfer coefficient")
        F, R = self.param.F, self.param.R
        S = pybamm.exp(alpha * F * (U - U_ox) / (R * T))
        here = "positive electrode"
        if self.x_average:
            return pybamm.PrimaryBroadcast(interphase_growth_rate(self.prefix, T, i, L, S), here)
        return interphase_growth_rate(self.prefix, T, pybamm.PrimaryBroadcast(i, here), pybamm.PrimaryBroadcast(L, here), S)

    def _bounded_potential(self, U):
        """Surface OCP U of the cathode, held inside the voltage window widened by POTENTIAL_MARGIN.

        A physical solution stays inside. Newton iterates can leave it, and exp() of a wild
        potential made the film, and so the cell voltage, overflow: the solver then failed
        to converge in every charge step without the bound.
        """
        lower = self.param.voltage_low_cut - POTENTIAL_MARGIN
        upper = self.param.voltage_high_cut + POTENTIAL_MARGIN
        return pybamm.maximum(pybamm.minimum(U, upper), lower)

    def _film_area_factor(self, variables):
        a = variables["X-averaged positive electrode surface area to volume ratio [m-1]"]
        return a * self.param.p.L

    def get_coupled_variables(self, variables):
        variables[f"{self.film} local growth rate [m.s-1]"] = self._local_growth_rate(variables)
        variables = super().get_coupled_variables(variables)
        c_q = self._parameter("charge concentration [mol.m-3]")
        j_side = self.param.F * c_q * variables[f"{self.film} local growth rate [m.s-1]"]
        variables[f"{self.film} side-reaction current density [A.m-2]"] = j_side
        if self.x_average:
            a_j_side = pybamm.x_average(j_side) * variables["X-averaged positive electrode surface area to volume ratio [m-1]"]
        else:
            a_j_side = pybamm.x_average(j_side * variables["Positive electrode surface area to volume ratio [m-1]"])
        variables[f"{self.film} side-reaction current per electrode area [A.m-2]"] = a_j_side * self.param.p.L
        return variables
