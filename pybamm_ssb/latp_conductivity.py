"""LATP (x = 0.4) ionic conductivity for each sintering condition of 004 Raj 2023.

sigma(T) = sigma_25 exp[-(E_a/k_B)(1/T - 1/298.15 K)], with the total conductivity at
25 C (sigma_25) and E_a quoted per condition in 004 Tables 2 (LATP) and 3 (ball-milled
LATPBM); values and their locations are in parameter_sets/conductivity/LATP_Raj2023.toml.

Arrhenius form: 004 says only that E_a was "calculated from linear extrapolation of the
Arrhenius plot" and does not say whether ln(sigma) or ln(sigma T) was plotted, so the plain
sigma form is used (the form of the house conductivity_function). E_a was measured from
-40 C to 80 C (004, Experimental); outside that range the function extrapolates.
"""

import functools
import tomllib
from importlib import resources

from .errors import PybammSsbError
from .functions import conductivity_function
from .provenance import ParameterFileError, Provenance, Quantity

T_REF_K = 298.15  # 25 C, the temperature of the tabulated conductivities
FILE = "LATP_Raj2023"
SIGMA = "total_conductivity_S_cm"
EA = "activation_energy_eV"


class UnknownConditionError(PybammSsbError, KeyError):
    """A sintering condition not in 004 Tables 2 and 3."""

    def __str__(self):
        return str(self.args[0]) if self.args else ""


@functools.lru_cache(maxsize=1)
def _table():
    """{condition: {quantity name: Quantity}} from the TOML file, checking provenance."""
    path = resources.files("pybamm_ssb.parameter_sets") / "conductivity" / f"{FILE}.toml"
    with path.open("rb") as f:
        data = tomllib.load(f)
    table = {}
    for condition, entries in data["conditions"].items():
        quantities = {}
        for name, entry in entries.items():
            if not isinstance(entry, dict):
                continue  # e.g. the description string
            missing = {"value", "kind", "source"} - set(entry)
            if missing:
                raise ParameterFileError(f"conductivity/{FILE}.toml {condition}.{name} lacks {sorted(missing)}")
            quantities[name] = Quantity(name, float(entry["value"]), Provenance(entry["kind"], entry["source"]))
        if not {SIGMA, EA} <= set(quantities):
            raise ParameterFileError(f"conductivity/{FILE}.toml condition '{condition}' needs {SIGMA} and {EA}")
        table[condition] = quantities
    return table


def sintering_conditions():
    """Condition names, e.g. 'air_800C' (Table 2), 'bm_ar_800C' (Table 3, ball-milled)."""
    return list(_table())


def _condition(condition):
    try:
        return _table()[condition]
    except KeyError:
        known = ", ".join(sintering_conditions())
        raise UnknownConditionError(f"unknown LATP sintering condition '{condition}'; known: {known}") from None


def latp_conductivity(condition):
    """electrolyte_conductivity(c_e, T) [S/m] for one condition: sigma_25 (S/cm x 100) Arrhenius in T [K]."""
    q = _condition(condition)
    return conductivity_function(100.0 * q[SIGMA].value, q[EA].value, T_REF_K)


def conductivity_table():
    """Rows (condition, sigma_25_S_cm, Ea_eV, source) as transcribed from 004 Tables 2 and 3."""
    rows = []
    for condition, q in _table().items():
        row = q[SIGMA].provenance.source.split(":")[0]  # "004 Raj 2023, Table 2 (...), 700 C row"
        rows.append((condition, q[SIGMA].value, q[EA].value, row))
    return rows
