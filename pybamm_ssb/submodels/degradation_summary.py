"""The package's degradation in PyBaMM's degradation variables and summary variables.

PyBaMM reports degradation per cycle through ``solution.summary_variables``: the value of
each of ``model.summary_variables`` at the end of each cycle and its change over the cycle.
Its names (LLI, LAM, lithium lost to SEI, ...) come from PyBaMM's own SEI, plating and
active-material submodels; in this half-cell the SEI submodels are PyBaMM's "none", so
without this module they read zero while the package's interphases grow. Here:

* PyBaMM's variables of the same meaning are given the package's values (set_sei_variables
  before PyBaMM sums its degradation variables, set_inventory_variables after):

  - "Loss of lithium to negative SEI [mol]" = c_Li <L_SEI - L_SEI,0> A, the lithium bound in
    the anode interphase ("Anode interphase lithium [mol.m-2]" times the electrode area A);
    "Loss of capacity to negative SEI [A.h]" is the same lithium in A.h. PyBaMM's "Total
    lithium lost to side reactions [mol]" / "Total capacity lost to side reactions [A.h]"
    then include it.
  - "Total lithium in negative electrode [mol]" = <h> A / V_Li, the lithium-metal foil;
    "Total lithium [mol]" (and "Total lithium capacity [A.h]") include it, and "Total
    lithium lost [mol]" is counted from the initial foil, particles and electrolyte. It then
    closes the package's lithium budget: lost = SEI lithium + lithium stranded in particles
    out of contact - lithium released by the CEI's side reaction (Cathode interphase charge
    in mol), since the CEI oxidises the electrolyte and draws no lithium from the electrodes.
  - Kept as PyBaMM defines them, already true here: "Loss of active material in positive
    electrode [%]" = 100 (1 - cathode contact fraction) (the contact fraction scales the
    active-material fraction), "Loss of lithium due to loss of active material in positive
    electrode [mol]" (the lithium left in particles out of contact), "Loss of lithium
    inventory [%]" (PyBaMM's, from the cathode particles only: their lithiation deficit
    against the pristine cathode), "Loss of lithium to positive SEI [mol]" = 0 (the CEI binds
    no lithium). "Local ECM resistance [Ohm]" stays PyBaMM's (OCV - V) / I.

* The package's own quantities, scalars whatever the option "interface heterogeneity":
  per-area quantities of parallel regions of the area are averaged over the area, amounts
  are summed over it and film resistances combine in parallel, 1 / <1 / R>, as the
  regions carry the current (in a cell of one region each equals the local variable):

  - "Cathode interphase charge [A.h]": the charge passed to the CEI's side reaction since
    the start (a state, dQ/dt = I_side); the charge that lowers the Coulombic efficiency.
  - "Area-averaged anode interphase thickness [m]", "Area-averaged cathode interphase
    thickness [m]".
  - "Parallel anode interphase resistance [Ohm.m2]", "Parallel cathode interphase
    resistance [Ohm.m2]": the films' "... interphase resistance [Ohm.m2]" in parallel.
  - "Area-averaged lithium metal interface contact fraction" (voids at the lithium).

SUMMARY_VARIABLES lists the degradation summary variables the models add to PyBaMM's list
(those the model's options define), and the per-cycle rows of pybamm_ssb.simulate carry.
"""

import pybamm

from .interface_regions import parallel_resistance

CEI_CHARGE = "Cathode interphase charge [A.h]"

SUMMARY_VARIABLES = [
    "Loss of lithium to negative SEI [mol]",
    "Loss of capacity to negative SEI [A.h]",
    CEI_CHARGE,
    "Loss of active material in positive electrode [%]",
    "Loss of lithium due to loss of active material in positive electrode [mol]",
    "Cathode contact fraction",
    "Area-averaged lithium metal interface contact fraction",
    "Total lithium in negative electrode [mol]",
    "Total lithium [mol]",
    "Total lithium lost [mol]",
    "Total lithium lost to side reactions [mol]",
    "Area-averaged anode interphase thickness [m]",
    "Area-averaged cathode interphase thickness [m]",
    "Parallel anode interphase resistance [Ohm.m2]",
    "Parallel cathode interphase resistance [Ohm.m2]",
    "Interfacial resistance [Ohm.m2]",
]


def _electrode_area(param):
    return param.L_y * param.L_z


def set_sei_variables(variables, param):
    """PyBaMM's negative-SEI loss variables from the anode interphase, in ``variables``
    (unchanged without interphases); call before PyBaMM sums its degradation variables."""
    if "Anode interphase lithium [mol.m-2]" not in variables:
        return
    n_sei = pybamm.z_average(variables["Anode interphase lithium [mol.m-2]"]) * _electrode_area(param)
    variables["Loss of lithium to negative SEI [mol]"] = n_sei
    variables["Loss of capacity to negative SEI [A.h]"] = n_sei * param.F / 3600


def set_inventory_variables(variables, param):
    """The foil in PyBaMM's lithium totals, and the area-combined film and contact variables;
    call after PyBaMM's set_degradation_variables."""
    V_li = pybamm.Parameter("Lithium metal partial molar volume [m3.mol-1]")
    area = _electrode_area(param)
    n_foil = variables["Area-averaged lithium metal thickness [m]"] * area / V_li
    n_foil_init = param.n.L * area / V_li
    n_li = variables["Total lithium in particles [mol]"] + variables["Total lithium in electrolyte [mol]"] + n_foil
    variables.update(
        {
            "Total lithium in negative electrode [mol]": n_foil,
            "Total lithium [mol]": n_li,
            "Total lithium capacity [A.h]": n_li * param.F / 3600,
            "Total lithium lost [mol]": param.n_Li_init + n_foil_init - n_li,
            "Area-averaged lithium metal interface contact fraction": pybamm.z_average(
                variables["Lithium metal interface contact fraction"]
            ),
        }
    )
    for film in ("Anode interphase", "Cathode interphase"):
        if f"{film} thickness [m]" in variables:
            variables[f"Area-averaged {film.lower()} thickness [m]"] = pybamm.z_average(variables[f"{film} thickness [m]"])
            variables[f"Parallel {film.lower()} resistance [Ohm.m2]"] = parallel_resistance(
                variables[f"{film} resistance [Ohm.m2]"]
            )


def summary_variables(variables):
    """The names of SUMMARY_VARIABLES that ``variables`` defines, in that order."""
    return [name for name in SUMMARY_VARIABLES if name in variables]


class CathodeInterphaseCharge(pybamm.BaseSubModel):
    """"Cathode interphase charge [A.h]": the CEI's side current integrated over time and
    summed over the electrode area."""

    def get_fundamental_variables(self):
        Q = pybamm.Variable(CEI_CHARGE)
        Q.print_name = "Q_CEI"
        return {CEI_CHARGE: Q}

    def set_rhs(self, variables):
        i_side = variables["Cathode interphase side-reaction current per electrode area [A.m-2]"]
        self.rhs = {variables[CEI_CHARGE]: pybamm.z_average(i_side) * _electrode_area(self.param) / 3600}

    def set_initial_conditions(self, variables):
        self.initial_conditions = {variables[CEI_CHARGE]: pybamm.Scalar(0)}
