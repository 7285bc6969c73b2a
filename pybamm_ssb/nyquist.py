"""Nyquist and -Z'' vs frequency plots of impedance spectra, with the fitted arcs marked.

Figures are drawn without pyplot (pybamm_ssb.plotting.new_figure).
"""

import numpy as np

from .plotting import finish_figure, new_figure

LABELS = {
    "bulk": "bulk",
    "grain_boundary": "grain boundary",
    "interface": "interface",
    "interface_1": "interface 1",
    "interface_2": "interface 2",
    "anode_interface": "Li interface",
    "cathode_interface": "cathode interface",
}


def _si(value, unit):
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m")):
        if abs(value) >= factor:
            return f"{value / factor:.3g} {prefix}{unit}"
    return f"{value:.2g} {unit}"


def plot_nyquist(spectrum, fit=None, path=None, title=None, ohm=True):
    """Nyquist plot (-Z'' up) and -Z'' vs frequency of ``spectrum``, with the fitted
    circuit's curve and each arc's apex at f = 1/(2 pi R C) annotated with R and f.

    ``ohm=True`` plots the cell's Ohm (spectrum / area), else Ohm cm2. Returns the Figure;
    writes it to ``path`` when given."""
    scale = 1 / spectrum.area_cm2 if ohm and spectrum.area_cm2 else 1.0
    unit = "Ohm" if scale != 1.0 or not spectrum.area_cm2 else "Ohm cm2"
    f = np.asarray(spectrum.frequency_Hz)
    z = spectrum.z * scale
    fig = new_figure(figsize=(11, 4.6))
    nyq, bode = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    nyq.plot(z.real, -z.imag, "o", ms=3, color="k", mfc="none", label="simulated")
    bode.semilogx(f, -z.imag, "o", ms=3, color="k", mfc="none", label="simulated")
    if fit is not None:
        dense = np.logspace(np.log10(f.min()), np.log10(f.max()), 400)
        zf = fit.impedance(dense) * scale
        nyq.plot(zf.real, -zf.imag, "-", color="C0", lw=1.2, label=f"fit ({fit.circuit})")
        bode.semilogx(dense, -zf.imag, "-", color="C0", lw=1.2, label=f"fit ({fit.circuit})")
        r_unit = "_ohm" if unit == "Ohm" else "_ohm_cm2"
        for i, (name, element) in enumerate(fit.elements.items()):
            if name not in LABELS:
                continue
            fk = element["f_Hz"]
            color = f"C{i + 1}"
            bode.axvline(fk, color=color, lw=0.8, ls="--")
            text = f"{LABELS[name]}\nR = {element['R' + r_unit]:.4g} {unit}\nf = {_si(fk, 'Hz')}"
            if not element.get("resolved", True):  # apex outside the range: mark R on the axis
                R = element["R" + r_unit]
                nyq.plot(R, 0, "^", color=color, ms=7)
                nyq.annotate(text.replace("\nf =", "\napex at"), (R, 0), xytext=(0, 12), textcoords="offset points",
                             ha="center", va="bottom", fontsize=7, color=color)
                continue
            apex = fit.impedance([fk])[0] * scale
            nyq.plot(apex.real, -apex.imag, "^", color=color, ms=7)
            nyq.annotate(text, (apex.real, -apex.imag), xytext=(0, 10 + 34 * (i % 2)), textcoords="offset points",
                         ha="center", va="bottom", fontsize=7, color=color,
                         arrowprops={"arrowstyle": "-", "color": color, "lw": 0.5})
    # window on the arcs: a blocking electrode's capacitive line would dwarf them
    x_max = 1.08 * max(z.real.max(), 1e-12)
    y_max = min(max((-z.imag).max(), 0.1 * x_max) * 1.9, 0.75 * x_max)
    nyq.set_xlim(min(0.0, z.real.min()), x_max)
    nyq.set_ylim(-0.03 * x_max, y_max)
    nyq.set_aspect("equal", adjustable="box")
    nyq.axhline(0, color="0.5", lw=0.6)
    nyq.set_xlabel(f"Z' [{unit}]")
    nyq.set_ylabel(f"-Z'' [{unit}]")
    nyq.grid(alpha=0.3)
    nyq.legend(fontsize=8, loc="upper left")
    positive = -z.imag[-z.imag > 0]
    if positive.size and positive.max() > 1e3 * positive.min():
        bode.set_yscale("log")
    bode.set_xlabel("frequency [Hz]")
    bode.set_ylabel(f"-Z'' [{unit}]")
    bode.grid(alpha=0.3, which="both")
    fig.suptitle(title or spectrum.label, fontsize=10)
    return finish_figure(fig, path)
