"""Parameters: typed, validated, refused with a message naming the parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from lossledger.params import (
    PARAMETERS,
    ParameterError,
    defaults,
    parse_cli_value,
    read_params_file,
    validate,
)
from tests.conftest import write


def test_defaults_validate(seed_articles: Path) -> None:
    checked = validate({})
    assert checked == defaults()
    assert checked["articles"] == "data/articles"


def test_unknown_name_is_refused_by_name() -> None:
    with pytest.raises(ParameterError, match=r"'artciles'.*unknown parameter") as caught:
        validate({"artciles": "data/articles"})
    assert caught.value.name == "artciles"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("top_n", "ten", "expected a whole number"),
        ("top_n", 2.5, "expected a whole number"),
        ("top_n", True, "expected a whole number"),
        ("max_file_mb", "big", "expected a number"),
        ("top_n", 0, "must be at least"),
        ("articles", 12, "expected text"),
    ],
)
def test_wrong_types_are_refused(name: str, value: object, message: str) -> None:
    with pytest.raises(ParameterError, match=f"'{name}'.*{message}"):
        validate({name: value})


def test_int_is_accepted_for_a_float_parameter() -> None:
    assert validate({"max_file_mb": 2})["max_file_mb"] == 2.0


def test_missing_paths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"'articles'.*does not exist"):
        validate({"articles": str(tmp_path / "none")})
    with pytest.raises(ParameterError, match=r"'reference'.*does not exist"):
        validate({"reference": str(tmp_path / "none.csv")})
    assert validate({"reference": ""})["reference"] == ""


def test_command_line_text_is_read_as_yaml_scalars() -> None:
    assert parse_cli_value("5") == 5
    assert parse_cli_value("2.5") == 2.5
    assert parse_cli_value("data/articles") == "data/articles"
    # A folder named with digits stays text for a text parameter given on the command line.
    checked = validate({"top_n": parse_cli_value("7")}, from_text=frozenset({"top_n"}))
    assert checked["top_n"] == 7


def test_params_file(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yaml", "top_n: 10\nreference: ''\n")
    assert read_params_file(path) == {"top_n": 10, "reference": ""}
    with pytest.raises(ParameterError, match="must hold a mapping"):
        read_params_file(write(tmp_path, "bad.yaml", "- a\n- b\n"))
    with pytest.raises(ParameterError, match="does not exist"):
        read_params_file(tmp_path / "none.yaml")


def test_every_parameter_has_help_and_a_valid_default() -> None:
    for parameter in PARAMETERS.values():
        assert parameter.help
        assert isinstance(parameter.default, parameter.type)
