import pybamm
import pytest

pybamm.set_logging_level("ERROR")

NCM = "Cui2025_NCM811_NUHS_TPW"
LFP = "Cui2025_LFP_NUHS_TPW"


@pytest.fixture(scope="session")
def ncm_values():
    from pybamm_ssb import prepare_run

    return prepare_run(NCM).parameter_values  # as assembled: pristine, discharged
