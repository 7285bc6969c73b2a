"""Interfacial resistance of the cell as impedance would measure it at low current.

The small-signal (linearised) resistances of the two interfaces, per geometric area:

    R_int = [R T / (F j0_Li) + R_SEI] / theta_Li + R T / (F j0_c a L) + R_CEI

j0_Li is the intrinsic lithium exchange current and theta_Li the Li contact fraction (R_SEI
is already divided by it); j0_c is the cathode's exchange current at half lithiation and
the initial electrolyte concentration, so that the value is comparable between cycles
like an impedance taken at rest at 50 % state of charge; a is the active area of the cathode (which carries the cathode contact fraction)
and L its thickness. In parallel regions of the area the regions' resistances combine in
parallel (submodels/interface_regions.py).
"""

import pybamm

from .interface_regions import parallel_resistance


class InterfaceResistance(pybamm.BaseSubModel):
    """'Interfacial resistance [Ohm.m2]' from the states of both interfaces."""

    def __init__(self, param, options, films):
        super().__init__(param, options=options)
        self.films = films

    def get_coupled_variables(self, variables):
        T = variables["X-averaged cell temperature [K]"]
        RT_F = self.param.R * T / self.param.F
        theta = variables["Lithium metal interface utilisation"]
        j0_li = variables["Lithium metal interface exchange current density [A.m-2]"]
        j0_c = self.param.p.prim.j0(self.param.c_e_init_av, 0.5 * self.param.p.prim.c_max, T)
        a = variables["X-averaged positive electrode surface area to volume ratio [m-1]"]
        R_li = RT_F / (j0_li * theta)
        R_c = RT_F / (j0_c * a * self.param.p.L)
        for film in self.films:
            R_film = variables[f"{film} resistance [Ohm.m2]"]
            if film.startswith("Anode"):
                R_li = R_li + R_film
            else:
                R_c = R_c + R_film
        variables.update(
            {
                "Lithium interface resistance [Ohm.m2]": R_li,
                "Cathode interface resistance [Ohm.m2]": R_c,
                "Local interfacial resistance [Ohm.m2]": R_li + R_c,
                "Interfacial resistance [Ohm.m2]": parallel_resistance(R_li + R_c),
            }
        )
        return variables
