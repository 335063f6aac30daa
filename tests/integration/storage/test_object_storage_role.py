"""The object_storage role: the public assets bucket and the private run-records bucket, each with its own project's keys."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.harness.ansible import PlaybookRun
from tests.integration.storage.conftest import Buckets

APP_ORIGIN = "https://app.boltfoundry.test"


def role_vars(buckets: Buckets, **overrides: Any) -> dict[str, Any]:
    production, ci = buckets.sim.keys["production"], buckets.sim.keys["ci"]
    return {
        "object_storage_endpoint": buckets.sim.endpoints["hel1"],
        "object_storage_assets_bucket": "bft-assets",
        "object_storage_app_origins": [APP_ORIGIN],
        "object_storage_records_bucket": "bft-run-records",
        "object_storage_production_access_key": production["access_key"],
        "object_storage_production_secret_key": production["secret_key"],
        "object_storage_ci_access_key": ci["access_key"],
        "object_storage_ci_secret_key": ci["secret_key"],
        **overrides,
    }


def apply(buckets: Buckets, *, check: bool = False, diff: bool = False, verbosity: int = 0, **overrides: Any) -> PlaybookRun:
    play = {"name": "storage", "hosts": "localhost", "connection": "local", "gather_facts": False, "roles": ["boltfoundry.infra.object_storage"]}
    buckets.sim.admin("hel1").reset_requests()
    buckets.seen.clear()
    run = buckets.ansible.playbook([play], extra_vars=role_vars(buckets, **overrides), check=check, diff=diff, verbosity=verbosity)
    for keys in buckets.sim.keys.values():
        assert keys["secret_key"] not in run.output and keys["access_key"] not in run.output, "a key was printed"
    return run


def anonymous_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_both_buckets_planned_made_and_left_alone(buckets: Buckets) -> None:
    plan = apply(buckets, check=True, diff=True).assert_ok()
    assert plan.changed() == 2 and buckets.requests(mutating=True) == 0

    apply(buckets, verbosity=4).assert_ok()
    production, ci = buckets.sim.client("production"), buckets.sim.client("ci")
    assert [b["Name"] for b in production.list_buckets()["Buckets"]] == ["bft-assets"]
    assert [b["Name"] for b in ci.list_buckets()["Buckets"]] == ["bft-run-records"]
    assert production.get_bucket_cors(Bucket="bft-assets")["CORSRules"][0]["AllowedOrigins"] == [APP_ORIGIN]
    production.put_object(Bucket="bft-assets", Key="logo.svg", Body=b"<svg/>")
    ci.put_object(Bucket="bft-run-records", Key="run-1.json", Body=b"{}")
    endpoint = buckets.sim.endpoints["hel1"]
    assert anonymous_status(f"{endpoint}/bft-assets/logo.svg") == 200
    assert anonymous_status(f"{endpoint}/bft-run-records/run-1.json") == 403

    again = apply(buckets).assert_ok()
    assert again.changed() == 0 and buckets.requests(mutating=True) == 0


def test_each_bucket_is_only_ever_reached_with_its_own_projects_keys(buckets: Buckets) -> None:
    apply(buckets).assert_ok()
    apply(buckets).assert_ok()
    keys = {project: k["access_key"] for project, k in buckets.sim.keys.items()}
    signed = {(r.path.split("/")[1], r.access_key) for r in buckets.seen}
    assert signed == {("bft-assets", keys["production"]), ("bft-run-records", keys["ci"])}


def test_a_records_bucket_name_held_by_production_is_refused_not_touched(buckets: Buckets) -> None:
    buckets.sim.client("production").create_bucket(Bucket="bft-run-records")
    run = apply(buckets)
    assert run.rc != 0
    failure = next(t for t in run.tasks if t.failed)
    assert failure.task.endswith("Run records bucket (ci project, private)")
    assert failure.msg.startswith("These S3 credentials may not use the bucket bft-run-records (AccessDenied)")
    assert buckets.sim.client("production").get_bucket_location(Bucket="bft-run-records")


@pytest.mark.parametrize(
    "overrides",
    [{"object_storage_ci_secret_key": ""}, {"object_storage_records_bucket": "bft-assets"}],
    ids=["no-ci-keys", "same-bucket"],
)
def test_records_bucket_settings_are_checked_first(buckets: Buckets, overrides: dict[str, str]) -> None:
    run = apply(buckets, **overrides)
    assert run.rc != 0 and buckets.requests(mutating=True) == 0
    failure = next(t for t in run.tasks if t.failed)
    assert "object_storage_records_bucket needs the ci project's keys" in failure.msg


def test_without_a_records_bucket_the_ci_keys_are_not_needed(buckets: Buckets) -> None:
    overrides = {"object_storage_records_bucket": "", "object_storage_ci_access_key": None, "object_storage_ci_secret_key": None}
    apply(buckets, **overrides).assert_ok()
    assert {r.access_key for r in buckets.seen} == {buckets.sim.keys["production"]["access_key"]}
