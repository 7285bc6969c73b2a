"""Impedance spectra as data: frequencies [Hz] and Z [Ohm cm2], whatever made them.

Units: spectra are stored per geometric area, in Ohm cm2 (``Spectrum.z``); divide by
``Spectrum.area_cm2`` (``Spectrum.z_ohm``) for the pellet's / coin cell's Ohm that the
documents quote. ``Spectrum.as_json()`` gives Ohm cm2.
"""

import math
from dataclasses import dataclass

import numpy as np

from .validation import ParameterError


class ImpedanceInputError(ParameterError):
    """Bad argument to an impedance function (the CLI reports it as an input error)."""



@dataclass
class Spectrum:
    """Impedance Z = z_real + i z_imag [Ohm cm2] at each frequency (z_imag < 0 for arcs)."""

    frequency_Hz: np.ndarray
    z_real_ohm_cm2: np.ndarray
    z_imag_ohm_cm2: np.ndarray
    area_cm2: float = None
    label: str = ""

    @property
    def z(self):
        """Complex impedance per geometric area [Ohm cm2]."""
        return np.asarray(self.z_real_ohm_cm2) + 1j * np.asarray(self.z_imag_ohm_cm2)

    @property
    def z_ohm(self):
        """Complex impedance of the cell / pellet [Ohm] (area-normalised value / area)."""
        if not self.area_cm2:
            raise ValueError("this spectrum has no electrode area, so it has no impedance in Ohm")
        return self.z / self.area_cm2

    def as_json(self):
        """Frequencies [Hz] and impedance [Ohm cm2] as plain lists."""
        return {
            "frequency_Hz": [float(v) for v in self.frequency_Hz],
            "z_real_ohm_cm2": [float(v) for v in self.z_real_ohm_cm2],
            "z_imag_ohm_cm2": [float(v) for v in self.z_imag_ohm_cm2],
        }

    @classmethod
    def from_complex(cls, frequency_Hz, z_ohm_cm2, area_cm2=None, label=""):
        z = np.asarray(z_ohm_cm2, dtype=complex)
        return cls(np.asarray(frequency_Hz, dtype=float), z.real.copy(), z.imag.copy(), area_cm2, label)


def frequencies(fmin=0.01, fmax=1e6, points_per_decade=10):
    """Log-spaced frequencies [Hz] from fmin to fmax (both included), ascending."""
    for name, value in (("fmin", fmin), ("fmax", fmax)):
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise ImpedanceInputError(f"{name} must be a positive frequency in Hz (0 < {name} < inf), got {value}")
    if fmin >= fmax:
        raise ImpedanceInputError(f"fmin must be below fmax (0 < fmin < fmax), got fmin={fmin:g} Hz, fmax={fmax:g} Hz")
    if isinstance(points_per_decade, bool) or not isinstance(points_per_decade, int) or points_per_decade < 1:
        raise ImpedanceInputError(f"points_per_decade must be an integer >= 1, got {points_per_decade}")
    n = max(2, int(round(math.log10(fmax / fmin) * points_per_decade)) + 1)
    return np.logspace(math.log10(fmin), math.log10(fmax), n)
