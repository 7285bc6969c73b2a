"""A cell whose values need model options the caller did not give warns once, naming the option."""

import pickle
import warnings

import pybamm
import pytest

from pybamm_ssb import SolidStateDFN, SolidStateSPMe, cell_names, get_cell, prepare_run, simulate_cycling
from pybamm_ssb.cell_options import VOIDS_FILLED, needed_options
from pybamm_ssb.option_warnings import MissingOptionWarning
from pybamm_ssb.registry import load_cell_components

PRESSED = "Cui2025_LFP_CUHS_CPS"
GEL = "Yang2026_LFP_PGPE_PLATP10"
WELDED = "Cui2025_LFP_NUHS_TPW"
SHORT = ["Discharge at 0.2C for 2 minutes"]


def _solve(model, name, values=None):
    sim = pybamm.Simulation(model, parameter_values=values or pybamm.ParameterValues(name))
    sim.solve([0, 60])
    return sim


def _missing_option_warnings(action):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # shows every call, not Python's once per message
        action()
    return [str(w.message) for w in caught if issubclass(w.category, MissingOptionWarning)]


def test_a_pressed_cell_built_plainly_warns_naming_the_option():
    with pytest.warns(MissingOptionWarning, match='{"interface heterogeneity": "lognormal"}') as record:
        _solve(SolidStateSPMe(), PRESSED)
    assert issubclass(MissingOptionWarning, UserWarning)
    [warning] = [w for w in record if w.category is MissingOptionWarning]
    spread = get_cell(PRESSED).parameter_values["Lithium interface conductance spread"]
    assert str(warning.message) == (
        f"{PRESSED}'s values give the Li interface a conductance spread of {spread:.3g}, but this SolidStateSPMe was built "
        'without {"interface heterogeneity": "lognormal"}: it runs the cell as uniform. Build the model with '
        'pybamm_ssb.SolidStateSPMe({"interface heterogeneity": "lognormal"}) '
        f'(the cell\'s options: pybamm_ssb.prepare_run("{PRESSED}").options).')


def test_a_gel_cell_built_plainly_warns_naming_the_option():
    with pytest.warns(MissingOptionWarning, match='{"contact loss": "cathode"}') as record:
        _solve(SolidStateDFN(), GEL)
    message = str(next(w.message for w in record if w.category is MissingOptionWarning))
    assert message.startswith(f"{GEL}'s values say the electrolyte fills the Li voids")
    assert "this SolidStateDFN was built without" in message


def test_process_model_itself_warns_and_the_suggestion_keeps_the_callers_options():
    model = SolidStateSPMe({"interphases": "none"})
    with pytest.warns(MissingOptionWarning) as record:
        pybamm.ParameterValues(PRESSED).process_model(model, inplace=False)
    message = str(next(w.message for w in record if w.category is MissingOptionWarning))
    assert 'pybamm_ssb.SolidStateSPMe({"interphases": "none", "interface heterogeneity": "lognormal"})' in message


@pytest.mark.parametrize("options", [{"interface heterogeneity": "lognormal"}, {"interface heterogeneity": "none"}])
def test_no_warning_when_the_caller_gave_the_option(options):
    """The right option, or the caller's own choice of another (the impedance runs solve a pressed
    cell's regions one by one with "none")."""
    assert _missing_option_warnings(lambda: pybamm.ParameterValues(PRESSED).process_model(
        SolidStateSPMe(options), inplace=False)) == []


@pytest.mark.parametrize("name", [PRESSED, GEL])
def test_no_warning_with_the_cells_own_options(name):
    assert _missing_option_warnings(lambda: _solve(SolidStateSPMe(prepare_run(name).options), name)) == []


def test_no_warning_for_a_welded_cell():
    assert needed_options(pybamm.ParameterValues(WELDED)) == {}
    assert _missing_option_warnings(lambda: _solve(SolidStateSPMe(), WELDED)) == []


@pytest.mark.parametrize("name", [PRESSED, GEL])
def test_no_warning_from_the_packages_runner(name):
    assert _missing_option_warnings(lambda: simulate_cycling(name, steps=SHORT)) == []


def test_warns_once_per_model_and_option_not_per_solve():
    model = SolidStateSPMe()

    def twice():
        sim = _solve(model, PRESSED)
        sim.solve([0, 60])
        _solve(model, PRESSED)  # a second simulation of the same model
        pybamm.ParameterValues(PRESSED).process_model(model, inplace=False)

    assert len(_missing_option_warnings(twice)) == 1
    # a model of its own warns again; so does a model whose values need both options, once for each
    assert len(_missing_option_warnings(lambda: _solve(SolidStateSPMe(), PRESSED))) == 1
    both = pybamm.ParameterValues(PRESSED)
    both.update({VOIDS_FILLED: 1.0})
    messages = _missing_option_warnings(lambda: pybamm.ParameterValues(both).process_model(SolidStateSPMe(), inplace=False))
    assert len(messages) == 2 and all(m.startswith("These values") for m in messages)  # no registered cell's values


def test_a_spread_set_at_solve_time_needs_the_regions():
    values = pybamm.ParameterValues(WELDED)
    values.update({"Lithium interface conductance spread": "[input]"})
    [message] = _missing_option_warnings(lambda: values.process_model(SolidStateSPMe(), inplace=False))
    assert "conductance spread set at solve time (an input)" in message


@pytest.mark.parametrize("name", cell_names())
def test_the_values_need_exactly_the_options_the_runs_give(name):
    cell = get_cell(name)
    family = load_cell_components(name)[1]
    assert cell.values[VOIDS_FILLED] == (1.0 if family.meta.get("fills_lithium_voids") else 0.0)
    needed = {key: value for key, (value, _) in needed_options(cell.parameter_values).items()}
    assert needed == prepare_run(name).options  # run_options: the cell's own options


def test_a_checked_model_still_copies_and_pickles():
    model = SolidStateSPMe()
    copy = model.new_copy()
    assert copy.symbol_processor.option_check is model.option_check
    assert pickle.loads(pickle.dumps(copy)).symbol_processor.option_check.model_class == "SolidStateSPMe"
