"""Read a ``config/deploy.yml`` with real Ruby, the way Kamal 2.12 loads it: ERB first, then Psych's ``unsafe_load``.

Debian's ``ruby`` package (installed by .ci/run) brings ERB and Psych; Kamal
itself cannot be installed here. Values that are not JSON types come back
tagged (a Ruby Symbol as ``{"ruby_symbol": name}``, anything else as
``{"ruby_class": name}``) so a test sees exactly what Kamal would get.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

from tests.harness.required import unavailable

LOAD_LIKE_KAMAL = r"""
require "erb"
require "yaml"
require "json"

def tagged(value)
  case value
  when Hash then value.to_h { |key, item| [ key.is_a?(String) ? key : JSON.dump(tagged(key)), tagged(item) ] }
  when Array then value.map { |item| tagged(item) }
  when Symbol then { "ruby_symbol" => value.to_s }
  when String, Integer, Float, TrueClass, FalseClass, NilClass then value
  else { "ruby_class" => value.class.name }
  end
end

template = STDIN.read
rendered = ERB.new(template, trim_mode: "-").result
STDOUT.write(JSON.dump(tagged(YAML.unsafe_load(rendered))))
"""

RUBY_DUMP = r"""
require "json"
STDOUT.write(JSON.dump(JSON.parse(STDIN.read).map { |value| value.dump[1..-2] }))
"""


def ruby() -> str:
    found = shutil.which("ruby")
    if not found:
        unavailable("ruby is not installed (apt-get install ruby; .ci/run installs it): it reads deploy.yml as Kamal does")
    return found


def load_deploy_yml(text: str) -> Any:
    """What Kamal's ``load_config_file`` gets from ``text`` (before it symbolizes the top-level keys)."""
    completed = subprocess.run([ruby(), "-e", LOAD_LIKE_KAMAL], input=text, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout)


def string_dump(values: list[str]) -> list[str]:
    """Ruby's ``String#dump`` of each value, without the surrounding quotes (what ``Kamal::EnvFile`` builds on)."""
    completed = subprocess.run([ruby(), "-e", RUBY_DUMP], input=json.dumps(values), capture_output=True, text=True, check=True)
    return json.loads(completed.stdout)
