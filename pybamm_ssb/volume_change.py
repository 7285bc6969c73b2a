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


VOLUME_CHANGE_FUNCTIONS = {"ncm811": ncm811_volume_change, "lfp": lfp_volume_change, "lco": lco_volume_change}
