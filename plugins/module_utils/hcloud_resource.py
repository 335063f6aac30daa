# Copyright: Bolt Foundry
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every hcloud module shares: options, the client, ownership, the plan, and carrying it out.

A module describes one kind of resource: how to find it by name, how to show
it (``view``), and the steps that take it from what it is to what the task
asks (``plan_present``/``plan_absent``). This base then

- reads the resource once (one request when nothing is to be done);
- in check mode reports the plan without a single write;
- carries the steps out, waiting before a step for the actions it depends on
  (all of them polled together) and, after an answer that leaves the outcome
  unknown (a 5xx, a dropped connection, a create meeting its own earlier try),
  reads the resource again and plans again instead of failing or repeating
  blindly, at most ``MAX_ROUNDS`` times;
- returns the resource as it is afterwards, with a before/after diff of the
  fields the module manages.
"""

from __future__ import annotations

import traceback
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.boltfoundry.infra.plugins.module_utils import hcloud_actions, hcloud_api, hcloud_errors
from ansible_collections.boltfoundry.infra.plugins.module_utils.hcloud_labels import check_labels

MANAGED_LABEL = "managed-by"
MANAGED_VALUE = "boltfoundry.infra"
# How many times one run plans again after an answer that left the outcome unknown.
MAX_ROUNDS = 4
COLLECTION_VERSION = "0.1.0"

Resource = Tuple[str, Optional[int]]


def connection_options() -> Dict[str, Any]:
    """The options every hcloud module has (documented in the ``boltfoundry.infra.hcloud`` doc fragment)."""
    return {
        "api_token": {"type": "str", "required": True, "no_log": True, "fallback": (env_fallback, ["HCLOUD_TOKEN"])},
        "api_endpoint": {"type": "str", "default": hcloud_api.DEFAULT_ENDPOINT, "fallback": (env_fallback, ["HCLOUD_ENDPOINT"])},
        "timeout": {"type": "float", "default": 600},
        "poll_interval": {"type": "float", "default": 1.0},
    }


def resource_options(wait: bool = True) -> Dict[str, Any]:
    """Options of the modules that manage one resource (fragments ``hcloud.owned`` and ``hcloud.wait``)."""
    options = dict(connection_options())
    options["adopt"] = {"type": "bool", "default": False}
    if wait:
        options["wait"] = {"type": "bool", "default": True}
    return options


class Refusal(Exception):
    """Something the module will not do; the message says why and what to do instead."""

    def __init__(self, msg: str, **extra: Any) -> None:
        super().__init__(msg)
        self.extra = extra


class Step:
    """One change: a description for messages, and the call that makes it (returning the actions it started)."""

    def __init__(
        self,
        describe: str,
        run: Callable[[], Optional[Iterable[Any]]],
        *,
        locks: bool = True,
        needs_idle: Optional[List[Resource]] = None,
        creates: bool = False,
    ) -> None:
        self.describe = describe
        self.run = run
        self.locks = locks  # starts an action: the resource must not be busy
        self.needs_idle = needs_idle or []  # other resources that must not be busy (e.g. the server to attach to)
        self.creates = creates


class Plan:
    """The steps from what is to what is wanted, and the resource as it will be (``after``, None when absent)."""

    def __init__(self, after: Optional[Dict[str, Any]]) -> None:
        self.after = after
        self.steps: List[Step] = []
        self.warnings: List[str] = []

    def add(self, describe: str, run: Callable[[], Optional[Iterable[Any]]], **options: Any) -> None:
        self.steps.append(Step(describe, run, **options))


def number_or_name(value: Any) -> Tuple[Optional[int], Optional[str]]:
    """``(id, None)`` for a number (or digits), ``(None, name)`` otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None
    text = str(value).strip()
    if not text:
        raise Refusal("An empty name or ID was given where a resource is named.")
    return (int(text), None) if text.isdigit() else (None, text)


def actions_of(answer: Any) -> List[Any]:
    """The actions a library call answered: one, several, or none (deletes of some kinds answer True)."""
    if answer is None or isinstance(answer, bool):
        return []
    if isinstance(answer, (list, tuple)):
        return list(answer)
    return [answer]


class ServerRef:
    """A server named in an option: its ``id`` (None if not found, in check mode), what to show, its location if read."""

    def __init__(self, server_id: Optional[int], shown: Any, location: Optional[str]) -> None:
        self.id, self.shown, self.location = server_id, shown, location


class HcloudModule:
    """The client, the deadline and failure reporting, for every hcloud module."""

    def __init__(self, module: Any) -> None:
        self.module = module
        self.params = module.params
        for available, library, error in (
            (hcloud_api.HAS_REQUESTS, "requests", hcloud_api.REQUESTS_IMPORT_ERROR),
            (hcloud_api.HAS_HCLOUD, "hcloud", hcloud_api.HCLOUD_IMPORT_ERROR),
        ):
            if not available:
                module.fail_json(msg=missing_required_lib(library), exception="".join(traceback.format_exception(error)))
        if not self.params["api_token"].strip():
            module.fail_json(msg="api_token is empty: give an API token of the Hetzner Cloud project, or set HCLOUD_TOKEN.")
        if self.params["timeout"] <= 0 or self.params["poll_interval"] <= 0:
            module.fail_json(msg="timeout and poll_interval must be more than 0 seconds.")
        # An empty HCLOUD_ENDPOINT in the environment means the default, as no variable would.
        self.params["api_endpoint"] = self.params["api_endpoint"] or hcloud_api.DEFAULT_ENDPOINT
        self.deadline = hcloud_api.Deadline(self.params["timeout"])
        self.pacing = hcloud_api.Pacing(self.params["poll_interval"], self.deadline)
        self.client = hcloud_api.build_client(self.params["api_token"], self.params["api_endpoint"], self.pacing, COLLECTION_VERSION)
        if not hcloud_api.retry_control(self.client):
            module.warn("This hcloud library version does not let the module steer its retries; rate limits and locks are handled by its defaults.")
        self.doing = "talking to the Hetzner Cloud API"

    def fail(self, exc: BaseException, **extra: Any) -> None:
        msg, failure = hcloud_errors.describe(exc, self.doing, self.params["api_endpoint"])
        self.module.fail_json(msg=msg, failure=failure, api_retries=hcloud_api.retries(self.client), **extra)

    def guarded(self, body: Callable[[], None]) -> None:
        """Run ``body``; turn API errors, failed or unfinished actions and refusals into one clear failure."""
        try:
            body()
        except Refusal as refusal:
            self.module.fail_json(msg=str(refusal), api_retries=hcloud_api.retries(self.client), **refusal.extra)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            if not _expected(exc):
                raise
            self.fail(exc)


def _expected(exc: BaseException) -> bool:
    if isinstance(exc, (hcloud_actions.ActionFailed, hcloud_actions.WaitTimeout)) or hcloud_errors.is_api_error(exc):
        return True
    return hcloud_api.HAS_REQUESTS and isinstance(exc, hcloud_api.requests.exceptions.RequestException)


class HcloudResource(HcloudModule):
    """One resource found by name: subclasses set the class attributes and write find, view and the plans."""

    collection = ""  # the API's path segment: servers, volumes, ...
    title = ""  # for messages: "server", "volume", ...
    result_key = ""  # hcloud_server, ...
    managed: Tuple[str, ...] = ()  # the view's fields a diff shows

    def __init__(self, module: Any) -> None:
        super().__init__(module)
        self.pending: List[Dict[str, Any]] = []  # actions started and not waited for yet
        self.deferred: List[str] = []
        self.changed = False
        self.created: Any = None  # the resource a create step made, for the steps after it

    # -- to write per resource ---------------------------------------------------
    def find(self) -> Any:
        raise NotImplementedError

    def view(self, model: Any) -> Dict[str, Any]:
        raise NotImplementedError

    def busy(self, model: Any) -> bool:
        """Whether the resource's status says an action is working on it (wait before planning)."""
        return False

    def plan_present(self, model: Any) -> Plan:
        raise NotImplementedError

    def delete_steps(self, model: Any, plan: Plan) -> None:
        """Add the steps that delete ``model`` (ownership and protection are checked before)."""
        plan.add(f"deleting {self.label}", lambda: actions_of(model.delete()))

    # -- shared by the plans -----------------------------------------------------
    @property
    def label(self) -> str:
        return f"{self.title} '{self.params.get('name')}'"

    def server_ref(self, option: str = "server") -> Optional[ServerRef]:
        """The server named in ``option`` (None when not given). A number is taken as an ID, with no request."""
        given = self.params.get(option)
        if given is None:
            return None
        number, name = number_or_name(given)
        if number is not None:
            return ServerRef(number, number, None)
        self.doing = f"looking up server '{name}' for {self.label}"
        found = self.client.servers.get_by_name(name)
        if found is None:
            if self.module.check_mode:
                return ServerRef(None, name, None)  # an earlier task of the same run may create it
            raise Refusal(f"{option} is '{name}', but the project has no server of that name; create the server first.")
        return ServerRef(found.id, found.id, found.location.name if found.location is not None else None)

    def owned(self, model: Any) -> bool:
        return (getattr(model, "labels", None) or {}).get(MANAGED_LABEL) == MANAGED_VALUE

    def require_owned(self, model: Any, doing: str) -> None:
        if model is not None and not self.owned(model) and not self.params.get("adopt"):
            raise Refusal(
                f"{self.label[:1].upper()}{self.label[1:]} exists but does not carry the label {MANAGED_LABEL}={MANAGED_VALUE}, "
                f"so this collection did not create it and will not {doing} it; set adopt=true to take it over "
                "(the label is added), or use another name."
            )

    def wanted_labels(self, model: Any) -> Optional[Dict[str, str]]:
        """The labels the resource should have (None: leave them); ours is always among them."""
        given = self.params.get("labels")
        if given is None:
            if model is None:
                return {MANAGED_LABEL: MANAGED_VALUE}
            if not self.owned(model) and self.params.get("adopt"):
                return {**(model.labels or {}), MANAGED_LABEL: MANAGED_VALUE}
            return None
        try:
            labels = check_labels(given)
        except ValueError as exc:
            raise Refusal(str(exc)) from None
        if labels.get(MANAGED_LABEL, MANAGED_VALUE) != MANAGED_VALUE:
            raise Refusal(f"labels sets {MANAGED_LABEL}={labels[MANAGED_LABEL]}, but that label is this collection's own: it is always {MANAGED_VALUE}.")
        labels[MANAGED_LABEL] = MANAGED_VALUE
        return labels

    def refuse_protected(self, model: Any) -> None:
        if (getattr(model, "protection", None) or {}).get("delete"):
            raise Refusal(
                f"{self.label[:1].upper()}{self.label[1:]} is protected against deletion, so it is not deleted; to delete it, first run "
                "this module with state=present and delete_protection=false (in the hetzner role: hetzner_protection=false), then delete it."
            )

    def plan_absent(self, model: Any) -> Plan:
        plan = Plan(None)
        if model is None:
            return plan
        self.require_owned(model, "delete")
        self.refuse_protected(model)
        self.delete_steps(model, plan)
        return plan

    # -- the run -----------------------------------------------------------------
    def plan(self, model: Any) -> Plan:
        state = self.params.get("state", "present")
        self.doing = f"planning {self.label}"
        return self.plan_absent(model) if state == "absent" else self.plan_present(model)

    def read(self) -> Any:
        self.doing = f"reading {self.label}"
        model = self.find()
        if model is not None and self.busy(model) and not self.module.check_mode:
            self.doing = f"waiting for the running actions of {self.label}"
            hcloud_actions.wait_idle(self.client, [(self.collection, model.id)], self.pacing)
            self.doing = f"reading {self.label}"
            model = self.find()
        return model

    def run(self) -> None:
        self.guarded(self._run)

    def _run(self) -> None:
        if self.params.get("labels") is not None and self.params.get("state", "present") == "present":
            self.wanted_labels(None)  # bad labels stop the run before its first request
        model = self.read()
        before = self.view(model) if model is not None else None
        plan = self.plan(model)
        for warning in plan.warnings:
            self.module.warn(warning)
        if self.module.check_mode or not plan.steps:
            self.finish(before, plan.after if plan.steps else before, bool(plan.steps))
            return
        rounds = 1
        while True:
            step = None
            try:
                for step in plan.steps:
                    self.carry_out(step)
                if self.params.get("wait", True) and self.pending:
                    self.doing = f"waiting for the actions on {self.label}"
                    hcloud_actions.wait_for(self.client, self.pending, self.pacing)
                    self.pending = []
                break
            except Exception as exc:  # pylint: disable=broad-exception-caught
                if step is None or not hcloud_errors.is_transient(exc, creating=step.creates) or rounds >= MAX_ROUNDS:
                    raise
                rounds += 1
                model = self.recover(step)
                if step.creates and model is None and hcloud_errors.code_of(exc) == "uniqueness_error":
                    self.doing = step.describe
                    raise  # not an earlier try of ours: another resource holds the name or key
                plan = self.plan(model)
                if not plan.steps:
                    break
        after = None
        if self.params.get("state", "present") != "absent":
            self.doing = f"reading {self.label} after the changes"
            after_model = self.find()
            after = self.view(after_model) if after_model is not None else None
        self.finish(before, after, True)

    def carry_out(self, step: Step) -> None:
        self.doing = step.describe
        others = [resource for resource in step.needs_idle if resource[1] is not None]
        if (step.locks and self.pending) or others:
            if self.pending and not self.params.get("wait", True):
                # wait=false: what needs this run's own actions finished is left for a later run.
                self.deferred.append(step.describe)
                return
            hcloud_actions.wait_idle(self.client, others, self.pacing, also=self.pending)
            self.pending = []
        self.changed = True
        started = step.run() or []
        self.pending.extend(hcloud_actions.action_dict(action) for action in started if action is not None)

    def recover(self, step: Step) -> Any:
        """After an answer that left the outcome unknown: let running actions end, then read again."""
        self.changed = True  # the call may have been carried out
        self.doing = f"{step.describe} (reading the resource again after an unclear answer)"
        model = self.find()
        busy = [(self.collection, model.id)] if model is not None else []
        hcloud_actions.wait_idle(self.client, busy + [r for r in step.needs_idle if r[1] is not None], self.pacing, also=self.pending)
        self.pending = []
        return self.find() if busy else model

    def diff_view(self, view: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        if view is None:
            return {"state": "absent"}
        return {"state": "present", **{key: view.get(key) for key in self.managed}}

    def finish(self, before: Optional[Dict[str, Any]], after: Optional[Dict[str, Any]], changed: bool, **extra: Any) -> None:
        result: Dict[str, Any] = {
            "changed": changed,
            self.result_key: after,
            "api_retries": hcloud_api.retries(self.client),
            **extra,
        }
        if self.pending:
            result["actions"] = self.pending
        if self.deferred:
            result["deferred"] = self.deferred
        if self.module._diff:  # pylint: disable=protected-access
            result["diff"] = {"before": self.diff_view(before), "after": self.diff_view(after)}
        self.module.exit_json(**result)
