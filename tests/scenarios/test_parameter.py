"""One parameter: the check of a value and the parsing of its text, exactly."""

import math

import pytest

from abm.scenarios.parameter import TINY, Parameter, ParameterError, parameter

RATE = parameter("rate", 0.5, 0.0, 1.0, "share", "A rate.")
COUNT = parameter("count", 3, 1, 10, "nations", "A count.")
FLAG = parameter("flag", False, meaning="A switch.")
RULE = parameter("rule", "a", unit="rule", choices=("a", "b"), meaning="A rule.")
FILE = parameter("file", None, unit="path", kind=str, optional=True, meaning="A file.")


def test_kind_follows_the_default():
    assert (RATE.kind, COUNT.kind, FLAG.kind, RULE.kind, FILE.kind) == (
        float, int, bool, str, str)
    assert isinstance(RATE, Parameter)


@pytest.mark.parametrize(("p", "value", "expected"), [
    (RATE, 1, 1.0), (RATE, 0, 0.0), (COUNT, 4.0, 4), (FLAG, 1, True), (FLAG, False, False),
    (RULE, "b", "b"), (FILE, None, None), (FILE, "x.csv", "x.csv"),
])
def test_valid_values_are_coerced_to_the_kind(p, value, expected):
    checked = p.check(value)
    assert checked == expected and type(checked) is type(expected)


@pytest.mark.parametrize(("p", "value"), [
    (RATE, 1.5), (RATE, -0.1), (RATE, math.nan), (RATE, math.inf), (RATE, "0.5"),
    (RATE, True), (RATE, TINY / 2), (COUNT, 2.5), (COUNT, 11), (FLAG, 2), (FLAG, "yes"),
    (RULE, "c"), (FILE, ""),
])
def test_invalid_values_name_the_parameter_and_what_is_allowed(p, value):
    with pytest.raises(ParameterError) as err:
        p.check(value)
    message = str(err.value)
    assert message.startswith(f"{p.name}: got ") and "expected" in message
    assert "\n" not in message


@pytest.mark.parametrize(("p", "text", "expected"), [
    (RATE, "0.25", 0.25), (COUNT, "4", 4.0), (FLAG, "yes", True), (FLAG, "off", False),
    (FLAG, "1", True), (RULE, "b", "b"), (FILE, "none", None), (FILE, "x.csv", "x.csv"),
])
def test_text_is_parsed_to_the_kind(p, text, expected):
    assert p.parse(text) == expected


@pytest.mark.parametrize(("p", "text"), [(RATE, "half"), (FLAG, "maybe")])
def test_unparsable_text_is_one_clear_error(p, text):
    with pytest.raises(ParameterError, match=f"^{p.name}: got '{text}', expected"):
        p.parse(text)


def test_allowed_says_the_range_or_the_choices():
    assert RATE.allowed == "a number in [0, 1]"
    assert COUNT.allowed == "an integer in [1, 10]"
    assert FLAG.allowed == "true or false"
    assert RULE.allowed == "one of a, b"
