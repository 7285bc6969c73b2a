"""Write the sample cycler files in this folder from the package's own simulation.

30 cycles of Cui2025_LFP_NUHS_TPW at 0.5C and 25 C (CC charge to 3.8 V, CC discharge to 2.5 V,
from the cell as assembled) with the SEI growing at anode_interphase_rate = 30 nm/h, recorded as a
cycler records: a sample 1 s after each step starts, every 5 minutes, and at the step's end. The
same record is written as BDF and as the text exports of BioLogic (EC-Lab .mpt), Neware (BTS .csv),
Arbin (MITS .csv), Maccor (.txt) and BaSyTec (.txt), each in its vendor's units and current sign.
``lfp_0.5C_cycles.csv`` holds the simulated capacities per cycle (the per-cycle format of
``pybamm-ssb fit``) and ``samples.json`` the parameters the files were made with.

    python examples/data/make_samples.py
"""

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pybamm

from pybamm_ssb.fade import simulate_fade
from pybamm_ssb.simulate import solved_steps

CELL, CYCLES, C_RATE, TEMPERATURE_C = "Cui2025_LFP_NUHS_TPW", 30, 0.5, 25.0
TRUTH = {"anode_interphase_rate": 30.0}  # nm/h; well above the cell's own value
PERIOD_S, FIRST_SAMPLE_S = 300.0, 1.0
START = datetime(2026, 3, 2, 9, 0, 0)
STEM = "lfp_0.5C"
HERE = Path(__file__).parent


def record(solution):
    """The cycler's samples: one row per sample, current in PyBaMM's sign (> 0 on discharge)."""
    rows = []
    for cycle_number, cycle in enumerate(solution.cycles, start=1):
        for step in solved_steps(cycle):
            t, current, voltage = (step[name].entries for name in ("Time [s]", "Current [A]", "Voltage [V]"))
            first = t[0] + (FIRST_SAMPLE_S if t[0] > 0 else 0.0)
            times = np.r_[first, np.arange(t[0] + PERIOD_S, t[-1] - FIRST_SAMPLE_S, PERIOD_S), t[-1]]
            kind = "D" if current[-1] > 0 else "C"
            rows.append(pd.DataFrame({"time_s": times, "step_time_s": times - t[0], "current_A": np.interp(times, t, current),
                                      "voltage_V": np.interp(times, t, voltage), "cycle": cycle_number, "kind": kind,
                                      "step": len(rows) + 1}))
    samples = pd.concat(rows, ignore_index=True)
    dt = np.diff(samples["time_s"], prepend=samples["time_s"].iloc[0])
    samples["step_charge_Ah"] = (np.abs(samples["current_A"]) * dt / 3600).groupby(samples["step"]).cumsum()
    return samples


def clock(seconds, fmt):
    return [(START + timedelta(seconds=float(s))).strftime(fmt) for s in seconds]


def write_bdf(s, path):
    """Battery Data Format: preferred labels, SI units, current positive on charge."""
    pd.DataFrame({"Test Time / s": s.time_s.round(3), "Voltage / V": s.voltage_V.round(5),
                  "Current / A": (-s.current_A).map("{:.7g}".format), "Cycle Count / 1": s.cycle, "Step Count / 1": s.step,
                  "Ambient Temperature / degC": TEMPERATURE_C,
                  "Unix Time / s": (START.timestamp() + s.time_s).map("{:.3f}".format)}).to_csv(path, index=False)


def write_biologic(s, path):
    """EC-Lab ASCII (.mpt): tab-separated, I/mA positive on charge (oxidation), cycle number from 0."""
    columns = ["mode", "ox/red", "Ns", "time/s", "Ewe/V", "I/mA", "cycle number"]
    lines = ["EC-Lab ASCII FILE", "Nb header lines : 5", "", "Galvanostatic Cycling with Potential Limitation", "\t".join(columns)]
    table = pd.DataFrame({"mode": 1, "ox/red": (s.kind == "C").astype(int), "Ns": (s.step - 1) % 2, "time/s": s.time_s.round(3),
                          "Ewe/V": s.voltage_V.round(5), "I/mA": (-1e3 * s.current_A).map("{:.6g}".format),
                          "cycle number": s.cycle - 1})
    path.write_text("\n".join(lines) + "\n" + table.to_csv(sep="\t", header=False, index=False, lineterminator="\n"),
                    encoding="latin-1")


def write_neware(s, path):
    """BTS record export (.csv): current in A, negative on discharge; times to the second."""
    pd.DataFrame({
        "DataPoint": np.arange(1, len(s) + 1), "Cycle Index": s.cycle, "Step Index": s.step,
        "Step Type": s.kind.map({"C": "CC Chg", "D": "CC DChg"}),
        "Time": [str(timedelta(seconds=round(x))) for x in s.step_time_s],
        "Current(A)": (-s.current_A).map("{:.6g}".format), "Voltage(V)": s.voltage_V.round(4),
        "Chg. Cap.(Ah)": np.where(s.kind == "C", s.step_charge_Ah, 0).round(9),
        "DChg. Cap.(Ah)": np.where(s.kind == "D", s.step_charge_Ah, 0).round(9),
        "Date": clock(s.time_s.round(), "%Y-%m-%d %H:%M:%S"),
    }).to_csv(path, index=False)


def write_arbin(s, path):
    """MITS export (.csv): current in A, positive on charge; capacities since the cycle started."""
    per_cycle = {kind: np.where(s.kind == kind, s.step_charge_Ah, 0) for kind in "CD"}
    pd.DataFrame({
        "Data Point": np.arange(1, len(s) + 1), "Date Time": [t[:-3] for t in clock(s.time_s, "%m/%d/%Y %H:%M:%S.%f")],
        "Test Time (s)": s.time_s.round(3), "Step Time (s)": s.step_time_s.round(3), "Cycle Index": s.cycle,
        "Step Index": (s.step - 1) % 2 + 1, "Current (A)": (-s.current_A).map("{:.6g}".format),
        "Voltage (V)": s.voltage_V.round(5),
        "Charge Capacity (Ah)": pd.Series(per_cycle["C"]).groupby(s.cycle).cummax().round(9),
        "Discharge Capacity (Ah)": pd.Series(per_cycle["D"]).groupby(s.cycle).cummax().round(9),
    }).to_csv(path, index=False)


def write_maccor(s, path):
    """Text export (.txt): tab-separated, current unsigned with the state C (charge) or D (discharge)."""
    header = f"Today's Date\t{START:%m/%d/%Y}\tDate of Test:\t{START:%m/%d/%Y}\tFilename:\t{STEM}.001\tProcedure:\tcc_0p5C.000"
    table = pd.DataFrame({
        "Rec#": np.arange(1, len(s) + 1), "Cyc#": s.cycle, "Step": (s.step - 1) % 2 + 1, "Test (Sec)": s.time_s.round(3),
        "Step (Sec)": s.step_time_s.round(3), "Amp-hr": s.step_charge_Ah.round(9),
        "Amps": s.current_A.abs().map("{:.6g}".format), "Volts": s.voltage_V.round(5), "State": s.kind,
        "DPt Time": clock(s.time_s, "%m/%d/%Y %H:%M:%S"),
    })
    path.write_text(header + "\n" + table.to_csv(sep="\t", index=False, lineterminator="\n"), encoding="latin-1")


def write_basytec(s, path):
    """Result file (.txt): '~' preamble, tab-separated, time in hours, current in A positive on charge."""
    preamble = ["~Resultfile from Basytec Battery Test System", f"~Date of measurement:\t{START:%d.%m.%Y}",
                f"~Time of measurement:\t{START:%H:%M:%S}", f"~Name of Test:\t{STEM}", "~Battery:\tsimulated LFP half-cell", "~"]
    table = pd.DataFrame({
        "~Time[h]": (s.time_s / 3600).map("{:.7f}".format), "DataSet": np.arange(1, len(s) + 1),
        "Date": clock(s.time_s, "%d.%m.%Y %H:%M:%S"), "t-Step[h]": (s.step_time_s / 3600).map("{:.7f}".format),
        "Line": (s.step - 1) % 2 + 1, "Command": s.kind.map({"C": "Charge", "D": "Discharge"}),
        "U[V]": s.voltage_V.round(5), "I[A]": (-s.current_A).map("{:.6g}".format), "Cyc-Count": s.cycle,
    })
    path.write_text("\n".join(preamble) + "\n" + table.to_csv(sep="\t", index=False, lineterminator="\n"), encoding="latin-1")


FILES = {  # format -> (file name, writer)
    "bdf": (f"{STEM}.bdf.csv", write_bdf),
    "biologic": (f"{STEM}.mpt", write_biologic),
    "neware": (f"{STEM}_neware.csv", write_neware),
    "arbin": (f"{STEM}_arbin.csv", write_arbin),
    "maccor": (f"{STEM}_maccor.txt", write_maccor),
    "basytec": (f"{STEM}_basytec.txt", write_basytec),
}


def main():
    pybamm.set_logging_level("ERROR")
    curve = simulate_fade(CELL, CYCLES, TRUTH, c_rate=C_RATE, temperature_C=TEMPERATURE_C)
    samples = record(curve.result.solution)
    for name, write in FILES.values():
        write(samples, HERE / name)
    columns = ["cycle", "discharge_capacity_mAh_g", "charge_capacity_mAh_g", "coulombic_efficiency"]
    pd.DataFrame([{k: row[k] for k in columns} for row in curve.result.cycles]).assign(
        c_rate=C_RATE, temperature_C=TEMPERATURE_C).to_csv(HERE / f"{STEM}_cycles.csv", index=False, float_format="%.6f")
    manifest = {"cell": CELL, "cycles": CYCLES, "c_rate": C_RATE, "temperature_C": TEMPERATURE_C, "parameters": TRUTH,
                "cycles_file": f"{STEM}_cycles.csv", "files": {fmt: name for fmt, (name, _) in FILES.items()}}
    (HERE / "samples.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for name, _ in FILES.values():
        print(f"{name}: {(HERE / name).stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
