"""``buckets``: runs boltfoundry.infra.s3_bucket through ansible-playbook against the S3 stand-in.

Every request the stand-in answers is recorded with the access key that signed
it, so tests can show which project's credentials touched which bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from sandbox.common.faults import Fault
from sandbox.common.server import Request, Response
from tests.fixtures.s3 import S3Sim
from tests.harness import AnsibleRunner
from tests.harness.ansible import PlaybookRun, TaskResult

MODULE = "boltfoundry.infra.s3_bucket"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")


@dataclass
class SignedRequest:
    location: str
    method: str
    path: str
    access_key: str | None


@dataclass
class Buckets:
    ansible: AnsibleRunner
    sim: S3Sim
    seen: list[SignedRequest] = field(default_factory=list)
    last: PlaybookRun | None = None  # the playbook run of the latest run()

    def observe(self, location: str) -> Any:
        def record(request: Request, response: Response | None, fault: Fault) -> None:
            found = _CREDENTIAL.search(request.header("authorization") or "")
            self.seen.append(SignedRequest(location, request.method, request.path, found.group(1) if found else None))

        return record

    def credentials(self, project: str) -> dict[str, str]:
        keys = self.sim.keys[project]
        return {"access_key": keys["access_key"], "secret_key": keys["secret_key"]}

    def run(self, *, project: str = "production", location: str = "hel1", check: bool = False, diff: bool = False, **args: Any) -> TaskResult:
        """One task of the module; the request logs are cleared first so that budgets count this run only."""
        args = {"location": location, "endpoint_url": self.sim.endpoints[location], **self.credentials(project), **args}
        for name in self.sim.endpoints:
            self.sim.admin(name).reset_requests()
        result, run = self.ansible.module(MODULE, args, check=check, diff=diff)
        self.last = run
        assert self.sim.keys[project]["secret_key"] not in run.output, "the secret key was printed"
        assert self.sim.keys[project]["access_key"] not in run.output, "the access key was printed"
        return result

    def requests(self, location: str = "hel1", *, mutating: bool | None = None) -> int:
        return self.sim.admin(location).count(mutating=mutating)


@pytest.fixture
def buckets(ansible: AnsibleRunner, s3_sim: S3Sim) -> Buckets:
    found = Buckets(ansible, s3_sim)
    for location, server in s3_sim.servers.items():
        server.observe(found.observe(location))
    return found
