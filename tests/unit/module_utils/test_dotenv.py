"""Env files we render are read back exactly by the dotenv gem 3.x as Kamal uses it."""

from __future__ import annotations

import io

import dotenv as python_dotenv
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ansible_collections.boltfoundry.infra.plugins.module_utils.dotenv import DotenvError, DotenvParseError, check_name, parse, quote, render
from tests.harness.dotenv_gem import parse as gem_parse

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
    return gem_parse(text, dotenv_version=version)


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


# -- parse: the strict reader of what render writes -------------------------------------

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True).filter(lambda name: name != "DOTENV_LINEBREAK_MODE")
VALUES = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.text(alphabet="'\"$(){}\\#\n `abc =", max_size=20)


def renderable(variables: dict[str, str]) -> dict[str, str]:
    kept = {}
    for name, value in variables.items():
        try:
            quote(name, value)
        except DotenvError:
            continue
        kept[name] = value
    return kept


def test_parse_reads_back_the_hostile_values() -> None:
    text = render(HOSTILE, header="Managed by boltfoundry.infra\n\nsecond line")
    assert parse(text) == HOSTILE
    assert list(parse(text)) == list(HOSTILE)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(variables=st.dictionaries(NAMES, VALUES, max_size=6), header=st.none() | st.text(alphabet="ab #\n", max_size=10))
def test_parse_is_the_inverse_of_render_and_agrees_with_the_gem(variables: dict[str, str], header: str | None) -> None:
    variables = renderable(variables)
    text = render(variables, header=header)
    assert parse(text) == variables
    reading = read_back(text)
    assert reading.values == variables
    assert reading.commands == []


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=st.text(alphabet="AB=#'\"$()\\\n x", max_size=24))
@example(text="A='x'\nB=\"it's \\$x\"\n")
@example(text="# header\nA=\"it's $(\"\nB=''")
def test_whatever_parse_accepts_the_gem_reads_the_same(text: str) -> None:
    try:
        values = parse(text)
    except DotenvParseError as exc:
        assert exc.line >= 1
        return
    reading = read_back(text)
    assert reading.values == values
    assert reading.commands == []


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("A='x'\nB=plain\n", 2, "B: is not written the way render writes"),  # render quotes "plain"
        ("A='x'\n\nB='y'\n", 2, "is not NAME=value"),
        ("A='x'\nexport B='y'\n", 2, "is not NAME=value"),
        ("A='x'\nB='two\nlines' # comment\n", 2, "something follows the closing quote"),
        ("A='x'\nB=\"never closed\n", 2, "never closed"),
        ("A='x'\nA='y'\n", 2, "A: appears twice"),
        ('A="$HOME"\n', 1, "A: is not written the way render writes"),  # the gem would expand it
        ('A="$(touch /tmp/x)"\n', 1, "A: is not written the way render writes"),  # the gem would run it
        ("A='x'\r\n", 1, "carriage return"),
        ("DOTENV_LINEBREAK_MODE='legacy'\n", 1, "reserved"),
        ("1A='x'\n", 1, "is not NAME=value"),
        ("A='multi\nline'\nB\n", 3, "is not NAME=value"),
    ],
)
def test_parse_refuses_anything_render_would_not_write_naming_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(DotenvParseError) as caught:
        parse(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")
    assert reason in str(caught.value)


def test_parse_errors_never_hold_a_value() -> None:
    secret = "hunter2-very-secret"
    for text in (f"{secret}\n", f"A={secret} # x\n", f"A='{secret}' trailing\n", f'A="{secret}\n', f'A="{secret}$X"\n'):
        with pytest.raises(DotenvParseError) as caught:
            parse(text)
        assert secret not in str(caught.value)


def test_parse_of_an_empty_file_is_empty() -> None:
    assert parse("") == {}
    assert parse("# only a header\n") == {}
