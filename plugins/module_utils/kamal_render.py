# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write ``config/deploy.yml`` and ``.kamal/secrets`` so that Kamal 2 reads back exactly what we meant.

``config/deploy.yml``: Kamal runs the file through ERB before YAML, so any
``<%`` in a value would be Ruby code; we write it as ERB's literal ``<%%``.
Then Ruby's YAML (Psych) resolves plain scalars more eagerly than PyYAML
(``1,000`` is an integer, ``:name`` a symbol), so every string that is not
an obviously plain word is double-quoted.

``.kamal/secrets``: rendered by ``dotenv.render`` (the dotenv gem reads it
back exactly, and nothing in it is executed). A secret that goes into a
container travels further: Kamal writes it into the container's env file
with Ruby's ``String#dump`` escaping and Docker reads that file literally, so
a backslash arrives doubled and a line break, tab or other ASCII control
character as a two-character escape. Such a value cannot reach the container
unchanged: ``container_travel_problem`` says why, and the caller refuses it.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Collection, Mapping
from typing import Any, Dict, List, Optional, Tuple

try:
    import yaml
except ImportError:  # ansible-core needs PyYAML on the controller, where this runs; a bare target may lack it
    yaml = None
    YAML_IMPORT_ERROR: Optional[str] = traceback.format_exc()
else:
    YAML_IMPORT_ERROR = None

from ansible_collections.boltfoundry.infra.plugins.module_utils import dotenv
from ansible_collections.boltfoundry.infra.plugins.module_utils.kamal_validator import secret_references

CONFIG_HEADER = (
    "# Written by boltfoundry.infra (kamal_config) for Kamal 2.12: changes made here are overwritten.\n# Secrets are named here and kept in .kamal/secrets.\n"
)
SECRETS_HEADER = "Written by boltfoundry.infra (kamal_config) for Kamal 2: changes made here are overwritten.\nHolds secret values: mode 0600, never commit it."

# The top-level keys in the order a reader expects them; anything else follows in the order given.
TOP_LEVEL_ORDER = ("service", "image", "servers", "proxy", "registry", "builder", "env", "volumes")
# The keys build_config takes as its own arguments (``extra`` may not repeat them).
STRUCTURED_KEYS = TOP_LEVEL_ORDER

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
_CONTROL_NAMES = {"\n": "a line break", "\t": "a tab", "\r": "a carriage return"}


def _config_dumper() -> Any:
    """PyYAML's pure-Python SafeDumper (its output does not depend on libyaml being there), set up for Kamal."""

    class ConfigDumper(yaml.SafeDumper):
        """Block style, lists indented under their key, no anchors, strings quoted unless plainly words."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    def represent_str(dumper: Any, data: str) -> Any:
        plain = _PLAIN.match(data) and data.lower() not in _YAML_WORDS
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=None if plain else '"')

    ConfigDumper.add_representer(str, represent_str)
    return ConfigDumper


def plain_data(value: Any, where: str = "") -> Any:
    """``value`` as plain dicts, lists, strings, numbers, booleans and None; TypeError naming ``where`` for anything else."""
    if isinstance(value, Mapping):
        return {str(key) if isinstance(key, str) else key: plain_data(item, f"{where}/{key}".lstrip("/")) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(item, f"{where}/{index}".lstrip("/")) for index, item in enumerate(value)]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    raise TypeError(f"{where or 'the config'} holds a {type(value).__name__}, which Kamal's YAML cannot carry")


def _sorted_mappings(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_mappings(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list):
        return [_sorted_mappings(item) for item in value]
    return value


def ordered_config(config: Mapping[str, Any]) -> Dict[str, Any]:
    """The top-level keys in reading order, every mapping below sorted: the same config always gives the same text."""
    ordered = {key: _sorted_mappings(config[key]) for key in TOP_LEVEL_ORDER if key in config}
    ordered.update((key, _sorted_mappings(config[key])) for key in sorted(config, key=str) if key not in ordered)
    return ordered


def render_config(config: Mapping[str, Any]) -> str:
    """The text of ``config/deploy.yml``: YAML that Psych reads back as ``config``, with ERB tags made literal."""
    body = yaml.dump(
        ordered_config(plain_data(config)),
        Dumper=_config_dumper(),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,
    )
    # ERB reads "<%%" as a literal "<%"; nothing else in ERB's text mode is special.
    return CONFIG_HEADER + body.replace("<%", "<%%")


def build_config(
    *,
    service: str,
    image: str,
    servers: Any,
    registry: Mapping[str, Any],
    builder: Mapping[str, Any],
    proxy: Optional[Mapping[str, Any]] = None,
    volumes: Optional[List[str]] = None,
    env_clear: Optional[Mapping[str, Any]] = None,
    env_secret: Optional[List[str]] = None,
    extra: Optional[Mapping[str, Any]] = None,
    secret_names: Collection[str] = (),
    infra_secrets: Collection[str] = (),
) -> Dict[str, Any]:
    """The Kamal config from structured inputs, as plain data in the order we write it.

    Without ``env_secret`` the app gets every name of ``secret_names`` that is
    neither infra-only nor one Kamal itself uses. ValueError when ``extra``
    repeats a structured key, TypeError for a value YAML cannot carry.
    """
    extra = dict(extra or {})
    overlap = sorted(set(extra) & set(STRUCTURED_KEYS))
    if overlap:
        raise ValueError(f"extra.{overlap[0]} repeats a setting that has its own option; set it there")
    if "secrets_path" in extra:
        raise ValueError("extra.secrets_path cannot be set: the secrets are written to .kamal/secrets, where Kamal reads them by default")
    config: Dict[str, Any] = {"service": service, "image": image, "servers": servers}
    if proxy is not None:
        config["proxy"] = proxy
    config["registry"] = registry
    config["builder"] = builder
    if volumes:
        config["volumes"] = list(volumes)
    config.update(extra)
    if env_secret is None:
        env_secret = default_env_secret(secret_names, infra_secrets, kamal_needed_secrets(config))
    env: Dict[str, Any] = {}
    if env_clear:
        env["clear"] = dict(env_clear)
    if env_secret:
        env["secret"] = list(env_secret)
    if env:
        config["env"] = env
    return ordered_config(plain_data(config))


def container_travel_problem(value: str) -> Optional[str]:
    """Why ``value`` would not reach a container's environment unchanged through Kamal and Docker, or None."""
    if "\\" in value:
        return "holds a backslash, which arrives doubled"
    for char in value:
        if ord(char) < 0x20 or ord(char) == 0x7F:
            what = _CONTROL_NAMES.get(char, f"the control character U+{ord(char):04X}")
            return f"holds {what}, which arrives as a two-character escape"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text"
    return None


def kamal_needed_secrets(config: Mapping[str, Any]) -> List[str]:
    """Secrets Kamal itself uses (registry credentials, build secrets, custom certificates), not the app."""
    return sorted({reference.secret for reference in secret_references(config) if not reference.container})


def default_env_secret(source_names: Collection[str], infra_secrets: Collection[str], kamal_needed: Collection[str]) -> List[str]:
    """The app's secrets when none are named: every synced name that is neither infra-only nor Kamal's own."""
    return sorted(name for name in set(source_names) if name not in infra_secrets and name not in kamal_needed)


def plan_secrets(config: Mapping[str, Any], values: Mapping[str, str], infra_secrets: Collection[str]) -> Tuple[List[str], List[str]]:
    """The names ``.kamal/secrets`` must hold for ``config``, and every reason a secret cannot be used as the config wants.

    Missing secrets are the validator's to report; here: infra-only secrets
    bound for a container, and values that cannot reach a container unchanged.
    """
    problems: List[str] = []
    names: Dict[str, None] = {}
    for reference in secret_references(config):
        if reference.container:
            infra = [name for name in (reference.env_name, reference.secret) if name in infra_secrets]
            if infra:
                problems.append(f"{reference.context}: {infra[0]} is an infra-only secret and must not reach the app's containers; leave it out of env secrets")
                continue
            value = values.get(reference.secret)
            problem = container_travel_problem(value) if isinstance(value, str) else None
            if problem:
                problems.append(
                    f"{reference.context}: secret {reference.secret} cannot reach the container unchanged: its value {problem} "
                    "(Kamal writes the container's env file with Ruby escapes and Docker reads it literally); "
                    "store it base64-encoded and decode it in the app"
                )
        if reference.secret in values:
            names[reference.secret] = None
    return sorted(names), problems


def render_secrets(values: Mapping[str, str], names: Collection[str]) -> str:
    """The text of ``.kamal/secrets``: the named secrets, sorted, each written so the dotenv gem reads it back exactly."""
    return dotenv.render([(name, values[name]) for name in sorted(names)], header=SECRETS_HEADER)


def secrets_summary(text: Optional[str]) -> Optional[Dict[str, str]]:
    """NAME -> value of a secrets file we wrote, None when absent; raises ``dotenv.DotenvParseError`` for anything else."""
    if text is None:
        return None
    return dotenv.parse(text)


def secrets_diff_lines(before: Optional[Mapping[str, str]], after: Mapping[str, str]) -> Tuple[str, str]:
    """The before/after texts for ``--diff`` of the secrets file: names only, with a note where a value changed."""
    before = before or {}
    old = "".join(f"{name}=<hidden>\n" for name in sorted(before))
    new = "".join(f"{name}=<hidden{', changed' if name in before and before[name] != after[name] else ''}>\n" for name in sorted(after))
    return old, new
