"""A lesson as the app runs it: its preset and seed, setup overrides, and a fixed layout."""

import numpy as np
import pytest

from abm.classroom.lesson import ClassroomModel
from abm.scenarios.parameters import ParameterError
from abm.scenarios.presets import presets


def test_a_lesson_is_its_preset_with_its_seed_and_setup():
    lesson = ClassroomModel("peacekeeping", rng=5, setup={"n_nations": 9})
    assert lesson.preset == "peacekeeping" and lesson.seed == 5 and lesson.n == 9
    assert lesson.p["burden_rule"] == presets["peacekeeping"]["burden_rule"]
    assert lesson.player is None
    with pytest.raises(ParameterError, match="^n_nations"):
        ClassroomModel("alliance", rng=5, setup={"n_nations": 1})


def test_the_layout_is_fixed_for_the_lesson_and_follows_its_seed():
    lesson = ClassroomModel("alliance", rng=3)
    first = lesson.layout()
    lesson.run_for(3)
    assert lesson.layout() is first and len(first) == lesson.n
    again = ClassroomModel("alliance", rng=3).layout()
    other = ClassroomModel("alliance", rng=4).layout()
    assert all(np.array_equal(first[i], again[i]) for i in first)
    assert not all(np.array_equal(first[i], other[i]) for i in first)
