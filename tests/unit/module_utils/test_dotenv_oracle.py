"""The test oracle reads env files the way the dotenv gem 3.x and Kamal 2.12 do.

These cases restate the gem's documented reading rules; if the oracle drifts
from them, every round-trip test built on it would prove nothing.
"""

from __future__ import annotations

import pytest

from tests.harness.dotenv_gem import COMMAND_MARKER, FormatError, container_environment, docker_env_file, kamal_env_file_line, parse


def values(text: str, **options) -> dict[str, str]:
    return parse(text, **options).values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FOO=bar", {"FOO": "bar"}),
        ("FOO= bar", {"FOO": "bar"}),
        ("FOO =bar", {"FOO": "bar"}),
        ("  FOO=bar  ", {"FOO": "bar"}),
        ("FOO=bar\\ bar", {"FOO": "bar bar"}),  # unquoted backslash escapes the next character
        ('FOO="bar"  ', {"FOO": "bar"}),
        ("FOO='bar'  ", {"FOO": "bar"}),
        ('FOO="escaped\\"bar"', {"FOO": 'escaped"bar'}),
        ("FOO=", {"FOO": ""}),
        ("OPTION_A: 1", {"OPTION_A": "1"}),  # YAML-style separator
        ("export OPTION_A=2", {"OPTION_A": "2"}),
        ("FOO.BAR=foobar", {"FOO.BAR": "foobar"}),
        ("FOO=bar # a comment", {"FOO": "bar"}),
        ("FOO='bar # not a comment'", {"FOO": "bar # not a comment"}),
        ("# only a comment\nFOO=1", {"FOO": "1"}),
    ],
)
def test_plain_values(text: str, expected: dict[str, str]) -> None:
    assert values(text) == expected


def test_variables_expand_outside_single_quotes() -> None:
    assert values("FOO=test\nBAR=$FOO") == {"FOO": "test", "BAR": "test"}
    assert values("FOO=test\nBAR=${FOO}bar") == {"FOO": "test", "BAR": "testbar"}
    assert values('FOO=test\nBAR="quote $FOO"')["BAR"] == "quote test"
    assert values("BAR='quote $FOO'")["BAR"] == "quote $FOO"
    assert values("BAR=$UNDEFINED")["BAR"] == ""
    assert values("BAR=$HOME", environ={"HOME": "/root"})["BAR"] == "/root"


def test_escaped_dollars_stay_literal() -> None:
    assert values('FOO="foo\\$BAR"')["FOO"] == "foo$BAR"
    assert values('FOO="foo\\${BAR}"')["FOO"] == "foo${BAR}"
    assert values('FOO=test\nBAR="foo\\${FOO} ${FOO}"')["BAR"] == "foo${FOO} test"
    assert values('FOO="bar\\$ \\$\\$"')["FOO"] == "bar$ $$"
    assert values('FOO="bar $ "')["FOO"] == "bar $ "


def test_backslash_n_is_not_a_newline_unless_legacy_mode() -> None:
    assert values('FOO="bar\\nbaz"')["FOO"] == "bar\\nbaz"
    assert values('FOO="bar\\rbaz"')["FOO"] == "bar\\rbaz"
    legacy = 'DOTENV_LINEBREAK_MODE=legacy\nFOO="bar\\nbaz\\rfizz"'
    assert values(legacy)["FOO"] == "bar\nbaz\rfizz"
    assert values('FOO="bar\\nbaz"', environ={"DOTENV_LINEBREAK_MODE": "legacy"})["FOO"] == "bar\nbaz"


def test_multi_line_quoted_values() -> None:
    single = "A=first\nB='line 1\nline 2'\nC=last"
    double = 'A=first\nB="line 1\nthis is \\"quoted\\"\nline 3"\nC=last'
    assert values(single) == {"A": "first", "B": "line 1\nline 2", "C": "last"}
    assert values(double) == {"A": "first", "B": 'line 1\nthis is "quoted"\nline 3', "C": "last"}
    assert values("B='one\nthis is \\'quoted\\'\ntwo'")["B"] == "one\nthis is \\'quoted\\'\ntwo"


def test_carriage_returns_are_read_as_line_feeds() -> None:
    assert values("A='x\r\ny'")["A"] == "x\ny"


def test_commands_are_found_but_never_run() -> None:
    reading = parse("A=$(touch /tmp/x)\nB='$(touch /tmp/y)'\nC=\\$(echo hi)\nD=\"$(echo $A)\"")
    assert reading.values["A"] == COMMAND_MARKER
    assert reading.values["B"] == "$(touch /tmp/y)"
    assert reading.values["C"] == "$(echo hi)"
    assert reading.commands == ["touch /tmp/x", f"echo {COMMAND_MARKER}"]


def test_kamal_command_pattern_allows_escaped_parentheses() -> None:
    reading = parse('A="$(echo \\\\) done)"')
    assert reading.commands == ["echo \\) done"]


def test_dotenv_31_expands_variables_before_commands() -> None:
    text = "X=1\nA=\\$(echo $X)"
    assert parse(text, dotenv_version="3.1").values["A"] == "$(echo 1)"
    assert parse(text, dotenv_version="3.2").values["A"] == "$(echo 1)"


def test_export_of_an_unset_variable_is_an_error() -> None:
    assert values("A=2\nexport A") == {"A": "2"}
    with pytest.raises(FormatError):
        parse("export NOT_SET")


def test_kamal_env_file_escapes_like_ruby_dump_and_docker_reads_literally() -> None:
    assert kamal_env_file_line("A", 'say "hi" #{x} \\ \n\tend') == 'A=say "hi" #{x} \\\\ \\n\\tend\n'
    assert kamal_env_file_line("B", "héllo ✓") == "B=héllo ✓\n"
    assert docker_env_file("A=x=y \n# comment\n  B=\n") == {"A": "x=y ", "B": ""}


def test_the_whole_chain_doubles_backslashes_and_flattens_newlines() -> None:
    secrets = "A='back\\slash'\nB='two\nlines'\nC='plain $HOME # ok'"
    assert container_environment(secrets, ["A", "B", "C"]) == {"A": "back\\\\slash", "B": "two\\nlines", "C": "plain $HOME # ok"}


def test_kamal_env_file_escaping_matches_real_ruby_string_dump() -> None:
    # The oracle restates Ruby's String#dump for Kamal::EnvFile; check it against Ruby itself.
    from tests.harness.dotenv_gem import _ruby_dump_ascii
    from tests.harness.ruby import string_dump

    values = ["".join(chr(code) for code in range(128))]
    values += [chr(code) for code in range(128)]
    values += ['say "hi" #{x} #$y #@z #plain \\ \n\tend', "##{", "\\#", "\\\\#{"]
    assert [_ruby_dump_ascii(value) for value in values] == string_dump(values)
