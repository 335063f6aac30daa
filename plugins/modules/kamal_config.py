#!/usr/bin/python
# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kamal_config
short_description: Write a Kamal 2 C(config/deploy.yml) and C(.kamal/secrets), checked as Kamal 2.12 checks them
version_added: 0.1.0
description:
  - Builds a Kamal 2 configuration from structured inputs, checks it the way Kamal 2.12 does (unknown keys, value
    types, then Kamal's own rules, worded as Kamal words them) and checks that every secret it names exists,
    before anything is written.
  - Writes C(config/deploy.yml) and C(.kamal/secrets) in the application directory, each atomically; the secrets
    file has mode C(0600) and holds only the secrets the configuration names.
  - Kamal 2 reads secrets from C(.kamal/secrets) (Kamal 1 read C(.env)). That file is read by the dotenv gem,
    which expands C($VAR) and runs C($(...)); values are written so that the gem reads them back exactly and
    nothing in them is executed.
  - A secret value that goes into a container and holds a backslash or an ASCII control character (line break,
    tab, ...) is refused, naming the secret, because Kamal writes the container's env file with Ruby escapes that Docker
    reads literally, so such a value cannot arrive unchanged. Store it base64-encoded instead.
  - Infra-only secrets (O(infra_secrets)) never reach C(env.secret); they reach C(.kamal/secrets) only when Kamal
    itself needs them (for example the registry password named by O(registry)).
author:
  - Bolt Foundry (@boltfoundry)
attributes:
  check_mode:
    description: Checks everything and reports what it would write, writing nothing.
    support: full
  diff_mode:
    description: Shows C(config/deploy.yml) in full; for C(.kamal/secrets) only the names, and which values changed.
    support: full
  platform:
    description: Runs on the controller, where Kamal runs.
    support: full
    platforms: posix
options:
  app_dir:
    description: The application directory (where C(kamal deploy) runs); C(config/) and C(.kamal/) are created when missing.
    type: path
    required: true
  service:
    description: Kamal's C(service), the container name prefix.
    type: str
    required: true
  image:
    description:
      - The image name without the registry server and without a tag, for example C(owner/app).
      - Kamal pushes C(<registry.server>/<image>:<version>).
    type: str
    required: true
  servers:
    description: Kamal's C(servers) section, a list of hosts (the C(web) role) or roles.
    type: raw
    required: true
  registry:
    description:
      - Kamal's C(registry) section, for example C(server) V(ghcr.io), C(username) and C(password) V([KAMAL_REGISTRY_PASSWORD]).
      - A one-item list names a secret; that secret is written to C(.kamal/secrets) but not given to the app.
    type: dict
    required: true
  proxy:
    description: Kamal's C(proxy) section (host, ssl, app_port, healthcheck, ...).
    type: dict
  builder:
    description: Kamal's C(builder) section; Kamal requires C(arch).
    type: dict
    default: {arch: amd64}
  volumes:
    description: Volumes mounted into the app container, C(host_path:container_path[:options]).
    type: list
    elements: str
  env_clear:
    description: Plain environment variables of the app (C(env.clear)).
    type: dict
    default: {}
  env_secret:
    description:
      - Secrets the app gets (C(env.secret)); C(NAME:SECRET) gives the app C(NAME) with the value of C(SECRET).
      - When omitted, every name in O(secret_names) (or else every secret given) that is neither in O(infra_secrets)
        nor one Kamal itself uses.
    type: list
    elements: str
  secret_names:
    description: The names the secrets role synced; the default for O(env_secret).
    type: list
    elements: str
  infra_secrets:
    description:
      - Names that must never reach the app (the 1Password, Hetzner, Cloudflare and S3 credentials); naming one in an
        env secret is an error.
      - The default lists the provisioning credentials; give the full list when you change it.
    type: list
    elements: str
    default:
      - OP_SERVICE_ACCOUNT_TOKEN
      - HCLOUD_TOKEN
      - CLOUDFLARE_API_TOKEN
      - S3_ACCESS_KEY_ID
      - S3_SECRET_ACCESS_KEY
      - AWS_ACCESS_KEY_ID
      - AWS_SECRET_ACCESS_KEY
  secrets_file:
    description:
      - An env file holding the secret values, as written by P(boltfoundry.infra.onepassword_env#module) (any file
        written by the collection's dotenv renderer); other files are refused with the line at fault.
      - In check mode a file that does not exist yet (an earlier task only planned it) is not an error when
        O(secret_names) is given; the plan then checks the names and reports C(.kamal/secrets) as changing.
    type: path
  secrets:
    description: Secret values as NAME to value; added to (and overriding) those of O(secrets_file).
    type: dict
    default: {}
  extra:
    description:
      - Any other top-level Kamal settings (C(ssh), C(accessories), C(aliases), C(x-) extensions, ...), checked the same way.
      - May not repeat a key set by the options above, nor set C(secrets_path) (the secrets always go to C(.kamal/secrets)).
    type: dict
    default: {}
notes:
  - Kamal 2.12 stops at the first problem in a configuration; this module reports all it finds, in Kamal's order.
  - Kamal itself only finds a missing secret at deploy time; this module refuses it before writing.
seealso:
  - module: boltfoundry.infra.kamal_deploy
  - name: Kamal configuration reference
    description: What each Kamal setting means.
    link: https://kamal-deploy.org/docs/configuration/overview/
"""

EXAMPLES = r"""
- name: Write the production Kamal configuration
  boltfoundry.infra.kamal_config:
    app_dir: /srv/app
    service: bolt
    image: boltfoundry/bolt
    servers:
      web:
        - 203.0.113.10
    proxy:
      host: app.example.com
      ssl: true
      app_port: 8000
      healthcheck:
        path: /up
    registry:
      server: ghcr.io
      username: boltfoundry
      password:
        - KAMAL_REGISTRY_PASSWORD
    volumes:
      - /mnt/data/bolt:/data
    env_clear:
      PORT: 8000
      BF_ENV: production
    secret_names: "{{ synced_secret_names }}"
    infra_secrets: [HCLOUD_TOKEN, CLOUDFLARE_API_TOKEN]
    secrets_file: /srv/app/.secrets/production.env
"""

RETURN = r"""
config_path:
  description: Where the configuration is (or would be) written.
  returned: always
  type: str
  sample: /srv/app/config/deploy.yml
secrets_path:
  description: Where the secrets file is (or would be) written.
  returned: always
  type: str
  sample: /srv/app/.kamal/secrets
config:
  description: The configuration as written (secrets appear by name only).
  returned: success
  type: dict
env_secret:
  description: The secret names the app gets (C(env.secret)).
  returned: success
  type: list
  elements: str
  sample: [DATABASE_KEY, HYPERDX_API_KEY]
secret_names_written:
  description: The names written to C(.kamal/secrets), values never returned.
  returned: success
  type: list
  elements: str
  sample: [DATABASE_KEY, HYPERDX_API_KEY, KAMAL_REGISTRY_PASSWORD]
config_changed:
  description: Whether C(config/deploy.yml) changed (or would change).
  returned: success
  type: bool
secrets_changed:
  description: Whether C(.kamal/secrets) changed (or would change).
  returned: success
  type: bool
problems:
  description: Every problem found, when the configuration was refused.
  returned: failure
  type: list
  elements: str
  sample: ["unknown key: healthcheck (Kamal 1's top-level healthcheck is proxy/healthcheck in Kamal 2)"]
"""

import os

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.boltfoundry.infra.plugins.module_utils import dotenv, files, kamal_render, kamal_validator
from ansible_collections.boltfoundry.infra.plugins.module_utils.infra_secrets import INFRA_NAMES
from ansible_collections.boltfoundry.infra.plugins.module_utils.kamal_schema import KAMAL_VERSION

CONFIG_RELATIVE = os.path.join("config", "deploy.yml")
SECRETS_RELATIVE = os.path.join(".kamal", "secrets")


class KamalConfig:
    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.params = module.params
        self.app_dir = self.params["app_dir"]
        self.config_path = os.path.join(self.app_dir, CONFIG_RELATIVE)
        self.secrets_path = os.path.join(self.app_dir, SECRETS_RELATIVE)
        self.result = {"changed": False, "config_path": self.config_path, "secrets_path": self.secrets_path}
        self.values_pending = False

    def fail(self, msg: str, **extra) -> None:
        self.module.fail_json(msg=msg, **self.result, **extra)

    def secret_values(self) -> dict:
        values = {}
        path = self.params["secrets_file"]
        if path:
            text = files.read_text(path)
            if text is None and self.module.check_mode and self.params["secret_names"] is not None:
                # In a check-mode run the secrets role only plans this file: the names are
                # known, the values are not, so the plan checks names and says the file changes.
                self.values_pending = True
                self.module.warn(f"secrets_file {path} does not exist yet (check mode): secret names are checked, their values are not.")
                return dict.fromkeys(self.params["secret_names"], "")
            if text is None:
                self.fail(f"secrets_file {path} does not exist.")
            try:
                values.update(dotenv.parse(text))
            except dotenv.DotenvParseError as exc:
                self.fail(f"secrets_file {path} is not an env file written by boltfoundry.infra: {exc}.")
        for name, value in self.params["secrets"].items():
            if not isinstance(value, str):
                self.fail(f"secrets.{name} must be a string, got {type(value).__name__}.")
            values[name] = value
        return values

    def secrets_source(self) -> str:
        sources = []
        if self.params["secrets_file"]:
            sources.append(f"secrets_file {self.params['secrets_file']}")
        if self.params["secrets"]:
            sources.append("the secrets option")
        return " or ".join(sources) if sources else "the secrets given to kamal_config (none were given)"

    def build(self, values: dict) -> dict:
        params = self.params
        try:
            return kamal_render.build_config(
                service=params["service"],
                image=params["image"],
                servers=params["servers"],
                registry=params["registry"],
                builder=params["builder"],
                proxy=params["proxy"],
                volumes=params["volumes"],
                env_clear=params["env_clear"],
                env_secret=params["env_secret"],
                extra=params["extra"],
                secret_names=params["secret_names"] if params["secret_names"] is not None else list(values),
                infra_secrets=params["infra_secrets"],
            )
        except (TypeError, ValueError) as exc:
            self.fail(f"{exc}.")
        return {}

    def run(self) -> None:
        if not os.path.isdir(self.app_dir):
            self.fail(f"app_dir {self.app_dir} is not a directory; it must be the application's checkout, where kamal deploy runs.")
        values = self.secret_values()
        config = self.build(values)
        problems = [str(problem) for problem in kamal_validator.validate(config, values.keys(), self.secrets_source())]
        names, secret_problems = kamal_render.plan_secrets(config, values, self.params["infra_secrets"])
        problems += secret_problems
        if problems:
            more = f" (and {len(problems) - 1} more, see problems)" if len(problems) > 1 else ""
            first = problems[0].rstrip(".")
            self.fail(f"The Kamal {KAMAL_VERSION} configuration for {self.config_path} was refused: {first}{more}.", problems=problems)

        config_text = kamal_render.render_config(config)
        try:
            secrets_text = kamal_render.render_secrets(values, names)
        except dotenv.DotenvError as exc:
            self.fail(f"Secret {exc.name} cannot be written to {self.secrets_path}: {exc.problem}.")

        old_config = files.read_text(self.config_path)
        old_secrets_text = files.read_text(self.secrets_path)
        try:
            old_secrets = kamal_render.secrets_summary(old_secrets_text)
        except dotenv.DotenvParseError:
            old_secrets = None  # written by someone else: replaced whole, shown as new
        config_changed = old_config != config_text
        secrets_changed = self.values_pending or old_secrets_text != secrets_text or files.mode_of(self.secrets_path) != 0o600

        if not self.module.check_mode:
            if config_changed:
                files.ensure_directory(os.path.dirname(self.config_path), 0o755)
                files.write_atomic(self.config_path, config_text, 0o644)
            if secrets_changed:
                files.ensure_directory(os.path.dirname(self.secrets_path), 0o700)
                files.write_atomic(self.secrets_path, secrets_text, 0o600)

        self.result.update(
            changed=config_changed or secrets_changed,
            config=config,
            env_secret=config.get("env", {}).get("secret", []),
            secret_names_written=names,
            config_changed=config_changed,
            secrets_changed=secrets_changed,
        )
        if self.module._diff:
            after_secrets = {name: values[name] for name in names}
            before_names, after_names = kamal_render.secrets_diff_lines(old_secrets, after_secrets)
            self.result["diff"] = [
                {"before_header": self.config_path, "after_header": self.config_path, "before": old_config or "", "after": config_text},
                {"before_header": self.secrets_path, "after_header": self.secrets_path, "before": before_names, "after": after_names},
            ]
        self.module.exit_json(**self.result)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "app_dir": {"type": "path", "required": True},
            "service": {"type": "str", "required": True},
            "image": {"type": "str", "required": True},
            "servers": {"type": "raw", "required": True},
            "registry": {"type": "dict", "required": True},
            "proxy": {"type": "dict"},
            "builder": {"type": "dict", "default": {"arch": "amd64"}},
            "volumes": {"type": "list", "elements": "str"},
            "env_clear": {"type": "dict", "default": {}},
            # Names of secrets, never values.
            "env_secret": {"type": "list", "elements": "str", "no_log": False},
            "secret_names": {"type": "list", "elements": "str", "no_log": False},
            "infra_secrets": {"type": "list", "elements": "str", "default": list(INFRA_NAMES), "no_log": False},
            "secrets_file": {"type": "path"},
            "secrets": {"type": "dict", "default": {}, "no_log": True},
            "extra": {"type": "dict", "default": {}},
        },
        supports_check_mode=True,
    )
    if kamal_render.YAML_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=kamal_render.YAML_IMPORT_ERROR)
    try:
        KamalConfig(module).run()
    except files.FileWriteError as exc:
        # The message names the path and the OS's reason, never file content.
        module.fail_json(msg=str(exc))


if __name__ == "__main__":
    main()
