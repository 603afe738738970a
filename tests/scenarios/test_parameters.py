"""The registry of parameters: validation of a whole set, and the ODD table it makes."""

from pathlib import Path

import pytest

from abm.scenarios.parameters import (
    PARAMETERS,
    TABLE_END,
    TABLE_START,
    ParameterError,
    defaults,
    markdown_table,
    parse_value,
    validate,
)

ROOT = Path(__file__).resolve().parents[2]


def test_validate_completes_with_defaults_and_keeps_given_values():
    full = validate({"n_nations": 10, "monitoring": 1})
    assert set(full) == set(PARAMETERS)
    assert full["n_nations"] == 10 and full["monitoring"] == 1.0
    assert {k: v for k, v in full.items() if k not in ("n_nations", "monitoring")} == {
        k: v for k, v in defaults().items() if k not in ("n_nations", "monitoring")}


@pytest.mark.parametrize("params, field", [
    ({"nope": 1}, "nope"), ({"monitoring": float("nan")}, "monitoring"),
    ({"monitoring": 2}, "monitoring"), ({"n_nations": 2.5}, "n_nations"),
    ({"burden_rule": "fair"}, "burden_rule"), ({"share_hump": 0.5}, "share_"),
    ({"rematch": "yes"}, "rematch"), ({"group_size": 50}, "group_size"),
    ({"req_funds": 0, "req_troops": 0, "req_enablers": 0}, "req_funds"),
    ({"req_troops": 1e-12}, "req_troops"),
])
def test_bad_parameters_name_the_field(params, field):
    with pytest.raises(ParameterError) as err:
        validate(params)
    message = str(err.value)
    assert message.startswith(field) and "\n" not in message and "expected" in message


def test_a_misspelt_name_suggests_the_right_one():
    with pytest.raises(ParameterError, match=r"^monitorng: unknown parameter \(did you mean "
                                             r"monitoring\?\)"):
        validate({"monitorng": 0.5})
    with pytest.raises(ParameterError, match="^monitorng: unknown parameter"):
        parse_value("monitorng", "0.5")


def test_every_parameter_has_unit_range_and_meaning():
    for p in PARAMETERS.values():
        assert p.meaning and p.unit and p.allowed and p.group
        if p.kind in (int, float):
            assert p.low <= p.default <= p.high


def test_odd_documents_every_parameter():
    odd = (ROOT / "docs" / "ODD.md").read_text()
    assert f"{TABLE_START}\n{markdown_table()}\n{TABLE_END}" in odd, (
        "docs/ODD.md's parameter table is out of date: run `make docs`")
    assert all(f"`{name}`" in odd for name in PARAMETERS)
