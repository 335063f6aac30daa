# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every 1Password module shares: the token option, the session, failures and the sandbox notice."""

from __future__ import annotations

from typing import Any, Dict, NoReturn, Optional

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.boltfoundry.infra.plugins.module_utils.onepassword import (
    TOKEN_ENV,
    OnePasswordError,
    Session,
    sandbox_notice,
    sandbox_vault_file,
)


def onepassword_argument_spec(**options: Any) -> Dict[str, Any]:
    """The shared options (see the ``boltfoundry.infra.onepassword`` doc fragment) plus the module's own."""
    spec: Dict[str, Any] = {"token": {"type": "str", "no_log": True, "fallback": (env_fallback, [TOKEN_ENV])}}
    spec.update(options)
    return spec


class OnePasswordModule:
    """An AnsibleModule with a 1Password session and one way to fail."""

    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.result: Dict[str, Any] = {"changed": False}
        self._session: Optional[Session] = None

    @property
    def session(self) -> Session:
        if self._session is None:
            try:
                self._session = Session(self.module.params["token"])
            except OnePasswordError as exc:
                self.fail(exc)
            sandbox = sandbox_vault_file()
            if sandbox:
                self.module.warn(sandbox_notice(sandbox))
        return self._session  # type: ignore[return-value]

    def fail(self, error: OnePasswordError) -> NoReturn:
        result = {key: value for key, value in self.result.items() if key != "changed"}
        self.module.fail_json(msg=str(error), **error.as_result(), **result)

    def exit(self) -> NoReturn:
        self.module.exit_json(**self.result)
