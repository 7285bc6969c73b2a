"""Symmetric Li | solid electrolyte | Li cell: galvanostatic plating/stripping and its short.

The cell takes a registered cell's electrolyte and lithium-interface parameters (the
cathode is not used). A constant current density of magnitude i alternates in sign every
half-cycle; while i > 0 electrode 1 is stripped and electrode 2 plated, then the roles swap.
Each Li|electrolyte interface k (local current i_k = +i on electrode 1, -i on electrode 2,
> 0 stripping) has its own states, with the full cell's laws:

    interphase (SEI)   dL_k/dt = k_lin(T) (1 + gamma |i|) + k_par(T) / L_k
                                     (submodels.AnodeInterphase)
    contact (voids)    d theta_k/dt = [-theta_k max(0, v_strip - v_creep)
                                       + (1 - theta_k) max(0, v_plate + v_creep - v_strip)] / h_v,
                       v_strip = max(v_k, 0), v_plate = max(-v_k, 0), v_k = i_k / (F c_Li)
                                     (submodels.LithiumVoidContact; with "contact loss"
                                     "unrefilled" a dead void fraction caps theta_k:
                                     submodels.LithiumUnrefilledVoidContact)
    lithium foil       dh_k/dt = -V_Li (i_k / F + c_SEI dL_k/dt)
                                     (submodels.LithiumMetalThickness)

These are the full cell's submodels, used once per electrode (submodels.LithiumElectrode
names each one's variables: "Electrode 1 lithium thickness [m]", ...), with the full cell's
solid-electrolyte layer (submodels.ResistiveSolidElectrolyte) and options (models.SSB_OPTIONS,
checked by models.check_options). The cell's own submodels add the current, the charge
transfer of each interface and the voltage; the model runs through pybamm.Simulation.

The cell voltage (its overpotential: both electrodes are Li, the OCV is 0), signed like i:

    V = i (R_bulk(T) + R_gb(T)) + i sum_k L_k / (sigma_SEI(T) theta_k)
        + (2 R T / F) sum_k asinh(i / (2 j0(T) theta_k))

R_bulk = L_SE / kappa_e(T), R_gb(T) the lumped grain boundary, j0 the intrinsic exchange
current of lithium; the contact fraction theta_k scales both the film's conducting area and
the charge-transfer area, as in the full cell (PyBaMM's inverse symmetric Butler-Volmer for
lithium metal, 2RT/F asinh(j / (2 j0 theta)), i.e. transfer coefficient 1/2). The
electrolyte is ohmic: salt polarisation of electrolytes with t+ < 1 (gel/polymer
membranes) is not included, so their overpotential is a lower bound.

Short-circuit criterion
-----------------------
Voids concentrate the current on the remaining contact: the local current density at
interface k is |i| / theta_k. Dendrites start at the void margins (003 Dandena 2025,
Sec. 4, after Kasemchainan et al.) when that local current density exceeds the critical
current density of the lithium anode file, i_ccd = 0.55 mA/cm2 (003), scaled with
temperature like the lithium creep velocity (i_ccd(T) = i_ccd v_creep(p, T) / v_creep(p, T_ref)):

    short when |i| / theta_k >= i_ccd(T) at either interface.

The local current density is highest at the interface being stripped, at the end of its
stripping half-cycle, which is where the following plating half-cycle lands. The threshold
is not scaled with stack pressure: the pressure already acts through the contact fraction
(creep refill), and the creep law's p^6.56 would put the threshold at 1.4e-5 mA/cm2 at the
1 MPa assumed for the 000 coin cells, i.e. an immediate short at any current, contradicted by
the 250 h of stable NUHS cycling in 000. The run stops at the short; ``short_circuit_h`` is
the time the criterion first holds (None if it never does).
"""

import math
import sys
from dataclasses import dataclass, field

import numpy as np
import pybamm

from .models import FORCED_PYBAMM_OPTIONS, LITHIUM_CONTACTS, SSB_OPTIONS, check_options
from .provenance import load_component
from .runs import prepare_run
from .simulate import SimulationFailed
from .submodels import AnodeInterphase, LithiumElectrode, LithiumMetalThickness, ResistiveSolidElectrolyte
from .validation import ParameterError

CURRENT = "Current density [A.m-2]"  # input parameter, > 0 strips electrode 1
ELECTRODES = ("Electrode 1", "Electrode 2")
SIGNS = (1, -1)
SHORT_THRESHOLD = "Lithium dendrite-initiation current density [A.m-2]"
# the full cell's options, but cycled, not an impedance model (its R||C layer's microsecond
# time constants fail the current reversals), and one region (its current is uniform)
SYMMETRIC_OPTIONS = {**SSB_OPTIONS, "solid electrolyte": ("resistive",), "interface heterogeneity": ("none",)}
MAX_CURRENT_DENSITY_MA_CM2 = 100.0
STEP_TEST_CURRENTS_MA_CM2 = (0.1, 0.25, 0.5, 0.8, 1.0)  # 002 Yang 2026, Fig. 4(a, c, e)


def cell_options(setup, options=None):
    """The symmetric cell's options of a RunSetup: the full cell's (a gel that fills the voids
    keeps its "contact loss" "cathode", a fixed Li contact here) but one region, overridden by
    ``options``."""
    chosen = {key: value for key, value in setup.options.items() if key != "interface heterogeneity"}
    return chosen | dict(options or {})


class SymmetricCurrent(pybamm.BaseSubModel):
    """The current density i (input), each electrode's i_k = +/- i, the charge passed
    dq/dt = i, and the conditions both electrodes share (ambient T, the electrolyte at rest)."""

    def get_fundamental_variables(self):
        i = pybamm.InputParameter(CURRENT)
        i_cc = pybamm.PrimaryBroadcast(i, "current collector")
        T = pybamm.Parameter("Ambient temperature [K]")
        epsilon = pybamm.Parameter("Separator porosity")
        q = pybamm.Variable("Charge passed [C.m-2]", scale=3600)  # > 0 moved from electrode 1 to 2
        variables = {
            "Time [h]": pybamm.t / 3600,
            CURRENT: i,
            "Current density [mA.cm-2]": i / 10,
            "Current collector current density [A.m-2]": i_cc,
            "Charge passed [C.m-2]": q,
            "X-averaged cell temperature [K]": T,
            "X-averaged separator temperature [K]": T,
            "X-averaged separator electrolyte concentration [mol.m-3]": self.param.c_e_init,
            "X-averaged separator electrolyte transport efficiency": epsilon**self.param.s.b_e,
            SHORT_THRESHOLD: pybamm.FunctionParameter(SHORT_THRESHOLD, {"Temperature [K]": T}),
        }
        for name, sign in zip(ELECTRODES, SIGNS):
            variables[LithiumElectrode.named(name).current] = sign * i_cc
        return variables

    def set_rhs(self, variables):
        self.rhs = {variables["Charge passed [C.m-2]"]: variables[CURRENT]}

    def set_initial_conditions(self, variables):
        self.initial_conditions = {variables["Charge passed [C.m-2]"]: pybamm.Scalar(0)}


class SymmetricLithiumInterface(pybamm.BaseSubModel):
    """Charge transfer at electrode ``name``, eta_k = (2 R T / F) asinh(i_k / (2 j0 theta_k))
    (PyBaMM's inverse Butler-Volmer of lithium metal), its drop eta_k + i_k R_film,k, and the
    short circuit when the local current density |i| / theta_k reaches i_ccd(T)."""

    def __init__(self, param, name, films, options=None):
        super().__init__(param, options=options)
        self.electrode_name = name
        self.electrode = LithiumElectrode.named(name)
        self.films = films

    def get_coupled_variables(self, variables):
        name, metal = self.electrode_name, self.electrode.metal
        i = variables[self.electrode.current]
        T = variables["X-averaged cell temperature [K]"]
        u = variables[f"{metal} interface utilisation"]
        c_e = variables["X-averaged separator electrolyte concentration [mol.m-3]"]
        j0 = self.param.j0_Li_metal(c_e, 1 / self.param.V_bar_Li, T)
        RT_F = self.param.R * T / self.param.F
        eta_ct = 2 * RT_F * pybamm.arcsinh2(i, 2 * j0 * u)
        eta_film = variables[f"{self.electrode.film} overpotential [V]"] if self.films else pybamm.Scalar(0)
        variables.update(
            {
                f"{metal} interface exchange current density [A.m-2]": j0,
                f"{name} charge-transfer overpotential [V]": eta_ct,
                f"{name} charge-transfer resistance [Ohm.m2]": RT_F / (j0 * u),
                f"{name} overpotential [V]": eta_ct + eta_film,
                f"{name} local current density [A.m-2]": abs(i) / variables[f"{metal} interface contact fraction"],
            }
        )
        return variables

    def add_events_from(self, variables):
        theta = variables[f"{self.electrode.metal} interface contact fraction"]
        i = variables[self.electrode.current]
        i_short = variables[SHORT_THRESHOLD]
        self.events.append(
            pybamm.Event(f"{self.electrode_name} short circuit", pybamm.min(theta * i_short - abs(i)),
                         pybamm.EventType.TERMINATION)
        )


class SymmetricVoltage(pybamm.BaseSubModel):
    """V = phi_1 - phi_2 = eta_SE + eta_1 - eta_2: electrode 1 adds its drop, electrode 2
    subtracts its own."""

    def get_coupled_variables(self, variables):
        V = variables["Solid electrolyte overpotential [V]"]
        for name, sign in zip(ELECTRODES, SIGNS):
            V = V + sign * variables[f"{name} overpotential [V]"]
        variables.update({"Overpotential [V]": V, "Overpotential [mV]": 1e3 * V})
        return variables


class SymmetricLithiumCell(pybamm.BaseModel):
    """Li | solid electrolyte | Li with an SEI and a void contact fraction on each side.

    Options: the full cell's package options (models.SSB_OPTIONS), checked by
    models.check_options. "contact loss" "cathode" and "none" both keep the Li contact at its
    initial value (there is no cathode); "solid electrolyte" must be "resistive" and
    "interface heterogeneity" "none". The current density is the input parameter
    ``"Current density [A.m-2]"``.
    """

    def __init__(self, options=None, name="Symmetric Li cell"):
        super().__init__(name)
        self.ssb_options = check_options(options or {}, SYMMETRIC_OPTIONS)
        self.options = pybamm.BatteryModelOptions(FORCED_PYBAMM_OPTIONS)  # planar lithium electrodes
        self.param = pybamm.LithiumIonParameters(self.options)
        self.set_submodels()
        self.build_model()

    def set_submodels(self):
        films = self.ssb_options["interphases"] == "growing"
        contact = LITHIUM_CONTACTS[self.ssb_options["contact loss"]]
        self.submodels["current"] = SymmetricCurrent(self.param, options=self.options)
        self.submodels["solid electrolyte"] = ResistiveSolidElectrolyte(self.param, self.options)
        for name in ELECTRODES:
            electrode = LithiumElectrode.named(name)
            self.submodels[f"{name} contact"] = contact(self.param, self.options, electrode=electrode)
            if films:
                self.submodels[f"{name} interphase"] = AnodeInterphase(self.param, self.options, electrode)
            self.submodels[f"{name} lithium thickness"] = LithiumMetalThickness(
                self.param, self.options, films, electrode
            )
            self.submodels[f"{name} interface"] = SymmetricLithiumInterface(self.param, name, films, self.options)
        self.submodels["voltage"] = SymmetricVoltage(self.param, options=self.options)

    def build_model(self):
        """Variables, equations and events of the submodels, as PyBaMM's battery models build theirs."""
        self.build_fundamental()
        self.build_coupled_variables()
        for submodel in self.submodels.values():
            submodel.set_rhs(self.variables)
            submodel.set_algebraic(self.variables)
            submodel.set_initial_conditions(self.variables)
            submodel.add_events_from(self.variables)
            self.update(submodel)

    # the electrode area as one finite volume of PyBaMM's "current collector" domain (its 0D
    # method leaves broadcasts unsized; the battery models have them sized by other domains)
    @property
    def default_geometry(self):
        return pybamm.Geometry({"current collector": {"z": {"min": 0, "max": 1}}})

    @property
    def default_submesh_types(self):
        return {"current collector": pybamm.Uniform1DSubMesh}

    @property
    def default_var_pts(self):
        return {"z": 1}

    @property
    def default_spatial_methods(self):
        return {"current collector": pybamm.FiniteVolume()}


def _anode_ccd_mA_cm2(cell):
    anode = load_component("anodes", cell.components["anode"])
    return anode.value("critical_current_density_mA_cm2")


def short_threshold_function(ccd_A_m2, creep_velocity, pressure, T_ref):
    """i_ccd(T) = i_ccd v_creep(p, T) / v_creep(p, T_ref): the critical current density with
    the temperature dependence of lithium creep (not scaled with pressure, see module doc)."""

    def lithium_dendrite_initiation_current_density(T):
        return ccd_A_m2 * creep_velocity(pressure, T) / creep_velocity(pressure, T_ref)

    return lithium_dendrite_initiation_current_density


def symmetric_setup(cell, temperature_C=None, parameter_values=None):
    """The RunSetup of the symmetric cell made of ``cell``'s electrolyte and lithium.

    Its values gain the short-circuit threshold (from the cell's anode file) unless given."""
    setup = prepare_run(cell, temperature_C, parameter_values=parameter_values)
    values = setup.parameter_values
    if SHORT_THRESHOLD not in values.keys():
        values.update(
            {
                SHORT_THRESHOLD: short_threshold_function(
                    _anode_ccd_mA_cm2(setup.cell) * 10,
                    values["Lithium creep velocity [m.s-1]"],
                    values["Stack pressure [Pa]"],
                    values["Reference temperature [K]"],
                )
            },
            check_already_exists=False,
        )
    if "Solid electrolyte grain-boundary resistance [Ohm.m2]" not in values.keys():  # membranes
        values.update({"Solid electrolyte grain-boundary resistance [Ohm.m2]": 0.0}, check_already_exists=False)
    return setup


MAX_HALF_CYCLES = 20_000  # about 40 min of solving on one core at 0.1 s a half-cycle


def _check_inputs(current_density_mA_cm2, hours, half_cycle_hours, points_per_half_cycle=3):
    i = current_density_mA_cm2
    if not isinstance(i, (int, float)) or not math.isfinite(i) or not 0 < i <= MAX_CURRENT_DENSITY_MA_CM2:
        raise ParameterError(
            f"current density must be > 0 and <= {MAX_CURRENT_DENSITY_MA_CM2:g} mA/cm2, got {current_density_mA_cm2}"
        )
    if not isinstance(hours, (int, float)) or not math.isfinite(hours) or hours <= 0:
        raise ParameterError(f"hours must be a finite number > 0, got {hours}")
    if (
        not isinstance(half_cycle_hours, (int, float))
        or not math.isfinite(half_cycle_hours)
        or not 0 < half_cycle_hours <= hours
    ):
        raise ParameterError(f"half-cycle hours must be > 0 and <= hours ({hours:g}), got {half_cycle_hours}")
    if int(points_per_half_cycle) < 2:
        raise ParameterError(f"points per half-cycle must be >= 2, got {points_per_half_cycle}")
    if hours / half_cycle_hours > MAX_HALF_CYCLES:
        raise ParameterError(f"{hours:g} h of {half_cycle_hours:g} h half-cycles is {hours / half_cycle_hours:.3g} half-cycles, "
                             f"more than {MAX_HALF_CYCLES}: run them in parts (each part solves every half-cycle)")


OUTPUTS = ("Time [h]", "Overpotential [V]", CURRENT, "Solid electrolyte bulk overpotential [V]",
           "Solid electrolyte grain-boundary overpotential [V]") + tuple(
    f"{e} {q}" for e in ELECTRODES for q in ("lithium interface contact fraction", "interphase thickness [m]",
                                             "lithium thickness [m]", "interphase lithium [mol.m-2]",
                                             "local current density [A.m-2]")
) + ("Charge passed [C.m-2]",)  # those of the chosen options (no interphase variables without films)


class _Runner:
    """The model as a pybamm.Simulation, stepped half-cycle by half-cycle with the current as an input."""

    def __init__(self, values, options=None):
        model = SymmetricLithiumCell(options)
        self.outputs = [name for name in OUTPUTS if name in model.variables]
        solver = pybamm.IDAKLUSolver(rtol=1e-8, atol=1e-10, output_variables=self.outputs)
        self.simulation = pybamm.Simulation(model, parameter_values=values, solver=solver)
        self.simulation.build()
        self.model = self.simulation.built_model
        self.columns = {name: [] for name in self.outputs}

    def evaluate(self, name, current_A_m2, y=None):
        """Variable ``name`` at t = 0 and state y with the given current (no solve)."""
        value = self.model.get_processed_variable(name).evaluate(0, y, inputs={CURRENT: current_A_m2})
        return np.asarray(value).item()

    def initial_state(self, current_A_m2):
        """Output variables at t = 0 with the given current (no solve)."""
        y0 = self.model.concatenated_initial_conditions.evaluate(0, inputs={CURRENT: current_A_m2})
        return {name: self.evaluate(name, current_A_m2, y0) for name in self.outputs}

    def step(self, current_A_m2, dt_s, points):
        """Advance by dt_s at the given current; returns the termination reason."""
        t_eval = np.linspace(0, dt_s, points)
        step = self.simulation.step(dt_s, t_eval=t_eval, t_interp=t_eval, inputs={CURRENT: current_A_m2}, save=False)
        for name in self.outputs:
            self.columns[name].extend(np.asarray(step[name].data, dtype=float).ravel().tolist())
        return step.termination


@dataclass
class SymmetricResult:
    """Overpotential history of a symmetric Li cell (signed: > 0 while electrode 1 strips)."""

    cell: str
    current_density_mA_cm2: float
    temperature_C: float
    half_cycle_hours: float
    time_h: np.ndarray
    overpotential_mV: np.ndarray
    final_overpotential_mV: float
    short_circuit_h: float = None
    termination: str = "final time"
    states: dict = field(default_factory=dict)
    parameter_values: pybamm.ParameterValues = None

    def as_json(self):
        return {
            "cell": self.cell,
            "current_density_mA_cm2": float(self.current_density_mA_cm2),
            "time_h": [round(float(t), 6) for t in self.time_h],
            "overpotential_mV": [round(float(v), 6) for v in self.overpotential_mV],
            "final_overpotential_mV": float(self.final_overpotential_mV),
            "short_circuit_h": None if self.short_circuit_h is None else float(self.short_circuit_h),
        }


def _half_cycles(hours, half_cycle_hours):
    """Durations [h] of the half-cycles that make up ``hours`` (the last one may be partial)."""
    n = int(math.floor(hours / half_cycle_hours + 1e-9))
    durations = [half_cycle_hours] * n
    rest = hours - n * half_cycle_hours
    if rest > 1e-9 * hours:
        durations.append(rest)
    return durations


class _StepFailed(RuntimeError):
    pass


def _run_protocol(runner, schedule, points, progress, label):
    """Step through ``schedule`` [(current A/m2, hours)]. Returns (short_h, termination, index).

    The criterion is checked before each step too: a higher current (step test) can meet
    it at once, which the solver's events cannot see."""
    threshold = runner.evaluate(SHORT_THRESHOLD, schedule[0][0])
    start = runner.initial_state(schedule[0][0])
    contact = [start[f"{e} lithium interface contact fraction"] for e in ELECTRODES]
    t_h = 0.0
    report_every = max(1, len(schedule) // 20)
    for n, (current, hours) in enumerate(schedule):
        if abs(current) / min(contact) >= threshold:
            if n == 0:
                for name in runner.outputs:
                    runner.columns[name].append(start[name])
            return t_h, f"short circuit at the start of half-cycle {n + 1}", n
        try:
            termination = str(runner.step(current, hours * 3600, points))
        except pybamm.SolverError as error:
            raise _StepFailed(f"solver failed in half-cycle {n + 1} (t = {t_h:.2f} h): {error}") from error
        t_h = runner.columns["Time [h]"][-1]
        contact = [runner.columns[f"{e} lithium interface contact fraction"][-1] for e in ELECTRODES]
        if "short circuit" in termination:
            return t_h, termination, n
        if "exhausted" in termination:
            return None, termination, n
        if progress and ((n + 1) % report_every == 0 or n + 1 == len(schedule)):
            print(f"{label}: half-cycle {n + 1}/{len(schedule)} (cycle {(n + 2) // 2}), t = {t_h:.1f} h, "
                  f"|V| = {abs(runner.columns['Overpotential [V]'][-1]) * 1e3:.1f} mV", file=sys.stderr, flush=True)
    return None, "final time", len(schedule) - 1


def simulate_symmetric(
    cell,
    current_density_mA_cm2,
    hours,
    half_cycle_hours=1.0,
    temperature_C=None,
    progress=False,
    *,
    options=None,
    parameter_values=None,
    points_per_half_cycle=3,
):
    """Galvanostatic plating/stripping of a Li | electrolyte | Li cell built from ``cell``.

    The current density (mA/cm2, > 0) alternates in sign every ``half_cycle_hours`` for
    ``hours``; electrode 1 is stripped first. Each half-cycle is sampled at
    ``points_per_half_cycle`` times (start, ..., end: the sign jump shows as two points at the
    same time). The run stops at a short circuit (module docstring) or when a foil is used
    up. ``final_overpotential_mV`` is the magnitude of the overpotential at the end of the
    last half-cycle computed (just before the short, if there is one). With ``progress`` a
    line goes to stderr every 1/20 of the run (every N cycles).
    """
    _check_inputs(current_density_mA_cm2, hours, half_cycle_hours, points_per_half_cycle)
    setup = symmetric_setup(cell, temperature_C, parameter_values)
    cell, values, temperature_C = setup.name, setup.parameter_values, setup.temperature_C
    i = current_density_mA_cm2 * 10  # A/m2
    schedule = [(i if n % 2 == 0 else -i, d) for n, d in enumerate(_half_cycles(hours, half_cycle_hours))]
    runner = _Runner(values, cell_options(setup, options))
    try:
        short_h, termination, _ = _run_protocol(runner, schedule, int(points_per_half_cycle), progress,
                                                f"{cell} {current_density_mA_cm2:g} mA/cm2")
    except _StepFailed as error:
        partial = _result(cell, current_density_mA_cm2, temperature_C, half_cycle_hours, runner, None, str(error), values)
        raise SimulationFailed(str(error), partial if len(partial.time_h) else None) from error
    return _result(cell, current_density_mA_cm2, temperature_C, half_cycle_hours, runner, short_h, termination, values)


def _result(cell, current_density_mA_cm2, temperature_C, half_cycle_hours, runner, short_h, termination, values):
    states = {name: np.array(column) for name, column in runner.columns.items()}
    time_h = states["Time [h]"]
    overpotential_mV = states["Overpotential [V]"] * 1e3
    return SymmetricResult(
        cell=cell,
        current_density_mA_cm2=current_density_mA_cm2,
        temperature_C=temperature_C,
        half_cycle_hours=half_cycle_hours,
        time_h=time_h,
        overpotential_mV=overpotential_mV,
        final_overpotential_mV=float(abs(overpotential_mV[-1])),
        short_circuit_h=short_h,
        termination=termination,
        states=states,
        parameter_values=values,
    )


@dataclass
class StepTestResult:
    """A current-density step test: the first current at which the short criterion holds."""

    cell: str
    currents_mA_cm2: tuple
    critical_current_density_mA_cm2: float
    short_circuit_h: float
    history: SymmetricResult


def critical_current_density_test(
    cell,
    currents_mA_cm2=STEP_TEST_CURRENTS_MA_CM2,
    cycles_per_step=5,
    half_cycle_hours=1.0,
    temperature_C=None,
    progress=False,
    *,
    options=None,
    parameter_values=None,
):
    """Step test: ``cycles_per_step`` plating/stripping cycles at each current in turn (the
    state carries over), as in 002's Fig. 4 (0.1, 0.25, 0.5, 0.8, 1.0 mA/cm2). Returns a
    StepTestResult; its critical current density is None if no step shorts the cell."""
    currents = tuple(float(c) for c in currents_mA_cm2)
    if not currents:
        raise ParameterError("the step test needs at least one current density")
    if int(cycles_per_step) < 1:
        raise ParameterError(f"cycles per step must be >= 1, got {cycles_per_step}")
    for c in currents:
        _check_inputs(c, 2 * half_cycle_hours * cycles_per_step, half_cycle_hours)
    setup = symmetric_setup(cell, temperature_C, parameter_values)
    cell, values, temperature_C = setup.name, setup.parameter_values, setup.temperature_C
    schedule, owner = [], []
    for c in currents:
        for n in range(2 * int(cycles_per_step)):
            schedule.append((10 * c if n % 2 == 0 else -10 * c, half_cycle_hours))
            owner.append(c)
    runner = _Runner(values, cell_options(setup, options))
    try:
        short_h, termination, index = _run_protocol(runner, schedule, 3, progress, f"{cell} step test")
    except _StepFailed as error:
        raise SimulationFailed(str(error), None) from error
    ccd = owner[index] if short_h is not None else None
    history = _result(cell, ccd or currents[-1], temperature_C, half_cycle_hours, runner, short_h, termination, values)
    return StepTestResult(cell, currents, ccd, short_h, history)


def critical_current_density(cell, currents_mA_cm2=STEP_TEST_CURRENTS_MA_CM2, cycles_per_step=5,
                             half_cycle_hours=1.0, temperature_C=None, progress=False, **kwargs):
    """The first current density [mA/cm2] of the step test at which the cell shorts, or None."""
    return critical_current_density_test(cell, currents_mA_cm2, cycles_per_step, half_cycle_hours,
                                         temperature_C, progress, **kwargs).critical_current_density_mA_cm2
