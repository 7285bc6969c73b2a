"""Solid-state lithium-metal cell models built on PyBaMM's half-cell models.

The cell is PyBaMM's ``{"working electrode": "positive"}`` half-cell (planar lithium,
separator, porous cathode) with the separator read as the solid-electrolyte layer and
the cathode's electrolyte phase as the solid catholyte. On top of it the package wires
its own submodels; their choices are this package's options, kept apart from PyBaMM's
(PyBaMM rejects keys it does not know).

Package options
---------------
"solid electrolyte" : "resistive" (default) or "capacitive"
    Bulk and grain boundary as resistances (cycling) or as R||C elements (impedance).
"interphases" : "growing" (default) or "none"
    SEI on the lithium and CEI on the cathode particles, each with its own growth law,
    film resistance and charge consumption (submodels/interphase.py).
"contact loss" : "dynamic" (default), "unrefilled", "cathode" or "none"
    Voids at the Li|electrolyte interface and loss of cathode-particle contact; "unrefilled"
    adds the voids that plating does not refill (a dead void fraction, "Lithium unrefilled void
    fraction" > 0: submodels/lithium_contact.py); "cathode"
    keeps the Li contact at its initial value (a gel or liquid fills the voids, as for the
    membranes of 002, whose cells ask for it: ``get_cell(name).meta["model_options"]``);
    with "none" both contacts stay at their initial values.
"interface heterogeneity" : "none" (default) or "lognormal"
    "lognormal" splits the electrode area into parallel regions that share the terminal
    voltage, the lithium interface of each conducting by a factor w_k (lognormal across the
    area, mean 1, spread "Lithium interface conductance spread"): a poorly stacked cell
    carries its current unevenly, and its worst-contacted regions strand their capacity
    first as the films grow (submodels/interface_regions.py).

Degradation summary variables
-----------------------------
``solution.summary_variables`` (values at each cycle's end, and "Change in ...") carry the
package's mechanisms (submodels/degradation_summary.py). PyBaMM's names where the meaning is
the same: "Loss of lithium to negative SEI [mol]" and "Loss of capacity to negative SEI
[A.h]" (the anode interphase's lithium), "Total lithium lost to side reactions [mol]",
"Loss of active material in positive electrode [%]" (100 (1 - cathode contact fraction)),
"Loss of lithium due to loss of active material in positive electrode [mol]", "Total
lithium in negative electrode [mol]" (the foil), "Total lithium [mol]" and "Total lithium
lost [mol]" (foil included). "Loss of lithium to positive SEI [mol]" stays 0: the CEI takes
no lithium. The package's own: "Cathode interphase charge [A.h]" (the CEI's side charge,
which lowers the Coulombic efficiency), "Cathode contact fraction", "Area-averaged lithium
metal interface contact fraction", "Area-averaged anode interphase thickness [m]",
"Area-averaged cathode interphase thickness [m]", "Parallel anode interphase resistance
[Ohm.m2]", "Parallel cathode interphase resistance [Ohm.m2]" (the regions' films in
parallel) and "Interfacial resistance [Ohm.m2]".
"""

import pybamm

from . import citations, option_warnings, submodels
from .errors import did_you_mean

SSB_OPTIONS = {
    "solid electrolyte": ("resistive", "capacitive"),
    "interphases": ("growing", "none"),
    "contact loss": ("dynamic", "unrefilled", "cathode", "none"),
    "interface heterogeneity": ("none", "lognormal"),
}
# PyBaMM's 1+1D cell carries the parallel regions: z runs over the area, sorted by w_k
REGION_OPTIONS = {"current collector": "potential pair", "dimensionality": 1}
INTERFACE_REGIONS = 8
FILMS = ("Anode interphase", "Cathode interphase")
FORCED_PYBAMM_OPTIONS = {"working electrode": "positive"}
# "contact loss" -> the Li contact ("cathode": a gel fills the Li voids, the contact stays fixed)
LITHIUM_CONTACTS = {
    "dynamic": submodels.LithiumVoidContact,
    "unrefilled": submodels.LithiumUnrefilledVoidContact,
    "cathode": submodels.ConstantLithiumContact,
    "none": submodels.ConstantLithiumContact,
}


def check_options(options, allowed=SSB_OPTIONS):
    """``options`` completed with the defaults (each option's first value); an option not in
    ``allowed``, or a value it does not allow, raises pybamm.OptionError naming the option and
    the allowed values. The full cell allows SSB_OPTIONS, the symmetric cell a subset of them."""
    chosen = {key: values[0] for key, values in allowed.items()}
    for key, value in options.items():
        if key not in allowed:
            raise pybamm.OptionError(f"unknown option '{key}'{did_you_mean(key, allowed)}; options are {sorted(allowed)}")
        if value not in allowed[key]:
            raise pybamm.OptionError(f"option '{key}' must be one of {allowed[key]}, got '{value}'")
        chosen[key] = value
    return chosen


def split_options(options):
    """Split a user options dict into this package's options and PyBaMM's options."""
    options = dict(options or {})
    ssb = check_options({key: options.pop(key) for key in SSB_OPTIONS if key in options})
    forced = dict(FORCED_PYBAMM_OPTIONS)
    if ssb["interface heterogeneity"] != "none":
        forced.update(REGION_OPTIONS)
    for key, value in forced.items():
        if options.get(key, value) != value:
            raise pybamm.OptionError(f"solid-state cell models need '{key}': '{value}'")
        options[key] = value
    return ssb, options


class SolidStateMixin:
    """Replaces the lithium-metal electrode submodel and adds the solid electrolyte."""

    def _init_solid_state(self, options):
        self.ssb_options, pybamm_options = split_options(options)
        citations.register_package()  # as PyBaMM's models do: pybamm.print_citations() lists the package
        self.option_check = option_warnings.OptionCheck(type(self), self.ssb_options, options)
        return pybamm_options

    @property
    def symbol_processor(self):
        """PyBaMM's, checking the parameter values it is given against the options (option_warnings)."""
        self._symbol_processor = self.option_check.processor(self._symbol_processor)
        return self._symbol_processor

    def set_li_metal_counter_electrode_submodels(self):
        super().set_li_metal_counter_electrode_submodels()
        key = "negative electrode potential"
        explicit = isinstance(self.submodels[key], pybamm.electrode.ohm.LithiumMetalExplicit)
        series = (
            submodels.SeriesDropLithiumMetalExplicit
            if explicit
            else submodels.SeriesDropLithiumMetalSurfaceForm
        )
        series_terms = ["Solid electrolyte series overpotential [V]"]
        if self._has("interphases"):
            series_terms += [f"{film} overpotential [V]" for film in FILMS]
        self.submodels[key] = series(self.param, "negative", self.options, series_terms)
        layer = (
            submodels.CapacitiveSolidElectrolyte
            if self.ssb_options["solid electrolyte"] == "capacitive"
            else submodels.ResistiveSolidElectrolyte
        )
        self.submodels["solid electrolyte"] = layer(self.param, self.options)
        films = FILMS if self._has("interphases") else ()
        if films:
            self.submodels["anode interphase"] = submodels.AnodeInterphase(self.param, self.options)
            self.submodels["cathode interphase"] = submodels.CathodeInterphase(self.param, self.options, self.x_average)
            self.submodels["positive primary sei"] = submodels.CathodeInterphaseCurrent(self.param, self.options)
            self.submodels["cathode interphase charge"] = submodels.CathodeInterphaseCharge(self.param, options=self.options)
        self.submodels["lithium metal thickness"] = submodels.LithiumMetalThickness(
            self.param, self.options, interphase_consumption=bool(films)
        )
        self.submodels["interfacial resistance"] = submodels.InterfaceResistance(self.param, self.options, films)

    def _has(self, mechanism):
        return self.ssb_options[mechanism] != "none"

    def set_degradation_variables(self):
        """PyBaMM's degradation variables carrying the package's mechanisms (submodels/degradation_summary.py)."""
        submodels.degradation_summary.set_sei_variables(self.variables, self.param)
        super().set_degradation_variables()
        submodels.degradation_summary.set_inventory_variables(self.variables, self.param)

    def set_summary_variables(self):
        """PyBaMM's summary variables and the package's degradation (degradation_summary.SUMMARY_VARIABLES)."""
        super().set_summary_variables()
        names = submodels.degradation_summary.summary_variables(self.variables)
        self.summary_variables = self.summary_variables + [n for n in names if n not in self.summary_variables]

    def set_total_interface_submodel(self):
        super().set_total_interface_submodel()
        if isinstance(self.submodels.get("positive interface"), pybamm.kinetics.InverseButlerVolmer):
            self.submodels["total interface"] = submodels.InverseKineticsTotalInterfacialCurrent(
                self.param, "lithium-ion", self.options
            )

    @property
    def default_var_pts(self):
        var_pts = super().default_var_pts
        if self._has("interface heterogeneity"):
            var_pts["z"] = INTERFACE_REGIONS
        return var_pts

    def set_interface_utilisation_submodel(self):
        super().set_interface_utilisation_submodel()
        contact = LITHIUM_CONTACTS[self.ssb_options["contact loss"]]
        self.submodels["Negative interface utilisation"] = contact(
            self.param, self.options, in_regions=self._has("interface heterogeneity")
        )

    def set_active_material_submodel(self):
        super().set_active_material_submodel()
        if self._has("contact loss"):
            self.submodels["positive primary active material"] = submodels.ParticleContactLoss(
                self.param, self.options, self.x_average
            )

    @property
    def default_parameter_values(self):
        from .registry import DEFAULT_CELL, cell_parameter_values

        return cell_parameter_values(DEFAULT_CELL)


class SolidStateSPMe(SolidStateMixin, pybamm.lithium_ion.SPMe):
    """Single-particle model with electrolyte (SPMe-class) of a solid-state Li-metal cell."""

    def __init__(self, options=None, name="Solid-state SPMe", build=True):
        super().__init__(self._init_solid_state(options), name, build)


class SolidStateDFN(SolidStateMixin, pybamm.lithium_ion.DFN):
    """Doyle-Fuller-Newman model (DFN-class) of a solid-state Li-metal cell."""

    def __init__(self, options=None, name="Solid-state DFN", build=True):
        super().__init__(self._init_solid_state(options), name, build)


MODELS = {"spme": SolidStateSPMe, "dfn": SolidStateDFN}
PLAIN_MODELS = {"spme": pybamm.lithium_ion.SPMe, "dfn": pybamm.lithium_ion.DFN}
