"""Cycle jumping: a long run of a repeated protocol from a few cycles simulated in full.

A cycling run is a nearly periodic solution. Within a cycle (or a few) the lithium in the
electrolyte and the lithium contact (voids that stripping opens and plating refills) swing and
return: these are the fast states. The others drift from cycle to cycle along a smooth
envelope, y_k at the end of cycle k: interphase thicknesses, cathode contact and active
fraction, lithium in the particles at the cycle's end, foil thickness, lithium lost, charge
counters. The envelope is integrated over cycles by the multirevolutionary
(envelope-following) methods for nearly periodic ODEs (Gear & Gallivan, "Automatic methods for
highly oscillatory ordinary differential equations", Lecture Notes in Mathematics 912 (1982)
115; Petzold, SIAM J. Numer. Anal. 18 (1981) 455), known in battery ageing studies as cycle
jumping:

- the per-cycle derivative g = (y_(m+w) - y_m) / w is measured over ``window`` = w cycles
  simulated in full, with its scatter s (the standard error of the w per-cycle changes);
- for the fast states and the observed quantities g is instead the secant from the last
  measurement's last cycle q, (y_m - y_q) / (m - q) about p = (m + q) / 2, with scatter
  w s / (m - q): their change within a window still carries the relaxation from the last
  landing (the lithium contact of the welded cell keeps about 0.65 of a deviation from one
  cycle to the next), which the secant over a whole jump divides by its length. The slow
  states keep the window's g: with equal jumps much longer than ``settle`` + ``window`` = c
  cycles, the second-order step below on secants multiplies the landing error of a mode that
  keeps r of a deviation per cycle by the largest root of z^3 = r^c (3 z^2 - 3 z + 1), above 1
  for r >= 0.8 (0.81 for the contact's r ~ 0.65; the cathode active fraction has r ~ 0.95-0.98:
  on secants the welded cell ends 9 pp off at cycle 1000);
- a jump of n cycles from the end of cycle k integrates g linearly in cycle number
  (second-order Adams-Bashforth with variable step), with dg/dk the change of g between the
  last two measurements beyond their scatter, max(|g - g_q| - 2 (s + s_q), 0) / (p - p_q),
  and p the cycle about which each quantity's g was measured:
  y_(k+n) = y_k + n g + dg/dk (n (k - p) + n^2 / 2)
  (g itself counts only beyond 2 s: a flickering state is not carried away by its noise);
- its local error is that of the line through g_q and g, integrated: with g''/2 the divided
  difference g[p_r, p_q, p] of the last three measurements beyond their scatter, a = k - p and
  b = k - p_q, |g''/2| (n^3/3 + (a + b) n^2/2 + a b n) (the interpolation error
  g''/2 (t - p)(t - p_q) integrated over the jump; Hairer, Norsett & Wanner, "Solving Ordinary
  Differential Equations I" (1993), III.5). n is the largest number of cycles for which it
  stays below ``rtol`` times each controlled quantity's scale (its size, or its swing within a
  cycle when larger), at most doubling from one jump to the next (``first_jump`` cycles, then
  doubling, before g'' is known);
- the fast states land by the same step on their secant g (they are kept before the second
  measurement). ``settle`` cycles simulated after landing settle what remains of their
  relaxation (their rows, like those of the jumped cycles, are interpolated), the next
  ``window`` measure g again. If g differs from its prediction g + dg/dk (p' - p) by more
  than the tolerance allows (error n (|g' - g_pred| - 2 (s' + s)) / 2), or the discharge
  capacity in any cycle simulated after landing from the value the envelope predicts for it
  (a landing error relaxes, and shows least attenuated in the first), the jump is rejected
  and taken again with half the cycles.

The controlled quantities are the slow states the equations or the events read (not the
bookkeeping integrals nothing depends on: charge counters, lithium lost with cut-off
particles) and the discharge capacity, observed in every simulated cycle and scaled by the
first cycle's: a knee in the capacity, which the states approach smoothly, shortens the jumps.
The rows of the cycles not simulated are interpolated (monotone cubic) between simulated ones.
Where the cycles stop being smooth (a cell that delivers in one cycle and not the next) the
control keeps the jumps short or nil: the run is then as slow as a full one, and as right.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pybamm
from scipy.interpolate import PchipInterpolator

from .validation import ParameterError

# the fast states (module docstring), by name regardless of case
FAST = ("porosity times concentration", "Electrolyte concentration", "Lithium metal interface contact fraction")


def slow_state_indices(y_slices, models):
    """(slow, fast, controlled) index arrays into the state vector of the discretised ``models``
    (one per experiment step, sharing ``y_slices``). The differential states named in FAST are
    fast, every other differential state is slow; the controlled ones are the slow states the
    equations or the events read (interphase thicknesses, cathode contact, active fraction, foil
    thickness), not the bookkeeping integrals nothing depends on (charge counters, lithium lost
    with cut-off particles)."""
    differential = {v.name for model in models for v in model.rhs}
    read = set()
    for model in models:
        for expression in (model.concatenated_rhs, model.concatenated_algebraic, *(e.expression for e in model.events)):
            for node in expression.pre_order():
                if isinstance(node, pybamm.StateVector):
                    read.update(i for s in node.y_slices for i in range(s.start, s.stop))
    slow, fast, controlled = [], [], []
    for variable, slices in y_slices.items():
        if variable.name not in differential:
            continue
        indices = np.concatenate([np.arange(s.start, s.stop) for s in slices])
        if any(name.lower() in variable.name.lower() for name in FAST):
            fast.append(indices)
            continue
        slow.append(indices)
        if read.intersection(indices):
            controlled.append(indices)
    return tuple(np.unique(np.concatenate(group)) if group else np.zeros(0, dtype=int) for group in (slow, fast, controlled))


class Sample(NamedTuple):
    """The per-cycle derivative ``g`` measured about cycle ``p`` (each quantity's) with its scatter
    ``s``, and the end state ``end`` of ``cycle``, the last cycle measured."""

    p: float
    g: np.ndarray
    s: np.ndarray
    cycle: int
    end: np.ndarray


@dataclass
class CycleJumping:
    """Settings and record of the jumps of one run (module docstring). ``first`` cycles are
    simulated before the first jump, which, before the curvature of the envelope is known, is
    ``first_jump`` cycles; no jump is longer than ``max_jump``. With ``schedule`` ({from cycle:
    cycles}, e.g. another run's ``jumps``) the run takes exactly those jumps, without error
    control: runs at nearby parameter values then differ smoothly, as a finite-difference
    Jacobian needs."""

    rtol: float = 5e-3
    first: int = 5
    first_jump: int = 4
    max_jump: int = 200
    window: int = 2
    settle: int = 1
    schedule: dict = None
    jumps: list = field(default_factory=list)  # (from cycle, cycles jumped) of the accepted jumps
    rejected: int = 0

    def __post_init__(self):
        if not (np.isfinite(self.rtol) and 0 < self.rtol < 0.1):
            raise ParameterError(f"the acceleration tolerance rtol must be in (0, 0.1), got {self.rtol}")
        for name, low in (("window", 1), ("settle", 1), ("first", self.window + 1), ("first_jump", 2), ("max_jump", 2)):
            value = getattr(self, name)
            if int(value) != value or value < low:
                raise ParameterError(f"{name} must be a whole number >= {low}, got {value}")
        self.samples = []  # Sample of each measurement
        self._limit = None  # the longest jump allowed after a rejection

    def _derivative(self, ends, last, secant):
        """The Sample of the ``window`` cycles up to ``last`` from the end states ``ends`` (by cycle);
        s from the changes' spread about the trend of g measured so far. The ``secant`` quantities
        (fast states, observed quantities) take the secant from the last measurement's end."""
        cycles = np.arange(last - self.window + 1, last + 1)
        changes = np.array([ends[m] - ends[m - 1] for m in cycles])
        g, p = changes.mean(axis=0), np.full(len(ends[last]), last - self.window / 2)
        if self.window == 1:
            s = np.zeros_like(g)
        else:
            if len(self.samples) >= 2:  # the trend of g from the last two measurements, noise and all
                q, r = self.samples[-2:]
                trend = np.outer(cycles - cycles.mean(), (r.g - q.g) / (r.p - q.p))
            else:
                trend = 0.0
            s = np.sqrt(((changes - g - trend) ** 2).sum(axis=0) / (self.window - 1)) / np.sqrt(self.window)
        if self.samples:
            q = self.samples[-1]
            span = last - q.cycle
            g[secant] = (ends[last][secant] - q.end[secant]) / span
            s[secant] *= self.window / span
            p[secant] = 0.5 * (last + q.cycle)
        return Sample(p, g, s, last, ends[last])

    def measure(self, ends, last, secant):
        """Record the derivative of the ``window`` cycles up to ``last``, simulated without a jump
        (which lifts the limit a rejected jump set); ``secant`` as in _derivative."""
        self.samples.append(self._derivative(ends, last, secant))
        self._limit = None

    @staticmethod
    def _beyond_scatter(difference, scatter):
        return np.sign(difference) * np.maximum(np.abs(difference) - 2 * scatter, 0.0)

    def _trend(self):
        """(p, g, s, dg/dk) of the last measurement (dg/dk None before the second)."""
        last = self.samples[-1]
        if len(self.samples) < 2:
            return last.p, last.g, last.s, None
        q = self.samples[-2]
        return last.p, last.g, last.s, self._beyond_scatter(last.g - q.g, last.s + q.s) / (last.p - q.p)

    def _curvature(self):
        """g''/2, the divided difference g[r, q, p] of the last three measurements beyond their
        scatter (None before the third)."""
        if len(self.samples) < 3:
            return None
        r, q, p = self.samples[-3:]
        bend = (p.g - q.g) / (p.p - q.p) - (q.g - r.g) / (q.p - r.p)
        return self._beyond_scatter(bend, (p.s + q.s) / (p.p - q.p) + (q.s + r.s) / (q.p - r.p)) / (p.p - r.p)

    @staticmethod
    def _relative(values, scale, controlled):
        return np.abs(values[controlled]) / np.maximum(scale[controlled], 1e-300)

    def jump_length(self, cycle, scale, controlled, remaining):
        """Cycles to jump from the end of ``cycle``, the last simulated; 0 to simulate on instead.
        Of the ``remaining`` cycles, the ``window`` + 1 after landing are simulated. The longest n
        whose local error |g''/2| (n^3/3 + (a + b) n^2/2 + a b n), a = cycle - p and b = cycle - q
        with each quantity's p and q (module docstring), stays below ``rtol`` times each controlled
        quantity's scale."""
        if self.schedule is not None:
            n = self.schedule.get(cycle, 0)
            return n if 2 <= n <= remaining - self.window - self.settle else 0
        doubled = 2 * self.jumps[-1][1] if self.jumps else None
        curvature = self._curvature()
        if curvature is None:
            n = doubled or self.first_jump
        else:
            relative = self._relative(curvature, scale, controlled)
            a, b = cycle - self.samples[-1].p[controlled], cycle - self.samples[-2].p[controlled]
            longest = self.max_jump
            for x, y in set(zip(a[relative > 0], b[relative > 0])):  # the worst quantity of each (a, b)
                worst = relative[(a == x) & (b == y)].max()
                roots = np.roots([1 / 3, (x + y) / 2, x * y, -self.rtol / worst])
                longest = min(longest, roots.real[np.abs(roots.imag) <= 1e-9 * np.abs(roots)].max())  # the one positive root
            n = min(int(longest), doubled or self.max_jump)
        n = min(n, self.max_jump, remaining - self.window - self.settle, self._limit or n)
        return n if n >= 2 else 0

    def _advance(self, cycle, n):
        """The integral of g over the ``n`` cycles after ``cycle`` (module docstring)."""
        p, g, s, slope = self._trend()
        g = self._beyond_scatter(g, s)
        return n * g if slope is None else n * g + slope * (n * (cycle - p) + 0.5 * n**2)

    def land(self, y, cycle, n, slow, fast):
        """The state ``n`` cycles after the end of ``cycle`` (state ``y``): slow states advanced
        by the integral of g, fast ones too from the second measurement on (kept before)."""
        landed = y.copy()
        moved = np.concatenate([slow, fast]) if len(self.samples) >= 2 else slow
        landed[moved] += self._advance(cycle, n)[moved]
        return landed

    def accept(self, cycle, n, ends, last, scale, controlled, observed, secant):
        """Whether the jump of ``n`` cycles from ``cycle`` holds, given the end values ``ends`` of
        the cycles simulated after landing up to ``last`` (states, then the ``observed``
        quantities; ``secant`` as in _derivative); records the new g when it does."""
        p, g, s, slope = self._trend()
        new = self._derivative(ends, last, secant)
        predicted = g if slope is None else g + slope * (new.p - p)
        error = 0.5 * n * self._relative(self._beyond_scatter(new.g - predicted, s + new.s), scale, controlled)
        for m in range(cycle + n + 1, last + 1):
            error = np.append(error, self._relative(ends[m] - ends[cycle] - self._advance(cycle, m - cycle), scale, observed))
        if self.schedule is None and error.max(initial=0.0) > 2 * self.rtol and n > 2:
            self.rejected += 1
            self._limit = n // 2
            return False
        self.jumps.append((cycle, n))
        self._limit = None
        self.samples.append(new)
        return True


def fill_extrapolated(rows, total):
    """Rows for cycles 1..``total`` from the simulated ``rows`` (each with "cycle"): the missing
    cycles' numbers interpolated (monotone cubic, PCHIP) in cycle number between simulated ones,
    and each row marked "extrapolated"."""
    by_cycle = {row["cycle"]: row for row in rows}
    simulated = np.array(sorted(by_cycle), dtype=float)
    wanted = [n for n in range(1, total + 1) if n not in by_cycle]
    keys = [k for k, v in rows[0].items() if k != "cycle" and isinstance(v, float)]
    columns = {}
    for key in keys:
        known = [(c, by_cycle[int(c)][key]) for c in simulated if by_cycle[int(c)].get(key) is not None]
        if len(known) >= 2:
            x, v = np.array(known).T
            columns[key] = PchipInterpolator(x, v)(wanted) if wanted else []
    filled = {n: {**row, "extrapolated": False} for n, row in by_cycle.items()}
    for i, n in enumerate(wanted):
        row = {"cycle": n, **{k: (float(columns[k][i]) if k in columns else None) for k in keys}, "extrapolated": True}
        charge = row.get("charge_capacity_mAh_g")
        if "coulombic_efficiency" in row and charge:
            row["coulombic_efficiency"] = row["discharge_capacity_mAh_g"] / charge
        filled[n] = row
    return [filled[n] for n in sorted(filled)]
