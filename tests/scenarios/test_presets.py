"""The named scenarios: each is valid, each builds a model, unknown names are refused."""

import pytest

import abm
from abm.scenarios.parameters import ParameterError, validate
from abm.scenarios.presets import DESCRIPTIONS, preset_params, preset_steps, presets


def test_presets_exist_are_valid_and_described():
    assert {"public_goods_lab", "alliance", "peacekeeping", "trust_collapse", "nato_2014",
            "un_peacekeeping"} <= set(presets)
    for name, params in presets.items():
        validate(dict(params))
        assert DESCRIPTIONS[name]
    assert abm.presets is presets


def test_overrides_go_on_top_of_the_preset():
    params = preset_params("alliance", {"monitoring": 0.9})
    assert params["monitoring"] == 0.9 and params["inequality"] == presets["alliance"][
        "inequality"]
    assert preset_params(None) == {}


def test_presets_cannot_be_changed_in_place():
    with pytest.raises(TypeError):
        presets["alliance"]["monitoring"] = 0.0


def test_unknown_preset_and_bad_override_are_one_line_errors():
    with pytest.raises(ParameterError, match="^preset: unknown preset 'nope', expected one of"):
        preset_params("nope")
    with pytest.raises(ParameterError, match="^monitoring: got 3"):
        preset_params("alliance", {"monitoring": 3})


def test_steps_follow_the_preset():
    assert preset_steps("public_goods_lab") == 10 and preset_steps("nato_2014") == 10
    assert preset_steps("alliance") == preset_steps(None) == 100
