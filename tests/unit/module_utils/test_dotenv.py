"""Env files we render are read back exactly by the dotenv gem 3.x as Kamal uses it."""

from __future__ import annotations

import io

import dotenv as python_dotenv
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ansible_collections.boltfoundry.infra.plugins.module_utils.dotenv import DotenvError, check_name, quote, render
from tests.harness.dotenv_gem import parse

HOSTILE = {
    "SINGLE": "it's",
    "DOUBLE": 'say "hi"',
    "BOTH": 'it\'s "both"',
    "WORD": "$word",
    "BRACED": "${X}",
    "ESCAPED_DOLLAR": "\\$HOME",
    "COMMAND": "$(touch /tmp/pwned)",
    "COMMAND_WITH_QUOTE": "it's $(touch /tmp/pwned)",
    "BACKTICK": "`touch /tmp/pwned`",
    "HASH": "a #comment",
    "LEADING_HASH": "#not-a-comment",
    "BACKSLASHES": "C:\\path\\to\\",
    "BACKSLASH_N": "a\\nb",
    "NEWLINES": "line1\nline2\n",
    "PEM": "-----BEGIN KEY-----\nMIIB\\+/=\n-----END KEY-----",
    "UNICODE": "héllo wörld ✓ 🚀",
    "EMPTY": "",
    "SPACES": "  padded  ",
    "EQUALS": "a=b=c",
    "QUOTED_LOOKING": "'quoted'",
    "TRAILING_BACKSLASH_QUOTE": "it's\\",
}


def read_back(text: str, version: str = "3.2"):
    return parse(text, dotenv_version=version)


@pytest.mark.parametrize("version", ["3.1", "3.2"])
def test_hostile_values_round_trip_exactly_and_run_no_command(version: str) -> None:
    text = render(HOSTILE)
    reading = read_back(text, version)
    assert reading.values == HOSTILE
    assert reading.commands == []


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("plain", "'plain'"),
        ("two\nlines", "'two\nlines'"),
        ("it's $HOME", '"it\'s \\$HOME"'),
        ("it's\\", "it's\\\\"),
        ("it's $(echo (a) $(b)) $(", '"it\'s \\$(echo (a) $(b)) $("'),
        ("it's $() \\$(x)", '"it\'s $() \\\\\\$(x)"'),
    ],
)
def test_each_value_takes_the_simplest_safe_form(value: str, written: str) -> None:
    assert quote("X", value) == written


@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(value=st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.text(alphabet="'\"$(){}\\#\n `abc =", max_size=20))
@example(value="it's $(x")
@example(value="it's $(a $(b) \\) c)")
@example(value="'$(\\\n)")
@example(value="x\r\ny")
def test_any_value_round_trips_or_is_refused_for_a_stated_reason(value: str) -> None:
    try:
        text = render({"V": value, "AFTER": "sentinel"})
    except DotenvError as exc:
        assert exc.name == "V"
        assert value not in str(exc) or value in exc.problem.split("'")
        unquotable = "#" in value or "\n" in value or value != value.strip() or value[:1] in ("'", '"')
        assert "\r" in value or "\0" in value or (value.endswith("\\") and unquotable)
        return
    for version in ("3.1", "3.2"):
        reading = read_back(text, version)
        assert reading.values == {"V": value, "AFTER": "sentinel"}
        assert reading.commands == []


@given(value=st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\\'\r\0"), max_size=40))
def test_python_dotenv_agrees_where_it_shares_the_gems_rules(value: str) -> None:
    # python-dotenv unescapes backslashes inside single quotes, and reads no
    # other form the way the gem does, so it is a second reader only for
    # backslash-free values, which we always write single-quoted.
    text = render({"V": value})
    assert python_dotenv.dotenv_values(stream=io.StringIO(text), interpolate=False) == {"V": value}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("a\rb", "carriage return"),
        ("a\0b", "NUL"),
        ("#it's\\", "ends with a backslash"),
    ],
)
def test_refusals_name_the_variable_and_reason_but_never_the_value(value: str, reason: str) -> None:
    with pytest.raises(DotenvError) as caught:
        render({"API_KEY": value})
    assert str(caught.value).startswith("API_KEY: ")
    assert reason in str(caught.value)
    assert value not in str(caught.value)


@pytest.mark.parametrize("name", ["1ABC", "A-B", "A B", "", "É", "A.B", "export X"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(DotenvError, match="not a valid variable name"):
        check_name(name)


def test_reserved_and_duplicate_names_are_refused() -> None:
    with pytest.raises(DotenvError, match="reserved"):
        render({"DOTENV_LINEBREAK_MODE": "legacy"})
    with pytest.raises(DotenvError, match="appears twice"):
        render([("A", "1"), ("A", "2")])


def test_header_is_a_comment_the_gem_ignores() -> None:
    text = render({"A": "1"}, header="Managed by boltfoundry.infra\nDo not edit: A=evil")
    assert text.startswith("# Managed by boltfoundry.infra\n# Do not edit: A=evil\n")
    assert read_back(text).values == {"A": "1"}


def test_empty_mapping_renders_an_empty_file() -> None:
    assert render({}) == ""
