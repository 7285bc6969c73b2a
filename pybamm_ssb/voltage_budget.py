"""Where the voltage goes: the cell's losses, each in volts, that close the voltage balance

    V = U_ocv - (bulk + grain boundary + catholyte + Li interface + cathode interface
                 + interphase films + particle diffusion + electrolyte concentration
                 + electrode ohmic + current collectors)

Each loss is positive when it lowers the voltage on discharge (negative on charge). A cell
split into parallel regions of its area (option "interface heterogeneity") reports the area
average of each term. The losses of region k add up to its own voltage V_k = phi_cp - phi_cn
("Local voltage [V]"); the current collectors term <V_k> - V is the drop from the regions to
the tabs (with the contact resistance's, if any). The regions' voltages agree only to the
solver tolerance, about rtol i_k R_k (R_k the region's resistance), so this term is up to 0.5 mV
at the default rtol 1e-4 (NCM811 CUHS-CPS at 0.2C), far above the collectors' ohmic drop (below
0.1 uV). The balance closes to the x-discretisation error, about 1 uV, with one region or many.
"""

import pandas as pd

from .simulate import area_average

OCV = "Bulk open-circuit voltage [V]"


def _losses(v):
    bulk = v("Solid electrolyte bulk overpotential [V]")
    return {
        "solid electrolyte bulk [V]": bulk,
        "solid electrolyte grain boundary [V]": v("Solid electrolyte grain-boundary overpotential [V]"),
        "catholyte [V]": -v("X-averaged electrolyte ohmic losses [V]") - bulk,
        "Li interface [V]": v("Lithium metal interface reaction overpotential [V]"),
        "cathode interface [V]": -v("X-averaged positive electrode reaction overpotential [V]"),
        "interphase films [V]": v("Anode interphase overpotential [V]", 0.0) + v("Cathode interphase overpotential [V]", 0.0),
        "particle diffusion [V]": -v("Particle concentration overpotential [V]"),
        "electrolyte concentration [V]": -v("X-averaged concentration overpotential [V]"),
        "electrode ohmic [V]": -v("X-averaged solid phase ohmic losses [V]"),
        "current collectors [V]": v("Local voltage [V]") - v("Voltage [V]"),
    }


def voltage_losses(solution):
    """Table over time of voltage, open-circuit voltage and each loss [V]."""

    def v(name, missing=None):
        """Entries of a variable; ``missing`` stands in for one the model does not have."""
        try:
            entries = solution[name].entries
        except KeyError:
            if missing is None:
                raise
            return missing
        return area_average(entries)

    table = {"time [h]": solution["Time [h]"].entries, "voltage [V]": v("Voltage [V]"), "open-circuit voltage [V]": v(OCV)}
    table.update(_losses(v))
    return pd.DataFrame(table)


LOSS_COLUMNS = tuple(_losses(lambda name, missing=None: 0.0))
