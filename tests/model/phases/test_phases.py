"""What every phase promises, checked over random valid parameters: it changes none of its
inputs (the state changes only where ``CoalitionModel.step`` applies the results)."""

import dataclasses
import importlib
from contextlib import ExitStack
from random import Random
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abm import CoalitionModel

from ...property import valid_params

PHASES = [(importlib.import_module(f"abm.model.phases.{module}"), name) for module, name in (
    ("negotiation", "negotiate_mandates"), ("pledging", "negotiated_terms"),
    ("pledging", "open_conference"), ("pledging", "pledge"), ("side_payments", "make_deals"),
    ("delivery", "deliver"), ("outcome", "assess"), ("payoffs", "settle"),
    ("accountability", "hold_to_account"), ("trust", "update"), ("adaptation", "adapt"))]
OPAQUE = object()  # random generators and agents: theirs to change


def snapshot(value):
    """A deep copy of the arrays in ``value`` (in dataclasses, dicts, sequences, objects)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.random.Generator | Random) or hasattr(value, "unique_id"):
        return OPAQUE
    if dataclasses.is_dataclass(value):
        return {f.name: snapshot(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [snapshot(v) for v in value]
    if hasattr(value, "__dict__"):
        return snapshot(vars(value))
    return value


def same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a is b or a == b


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_params(), st.integers(0, 2**32 - 1))
def test_no_phase_changes_its_inputs(params, seed):
    called = set()

    def checked(module, name):
        original = getattr(module, name)

        def phase(*args, **kwargs):
            before = snapshot((args, kwargs))
            result = original(*args, **kwargs)
            assert same(before, snapshot((args, kwargs))), f"{module.__name__}.{name}"
            called.add(f"{module.__name__}.{name}")
            return result
        return phase

    with ExitStack() as patches:
        for module, name in PHASES:
            patches.enter_context(mock.patch.object(module, name, checked(module, name)))
        model = CoalitionModel(rng=seed, **params)
        model.run_for(4)
    assert {"abm.model.phases.trust.update", "abm.model.phases.adaptation.adapt"} <= called
