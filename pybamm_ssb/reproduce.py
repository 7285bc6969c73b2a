"""The documents' targets, simulated: measured vs simulated, fitted or predicted, with source.

Each cell is cycled once (its document protocol, or a target's current density) for as many
cycles as its targets need, and rate targets run the rate test (pybamm_ssb.rate). A target
may be a bound ("at most" / "at least") where the document gives no value. The capacity lost
by the last cycle is split by mechanism from the model's states:

- lost active material: Q_1 (1 - theta_c,N / theta_c,1), the capacity of the cathode
  particles cut off between the first and the last discharge (theta_c at their starts);
- lost lithium: what the lithium foil left at the last discharge cannot supply,
  max(0, Q_1 - h_N F A / V_Li) (zero while the foil is in excess);
- resistance rise: the rest, Q_1 - Q_N - LAM - LLI, lost because the higher interphase
  and contact resistance brings the cut-off voltage earlier.
"""

import math
from dataclasses import asdict, dataclass
from typing import NamedTuple

import pybamm

from .errors import PybammSsbError
from .experiments import electrode_area_cm2
from .fade import FITTABLE, simulate_fade
from .rate import rate_capability
from .registry import get_cell, load_cell_components, resolve_cell
from .simulate import discharge_step
from .symmetric import critical_current_density, simulate_symmetric


@dataclass(frozen=True)
class Target:
    id: str
    cell: str
    quantity: str  # a FadeCurve series, RATE for a point of the rate test, CCD or SYMMETRIC_* for a Li | Li cell
    cycle: int  # cycle of a fade target; for a rate target, its place in the rate test; hours of a Li | Li run
    measured: float
    unit: str
    kind: str  # "fitted" or "predicted"
    source: str
    tolerance: float  # relative
    rate_test: tuple = None  # rate targets only: the C-rates of the document's rate test, in order
    temperature_C: float = None  # None: the cell's document temperature
    current_density_mA_cm2: float = None  # None: the cell's document C-rate
    bound: str = None  # "at most" or "at least" where the document gives a bound, not a value

    @property
    def c_rate(self):
        return self.rate_test[self.cycle - 1] if self.rate_test else None

    @property
    def condition(self):
        if self.quantity == CCD:
            return f"Li | Li step test, {CCD_CYCLES_PER_STEP} cycle(s) of {CCD_HALF_CYCLE_HOURS:g} h half-cycles per current"
        if self.quantity in SYMMETRIC:
            condition = (f"Li | Li at {self.current_density_mA_cm2:g} mA/cm2 for {self.cycle:g} h, "
                         f"{SYMMETRIC_HALF_CYCLE_HOURS:g} h half-cycles (assumed)")
            return condition if self.bound is None else f"{condition}; {self.bound} {self.measured:g} {self.unit}"
        condition = (f"{self.c_rate:g}C, step {self.cycle} of the rate test {'/'.join(f'{r:g}' for r in self.rate_test)}C"
                     if self.quantity == RATE else f"cycle {self.cycle}")
        condition += "".join(self._run_conditions())
        return condition if self.bound is None else f"{condition}; {self.bound} {self.measured:g} {self.unit}"

    def _run_conditions(self):
        if self.current_density_mA_cm2 is not None:
            yield f" at {self.current_density_mA_cm2:g} mA/cm2"
        if self.temperature_C is not None:
            yield f" at {self.temperature_C:g} C"

    @property
    def run(self):
        """Name of the simulation that serves this target: the cell, with its current density and
        temperature where they are not the document's protocol."""
        return self.cell + "".join(self._run_conditions())

    def within_tolerance(self, simulated):
        """|simulated / measured - 1| <= tolerance, or on the right side of a bound."""
        if self.bound == "at most":
            return simulated <= self.measured
        if self.bound == "at least":
            return simulated >= self.measured
        return abs(simulated / self.measured - 1) <= self.tolerance


RATE = "rate_discharge_capacity_mAh_g"
CCD = "critical_current_density_mA_cm2"
# the step test of a CCD target: the currents of the ladder in turn, the state carried over
CCD_LADDER_MA_CM2 = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0)
CCD_CYCLES_PER_STEP = 1
CCD_HALF_CYCLE_HOURS = 0.5
# galvanostatic Li | Li cycling: the overpotential at its end, and the hours it runs before a short (all of
# them if none); the documents give the current density and the duration, not the half-cycle
SYMMETRIC = ("symmetric_overpotential_mV", "symmetric_hours_before_short")
SYMMETRIC_HALF_CYCLE_HOURS = 1.0


def _cui2025(id, cell, cycle, measured, kind, panel, how=""):
    """A 000 capacity target: 0.2C, 25 C, Sec. 3.4, Fig. 6 (e: LFP, f: NCM811), within 3 %."""
    return Target(id, cell, "discharge_capacity_mAh_g", cycle, measured, "mAh/g", kind,
                  f"000 Cui 2025, Sec. 3.4, Fig. 6{panel} (0.2C, 25 C){how}", 0.03)


CUHS_LFP_RETENTION = 0.344  # 000 Cui 2025, Sec. 3.4: LFP CUHS keeps 34.4 % after 100 cycles


TARGETS = (
    Target("000-ncm-nuhs-80C", "Cui2025_NCM811_NUHS_TPW", "discharge_capacity_mAh_g", 1, 187.3, "mAh/g", "fitted",
           "000 Cui 2025, Sec. 3.4, Fig. 6h (0.2C, 80 C)", 0.03, temperature_C=80.0),
    Target("000-ncm-cuhs-0.1C", "Cui2025_NCM811_CUHS_CPS", RATE, 5, 190.1, "mAh/g", "predicted",
           "000 Cui 2025, Sec. 3.4, Fig. 6g (25 C): 0.1C after the 0.05-0.5C steps; one cycle per rate assumed",
           0.03, (0.05, 0.1, 0.2, 0.5, 0.1)),
    _cui2025("000-lfp-nuhs-c1", "Cui2025_LFP_NUHS_TPW", 1, 152.5, "fitted", "e"),
    _cui2025("000-lfp-nuhs-c100", "Cui2025_LFP_NUHS_TPW", 100, 150.1, "fitted", "e"),
    _cui2025("000-lfp-chst-c100", "Cui2025_LFP_CHST_CPS", 100, 98.5, "fitted", "e"),
    _cui2025("000-lfp-cuhs-c1", "Cui2025_LFP_CUHS_CPS", 1, round(47.1 / CUHS_LFP_RETENTION, 1), "fitted", "e",
             f": 47.1 mAh/g at cycle 100 / {CUHS_LFP_RETENTION:.1%} retention"),
    _cui2025("000-lfp-cuhs-c100", "Cui2025_LFP_CUHS_CPS", 100, 47.1, "fitted", "e"),
    _cui2025("000-ncm-nuhs-c1", "Cui2025_NCM811_NUHS_TPW", 1, 185.9, "fitted", "f"),
    _cui2025("000-ncm-nuhs-c100", "Cui2025_NCM811_NUHS_TPW", 100, 168.1, "fitted", "f"),
    _cui2025("000-ncm-chst-c100", "Cui2025_NCM811_CHST_CPS", 100, 76.7, "fitted", "f"),
    _cui2025("000-ncm-cuhs-c100", "Cui2025_NCM811_CUHS_CPS", 100, 46.3, "predicted", "f"),
)


def _cui2025_pressed_vs_welded(id, cell, measured, bound):
    """000 LFP cells at 0.3 mA/cm2 (about 0.54C), Sec. 3, Fig. S18: the pressed cell falls
    below 50 mAh/g, the welded one keeps over 100. Fig. S18's cycle count is not in the text;
    50 is that of the post-mortem of the same cells (Fig. 5f-g)."""
    return Target(id, cell, "discharge_capacity_mAh_g", 50, measured, "mAh/g", "predicted",
                  "000 Cui 2025, Sec. 3, Fig. S18 (0.3 mA/cm2; 50 cycles assumed from Fig. 5f-g)", 0.0,
                  current_density_mA_cm2=0.3, bound=bound)


TARGETS += (
    _cui2025_pressed_vs_welded("000-lfp-0.3mA-cps", "Cui2025_LFP_NUHS_CPS", 50.0, "at most"),
    _cui2025_pressed_vs_welded("000-lfp-0.3mA-tpw", "Cui2025_LFP_NUHS_TPW", 100.0, "at least"),
)

YANG2026_CELLS = {"J": "Yang2026_LFP_PGPE_PLATP10J", "PGPE": "Yang2026_LFP_PGPE_PLATP10", "P": "Yang2026_LFP_PLATP10"}


def _yang2026_fade(variant, c1, c200, r1, r200, interphase_kind):
    """002 1C cycling at 30 C (Sec. 2, Fig. 5f) and interfacial resistance (Fig. S20)."""
    cell, tag = YANG2026_CELLS[variant], f"002-{variant.lower()}"
    fig5f, figs20 = "002 Yang 2026, Sec. 2, Fig. 5f (1C, 30 C)", "002 Yang 2026, Sec. 2, Fig. S20 (EIS before and after 200 cycles)"
    return (
        Target(f"{tag}-c1", cell, "discharge_capacity_mAh_g", 1, c1, "mAh/g", "predicted", fig5f, 0.03),
        Target(f"{tag}-c200", cell, "discharge_capacity_mAh_g", 200, c200, "mAh/g", "predicted", fig5f, 0.03),
        Target(f"{tag}-r1", cell, "interface_resistance_ohm_cm2", 1, r1, "ohm cm2", "fitted", figs20, 0.3),
        Target(f"{tag}-r200", cell, "interface_resistance_ohm_cm2", 200, r200, "ohm cm2", interphase_kind, figs20, 0.3),
    )


def _yang2026_rate(variant, capacities, kind):
    """002 LFP rate test at 30 C (Sec. 2, Fig. 5d), within 5 %."""
    rates = (0.1, 0.2, 0.5, 1.0, 2.0)
    return tuple(Target(f"002-{variant.lower()}-{rate:g}C", YANG2026_CELLS[variant], RATE, n, q, "mAh/g", kind,
                        "002 Yang 2026, Sec. 2, Fig. 5d (30 C)", 0.05, rates)
                 for n, (rate, q) in enumerate(zip(rates, capacities), start=1))


TARGETS += (
    _yang2026_fade("J", 135.18, 133.99, 57.9, 197, "fitted")
    + _yang2026_fade("PGPE", 140.67, 113.53, 74.3, 538, "fitted")
    + _yang2026_fade("P", 138.35, 102.46, 79.6, 607, "fitted")
    + _yang2026_rate("J", (157.1, 154.5, 148.4, 139.9, 126.5), "fitted")
    + _yang2026_rate("PGPE", (154.6, 150.2, 141.6, 129.8, 110.7), "predicted")
    + _yang2026_rate("P", (148.2, 141.4, 131.0, 119.1, 95.4), "predicted")
)


YANG2026_LCO_CELLS = {"J": "Yang2026_LCO_PGPE_PLATP10J", "PGPE": "Yang2026_LCO_PGPE_PLATP10", "P": "Yang2026_LCO_PLATP10"}


def _yang2026_lco_rate(variant, capacities):
    """002 LiCoO2 rate test at 30 C, 3.0-4.2 V (Sec. 2, Fig. 5a), within 5 %: predictions (the
    membrane, interface and anode are the LFP cells'; only the cathode is new)."""
    rates = (0.1, 0.2, 0.5, 1.0, 2.0)
    return tuple(Target(f"002-lco-{variant.lower()}-{rate:g}C", YANG2026_LCO_CELLS[variant], RATE, n, q, "mAh/g",
                        "predicted", "002 Yang 2026, Sec. 2, Fig. 5a (LCO, 30 C)", 0.05, rates)
                 for n, (rate, q) in enumerate(zip(rates, capacities), start=1))


def _yang2026_lco_fade(variant, cycle, measured):
    """002 LiCoO2 1C cycling at 30 C (Sec. 2, Fig. 5c), within 3 %: a prediction."""
    return Target(f"002-lco-{variant.lower()}-c{cycle}", YANG2026_LCO_CELLS[variant], "discharge_capacity_mAh_g", cycle,
                  measured, "mAh/g", "predicted", "002 Yang 2026, Sec. 2, Fig. 5c (LCO, 1C, 30 C)", 0.03)


TARGETS += (
    _yang2026_lco_rate("J", (144.08, 141.07, 135.50, 124.02, 106.96))
    + _yang2026_lco_rate("PGPE", (145.33, 140.92, 122.77, 104.14, 72.94))
    + _yang2026_lco_rate("P", (138.78, 130.81, 117.64, 98.31, 51.7))
    + (_yang2026_lco_fade("J", 1, 133.3), _yang2026_lco_fade("J", 200, 125.16), _yang2026_lco_fade("PGPE", 1, 135.41))
)


def _chu2024_ccd(treatment, ccd, reference):
    """001 Table 1: the critical current density of Li | LLZO | Li with a treatment or
    interlayer, within 20 %. A prediction of the step test (CCD_LADDER_MA_CM2): its criterion
    (the current on the remaining contact reaches the lithium's i_ccd) sees the interlayer
    only through the contact, not through its interfacial resistance."""
    return Target(f"001-llzo-{treatment.lower()}-ccd", f"Chu2024_LLZO_{treatment}", CCD, 1, ccd, "mA/cm2", "predicted",
                  f"001 Chu 2024, Table 1 ({reference})", 0.2)


def _chu2024_cycling(treatment, current_density, hours, reference):
    """001 Table 1: Li | LLZO | Li with a treatment or interlayer cycles ``hours`` at
    ``current_density`` without a short (a bound: the model must run at least as long)."""
    return Target(f"001-llzo-{treatment.lower()}-{current_density:g}mA", f"Chu2024_LLZO_{treatment}",
                  SYMMETRIC[1], hours, hours, "h", "predicted", f"001 Chu 2024, Table 1 ({reference})", 0.0,
                  current_density_mA_cm2=current_density, bound="at least")


TARGETS += tuple(_chu2024_cycling(*row) for row in (  # the first cycling condition of each row
    ("Polished", 0.1, 1200, "ref. 47"), ("HCl", 0.2, 700, "ref. 49"), ("HClLiF", 0.1, 1400, "ref. 51"),
    ("HF", 0.1, 12000, "ref. 32"), ("SnS", 0.3, 800, "ref. 73"), ("AlSi", 0.1, 1500, "ref. 75"),
    ("AgLiF", 0.2, 600, "ref. 76"), ("Cu3N", 0.1, 1000, "ref. 66"), ("MgF2", 0.3, 1000, "ref. 67"),
    ("Al2O3", 0.3, 1000, "ref. 69"), ("Ta2O5", 0.2, 5200, "ref. 72"), ("LiNaph", 0.2, 1000, "ref. 77"),
    ("PAA", 0.5, 400, "ref. 78"), ("AlN", 0.1, 3600, "ref. 79"), ("AlF3", 0.3, 670, "ref. 80"),
    ("SnF2", 0.5, 1000, "ref. 87"),
)) + (
    Target("001-llzo-cu3n-overpotential", "Chu2024_LLZO_Cu3N", SYMMETRIC[0], 1000, 30.1, "mV", "predicted",
           "001 Chu 2024, Sec. 2.3.2 (iii) and Fig. 2a (ref. 66): stable over 1000 h at 0.1 mA/cm2", 0.2,
           current_density_mA_cm2=0.1),
)

TARGETS += tuple(_chu2024_ccd(*row) for row in (
    ("Polished", 1.91, "ref. 47"), ("HClLiF", 1.8, "ref. 51"), ("HF", 2.7, "ref. 32"), ("SnS", 0.9, "ref. 73"),
    ("AlSi", 1.2, "ref. 75"), ("AgLiF", 0.75, "ref. 76"), ("Cu3N", 1.2, "ref. 66"), ("MgF2", 0.65, "ref. 67"),
    ("Al2O3", 1.0, "ref. 69"), ("Ta2O5", 2.0, "ref. 72"), ("LiNaph", 1.7, "ref. 77"), ("PAA", 1.2, "ref. 78"),
    ("AlN", 2.6, "ref. 79"), ("AlF3", 3.0, "ref. 80"), ("SnF2", 2.4, "ref. 87"),
))


DANDENA2025_CELLS = {"lpscl": "Dandena2025_NCM_LNO_LPSCl", "sb": "Dandena2025_NCM_LNO_LPSSbCl",
                     "gradient": "Dandena2025_NCM811_gradient_LPSCl"}


def _dandena2025(variant, cycle, measured, kind, where):
    """A 003 capacity target (a review: the protocol is partly assumed, see the cell files), within 3 %."""
    return Target(f"003-{variant}-c{cycle}", DANDENA2025_CELLS[variant], "discharge_capacity_mAh_g", cycle, measured,
                  "mAh/g", kind, f"003 Dandena 2025, {where}", 0.03)


LIU = "Sec. 3.2.2 (Liu et al.: LiNbO3-coated NCM, 60 cycles)"
GRADIENT = "Sec. 3.1 (gradient-coated NCM811, 0.089 mA/cm2, 25 C)"
TARGETS += (
    _dandena2025("lpscl", 1, 116.2, "predicted", LIU),
    _dandena2025("lpscl", 60, 31.3, "fitted", LIU),
    _dandena2025("sb", 1, 129.9, "fitted", LIU),
    _dandena2025("sb", 60, 107.4, "fitted", LIU),
    _dandena2025("gradient", 1, 160.0, "fitted", GRADIENT + ": about 160 mAh/g"),
    _dandena2025("gradient", 250, 128.0, "fitted", GRADIENT + ": 80 % of about 160 mAh/g after 250 cycles"),
)


def _discharge_start(cycle, name):
    return discharge_step(cycle)[name].entries[0]


def mechanism_split(curve):
    """Capacity [mAh/g] lost from the first to the last cycle, by mechanism."""
    result = curve.result
    cycles = [result.cycle_solution(row["cycle"]) for row in (result.cycles[0], result.cycles[-1])]
    q1, qn = curve.discharge_capacity_mAh_g[0], curve.discharge_capacity_mAh_g[-1]
    theta_1 = _discharge_start(cycles[0], "Cathode contact fraction")
    theta_n = _discharge_start(cycles[-1], "Cathode contact fraction")
    lam = q1 * (1 - theta_n / theta_1)
    h_n = _discharge_start(cycles[-1], "Area-averaged lithium metal thickness [m]")
    values = result.parameter_values
    area_m2 = electrode_area_cm2(values) * 1e-4
    lithium_mAh_g = h_n / values["Lithium metal partial molar volume [m3.mol-1]"] * pybamm.constants.F.value * area_m2 / 3.6 / result.active_mass_g
    lli = max(0.0, q1 - lithium_mAh_g)
    return {"resistance_rise_mAh_g": q1 - qn - lam - lli, "lost_active_material_mAh_g": lam,
            "lost_lithium_mAh_g": lli}


class Report(NamedTuple):
    rows: list  # one dict per target: measured, simulated, error, kind, source
    runs: dict  # Target.run -> (FadeCurve, capacity loss split by mechanism)
    rates: dict  # (cell, rate test) -> RateCurve
    met: dict  # target id -> within the target's tolerance, or on the right side of its bound
    fitted_values: dict = {}  # cell -> its fitted quantities (``fitted_values``)

    def summary(self):
        """{kind: {"within_tolerance": n, "targets": m}} for fitted and predicted targets."""
        return _kinds(self.rows, self.met)

    def documents(self):
        """Per document (the id's first part): the targets within tolerance by kind, and the mean
        |held-out error| over the targets with a value (bounds have none) and a held-out error."""
        summary = {}
        for document in dict.fromkeys(r["id"].split("-")[0] for r in self.rows):
            rows = [r for r in self.rows if r["id"].split("-")[0] == document]
            errors = [abs(r["held_out_error"]) for r in rows if r["held_out_error"] is not None and r["bound"] is None
                      and math.isfinite(r["held_out_error"])]
            summary[document] = {**_kinds(rows, self.met), "targets": len(rows),
                                 "within_tolerance": sum(self.met[r["id"]] for r in rows),
                                 "held_out_errors": len(errors),
                                 "mean_abs_held_out_error": sum(errors) / len(errors) if errors else None}
        return summary


def _kinds(rows, met):
    flags = {kind: [met[r["id"]] for r in rows if r["kind"] == kind] for kind in ("fitted", "predicted")}
    return {kind: {"within_tolerance": sum(f), "targets": len(f)} for kind, f in flags.items()}


class TargetSelectionError(PybammSsbError, ValueError):
    """A target-id prefix that selects no target."""


def select_targets(prefixes, targets=TARGETS):
    """The targets whose id starts with one of ``prefixes`` (e.g. "002", "000-ncm", "003-sb-c60")."""
    prefixes = [p.strip() for p in prefixes if p.strip()]
    unmatched = [p for p in prefixes if not any(t.id.startswith(p) for t in targets)]
    if not prefixes or unmatched:
        documents = sorted({t.id.split("-")[0] for t in targets})
        raise TargetSelectionError(f"no target id starts with {', '.join(repr(p) for p in unmatched) or 'an empty prefix'}; "
                                   f"ids start with a document ({', '.join(documents)}), e.g. {targets[0].id}")
    return tuple(t for t in targets if t.id.startswith(tuple(prefixes)))


def _c_rate(cell, current_density_mA_cm2):
    """The C-rate of a current density [mA/cm2] in ``cell`` (PyBaMM's C is the nominal capacity per hour)."""
    values = get_cell(cell).parameter_values
    return current_density_mA_cm2 * 1e-3 * electrode_area_cm2(values) / values["Nominal cell capacity [A.h]"]


def _overrides(values):
    """Component-quantity overrides of a cell's values (short names of fade.FITTABLE as their quantities)."""
    return {FITTABLE[name][0] if name in FITTABLE else name: value for name, value in values.items()}


def simulate_targets(targets, values=None, simulator=None, progress=False):
    """Simulate ``targets``: (id -> simulated value, NaN where the run stopped before it; fade runs,
    Target.run -> FadeCurve; rate tests, (cell, rate test) -> RateCurve).

    ``values`` maps a cell to values that replace its files' (short names of fade.FITTABLE or component
    quantities). ``simulator`` (a fade.FadeSimulator) solves the fade runs that vary only its parameters
    without building them again."""
    values = values or {}
    cycles, rates, step_tests, symmetric = {}, {}, {}, {}
    for target in targets:
        if target.quantity == RATE:
            rates[target.cell, target.rate_test] = None
        elif target.quantity == CCD:
            step_tests[target.cell] = None
        elif target.quantity in SYMMETRIC:
            symmetric[target.cell, target.current_density_mA_cm2, target.cycle] = None
        else:
            run = (target.run, target.cell, target.temperature_C, target.current_density_mA_cm2)
            cycles[run] = max(cycles.get(run, 0), target.cycle)
    runs = {}
    for (run, cell, temperature_C, current_density), n in cycles.items():
        c_rate = None if current_density is None else _c_rate(cell, current_density)
        given = values.get(cell, {})
        fade = {name: value for name, value in given.items() if name in FITTABLE}
        others = {name: value for name, value in given.items() if name not in FITTABLE}
        if others or simulator is None:  # a rebuilt cell: the simulator keys its builds by the files
            runs[run] = simulate_fade(resolve_cell(cell, others), max(n, 2), fade, c_rate=c_rate, temperature_C=temperature_C,
                                      progress=progress)
        else:
            runs[run] = simulator(cell, max(n, 2), fade, c_rate=c_rate, temperature_C=temperature_C, progress=progress)
    rate_curves = {(cell, test): rate_capability(resolve_cell(cell, _overrides(values.get(cell, {}))), test)
                   for cell, test in rates}
    ccd = {cell: critical_current_density(resolve_cell(cell, _overrides(values.get(cell, {}))), CCD_LADDER_MA_CM2,
                                          CCD_CYCLES_PER_STEP, CCD_HALF_CYCLE_HOURS)
           for cell in step_tests}
    for cell, current, hours in symmetric:
        run = simulate_symmetric(resolve_cell(cell, _overrides(values.get(cell, {}))), current, hours,
                                 SYMMETRIC_HALF_CYCLE_HOURS, progress=progress)
        symmetric[cell, current, hours] = {SYMMETRIC[0]: run.final_overpotential_mV,
                                           SYMMETRIC[1]: hours if run.short_circuit_h is None else run.short_circuit_h}
    simulated = {}
    for target in targets:
        if target.quantity == RATE:
            simulated[target.id] = rate_curves[target.cell, target.rate_test].discharge_capacity_mAh_g[target.cycle - 1]
        elif target.quantity == CCD:  # no short on the whole ladder: above its top
            simulated[target.id] = ccd[target.cell] if ccd[target.cell] is not None else math.inf
        elif target.quantity in SYMMETRIC:
            simulated[target.id] = symmetric[target.cell, target.current_density_mA_cm2, target.cycle][target.quantity]
        else:
            series = getattr(runs[target.run], target.quantity)
            simulated[target.id] = series[target.cycle - 1] if len(series) >= target.cycle else math.nan
    return {id: float(value) for id, value in simulated.items()}, runs, rate_curves


def reproduce(targets=TARGETS, progress=False, held_out=None):
    """Simulate every target with the files' values; ``held_out`` (target id -> stored held-out result,
    default: the shipped file, ``calibration.read_held_out``) gives the fitted targets' held-out errors."""
    from .calibration import read_held_out

    simulated, curves, rate_curves = simulate_targets(targets, progress=progress)
    runs = {run: (curve, mechanism_split(curve)) for run, curve in curves.items()}
    stored = read_held_out() if held_out is None else held_out
    rows, met = [], {}
    for target in targets:
        value = simulated[target.id]
        row = {k: v for k, v in asdict(target).items()
               if k not in ("cycle", "tolerance", "rate_test", "temperature_C", "current_density_mA_cm2")}
        error = value / target.measured - 1
        row.update({"condition": target.condition, "simulated": value, "rel_error": error,
                    **_held_out(target, error, stored.get(target.id))})
        rows.append(row)
        met[target.id] = target.within_tolerance(value)
    cells = dict.fromkeys(t.cell for t in targets)
    return Report(rows, runs, rate_curves, met, {cell: fitted_values(cell) for cell in cells})


def _held_out(target, error, stored):
    """The held-out error of a target and how it was found: a prediction's own error; for a fitted
    target the stored result of a calibration that did not see it, else None and why."""
    if target.kind == "predicted":
        return {"held_out_error": error, "held_out": "predicted: its own error"}
    if stored is None:
        return {"held_out_error": None, "held_out": "not computed"}
    return {"held_out_error": stored.get("error"), "held_out": stored["note"]}


def fitted_values(cell):
    """Names of the fitted quantities a cell reads from its component files (``folder/file: quantity``)."""
    return [f"{c.folder}/{c.file}: {q.name}" for c in load_cell_components(cell)
            for q in c.quantities.values() if q.provenance.kind == "fitted"]
