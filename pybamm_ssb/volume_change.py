"""Relative volume of cathode particles vs lithium content, Omega(sto) = V(sto)/V(sto=1) - 1.

PyBaMM's "Positive electrode volume change" signature (a function of the particle
stoichiometry). The contraction amplitude is a parameter-file quantity with its source.

- NCM811 keeps its volume down to about half delithiation, then collapses at the H2 -> H3
  transition (de Biasi et al., J. Phys. Chem. C 123 (2019) 8383): a logistic step centred
  at sto = 0.3 (about 4.1 V vs Li) of width 0.05.
- LFP is a two-phase mixture of LiFePO4 and FePO4, so its mean volume is linear in sto
  (Padhi et al., J. Electrochem. Soc. 144 (1997) 1188).
- LiCoO2 grows on delithiation instead (its c axis lengthens as Li leaves the layers, the
  a axis barely changes), by about 2 % from LiCoO2 to Li0.5CoO2, the 4.2 V state (Reimers and
  Dahn, J. Electrochem. Soc. 139 (1992) 2091): Omega rises linearly from 0 at sto = 1 to the
  amplitude at sto = 0.5, so the particles shrink on discharge. The amplitude is the
  parameter file's ``volume_contraction_percent`` (the shrinkage from 4.2 V to the discharged state).

The anisotropic collapse of NCM811 past the H2 -> H3 onset (the c axis falls from 14.47 to 14.03 A,
the cell volume by 5.1 % up to 4.3 V, Kondrakov et al., J. Phys. Chem. C 121 (2017) 3286; it is set
by the lithium content, below x = 0.3-0.4, Jousseaume et al., Energy Environ. Sci. 17 (2024),
doi 10.1039/d3ee04115h) is apart from Omega: ``ncm811_h2_h3_contraction``.
"""

import pybamm

NCM811_STEP_CENTRE = 0.3
NCM811_STEP_WIDTH = 0.05


def ncm811_volume_change(contraction):
    def positive_electrode_volume_change(sto):
        return -contraction / (
            1 + pybamm.exp((sto - NCM811_STEP_CENTRE) / NCM811_STEP_WIDTH)
        )

    return positive_electrode_volume_change


def lfp_volume_change(contraction):
    def positive_electrode_volume_change(sto):
        return -contraction * (1 - sto)

    return positive_electrode_volume_change


LCO_HALF_DELITHIATED_STO = 0.5


def lco_volume_change(contraction):
    def positive_electrode_volume_change(sto):
        return contraction * (1 - sto) / (1 - LCO_HALF_DELITHIATED_STO)

    return positive_electrode_volume_change


def ncm811_h2_h3_contraction(onset, end, contraction):
    """Omega_H3(sto) = -dV_H3 min(1, max(0, (sto_on - sto) / (sto_on - sto_end))): nothing above the
    onset, then linear in the lithium removed past it, the whole dV_H3 at sto_end."""

    def positive_electrode_h2_h3_contraction(sto):
        return -contraction * pybamm.minimum(1, pybamm.maximum(0, (onset - sto) / (onset - end)))

    return positive_electrode_h2_h3_contraction


VOLUME_CHANGE_FUNCTIONS = {"ncm811": ncm811_volume_change, "lfp": lfp_volume_change, "lco": lco_volume_change}
