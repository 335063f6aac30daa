# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render NAME=value env files that the dotenv gem 3.x reads back exactly.

Kamal 2 reads ``.kamal/secrets`` with the Ruby dotenv gem (3.2 in Kamal
2.12's lock; 3.1 only runs its two substitutions in the other order, which
changes nothing for what we write). That reader is not a plain key=value
splitter: double-quoted and unquoted values go through backslash unescaping,
``$VAR``/``${VAR}`` expansion and ``$(command)`` execution; an unquoted ``#``
starts a comment; a carriage return is read as a line feed. So every value is
written in the first of three forms that is safe for it:

1. single-quoted: taken literally by the gem (no unescaping, no expansion),
   safe unless the value holds a ``'`` or ends with a backslash (the gem's
   pattern would read ``\\'`` as an escaped quote);
2. double-quoted: backslash, double quote and ``$`` escaped, safe unless the
   value ends with a backslash (same reason);
3. unquoted: escaped the same way, for one-line values without ``#``,
   surrounding whitespace or a leading quote.

``$(`` needs care in forms 2 and 3: Kamal runs what looks like a balanced
``$(...)`` and un-escapes ``\\$(...)`` as a whole, but leaves an unbalanced
``\\$(`` alone. So a balanced one is escaped once at its start (and nothing
inside it that would be un-escaped again), an unbalanced one is written as is.

A value none of the forms can carry is refused with a ``DotenvError`` that
names the variable and the reason, never the value.

``parse`` reads such a file back: it accepts exactly what ``render`` writes
(each value must be in the form ``render`` would choose for it) and refuses
anything else with a ``DotenvParseError`` naming the line, never a value. So a
file it accepts is one the gem reads the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Setting this variable changes how the gem reads every later double-quoted
# value in the same file, so it cannot be one of the names we write.
RESERVED_NAMES = frozenset({"DOTENV_LINEBREAK_MODE"})


class DotenvError(ValueError):
    """A name or value that cannot be written; the message never holds the value."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"{name}: {problem}")


def check_name(name: str) -> None:
    """Refuse a variable name the dotenv gem (and a shell) would not read as one name."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise DotenvError(repr(name), "is not a valid variable name (letters, digits and _, not starting with a digit)")
    if name in RESERVED_NAMES:
        raise DotenvError(name, "is reserved: it changes how the dotenv gem reads the rest of the file")


def _refusal(value: str) -> str | None:
    """Why no form can carry this value, for the characters no form can carry."""
    if "\r" in value:
        return "the value contains a carriage return, which the dotenv gem reads as a line feed"
    if "\0" in value:
        return "the value contains a NUL character, which no environment variable can hold"
    return None


def _single_quoted(value: str) -> str | None:
    if "'" in value or value.endswith("\\"):
        return None
    return f"'{value}'"


def _command_end(value: str, start: int) -> int | None:
    """Where Kamal's ``$(...)`` pattern would end if it starts at ``value[start] == "("``; None if it does not match.

    Kamal's pattern: ``\\(`` then one or more of (backslash + any character
    but a line feed | anything but a parenthesis or backslash | a nested
    match), then ``\\)``.
    """
    filled: list[bool] = []
    index = start
    while index < len(value):
        char = value[index]
        if char == "\\":
            if index + 1 >= len(value) or value[index + 1] == "\n":
                return None
            filled[-1] = True
            index += 2
            continue
        if char == "(":
            if filled:
                filled[-1] = True
            filled.append(False)
        elif char == ")":
            if not filled.pop():
                return None  # empty parentheses never match
            if not filled:
                return index + 1
        else:
            filled[-1] = True
        index += 1
    return None


def _escape(text: str, top_level: bool = True) -> str:
    """Escape for the gem's double-quoted and unquoted forms (see the module docstring for ``$(``)."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "$" and text[index + 1 : index + 2] == "(":
            end = _command_end(text, index + 1) if top_level else None
            if end is None:
                out.append("$(")
                index += 2
            else:
                out.append("\\$(" + _escape(text[index + 2 : end], top_level=False))
                index = end
            continue
        if char in '\\"$':
            out.append("\\")
        out.append(char)
        index += 1
    return "".join(out)


def _double_quoted(value: str) -> str | None:
    if value.endswith("\\"):
        return None
    return f'"{_escape(value)}"'


def _unquoted(value: str) -> str | None:
    if not value or "\n" in value or "#" in value or value != value.strip() or value[0] in "'\"":
        return None
    return _escape(value)


def quote(name: str, value: str) -> str:
    """The value as it must appear after ``NAME=`` so that the gem reads ``value`` back."""
    if not isinstance(value, str):
        raise DotenvError(name, f"the value must be a string, got {type(value).__name__}")
    problem = _refusal(value)
    if problem:
        raise DotenvError(name, problem)
    for form in (_single_quoted, _double_quoted, _unquoted):
        written = form(value)
        if written is not None:
            return written
    raise DotenvError(
        name,
        "the value ends with a backslash and also holds '#' or a line break, or starts with a quote or a space, which no dotenv quoting reads back exactly",
    )


def render(variables: Mapping[str, str] | Iterable[tuple[str, str]], header: str | None = None) -> str:
    """The whole file: an optional ``#`` comment header, then one ``NAME=value`` per variable, in order."""
    pairs = list(variables.items()) if isinstance(variables, Mapping) else list(variables)
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    seen: set[str] = set()
    for name, value in pairs:
        check_name(name)
        if name in seen:
            raise DotenvError(name, "appears twice")
        seen.add(name)
        lines.append(f"{name}={quote(name, value)}")
    return "\n".join(lines) + "\n" if lines else ""


class DotenvParseError(ValueError):
    """A file ``render`` could not have written; the message names a line (and a name if it is valid), never a value."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}")


_ENTRY_START = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")


def _quoted_end(text: str, start: int, quote_char: str) -> int | None:
    """Index just past the closing quote of a value that opens at ``text[start] == quote_char``."""
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote_char == '"' and char == "\\":
            index += 2
            continue
        if char == quote_char:
            return index + 1
        index += 1
    return None


def _unescape(text: str) -> str | None:
    """Undo ``_escape``: a backslash before one of ``\\ " $`` stands for that character; anything else is not ours."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            following = text[index + 1 : index + 2]
            if following not in ("\\", '"', "$"):
                return None
            out.append(following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _read_value(written: str) -> str | None:
    """The value ``written`` stands for in one of the three forms (checked against ``quote`` by the caller)."""
    if written[:1] == "'":
        return written[1:-1] if len(written) >= 2 and written.endswith("'") else None
    if written[:1] == '"':
        return _unescape(written[1:-1]) if len(written) >= 2 and written.endswith('"') else None
    return _unescape(written)


def parse(text: str) -> dict[str, str]:
    """The variables of a file ``render`` wrote, in order; ``DotenvParseError`` for anything ``render`` would not write."""
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        raise DotenvParseError(line, "holds a carriage return, which render never writes")
    values: dict[str, str] = {}
    position = 0
    line = 1
    while position < len(text):
        end_of_line = text.find("\n", position)
        end_of_line = len(text) if end_of_line < 0 else end_of_line
        if text[position] == "#":  # render's header comments
            position, line = end_of_line + 1, line + 1
            continue
        match = _ENTRY_START.match(text, position)
        if not match:
            raise DotenvParseError(line, "is not NAME=value with a valid variable name")
        name = match.group(1)
        value_start = match.end()
        first = text[value_start : value_start + 1]
        if first in ("'", '"'):
            value_end = _quoted_end(text, value_start, first)
            if value_end is None:
                raise DotenvParseError(line, f"{name}: the quoted value is never closed")
        else:
            value_end = end_of_line
        after = text[value_end : value_end + 1]
        if after not in ("", "\n"):
            raise DotenvParseError(line, f"{name}: something follows the closing quote")
        written = text[value_start:value_end]
        value = _read_value(written)
        try:
            check_name(name)
            if value is None or quote(name, value) != written:
                raise DotenvError(name, "is not written the way render writes its value, so the dotenv gem may read it differently")
        except DotenvError as exc:
            raise DotenvParseError(line, str(exc)) from None
        if name in values:
            raise DotenvParseError(line, f"{name}: appears twice")
        values[name] = value
        line += written.count("\n") + 1
        position = value_end + 1
    return values
