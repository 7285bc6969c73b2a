"""Cells composed from components.

A cell is a lithium anode, a solid electrolyte, a composite cathode and an assembly
(which fixes the interfacial resistances), each a component file: a registered name in
``parameter_sets/`` or a file of the same form anywhere on disk. ``compose_cell`` turns
them into PyBaMM parameter values, each with its provenance, so any electrolyte can be
paired with any cathode:

    >>> cell = compose_cell("lithium_metal", "LATP_CUHS_Cui2025", "LFP_Cui2025", "TPW_Cui2025")
    >>> sim = pybamm.Simulation(SolidStateSPMe(), parameter_values=cell.parameter_values)

The values start charged (the cathode at its upper cut-off), as PyBaMM's parameter sets
do; "As-assembled positive electrode concentration [mol.m-3]" keeps the pristine state the
documents' protocols start from (``pybamm_ssb.runs.prepare_run`` applies it).
"""

import copy
import math
import numbers
from dataclasses import dataclass, field, replace

import pybamm

from . import functions, ocp, volume_change
from .cell_options import VOIDS_FILLED, cell_options
from .citations import cell_citations
from .errors import did_you_mean
from .provenance import (
    Component,
    ParameterFileError,
    Provenance,
    load_component,
    relative_reference,
)

F = pybamm.constants.F.value
EPS0 = 8.8541878128e-12  # vacuum permittivity [F.m-1] (CODATA 2018; not among pybamm.constants)
AS_ASSEMBLED = "As-assembled positive electrode concentration [mol.m-3]"
DEFAULT_C_RATE = 0.2  # the protocol C-rate of a composed cell that names none (the documents' usual rate)
COMPONENT_KINDS = {"anode": "anodes", "electrolyte": "electrolytes", "cathode": "cathodes", "assembly": "interfaces"}


@dataclass
class ComposedCell:
    """PyBaMM parameter values of a cell, with the provenance of every value.

    ``components`` names its four component files (registered names or absolute paths), so the
    cell can be composed again with other values (``with_overrides``)."""

    name: str
    values: dict
    provenance: dict
    meta: dict
    components: dict = field(default_factory=dict)

    @property
    def parameter_values(self):
        return pybamm.ParameterValues(self.values)

    def copy(self):
        """A copy whose values, provenance and metadata can be changed without touching this one."""
        return replace(self, values=dict(self.values), provenance=dict(self.provenance), meta=copy.deepcopy(self.meta),
                       components=dict(self.components))

    def with_overrides(self, overrides):
        """The cell composed again with component quantities replaced (see ``compose_cell``)."""
        if not overrides:
            return self.copy()
        if not self.components:
            raise ParameterFileError(f"cell '{self.name}' was not composed from component files: it takes no overrides")
        return compose_cell(**self.components, name=self.name, meta=self.meta, overrides=overrides)


class _Recorder:
    """Collects PyBaMM parameters together with where each value comes from."""

    def __init__(self):
        self.values = {"chemistry": "lithium_ion"}
        self.provenance = {
            "chemistry": Provenance("assumed", "PyBaMM chemistry tag of the lithium-ion models")
        }

    def set(self, key, value, kind, source):
        self.values[key] = value
        self.provenance[key] = Provenance(kind, source)

    def copy(self, key, component: Component, name, scale=1.0, offset=0.0):
        q = component[name]
        self.set(key, q.value * scale + offset, q.provenance.kind, f"{_ref(component, name)}: {q.provenance.source}")

    def copy_or_zero(self, key, component: Component, name, absent):
        """``copy`` where ``component`` gives ``name``; else 0, assumed for the reason ``absent``."""
        if component.get(name) is None:
            self.set(key, 0.0, "assumed", absent)
        else:
            self.copy(key, component, name)

    def derive(self, key, value, formula, *inputs):
        refs = ", ".join(_ref(c, n) for c, n in inputs)
        self.set(key, value, "derived", f"{formula} [from {refs}]")


def _shown(value, spec):
    """``value`` in format ``spec``; a pybamm symbol (an input of a fit) is known only at solve time."""
    return format(value, spec) if isinstance(value, numbers.Real) else "(set at solve time)"


def _ref(component, name):
    where = component.path if component.path is not None else f"{component.folder}/{component.file}"
    return f"{where}:{name}"


def _meta(component, key):
    try:
        return component.meta[key]
    except KeyError:
        raise ParameterFileError(f"{component.label} lacks '{key}' in its [meta] table") from None


def load_electrolyte(reference):
    """The electrolyte's own quantities laid over those of its family."""
    own = load_component("electrolytes", reference)
    _meta(own, "family")
    family = load_component("electrolytes", own.reference("family"))
    return own, family


def _lookup(name, *components):
    for component in components:
        if component.get(name) is not None:
            return component
    raise ParameterFileError(
        f"no component among {[c.file for c in components]} gives '{name}'"
    )


def _electrolyte_form(family):
    """"pellet" (sintered: bulk and grain boundary, the default), "pressed" (cold-pressed
    powder: one conductivity) or "membrane" (polymer/gel: one conductivity, a salt)."""
    form = family.meta.get("form", "pellet")
    if form not in ("pellet", "pressed", "membrane"):
        raise ParameterFileError(f"{family.label}: form must be pellet, pressed or membrane, not {form!r}")
    return form


def _layer_geometry(el, family):
    """Electrolyte thickness h [m], electrode area A [m2] and the quantities they come from.

    Sintered pellet: A = h / (sigma_tot (R_bulk + R_gb)) of the family's area reference, so
    the measured resistances in Ohm and the conductivity agree. Membrane or pressed pellet:
    its own thickness and the electrode disc of the family."""
    form = _electrolyte_form(family)
    if form != "pellet":
        name = "membrane_thickness_um" if form == "membrane" else "pellet_thickness_um"
        layer = _lookup(name, el, family)
        d = family.value("electrode_diameter_mm") * 1e-3
        return (layer.value(name) * 1e-6, math.pi * d**2 / 4, [(layer, name), (family, "electrode_diameter_mm")])
    h = family.value("pellet_thickness_um") * 1e-6
    _meta(family, "area_from")
    ref = load_component("electrolytes", family.reference("area_from"))
    sigma = ref.value("total_conductivity_S_cm") * 100
    R_tot = ref.value("bulk_resistance_ohm") + ref.value("grain_boundary_resistance_ohm")
    inputs = [(family, "pellet_thickness_um"), (ref, "total_conductivity_S_cm"),
              (ref, "bulk_resistance_ohm"), (ref, "grain_boundary_resistance_ohm")]
    return h, h / (sigma * R_tot), inputs


def _lattice_lithium(r, family):
    """A single-ion conductor's electrolyte concentration: all lithium of its lattice."""
    c_e0 = family.value("density_g_cm3") * 1e6 / family.value("molar_mass_g_mol") * family.value("lithium_per_formula_unit")
    r.derive("Initial concentration in electrolyte [mol.m-3]", c_e0, "rho / M * n_Li (all Li of the lattice)",
             (family, "density_g_cm3"), (family, "molar_mass_g_mol"), (family, "lithium_per_formula_unit"))
    return c_e0


def _sintered_electrolyte(r, el, family, h, area, geometry_inputs, T_ref):
    """Bulk (separator conductivity) and grain boundary (lumped) of a sintered pellet.

    Returns the lattice lithium concentration, PyBaMM's electrolyte concentration."""
    R_b = el.value("bulk_resistance_ohm")
    if el.get("grain_boundary_resistance_ohm") is not None:
        R_gb = el.value("grain_boundary_resistance_ohm")
        gb_inputs = [(el, "grain_boundary_resistance_ohm")]
    else:
        R_gb = h / (el.value("total_conductivity_S_cm") * 100 * area) - R_b
        gb_inputs = [(el, "total_conductivity_S_cm"), (el, "bulk_resistance_ohm")] + geometry_inputs
    Ea_b = family.value("activation_energy_bulk_eV")
    Ea_tot = el.value("activation_energy_total_eV")
    Ea_gb = (Ea_tot * (R_b + R_gb) - Ea_b * R_b) / R_gb
    sigma_b = h / (R_b * area)
    r.set("Electrolyte conductivity [S.m-1]", functions.conductivity_function(sigma_b, Ea_b, T_ref),
          "derived", f"sigma_bulk(T) = h / (R_bulk A) * Arrhenius(E_bulk = {Ea_b} eV) = {sigma_b:.4g} S/m at T_ref "
          f"[from {_ref(el, 'bulk_resistance_ohm')}, {_ref(family, 'activation_energy_bulk_eV')}, pellet geometry]")
    r.set("Solid electrolyte grain-boundary resistance [Ohm.m2]",
          functions.resistance_function(R_gb * area, Ea_gb, T_ref), "derived",
          f"R_gb A * Arrhenius(E_gb), R_gb = {R_gb:.1f} Ohm, E_gb = (E_tot R_tot - E_bulk R_bulk) / R_gb = {Ea_gb:.3f} eV "
          f"[from {', '.join(_ref(c, n) for c, n in gb_inputs)}, {_ref(el, 'activation_energy_total_eV')}, "
          f"{_ref(family, 'activation_energy_bulk_eV')}]")
    r.derive("Solid electrolyte bulk capacitance [F.m-2]", EPS0 * family.value("relative_permittivity_bulk") / h,
             "eps0 eps_r / h", (family, "relative_permittivity_bulk"), (family, "pellet_thickness_um"))
    d = family.value("grain_boundary_capacitance_pellet_diameter_mm") * 1e-3
    r.derive("Solid electrolyte grain-boundary capacitance [F.m-2]",
             family.value("grain_boundary_capacitance_F") / (math.pi * d**2 / 4), "C_gb / (pi d^2 / 4)",
             (family, "grain_boundary_capacitance_F"), (family, "grain_boundary_capacitance_pellet_diameter_mm"))
    r.copy("Cation transference number", family, "lithium_transference_number_model")
    return _lattice_lithium(r, family)


def _single_conductivity_electrolyte(r, el, family, h, h_input, T_ref):
    """A membrane or a cold-pressed pellet: one measured conductivity, no grain boundary in
    series, Arrhenius with the electrolyte's (or family's) activation energy.

    A membrane's salt can polarise (t+ < 1); a pressed single-ion conductor's electrolyte
    concentration is its lattice lithium. Returns the electrolyte concentration."""
    Ea = _lookup("activation_energy_total_eV", el, family)
    r.set("Electrolyte conductivity [S.m-1]", functions.conductivity_function(
        el.value("total_conductivity_S_cm") * 100, Ea.value("activation_energy_total_eV"), T_ref),
        el["total_conductivity_S_cm"].provenance.kind,
        f"{_ref(el, 'total_conductivity_S_cm')}: {el['total_conductivity_S_cm'].provenance.source}; "
        f"Arrhenius with {_ref(Ea, 'activation_energy_total_eV')}")
    r.set("Solid electrolyte grain-boundary resistance [Ohm.m2]", functions.resistance_function(0.0, 0.0, T_ref),
          "assumed", "No separate grain-boundary resistance in series: the measured conductivity is all of it")
    C_geo = EPS0 * family.value("relative_permittivity_bulk") / h
    r.derive("Solid electrolyte bulk capacitance [F.m-2]", C_geo, "eps0 eps_r / h",
             (family, "relative_permittivity_bulk"), h_input)
    r.set("Solid electrolyte grain-boundary capacitance [F.m-2]", C_geo, "assumed",
          "No grain-boundary element (its resistance is zero); set to the geometric capacitance")
    r.copy("Cation transference number", _lookup("lithium_transference_number_model", el, family),
           "lithium_transference_number_model")
    if _electrolyte_form(family) == "pressed":
        return _lattice_lithium(r, family)
    r.copy("Initial concentration in electrolyte [mol.m-3]", family, "salt_concentration_mol_m3")
    return family.value("salt_concentration_mol_m3")


def _interfacial_resistance(itf, area, geometry_inputs):
    """Area-specific interfacial resistance [Ohm.m2]: given per area, or in Ohm times A."""
    if itf.get("interfacial_resistance_ohm_cm2") is not None:
        return itf.value("interfacial_resistance_ohm_cm2") * 1e-4, [(itf, "interfacial_resistance_ohm_cm2")]
    return itf.value("interfacial_resistance_ohm") * area, [(itf, "interfacial_resistance_ohm")] + geometry_inputs


PHASES = ("active", "carbon", "catholyte", "binder")
SOLIDS = ("active", "carbon", "binder")
MIXTURE = {"recipe": PHASES, "loading": SOLIDS, "composite": ("active", "carbon", "catholyte")}
FORM_INPUTS = {
    "recipe": ("void_fraction", "slurry_solid_mass_fraction", "solvent_density_g_cm3", "wet_coating_thickness_um",
               "electrochemically_active_fraction"),
    "loading": ("active_loading_mg_cm2", "porosity", "electrochemically_active_fraction"),
    "composite": ("active_loading_mg_cm2", "void_fraction", "electrochemically_active_fraction"),
}


def _volume_fractions(cathode, phases, dense_fraction):
    """eps_p = (dense fraction) (w/rho)_p / sum(w/rho) of the mixture's phases, and the
    mixture's volume per gram [cm3.g-1]."""
    volume = {p: cathode.value(f"{p}_mass_fraction") / cathode.value(f"{p}_density_g_cm3") for p in phases}
    return {p: dense_fraction * v / sum(volume.values()) for p, v in volume.items()}, sum(volume.values())


def _cathode_geometry(cathode):
    """Active loading [kg.m-2], thickness [m], volume fractions, their inputs and formulas.

    "recipe" (the default): a slurry with a solid catholyte powder, loading from the wet
    film. "loading": the active loading is given and a (gel or liquid) catholyte fills the
    porosity. "composite": the active loading is given for a dry-pressed mixture with a solid
    catholyte powder. Every form carries an electrochemically active fraction f: the rest of
    the active material is inert (isolated or blocked particles)."""
    form = cathode.meta.get("form", "recipe")
    if form not in MIXTURE:
        raise ParameterFileError(f"{cathode.label}: form must be one of {sorted(MIXTURE)}, not {form!r}")
    phases = MIXTURE[form]
    inputs = [(cathode, f"{p}_{q}") for p in phases for q in ("mass_fraction", "density_g_cm3")]
    inputs += [(cathode, n) for n in FORM_INPUTS[form]]
    pores = cathode.value("porosity" if form == "loading" else "void_fraction")
    eps, solid_volume = _volume_fractions(cathode, phases, 1 - pores)
    mixture = "(w/rho)_active / sum(w/rho)"
    if form == "recipe":
        s = cathode.value("slurry_solid_mass_fraction")
        solids_per_wet_volume = s / (s * solid_volume + (1 - s) / cathode.value("solvent_density_g_cm3"))
        loading = cathode.value("wet_coating_thickness_um") * 1e-4 * solids_per_wet_volume * cathode.value(
            "active_mass_fraction") * 10  # g/cm2 -> kg/m2
        thickness_m = loading / (cathode.value("active_density_g_cm3") * 1e3 * eps["active"])
        eps["active"] *= cathode.value("electrochemically_active_fraction")
        return loading, thickness_m, eps, inputs, {
            "loading": "wet film thickness * solids per wet volume * active mass fraction",
            "active": f"f (1 - voids) {mixture}",
            "catholyte": "catholyte volume fraction (1 - voids) (w/rho)_catholyte / sum(w/rho)"}
    if form == "loading":
        eps["catholyte"] = pores
    loading = cathode.value("active_loading_mg_cm2") * 1e-2  # mg/cm2 -> kg/m2
    thickness_m = loading / (cathode.value("active_density_g_cm3") * 1e3 * eps["active"])
    eps["active"] *= cathode.value("electrochemically_active_fraction")
    return loading, thickness_m, eps, inputs, {
        "loading": "active loading",
        "active": f"f (1 - {'porosity' if form == 'loading' else 'voids'}) {mixture}",
        "catholyte": "pores filled by the catholyte" if form == "loading"
        else "catholyte volume fraction (1 - voids) (w/rho)_catholyte / sum(w/rho)"}


def compose_cell(anode, electrolyte, cathode, assembly, *, name=None, meta=None, overrides=None, relative_to=None):
    """PyBaMM parameter values (with provenance) of anode | electrolyte | cathode.

    Each component is a registered file name in ``parameter_sets/`` (anodes/, electrolytes/,
    cathodes/, interfaces/) or the path of a file of the same form (relative to the file
    ``relative_to``, a cell file, if given). Derived values state their formula and inputs.
    ``overrides`` replaces component quantities by name (e.g. while fitting); they are marked
    fitted.
    """
    refs = {kind: relative_reference(ref, relative_to) for kind, ref in
            zip(COMPONENT_KINDS, (anode, electrolyte, cathode, assembly))}
    an = load_component("anodes", refs["anode"])
    el, family = load_electrolyte(refs["electrolyte"])
    ca = load_component("cathodes", refs["cathode"])
    itf = load_component("interfaces", refs["assembly"])
    (an, el, family, ca, itf), overridden = _overridden((an, el, family, ca, itf), overrides or {})
    meta = {"c_rate": DEFAULT_C_RATE, **(meta or {})}
    r = _Recorder()
    T_ref = _temperatures(r, family, meta.get("temperature_C"))
    layer = _electrolyte_layer(r, el, family, T_ref)
    _lithium_anode(r, an)
    interface = _lithium_interface(r, itf, layer, T_ref)
    _cathode(r, ca, itf, layer, interface, T_ref)
    _degradation(r, an, el, family, ca, itf, T_ref)
    _bookkeeping(r, layer)
    r.set("citations", *cell_citations(meta))  # PyBaMM's convention: ParameterValues registers each entry
    fills = bool(family.meta.get("fills_lithium_voids"))  # a gel's fixed Li contact (cell_options.py)
    r.set(VOIDS_FILLED, float(fills), "assumed",
          f"{family.label} [meta] fills_lithium_voids: " + ("the gel (or added liquid) flows into the voids at the Li "
          "surface, so the Li contact stays at its initial value: model option 'contact loss' 'cathode'" if fills else
          "absent: a dry solid electrolyte, whose Li contact loses area to voids as lithium is stripped"))

    meta.update({"electrolyte": _meta(el, "name"), "cathode": _meta(ca, "name"), "assembly": _meta(itf, "name"),
                 "model_options": cell_options(r.values)})
    for key, component in overridden.items():
        if key.rpartition("/")[2] not in component.used:
            raise ParameterFileError(f"the override of '{key}' changes nothing: this cell does not use that quantity of "
                                     f"{component.label} (its form takes the value from other quantities)")
    name = name or "|".join(str(ref.stem if hasattr(ref, "stem") else ref) for ref in refs.values())
    return ComposedCell(name, r.values, r.provenance, meta, refs)


def _temperatures(r, family, test_temperature_C):
    """The electrolyte's reference temperature and the cell's own (its test's, else the reference)."""
    r.copy("Reference temperature [K]", family, "reference_temperature_C", offset=273.15)
    T_ref = r.values["Reference temperature [K]"]
    for key in ("Ambient temperature [K]", "Initial temperature [K]"):
        if test_temperature_C is None:
            r.set(key, T_ref, "assumed", "The electrolyte's reference temperature; runs take another (--temperature)")
        else:
            r.set(key, test_temperature_C + 273.15, "assumed", f"The cell's test temperature, {test_temperature_C:g} C "
                  "(temperature_C of its cell file); runs take another (--temperature)")
    return T_ref


@dataclass(frozen=True)
class _Layer:
    """The electrolyte layer as the other parts need it: area [m2], the inputs it comes from, the
    electrolyte concentration [mol.m-3]."""

    area: float
    inputs: list
    c_e0: float


def _electrolyte_layer(r, el, family, T_ref):
    """Geometry of the electrolyte layer and the cell, then its transport."""
    h, area, geometry_inputs = _layer_geometry(el, family)
    r.derive("Separator thickness [m]", h, "electrolyte layer thickness", *geometry_inputs[:1])
    for key in ("Electrode height [m]", "Electrode width [m]"):
        r.derive(key, math.sqrt(area), f"sqrt(A), A = {area * 1e4:.4g} cm2", *geometry_inputs)
    if _electrolyte_form(family) == "pellet":
        c_e0 = _sintered_electrolyte(r, el, family, h, area, geometry_inputs, T_ref)
    else:
        c_e0 = _single_conductivity_electrolyte(r, el, family, h, geometry_inputs[0], T_ref)
    r.set("Thermodynamic factor", 1.0, "assumed", "Ideal solution (no salt activity correction)")
    D_e = family["diffusivity_m2_s"]
    r.set("Electrolyte diffusivity [m2.s-1]", functions.constant_diffusivity_function(D_e.value),
          D_e.provenance.kind, f"{_ref(family, 'diffusivity_m2_s')}: {D_e.provenance.source}")
    r.set("Separator porosity", 1.0, "assumed", "The electrolyte layer conducts over its whole cross-section")
    for key in ("Separator Bruggeman coefficient (electrolyte)", "Separator Bruggeman coefficient (electrode)"):
        r.set(key, 1.0, "assumed", "No effect: separator porosity is 1")
    return _Layer(area, geometry_inputs, c_e0)


def _lithium_anode(r, an):
    r.copy("Negative electrode thickness [m]", an, "foil_thickness_um", 1e-6)
    r.copy("Negative electrode conductivity [S.m-1]", an, "electronic_conductivity_S_m")
    r.derive("Lithium metal partial molar volume [m3.mol-1]",
             an.value("molar_mass_g_mol") / an.value("density_g_cm3") * 1e-6, "M / rho",
             (an, "molar_mass_g_mol"), (an, "density_g_cm3"))
    r.set("Negative electrode OCP [V]", 0.0, "assumed", "Li/Li+ is the reference electrode")
    r.set("Negative electrode OCP entropic change [V.K-1]", 0.0, "assumed", "Li/Li+ is the reference electrode")
    r.copy("Negative electrode charge transfer coefficient", an, "charge_transfer_coefficient")
    r.copy("Negative electrode double-layer capacity [F.m-2]", an, "double_layer_capacitance_uF_cm2", 1e-2)


def _lithium_interface(r, itf, layer, T_ref):
    """The assembly's Li side: contact and intrinsic j0 from the measured interfacial resistance.
    Returns (R_int A [Ohm m2], the Li side's share of it, the inputs they come from)."""
    R_int_area, itf_inputs = _interfacial_resistance(itf, layer.area, layer.inputs)
    share = itf.value("anode_share_of_interfacial_resistance")
    itf_inputs.append((itf, "anode_share_of_interfacial_resistance"))
    R_ct_n = share * R_int_area
    theta_0, contact_inputs = _initial_lithium_contact(itf)
    r.set("Initial lithium interface contact fraction", theta_0, "derived" if len(contact_inputs) > 1 else
          contact_inputs[0][0][contact_inputs[0][1]].provenance.kind,
          f"theta_0 = theta_0,ref R_int,ref / R_int (all of the difference read as contact) "
          f"[from {', '.join(_ref(c, n) for c, n in contact_inputs)}]")
    j0_n = functions.R_GAS * T_ref / (F * R_ct_n * theta_0)
    r.set("Exchange-current density for lithium metal electrode [A.m-2]",
          functions.lithium_exchange_current_function(j0_n, itf.value("anode_activation_energy_eV"), T_ref),
          "derived", f"intrinsic j0 = R T / (F R_ct,Li theta_0), R_ct,Li = share R_int A = {R_ct_n * 1e4:.1f} Ohm cm2, "
          f"j0 = {j0_n:.4g} A/m2 at T_ref, Arrhenius [from {', '.join(_ref(c, n) for c, n in itf_inputs)}, "
          f"{_ref(itf, 'anode_activation_energy_eV')}, initial contact]")
    return R_int_area, share, itf_inputs


def _cathode(r, ca, itf, layer, interface, T_ref):
    """The composite cathode: geometry, particles, OCP, initial states, kinetics, capacity, window."""
    R_int_area, share, itf_inputs = interface
    loading, L_p, eps, recipe, formulas = _cathode_geometry(ca)
    r.derive("Positive electrode active material loading [kg.m-2]", loading, formulas["loading"], *recipe)
    r.derive("Positive electrode thickness [m]", L_p, "loading / (rho_active eps_active)", *recipe)
    r.derive("Positive electrode active material volume fraction", eps["active"], formulas["active"], *recipe)
    r.derive("Positive electrode porosity", eps["catholyte"], formulas["catholyte"], *recipe)
    r.copy("Positive electrode Bruggeman coefficient (electrolyte)", ca, "catholyte_bruggeman")
    r.set("Positive electrode Bruggeman coefficient (electrode)", 0.0, "assumed",
          "Electronic conductivity is given for the composite as a whole")
    r.copy("Positive electrode conductivity [S.m-1]", ca, "electronic_conductivity_S_m")
    V_min, V_max = _meta(ca, "voltage_window_V")
    ocp_function, ocp_source = ocp.ocp_function(_meta(ca, "ocp"), ca.path)
    _cathode_initial_states(r, ca, ocp_function, V_max)
    radius = ca.value("particle_radius_um") * 1e-6
    r.copy("Positive particle radius [m]", ca, "particle_radius_um", 1e-6)
    D_p = ca["diffusivity_m2_s"]
    r.set("Positive particle diffusivity [m2.s-1]",
          functions.particle_diffusivity_function(D_p.value, ca.value("diffusion_activation_energy_eV"), T_ref),
          D_p.provenance.kind, f"{_ref(ca, 'diffusivity_m2_s')}: {D_p.provenance.source}; Arrhenius with "
          f"{_ref(ca, 'diffusion_activation_energy_eV')}")
    r.set("Positive electrode OCP [V]", ocp_function, "assumed", ocp_source)
    r.set("Positive electrode OCP entropic change [V.K-1]", 0.0, "assumed", "Entropic heat neglected in isothermal runs")
    r.copy("Positive electrode charge transfer coefficient", ca, "charge_transfer_coefficient")
    r.copy("Positive electrode double-layer capacity [F.m-2]", ca, "double_layer_capacitance_uF_cm2", 1e-2)
    a_p = 3 * eps["active"] / radius
    R_ct_p = (1 - share) * R_int_area
    j0_p = functions.R_GAS * T_ref / (F * R_ct_p * a_p * L_p)
    r.set("Positive electrode exchange-current density [A.m-2]",
          functions.cathode_exchange_current_function(j0_p, layer.c_e0, itf.value("cathode_activation_energy_eV"), T_ref),
          "derived", f"j0 = R T / (F R_ct,cathode a L), R_ct,cathode = (1 - share) R_int A = {R_ct_p * 1e4:.1f} Ohm cm2, "
          f"a = 3 eps / r, j0 = {_shown(j0_p, '.4g')} A/m2 at x = 0.5 and T_ref [from {', '.join(_ref(c, n) for c, n in itf_inputs)}, "
          f"{_ref(itf, 'cathode_activation_energy_eV')}, cathode recipe]")
    capacity = loading * layer.area * ca.value("nominal_specific_capacity_mAh_g")  # kg/m2 m2 mAh/g = A.h
    for key in ("Nominal cell capacity [A.h]", "Current function [A]"):
        r.derive(key, capacity, "loading * A * nominal specific capacity (1C)",
                 (ca, "nominal_specific_capacity_mAh_g"), *recipe)
    window, kind = _meta(ca, "voltage_window_source"), ca.meta.get("voltage_window_kind", "quoted")
    for key, value in (("Lower voltage cut-off [V]", V_min), ("Upper voltage cut-off [V]", V_max),
                       ("Open-circuit voltage at 0% SOC [V]", V_min), ("Open-circuit voltage at 100% SOC [V]", V_max)):
        r.set(key, value, kind, window)


def _cathode_initial_states(r, ca, ocp_function, V_max):
    """c_max = rho / M; the charged state the values start from (OCP at the upper cut-off, as
    PyBaMM's sets start) and the pristine state the documents' protocols start from."""
    c_max = ca.value("active_density_g_cm3") * 1e6 / ca.value("molar_mass_g_mol")
    r.derive("Maximum concentration in positive electrode [mol.m-3]", c_max, "rho / M",
             (ca, "active_density_g_cm3"), (ca, "molar_mass_g_mol"))
    x0 = ca.value("initial_stoichiometry")
    inputs = [(ca, "initial_stoichiometry"), (ca, "active_density_g_cm3"), (ca, "molar_mass_g_mol")]
    r.derive(AS_ASSEMBLED, x0 * c_max, "x0 c_max: the pristine cathode the documents' protocols start from", *inputs)
    x_charged, reached = ocp.charged_stoichiometry(ocp_function, x0, V_max)
    how = (f"OCP(x) = upper cut-off {V_max:g} V, first met charging from x0" if reached else
           f"the OCP stays below the upper cut-off {V_max:g} V, so x = {x_charged:g} (nearly empty of lithium)")
    r.derive("Initial concentration in positive electrode [mol.m-3]", x_charged * c_max,
             f"x_charged c_max, charged as PyBaMM's parameter sets start: {how}, x = {x_charged:.4f}", *inputs)


def _bookkeeping(r, layer):
    """PyBaMM parameters the isothermal coin cell does not use, and the current collectors that
    join parallel regions of the area."""
    r.set("Contact resistance [Ohm]", 0.0, "assumed", "Current collectors and casing neglected")
    r.set("Heat transfer coefficient [W.m-2.K-1]", 10.0, "assumed", "Unused in isothermal runs")
    r.set("Number of electrodes connected in parallel to make a cell", 1.0, "assumed", "Single coin cell")
    r.set("Number of cells connected in series to make a battery", 1.0, "assumed", "Single coin cell")
    for electrode, metal, sigma in (("Negative", "copper", 5.96e7), ("Positive", "aluminium", 3.77e7)):
        r.set(f"{electrode} current collector conductivity [S.m-1]", sigma, "assumed",
              f"Bulk {metal} at 20 C; carries current between parallel regions of the area (interface heterogeneity)")
        r.set(f"{electrode} current collector thickness [m]", 1e-5, "assumed", "Typical 10 um metal foil")
        r.derive(f"{electrode} tab centre z-coordinate [m]", math.sqrt(layer.area),
                 "electrode height: the regions connect at one edge", *layer.inputs)


def _overridden(components, overrides):
    """Components with ``overrides`` (quantity name -> value) applied where the name lives, and
    {override key: the component that now holds it}.

    A name held by both an electrolyte and its family is replaced in the electrolyte, whose
    value wins in the lookup. A name held by components of different kinds (the electrolyte's
    and the cathode's ``diffusivity_m2_s``) must say which: ``"cathodes/diffusivity_m2_s"``."""
    chosen = {}
    for key in overrides:
        folder, _, name = key.rpartition("/")
        holders = [c for c in components if name in c.quantities and folder in ("", c.folder)]
        if not holders:
            known = {q for c in components for q in c.quantities}
            raise ParameterFileError(f"no component of this cell has quantity '{key}'{did_you_mean(name, known)}")
        if len({c.folder for c in holders}) > 1:
            raise ParameterFileError(f"'{name}' is held by {', '.join(f'{c.folder}/{c.file}' for c in holders)}: "
                                     f"say which, e.g. '{holders[-1].folder}/{name}'")
        chosen[key] = holders[0]  # an electrolyte before its family
    result, holders = [], {}
    for component in components:
        mine = {k: v for k, v in overrides.items() if chosen[k] is component}
        replaced = component.with_values({k.rpartition("/")[2]: v for k, v in mine.items()}, "fitted", "override") \
            if mine else component
        result.append(replaced)
        holders.update(dict.fromkeys(mine, replaced))
    return result, holders


def _initial_lithium_contact(itf):
    """theta_0 of the assembly, or theta_0,ref R_int,ref / R_int from a reference assembly."""
    name = "initial_lithium_contact_fraction"
    if "contact_from" not in itf.meta:
        return itf.value(name), [(itf, name)]
    ref = load_component("interfaces", itf.reference("contact_from"))
    theta = ref.value(name) * ref.value("interfacial_resistance_ohm") / itf.value("interfacial_resistance_ohm")
    return theta, [(ref, name), (ref, "interfacial_resistance_ohm"), (itf, "interfacial_resistance_ohm")]


NM_PER_HOUR = 1e-9 / 3600
UAH_CM2 = 1e-6 * 3600 * 1e4  # 1 uAh/cm2 in C/m2
MPA = 1e6


def _degradation(r, an, el, family, ca, itf, T_ref):
    """Interphases (SEI, CEI), lithium voids and cathode contact loss."""
    for film in ("anode", "cathode"):
        prefix = f"{film.capitalize()} interphase"
        q = lambda name: f"{film}_interphase_{name}"  # noqa: E731
        src = lambda name: _lookup(q(name), el, family)  # noqa: E731
        r.copy(f"{prefix} initial thickness [m]", src("initial_thickness_nm"), q("initial_thickness_nm"), 1e-9)
        Ea = src("growth_activation_energy_eV").value(q("growth_activation_energy_eV"))
        for key, name, unit in (("linear growth rate [m.s-1]", "linear_rate_nm_h", NM_PER_HOUR),
                                ("parabolic growth constant [m2.s-1]", "parabolic_constant_nm2_h", 1e-18 / 3600)):
            c = src(name)
            _set_function(r, f"{prefix} {key}", functions.thermally_activated_function(c.value(q(name)) * unit, Ea, T_ref),
                          c, q(name), (src("growth_activation_energy_eV"), q("growth_activation_energy_eV")))
        c = src("current_acceleration_cm2_mA")
        r.copy(f"{prefix} current acceleration [m2.A-1]", c, q("current_acceleration_cm2_mA"), 0.1)
        c = src("conductivity_S_m")
        _set_function(r, f"{prefix} conductivity [S.m-1]", functions.thermally_activated_function(
            c.value(q("conductivity_S_m")), src("conductivity_activation_energy_eV").value(q("conductivity_activation_energy_eV")),
            T_ref), c, q("conductivity_S_m"), (src("conductivity_activation_energy_eV"), q("conductivity_activation_energy_eV")))
    _anode_interphase_lithium(r, el, family)
    c = _lookup("cathode_interphase_charge_concentration_mol_m3", el, family)
    r.copy("Cathode interphase charge concentration [mol.m-3]", c, "cathode_interphase_charge_concentration_mol_m3")
    r.copy("Electrolyte oxidation onset potential [V]", _lookup("oxidation_onset_V", el, family), "oxidation_onset_V")
    r.copy("Electrolyte oxidation transfer coefficient", _lookup("oxidation_transfer_coefficient", el, family),
           "oxidation_transfer_coefficient")

    # lithium voids and creep
    p = itf.value("stack_pressure_MPa") * MPA
    r.copy("Stack pressure [Pa]", itf, "stack_pressure_MPa", MPA)
    c_li = an.value("density_g_cm3") * 1e6 / an.value("molar_mass_g_mol")
    v_ref = an.value("critical_current_density_mA_cm2") * 10 / (F * c_li)
    creep_inputs = [(an, n) for n in ("critical_current_density_mA_cm2", "critical_current_density_stack_pressure_MPa",
                                      "creep_stress_exponent", "creep_activation_energy_eV", "density_g_cm3")]
    r.derive("Lithium creep velocity [m.s-1]", functions.creep_velocity_function(
        v_ref, an.value("critical_current_density_stack_pressure_MPa") * MPA, an.value("creep_stress_exponent"),
        an.value("creep_activation_energy_eV"), T_ref),
        f"v = i_ccd / (F c_Li) (p / p_ccd)^n Arrhenius = {v_ref:.3g} m/s at p_ccd", *creep_inputs)
    r.copy("Lithium interface roughness length [m]", an, "interface_roughness_length_um", 1e-6)
    r.copy_or_zero("Lithium unrefilled void fraction", itf, "unrefilled_void_fraction",
                   "no evidence of voids that plating does not refill for this assembly: every void it opens can refill")
    _lithium_interface_spread(r, itf, el)

    # cathode particle contact
    contraction = ca.value("volume_contraction_percent") / 100
    shape = _meta(ca, "volume_change")
    if shape not in volume_change.VOLUME_CHANGE_FUNCTIONS:
        raise ParameterFileError(f"{ca.label}: volume_change must be one of {sorted(volume_change.VOLUME_CHANGE_FUNCTIONS)}, "
                                 f"got {shape!r}")
    r.set("Positive electrode volume change", volume_change.VOLUME_CHANGE_FUNCTIONS[shape](contraction),
          "assumed", f"{_ref(ca, 'volume_contraction_percent')}: {ca['volume_contraction_percent'].provenance.source} "
          f"(shape: pybamm_ssb.volume_change.{ca.meta['volume_change']})")
    r.copy("Cathode contact loss coefficient", ca, "contact_loss_coefficient")
    _h2_h3_contact_loss(r, ca, itf)
    rate = 1 / (itf.value("cathode_contact_recovery_time_h") * 3600)
    r.derive("Cathode contact recovery rate [s-1]", functions.pressure_rate_function(rate, p),
             "1 / t_recovery at the assembly's stack pressure, proportional to pressure",
             (itf, "cathode_contact_recovery_time_h"), (itf, "stack_pressure_MPa"))


def _h2_h3_contact_loss(r, ca, itf):
    """NCM811's collapse past the H2 -> H3 onset (``volume_change.ncm811_h2_h3_contraction``) and the
    assembly's contact loss per unit of it; zero for a cathode without the transition or an assembly without the value."""
    key, onset = "Positive electrode H2-H3 volume change", "h2_h3_onset_stoichiometry"
    if ca.get(onset) is None:
        r.set(key, 0.0, "assumed", f"{ca.label}: no H2 -> H3 lattice collapse")
    else:
        names = (onset, "h2_h3_end_stoichiometry", "h2_h3_volume_contraction_percent")
        r.derive(key, volume_change.ncm811_h2_h3_contraction(ca.value(names[0]), ca.value(names[1]), ca.value(names[2]) / 100),
                 "-dV_H3 min(1, max(0, (sto_on - sto) / (sto_on - sto_end)))", *((ca, n) for n in names))
    r.copy_or_zero("Cathode H2-H3 contact loss coefficient", itf, "h2_h3_contact_loss_coefficient",
                   f"{itf.label}: no contact loss from the H2 -> H3 collapse given for this assembly")


def _lithium_interface_spread(r, itf, el):
    """sigma of ln(local conductance) over the area: the assembly's own, or, for an assembly
    whose contact follows the electrolyte's surface, kappa times its roughness (sigma = kappa R_q)."""
    key, per_roughness = "Lithium interface conductance spread", "lithium_interface_spread_per_roughness_1_nm"
    if itf.get(per_roughness) is None:
        r.copy(key, itf, "lithium_interface_conductance_spread")
        return
    r.derive(key, itf.value(per_roughness) * el.value("surface_roughness_nm"), "kappa R_q",
             (itf, per_roughness), (el, "surface_roughness_nm"))


def _anode_interphase_lithium(r, el, family):
    """Li per m3 of SEI: from a measured thickness per charge of lithium consumed, or rho / M
    times the Li taken up per formula unit of the electrolyte it is made from."""
    key, measured = "Anode interphase lithium concentration [mol.m-3]", "anode_interphase_thickness_per_charge_nm_cm2_uAh"
    if any(c.get(measured) is not None for c in (el, family)):
        source = _lookup(measured, el, family)
        r.derive(key, UAH_CM2 / F / (source.value(measured) * 1e-9), "(1 uAh/cm2) / F / (thickness per uAh/cm2)",
                 (source, measured))
        return
    n_li = _lookup("interphase_lithium_per_formula_unit", el, family)
    r.derive(key, family.value("density_g_cm3") * 1e6 / family.value("molar_mass_g_mol")
             * n_li.value("interphase_lithium_per_formula_unit"),
             "rho / M * Li taken up per formula unit", (family, "density_g_cm3"), (family, "molar_mass_g_mol"),
             (n_li, "interphase_lithium_per_formula_unit"))


def _set_function(r, key, function, component, name, *more):
    q = component[name]
    extra = ", ".join(_ref(c, n) for c, n in more)
    r.set(key, function, q.provenance.kind, f"{_ref(component, name)}: {q.provenance.source}; T dependence from {extra}")
