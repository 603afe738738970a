"""Hypothesis profiles: the default keeps `make test` quick; HYPOTHESIS_PROFILE=thorough
searches much harder (run it after changing the model)."""

import os

from hypothesis import settings

settings.register_profile("thorough", max_examples=1500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
