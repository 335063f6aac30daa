"""boltfoundry.infra.s3_object against the S3 stand-in: plan, write, nothing to do, replace or refuse, budgets."""

from __future__ import annotations

import hashlib
import json

from tests.fixtures.s3 import S3Sim
from tests.harness import AnsibleRunner
from tests.harness.ansible import PlaybookRun, TaskResult

MODULE = "boltfoundry.infra.s3_object"
RECORD = json.dumps({"playbook": "site.yml", "changed": 3}, indent=2)


def put(
    ansible: AnsibleRunner, s3_sim: S3Sim, *, project: str = "ci", check: bool = False, diff: bool = False, **args: object
) -> tuple[TaskResult, PlaybookRun]:
    keys = s3_sim.keys[project]
    task = {"bucket": "bft-run-records", "key": "runs/sandbox/one.json", "content": RECORD, "content_type": "application/json"}
    task.update({"endpoint_url": s3_sim.endpoints["hel1"], "access_key": keys["access_key"], "secret_key": keys["secret_key"], **args})
    s3_sim.admin("hel1").reset_requests()
    result, run = ansible.module(MODULE, task, check=check, diff=diff)
    assert keys["secret_key"] not in run.output and keys["access_key"] not in run.output
    return result, run


def requests(s3_sim: S3Sim, *, mutating: bool | None = None) -> int:
    return s3_sim.admin("hel1").count(mutating=mutating)


def test_a_record_from_plan_to_nothing_to_do(ansible: AnsibleRunner, s3_sim: S3Sim) -> None:
    s3 = s3_sim.client("ci")
    s3.create_bucket(Bucket="bft-run-records")

    planned, run = put(ansible, s3_sim, check=True, diff=True, overwrite=False)
    assert planned.changed and planned["action"] == "created"
    assert requests(s3_sim) == 1 and requests(s3_sim, mutating=True) == 0
    assert planned["diff"]["before"] == "" and planned["diff"]["after"] == RECORD
    assert '"playbook": "site.yml"' in run.stdout  # the plan shows the content

    written, _run = put(ansible, s3_sim, overwrite=False)
    assert written.changed and written["action"] == "created"
    assert requests(s3_sim) == 2 and requests(s3_sim, mutating=True) == 1
    stored = s3.get_object(Bucket="bft-run-records", Key="runs/sandbox/one.json")
    assert stored["Body"].read().decode() == RECORD and stored["ContentType"] == "application/json"
    assert stored["Metadata"] == {"sha256": hashlib.sha256(RECORD.encode()).hexdigest()}
    assert written["object"]["sha256"] == stored["Metadata"]["sha256"] and written["object"]["size"] == len(RECORD)

    again, _run = put(ansible, s3_sim, overwrite=False)
    assert not again.changed and again["action"] == "none"
    assert requests(s3_sim) == 1 and requests(s3_sim, mutating=True) == 0


def test_other_content_is_replaced_or_refused(ansible: AnsibleRunner, s3_sim: S3Sim) -> None:
    s3 = s3_sim.client("ci")
    s3.create_bucket(Bucket="bft-run-records")
    put(ansible, s3_sim)

    refused, _run = put(ansible, s3_sim, content="{}", overwrite=False)
    assert refused.failed and requests(s3_sim, mutating=True) == 0
    assert refused.msg == (
        "The object runs/sandbox/one.json of the bucket bft-run-records exists with other content, and overwrite is false: it is never replaced."
    )

    plan, _run = put(ansible, s3_sim, content="{}", check=True, diff=True)
    assert plan.changed and plan["action"] == "replaced" and requests(s3_sim, mutating=True) == 0
    assert plan["diff"]["before"].startswith(f"({len(RECORD)} bytes, sha256 ") and plan["diff"]["after"] == "{}"

    replaced, _run = put(ansible, s3_sim, content="{}")
    assert replaced["action"] == "replaced" and requests(s3_sim, mutating=True) == 1
    assert s3.get_object(Bucket="bft-run-records", Key="runs/sandbox/one.json")["Body"].read() == b"{}"

    retyped, _run = put(ansible, s3_sim, content="{}", content_type="text/plain; charset=utf-8")
    assert retyped["action"] == "replaced"


def test_an_object_someone_else_wrote_is_compared_by_its_etag(ansible: AnsibleRunner, s3_sim: S3Sim) -> None:
    s3 = s3_sim.client("ci")
    s3.create_bucket(Bucket="bft-run-records")
    s3.put_object(Bucket="bft-run-records", Key="runs/sandbox/one.json", Body=RECORD.encode(), ContentType="application/json")
    same, _run = put(ansible, s3_sim, overwrite=False)
    assert not same.changed and requests(s3_sim) == 1


def test_failures_are_one_sentence(ansible: AnsibleRunner, s3_sim: S3Sim) -> None:
    s3_sim.client("production").create_bucket(Bucket="bft-assets")

    other_project, _run = put(ansible, s3_sim, bucket="bft-assets")
    assert other_project.failed and requests(s3_sim, mutating=True) == 0
    assert other_project.msg.endswith(
        "refused reading the object runs/sandbox/one.json of the bucket bft-assets (HTTP 403): the bucket belongs to another project or account,"
        " or the keys are wrong."
    )

    no_bucket, _run = put(ansible, s3_sim)
    assert no_bucket.failed
    assert "writing the object runs/sandbox/one.json to the bucket bft-run-records" in no_bucket.msg and "NoSuchBucket" in no_bucket.msg

    bad_key, _run = put(ansible, s3_sim, key="/leading-slash")
    assert bad_key.failed and requests(s3_sim) == 0
    assert bad_key.msg == "key must be 1 to 1024 bytes long and must not start with '/', got '/leading-slash'."
