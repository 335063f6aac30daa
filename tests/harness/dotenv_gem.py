"""A test oracle: how Kamal 2.12 reads ``.kamal/secrets`` and hands secrets to a container.

The Ruby dotenv gem cannot be installed on our machines (RubyGems is not
reachable; Debian ships dotenv 2.4), so this module re-states, in Python, the
reading rules of dotenv 3.2.0 (the version in Kamal 2.12's lock; 3.1.x only
runs the two substitutions in the other order, selectable here) together with
Kamal's replacement of the gem's command substitution, Kamal's
``Kamal::EnvFile`` escaping, and Docker's ``--env-file`` reading. It is test
code: tests render with our module_utils and read back with this, and
``tests/unit/module_utils/test_dotenv_oracle.py`` pins the oracle to the
gem's documented behaviour case by case.

Commands found in a value are never run: they are recorded in
``Reading.commands`` and replaced by a marker, so a test can assert that
nothing would have been executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

LINE = regex.compile(
    r"""
    (?:^|\A)                 # beginning of line
    \s*
    (?P<export>export\s+)?
    (?P<key>[\w.]+)
    (?:
      (?:\s*=\s*?|:\s+?)     # separator
      (?P<value>
        \s*'(?:\\'|[^'])*'   # single quoted
        |
        \s*"(?:\\"|[^"])*"   # double quoted
        |
        [^\#\n]+             # unquoted
      )?
    )?
    \s*
    (?:\#.*)?                # comment
    (?:$|\Z)
    """,
    regex.VERBOSE | regex.MULTILINE | regex.ASCII,
)
QUOTED_STRING = regex.compile(r"\A(['\"])(.*)\1\Z", regex.DOTALL)
UNESCAPE = regex.compile(r"\\([^$])", regex.DOTALL)
VARIABLE = regex.compile(r"(\\)?(\$)(?!\()\{?([A-Z0-9_]+)?\}?", regex.IGNORECASE | regex.ASCII)
# Kamal's command pattern: escaped characters may appear inside the parentheses.
KAMAL_COMMAND = regex.compile(r"(?P<backslash>\\)?\$(?P<cmd>\((?:\\.|[^()\\]|(?&cmd))+\))")
COMMAND_MARKER = "<command>"


class FormatError(Exception):
    """The gem's Dotenv::FormatError."""


@dataclass
class Reading:
    values: dict[str, str] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)


def _ruby_strip(text: str) -> str:
    return text.strip(" \t\n\v\f\r\0")


def _expand_variables(value: str, known: dict[str, str], environ: dict[str, str]) -> str:
    def replace(match: regex.Match[str]) -> str:
        if match.group(1) == "\\":
            return match.group(0)[1:]
        if match.group(3):
            return known.get(match.group(3), environ.get(match.group(3), ""))
        return match.group(0)

    return VARIABLE.sub(replace, value)


def _kamal_commands(value: str, known: dict[str, str], environ: dict[str, str], ran: list[str]) -> str:
    def replace(match: regex.Match[str]) -> str:
        if match.group("backslash"):
            return match.group(0)[1:]
        ran.append(_expand_variables(match.group("cmd")[1:-1], known, environ))
        return COMMAND_MARKER

    return KAMAL_COMMAND.sub(replace, value)


def parse(text: str, *, environ: dict[str, str] | None = None, dotenv_version: str = "3.2") -> Reading:
    """``Dotenv.parse(file, overwrite: true)`` as Kamal calls it, with Kamal's command substitution."""
    environ = dict(environ or {})
    reading = Reading()
    known = reading.values
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for match in LINE.finditer(text):
        key, raw = match.group("key"), match.group("value")
        if match.group("export") and raw is None:
            if key not in known:
                raise FormatError(f"Line {match.group(0)!r} has an unset variable")
            continue
        value = _ruby_strip(raw or "")
        quoted = QUOTED_STRING.match(value)
        quote = quoted.group(1) if quoted else None
        if quoted:
            value = quoted.group(2)
        if quote == '"':
            legacy = known.get("DOTENV_LINEBREAK_MODE", environ.get("DOTENV_LINEBREAK_MODE")) == "legacy"
            if legacy:
                value = value.replace("\\n", "\n").replace("\\r", "\r")
            else:
                value = value.replace("\\n", "\\\\n").replace("\\r", "\\\\r")
        if quote != "'":
            value = UNESCAPE.sub(r"\1", value)
            if dotenv_version.startswith("3.1"):
                value = _expand_variables(value, known, environ)
                value = _kamal_commands(value, known, environ, reading.commands)
            else:
                value = _kamal_commands(value, known, environ, reading.commands)
                value = _expand_variables(value, known, environ)
        known[key] = value
    return reading


def _ruby_dump_ascii(value: str) -> str:
    """``String#dump`` of an ASCII string, without the surrounding quotes."""
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\f": "\\f", "\v": "\\v", "\b": "\\b", "\a": "\\a", "\x1b": "\\e"}
    out = []
    for index, char in enumerate(value):
        following = value[index + 1 : index + 2]
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "#" and following in ("{", "$", "@"):
            out.append("\\#")
        elif char in named:
            out.append(named[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02X}")
        else:
            out.append(char)
    return "".join(out)


def kamal_env_file_line(name: str, value: str) -> str:
    """One line of the env file Kamal writes for the container (``Kamal::EnvFile``)."""
    parts = regex.findall(r"[\x00-\x7F]+|[^\x00-\x7F]+", value)
    escaped = "".join(_ruby_dump_ascii(part).replace('\\"', '"').replace("\\#", "#") if part.isascii() else part for part in parts)
    return f"{name}={escaped}\n"


def docker_env_file(text: str) -> dict[str, str]:
    """What ``docker run --env-file`` sets: each ``NAME=value`` line taken literally."""
    result = {}
    for raw_line in text.split("\n"):
        line = raw_line.lstrip()
        if not line or line.startswith("#"):
            continue
        name, value = line.split("=", 1) if "=" in line else (line, "")
        result[name] = value
    return result


def container_environment(secrets_file: str, names: list[str], **parse_options: object) -> dict[str, str]:
    """The whole chain: ``.kamal/secrets`` -> dotenv gem -> Kamal's env file -> Docker."""
    secrets = parse(secrets_file, **parse_options).values  # type: ignore[arg-type]
    env_file = "".join(kamal_env_file_line(name, secrets[name]) for name in names)
    return docker_env_file(env_file)
