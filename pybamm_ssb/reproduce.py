"""The documents' targets, simulated: measured vs simulated, fitted or predicted, with source.

Each cell is cycled once (its document protocol) for as many cycles as its targets need;
the capacity lost by the last cycle is split by mechanism from the model's states:

- lost active material: Q_1 (1 - theta_c,N / theta_c,1), the capacity of the cathode
  particles cut off between the first and the last discharge (theta_c at their starts);
- lost lithium: what the lithium foil left at the last discharge cannot supply,
  max(0, Q_1 - h_N F A / V_Li) (zero while the foil is in excess);
- resistance rise: the rest, Q_1 - Q_N - LAM - LLI, lost because the higher interphase
  and contact resistance brings the cut-off voltage earlier.
"""

from dataclasses import asdict, dataclass

from .experiments import electrode_area_cm2
from .fade import simulate_fade

F = 96485.33212


@dataclass(frozen=True)
class Target:
    id: str
    cell: str
    quantity: str  # "discharge_capacity_mAh_g" or "interface_resistance_ohm_cm2"
    cycle: int
    measured: float
    unit: str
    kind: str  # "fitted" or "predicted"
    source: str
    tolerance: float  # relative

    @property
    def condition(self):
        return f"cycle {self.cycle}"


def _cui2025(id, cell, cycle, measured, kind, panel):
    """A 000 capacity target: 0.2C, 25 C, Sec. 3.4, Fig. 6 (e: LFP, f: NCM811), within 3 %."""
    return Target(id, cell, "discharge_capacity_mAh_g", cycle, measured, "mAh/g", kind,
                  f"000 Cui 2025, Sec. 3.4, Fig. 6{panel} (0.2C, 25 C)", 0.03)


TARGETS = (
    _cui2025("000-lfp-nuhs-c1", "Cui2025_LFP_NUHS_TPW", 1, 152.5, "fitted", "e"),
    _cui2025("000-lfp-nuhs-c100", "Cui2025_LFP_NUHS_TPW", 100, 150.1, "fitted", "e"),
    _cui2025("000-lfp-chst-c100", "Cui2025_LFP_CHST_CPS", 100, 98.5, "fitted", "e"),
    _cui2025("000-lfp-cuhs-c100", "Cui2025_LFP_CUHS_CPS", 100, 47.1, "fitted", "e"),
    _cui2025("000-ncm-nuhs-c1", "Cui2025_NCM811_NUHS_TPW", 1, 185.9, "fitted", "f"),
    _cui2025("000-ncm-nuhs-c100", "Cui2025_NCM811_NUHS_TPW", 100, 168.1, "fitted", "f"),
    _cui2025("000-ncm-chst-c100", "Cui2025_NCM811_CHST_CPS", 100, 76.7, "predicted", "f"),
    _cui2025("000-ncm-cuhs-c100", "Cui2025_NCM811_CUHS_CPS", 100, 46.3, "predicted", "f"),
)


def _discharge_start(cycle, name):
    discharge = next(step for step in cycle.steps if step is not None and step["Current [A]"].entries[-1] > 0)
    return discharge[name].entries[0]


def mechanism_split(curve):
    """Capacity [mAh/g] lost from the first to the last cycle, by mechanism."""
    result = curve.result
    cycles = [c for c in result.solution.cycles if c is not None]
    q1, qn = curve.discharge_capacity_mAh_g[0], curve.discharge_capacity_mAh_g[-1]
    theta_1 = _discharge_start(cycles[0], "Cathode contact fraction")
    theta_n = _discharge_start(cycles[-1], "Cathode contact fraction")
    lam = q1 * (1 - theta_n / theta_1)
    h_n = _discharge_start(cycles[-1], "Lithium metal thickness [m]")
    values = result.parameter_values
    area_m2 = electrode_area_cm2(values) * 1e-4
    lithium_mAh_g = h_n / values["Lithium metal partial molar volume [m3.mol-1]"] * F * area_m2 / 3.6 / result.active_mass_g
    lli = max(0.0, q1 - lithium_mAh_g)
    return {"resistance_rise_mAh_g": q1 - qn - lam - lli, "lost_active_material_mAh_g": lam,
            "lost_lithium_mAh_g": lli}


def reproduce(targets=TARGETS, progress=False):
    """Simulate every target; returns (rows, {cell: (curve, split)})."""
    cells = {}
    for target in targets:
        cells[target.cell] = max(cells.get(target.cell, 0), target.cycle)
    runs = {}
    for cell, cycles in cells.items():
        curve = simulate_fade(cell, max(cycles, 2), progress=progress)
        runs[cell] = (curve, mechanism_split(curve))
    rows = []
    for target in targets:
        curve = runs[target.cell][0]
        simulated = float(getattr(curve, target.quantity)[target.cycle - 1])
        row = {k: v for k, v in asdict(target).items() if k not in ("cycle", "tolerance")}
        row.update({"condition": target.condition, "simulated": simulated,
                    "rel_error": simulated / target.measured - 1})
        rows.append(row)
    return rows, runs
