"""Parameter functions in PyBaMM's signatures, built from component quantities."""

import numpy as np
import pybamm

R_GAS = pybamm.constants.R.value  # gas constant [J/(mol K)]
K_B_EV = pybamm.constants.k_b.value / pybamm.constants.q_e.value  # Boltzmann constant [eV/K]


def arrhenius(T, activation_energy_eV, T_ref):
    """exp[-(E_a / k_B) (1/T - 1/T_ref)]: 1 at T_ref, rising with T for E_a > 0."""
    exp = pybamm.exp if isinstance(T, pybamm.Symbol) else np.exp
    return exp(-activation_energy_eV / K_B_EV * (1 / T - 1 / T_ref))


def conductivity_function(sigma_ref, activation_energy_eV, T_ref):
    """sigma(c_e, T) = sigma_ref exp[-(E_a/k_B)(1/T - 1/T_ref)] for a single-ion conductor."""

    def electrolyte_conductivity(c_e, T):
        return sigma_ref * arrhenius(T, activation_energy_eV, T_ref)

    return electrolyte_conductivity


def constant_diffusivity_function(D):
    def electrolyte_diffusivity(c_e, T):
        return pybamm.Scalar(D)

    return electrolyte_diffusivity


def resistance_function(R_ref, activation_energy_eV, T_ref):
    """R(T) = R_ref exp[(E_a/k_B)(1/T - 1/T_ref)]."""

    def resistance(T):
        return R_ref / arrhenius(T, activation_energy_eV, T_ref)

    return resistance


def particle_diffusivity_function(D_ref, activation_energy_eV, T_ref):
    def particle_diffusivity(sto, T):
        return D_ref * arrhenius(T, activation_energy_eV, T_ref)

    return particle_diffusivity


def lithium_exchange_current_function(j0_ref, activation_energy_eV, T_ref):
    """j0(c_e, c_Li, T) at the Li|electrolyte interface, from R_ct = R T / (F j0)."""

    def li_metal_exchange_current_density(c_e, c_Li, T):
        return j0_ref * arrhenius(T, activation_energy_eV, T_ref)

    return li_metal_exchange_current_density


def cathode_exchange_current_function(j0_ref, c_e_ref, activation_energy_eV, T_ref):
    """j0 = j0_ref (c_e/c_e_ref)^0.5 * 2 sqrt(x(1-x)) * Arrhenius; j0_ref at x = 0.5."""

    def cathode_exchange_current_density(c_e, c_s_surf, c_s_max, T):
        sto = c_s_surf / c_s_max
        return (
            j0_ref
            * (c_e / c_e_ref) ** 0.5
            * 2
            * (sto * (1 - sto)) ** 0.5
            * arrhenius(T, activation_energy_eV, T_ref)
        )

    return cathode_exchange_current_density


def thermally_activated_function(k_ref, activation_energy_eV, T_ref):
    """k(T) = k_ref exp[-(E_a/k_B)(1/T - 1/T_ref)]: growth rates and film conductivities."""

    def thermally_activated(T):
        return k_ref * arrhenius(T, activation_energy_eV, T_ref)

    return thermally_activated


def creep_velocity_function(v_ref, p_ref, stress_exponent, activation_energy_eV, T_ref):
    """Power-law creep of lithium, v(p, T) = v_ref (p/p_ref)^n Arrhenius."""

    def lithium_creep_velocity(p, T):
        return v_ref * (p / p_ref) ** stress_exponent * arrhenius(T, activation_energy_eV, T_ref)

    return lithium_creep_velocity


def pressure_rate_function(rate_ref, p_ref):
    """r(p) = r_ref p / p_ref: contact recovery proportional to the stack pressure."""

    def cathode_contact_recovery_rate(p):
        return rate_ref * p / p_ref

    return cathode_contact_recovery_rate
