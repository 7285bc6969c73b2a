"""Thickness of the lithium-metal anode: the cell's lithium inventory.

Stripping (discharge, i > 0) and the anode interphase both take lithium from the foil:

    dh/dt = -V_Li (i / F + dn_SEI/dt),

with V_Li the molar volume of lithium and dn_SEI/dt the lithium bound into the interphase
[mol.m-2.s-1]; in parallel regions each region has its own h. The run stops when the foil
is used up anywhere. The submodel takes the LithiumElectrode it describes (the full cell's
anode by default).
"""

import pybamm

from .lithium_electrode import ANODE


class LithiumMetalThickness(pybamm.BaseSubModel):
    """Lithium foil thickness h [m] as a state."""

    def __init__(self, param, options, interphase_consumption, electrode=ANODE):
        super().__init__(param, options=options)
        self.interphase_consumption = interphase_consumption
        self.electrode = electrode

    def get_fundamental_variables(self):
        metal = self.electrode.metal
        h = pybamm.Variable(f"{metal} thickness [m]", domain="current collector")
        h.print_name = "h_Li"
        return {f"{metal} thickness [m]": h, f"Area-averaged {metal.lower()} thickness [m]": pybamm.z_average(h)}

    def set_rhs(self, variables):
        h = variables[f"{self.electrode.metal} thickness [m]"]
        i = variables[self.electrode.current]
        n_sei = (
            variables[f"{self.electrode.film} lithium consumption rate [mol.m-2.s-1]"]
            if self.interphase_consumption
            else 0
        )
        V_li = pybamm.Parameter("Lithium metal partial molar volume [m3.mol-1]")
        self.rhs = {h: -V_li * (i / self.param.F + n_sei)}

    def set_initial_conditions(self, variables):
        h = variables[f"{self.electrode.metal} thickness [m]"]
        self.initial_conditions = {h: self.param.n.L}

    def add_events_from(self, variables):
        h = variables[f"{self.electrode.metal} thickness [m]"]
        self.events.append(
            pybamm.Event(f"{self.electrode.metal} exhausted", pybamm.min(h), pybamm.EventType.TERMINATION)
        )
