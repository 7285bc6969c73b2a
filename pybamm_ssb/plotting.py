"""Figures users look at: voltage vs specific capacity, capacity fade with measured points,
rate capability, the overpotential of a symmetric Li cell.

Figures are matplotlib ``Figure`` objects on the Agg canvas, made without pyplot, so
importing this module leaves the user's backend alone (a notebook shows a returned figure).
"""

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .simulate import solved_steps


def new_figure(**kwargs):
    """A Figure on its own Agg canvas (``kwargs`` as for ``Figure``)."""
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def finish_figure(fig, path=None):
    """Lay out ``fig`` and write it to ``path`` (PNG) when a path is given."""
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def step_curve(step, mass_g):
    """Specific capacity passed since the start of the step [mAh/g] and voltage [V]."""
    q = step["Discharge capacity [A.h]"].entries
    return abs(q - q[0]) * 1e3 / mass_g, step["Voltage [V]"].entries


def plot_voltage_capacity(result, path=None, max_cycles=10):
    """Voltage vs specific capacity for up to ``max_cycles`` evenly spaced cycles of those the run kept."""
    fig = new_figure(figsize=(6, 4.5))
    ax = fig.subplots()
    numbers = sorted(result.saved)
    shown = numbers[::max(1, len(numbers) // max_cycles)]
    cmap = matplotlib.colormaps["viridis"].resampled(max(len(shown), 2))
    for i, number in enumerate(shown):
        steps = [step for step in solved_steps(result.saved[number]) if len(step.t) > 1]
        for step in steps:
            capacity, voltage = step_curve(step, result.active_mass_g)
            ax.plot(capacity, voltage, color=cmap(i), label=f"cycle {number}" if step is steps[0] else None)
    ax.set_xlabel("Specific capacity [mAh/g of cathode active material]")
    ax.set_ylabel("Voltage [V vs Li/Li+]")
    ax.set_title(f"{result.cell} at {result.temperature_C:g} °C")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return finish_figure(fig, path)


BOUND_MARKERS = {None: ("o", "measured"), "at most": ("v", "measured: at most"), "at least": ("^", "measured: at least")}


def plot_fade(cell, curve, measured, split, path, resistance=()):
    """Capacity vs cycle with the measured points ((cycle, mAh/g, bound), bound None or "at
    most" / "at least"), the interfacial resistance vs cycle where ``resistance`` ((cycle, Ohm cm2))
    was measured, and the loss split by mechanism."""
    panels = 2 + bool(resistance)
    fig = new_figure(figsize=(5 * panels, 4))
    ax, *others = fig.subplots(1, panels, gridspec_kw={"width_ratios": [3, *([2] if resistance else []), 1]})
    bars = others[-1]
    if resistance:
        others[0].plot(curve.cycle, curve.interface_resistance_ohm_cm2, label="simulated")
        others[0].plot(*zip(*resistance), "o", color="k", linestyle="none", label="measured")
        others[0].set(xlabel="cycle", ylabel="interfacial resistance [Ohm cm2]")
        others[0].legend()
    ax.plot(curve.cycle, curve.discharge_capacity_mAh_g, label="simulated")
    for bound, (marker, label) in BOUND_MARKERS.items():
        points = [(cycle, value) for cycle, value, b in measured if b == bound]
        if points:
            ax.plot(*zip(*points), marker, color="k", linestyle="none", label=label)
    ax.set(xlabel="cycle", ylabel="discharge capacity [mAh/g]", title=cell)
    ax.legend()
    names = [k.replace("_mAh_g", "").replace("_", " ") for k in split]
    bars.bar(names, list(split.values()), color=["tab:red", "tab:blue", "tab:green"])
    bars.set(ylabel="capacity lost by the last cycle [mAh/g]")
    bars.tick_params(axis="x", rotation=30)
    finish_figure(fig, path)


def plot_fit(result, data, path=None, curves=None):
    """Measured and fitted capacity vs cycle, interface resistance when it was measured, and the
    discharge curves (voltage vs capacity) when ``curves`` (curve_data.DischargeCurves) were fitted."""
    panels = []
    if data is not None:
        panels.append(("discharge_capacity_mAh_g", "Discharge capacity [mAh/g]"))
        if data.interface_resistance_ohm_cm2 is not None:
            panels.append(("interface_resistance_ohm_cm2", "Interface resistance [Ohm cm2]"))
    fig = new_figure(figsize=(5.5 * (len(panels) + (curves is not None)), 4.5))
    axes = fig.subplots(1, len(panels) + (curves is not None), squeeze=False)[0]
    for ax, (quantity, label) in zip(axes, panels):
        ax.plot(data.cycle, getattr(data, quantity), "o", color="k", mfc="none", label="measured")
        ax.plot(result.curve.cycle, getattr(result.curve, quantity), "-", color="C0", label="fitted")
        ax.set_xlabel("Cycle")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if curves is not None:
        _plot_discharge_curves(axes[-1], result.curve, curves)
    fitted = ", ".join(f"{name} = {p['value']:.3g}" for name, p in result.parameters.items())
    status = "" if result.converged else f"\nNOT CONVERGED: {result.stop_reason}"
    fig.suptitle(f"{result.cell}: {fitted}{status}", fontsize=9, color="k" if result.converged else "C3")
    return finish_figure(fig, path)


def _plot_discharge_curves(ax, curve, curves):
    """Measured points and the fitted simulation's discharge of each measured cycle."""
    from .fit_curves import simulated_discharge  # it reads curves with this module's step_curve

    cmap = matplotlib.colormaps["viridis"].resampled(max(len(curves.cycles), 2))
    for i, cycle in enumerate(curves.cycles):
        capacity, voltage = curves.points[cycle]
        ax.plot(capacity, voltage, "o", ms=3, mfc="none", color=cmap(i), label=f"cycle {cycle} measured")
        simulated = simulated_discharge(curve, cycle)
        if simulated is not None:
            ax.plot(*simulated, "-", color=cmap(i), label=f"cycle {cycle} fitted")
    ax.set_xlabel("Specific capacity [mAh/g]")
    ax.set_ylabel("Voltage [V]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)


def plot_rate(curve, measured=(), path=None):
    """Discharge capacity vs C-rate, simulated (line) and measured (points, (rate, mAh/g)).

    A rate the test returns to (e.g. 0.1C after 0.5C, to see what recovers) is drawn as a
    separate marker, not joined to the line."""
    fig = new_figure(figsize=(5.5, 4))
    ax = fig.subplots()
    first, repeated = {}, []
    for rate, capacity in zip(curve.c_rate, curve.discharge_capacity_mAh_g):
        if rate in first:
            repeated.append((rate, capacity))
        else:
            first[rate] = capacity
    ax.plot(list(first), list(first.values()), "o-", label="simulated")
    if repeated:
        ax.plot(*zip(*repeated), "D", color="C1", label="simulated, rate repeated later")
    if measured:
        rates, capacities = zip(*measured)
        ax.plot(rates, capacities, "ks", mfc="none", label="measured")
    ax.set_xscale("log")
    ax.set_xticks(sorted(first), [f"{r:g}" for r in sorted(first)])
    ax.minorticks_off()
    ax.set_xlabel("C-rate")
    ax.set_ylabel("Discharge capacity [mAh/g]")
    ax.set_title(f"{curve.cell} at {curve.temperature_C:g} °C", fontsize=9)
    ax.legend()
    ax.grid(alpha=0.3)
    return finish_figure(fig, path)


def plot_symmetric(result, path=None):
    """Overpotential vs time of a symmetric-cell run (and the short, if any)."""
    fig = new_figure(figsize=(7, 4))
    ax = fig.subplots()
    ax.plot(result.time_h, result.overpotential_mV, lw=0.8, color="C0")
    if result.short_circuit_h is not None:
        ax.axvline(result.short_circuit_h, color="C3", ls="--", label=f"short circuit at {result.short_circuit_h:.1f} h")
        ax.legend(fontsize=8)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel("Time [h]")
    ax.set_ylabel("Overpotential [mV]")
    ax.set_title(f"Li | {result.cell} electrolyte | Li, {result.current_density_mA_cm2:g} mA/cm2, "
                 f"{result.half_cycle_hours:g} h half-cycles, {result.temperature_C:g} °C", fontsize=9)
    ax.grid(alpha=0.3)
    return finish_figure(fig, path)


def plot_posterior(posterior, path=None, truths=None):
    """Corner plot of posterior samples (``corner``, in the extra ``uq``): each parameter's
    histogram with its 2.5, 50 and 97.5 % quantiles and each pair's joint density, log axes for
    parameters fitted in logs; ``truths`` (name -> value) are marked. The title gives the
    prediction band, if any."""
    from .extras import require

    corner = require("corner", "uq", "the corner plot")
    size = 2.4 * len(posterior.names) + 1.2
    fig = new_figure(figsize=(size, size))
    corner.corner(posterior.samples, labels=[f"{name} [{posterior.units[name]}]" for name in posterior.names],
                  quantiles=[q / 100 for q in (2.5, 50, 97.5)], show_titles=True, title_fmt=".3g", title_kwargs={"fontsize": 8},
                  axes_scale=["log" if log else "linear" for log in posterior.log_scale],
                  truths=None if truths is None else [truths.get(name) for name in posterior.names], fig=fig)
    title = f"posterior: {posterior.walkers} walkers x {posterior.steps} steps, first {posterior.burn} discarded"
    band = posterior.prediction
    if band is not None and "50" in band:
        title += (f"\ncapacity at cycle {band['cycle']}: {band['50']:.4g} mAh/g "
                  f"(95 % band {band['2.5']:.4g}-{band['97.5']:.4g}, {band['draws'] - band['failed']} draws)")
    fig.suptitle(title, fontsize=9, y=1 + 0.3 / size, va="bottom")  # above the diagonal's titles
    if path is not None:
        fig.savefig(path, dpi=120, bbox_inches="tight")
    return fig
