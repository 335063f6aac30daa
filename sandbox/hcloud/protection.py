"""``change_protection`` for every resource that has it, and the ``protected`` check."""

from __future__ import annotations

from typing import Any

from sandbox.common.server import Response
from sandbox.hcloud import actions
from sandbox.hcloud.calls import Call, Handler, answer
from sandbox.hcloud.errors import invalid_input, protected
from sandbox.hcloud.world import KINDS, Project, World


def require_unprotected(kind: str, record: dict[str, Any], flag: str = "delete") -> None:
    if record["protection"].get(flag):
        raise protected(KINDS[kind], "deletion" if flag == "delete" else flag)


def change_protection_handler(kind: str, flags: tuple[str, ...] = ("delete",)) -> Handler:
    """The handler of ``POST /<kind>/{id}/actions/change_protection``."""

    def change_protection(call: Call) -> Response:
        record = call.project.get(kind, call.id())
        body = call.body()
        wanted = {flag: body.boolean(flag) for flag in flags}
        body.check()
        if "rebuild" in flags:
            # Servers: delete and rebuild protection must currently have the same value.
            after = {flag: record["protection"][flag] if value is None else value for flag, value in wanted.items()}
            if after["delete"] != after["rebuild"]:
                raise invalid_input(
                    {
                        "delete": ["delete and rebuild protection must have the same value"],
                        "rebuild": ["delete and rebuild protection must have the same value"],
                    }
                )
        call.project.require_unlocked(kind, record["id"])
        action = actions.start(call, "change_protection", [(KINDS[kind], record["id"])], params={"kind": kind, "id": record["id"], **wanted})
        return answer(201, {"action": actions.render_call(call, action)})

    return change_protection


@actions.on_finish("change_protection")
def _changed(world: World, project: Project, action: dict[str, Any], ok: bool) -> None:
    params = action["params"]
    record = project.records(params["kind"]).get(params["id"])
    if ok and record is not None:
        for flag in ("delete", "rebuild"):
            if params.get(flag) is not None:
                record["protection"][flag] = params[flag]
