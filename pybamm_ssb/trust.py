"""Flags on results that should not be trusted as they stand, in text a user reads.

A cycling row gets a flag (its ``"flags"`` list) when

- its discharge delivers less than ``NO_CAPACITY_SHARE`` of the cathode's nominal specific capacity: the
  cell cannot deliver that current at that temperature (its overpotential fills the window);
- its Coulombic efficiency exceeds 1 by more than ``CE_TOLERANCE``: the discharge returns charge
  stranded in earlier cycles (lithium left in poorly contacted regions, as conservation allows),
  which cannot go on: over the run, discharge <= charge (cumulative efficiency given);
- the lithium or the cathode contact has collapsed below ``COLLAPSED_CONTACT`` of its area: the
  cell has failed by voids or by particle detachment, and what follows describes a failed cell.

The run's warnings summarise the flags, one line per kind with the cycles it concerns.
"""

NO_CAPACITY_SHARE = 0.02
CE_TOLERANCE = 0.02
COLLAPSED_CONTACT = 0.05
CONTACTS = {
    "Area-averaged lithium metal interface contact fraction": "the Li | electrolyte contact",
    "Cathode contact fraction": "the cathode particles' contact",
}


def flag_cycles(rows, nominal_mAh_g, protocol):
    """Give each row of ``rows`` (cycle_capacities) its ``"flags"``, a list of one-line texts, and
    return the run's warnings: one line per kind of flag, with the cycles it concerns and the
    first one's text. ``protocol`` holds each cycle's steps: a cycle without a discharge step
    is not expected to deliver."""
    discharged = charged = 0.0
    kinds = {}
    for row in rows:
        flags = {}
        discharge, ce = row["discharge_capacity_mAh_g"], row["coulombic_efficiency"]
        discharged, charged = discharged + discharge, charged + row["charge_capacity_mAh_g"]
        discharges = any(step.strip().lower().startswith("discharge") for step in protocol[row["cycle"] - 1])
        if discharges and discharge < NO_CAPACITY_SHARE * nominal_mAh_g:
            flags["no capacity"] = (f"delivered {discharge:.2f} mAh/g (charged {row['charge_capacity_mAh_g']:.2f}), "
                                    f"under {100 * NO_CAPACITY_SHARE:g} % of the cathode's {nominal_mAh_g:.0f} mAh/g: "
                                    "at this current and temperature the cell delivers (almost) nothing")
        if ce is not None and ce > 1 + CE_TOLERANCE:
            overall = f"{discharged / charged:.3f}" if charged > 0 else "undefined"
            flags["efficiency"] = (f"Coulombic efficiency {ce:.3f} > 1: charge stranded in earlier cycles comes back "
                                   f"(over cycles 1-{row['cycle']}: {overall})")
        for name, what in CONTACTS.items():
            if name in row and row[name] < COLLAPSED_CONTACT:
                flags[name] = f"{what} has collapsed to {100 * row[name]:.1f} % of its area: the cell has failed"
        row["flags"] = list(flags.values())
        for kind, flag in flags.items():
            kinds.setdefault(kind, (flag, []))[1].append(row["cycle"])
    return [f"cycle{'s' if len(cycles) > 1 else ''} {cycle_ranges(cycles)}: {flag}" for flag, cycles in kinds.values()]


def cycle_ranges(cycles):
    """"1-3, 7" for [1, 2, 3, 7]."""
    ranges, start = [], None
    for n, cycle in enumerate(cycles):
        start = cycle if start is None else start
        if n + 1 == len(cycles) or cycles[n + 1] != cycle + 1:
            ranges.append(f"{start}" if start == cycle else f"{start}-{cycle}")
            start = None
    return ", ".join(ranges)
