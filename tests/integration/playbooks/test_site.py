"""site.yml end to end against the simulators: the plan sends no write, the run provisions and deploys, a second run
changes nothing and sends no write, nothing secret is printed (also at -vvvv), and the run record says what changed."""

from __future__ import annotations

import re

from tests.integration.playbooks.conftest import RECORDS_BUCKET, SiteWorld

NO_WRITES = {"hcloud": 0, "cloudflare": 0, "s3": 0, "onepassword": 0}
SERVER, VOLUME = "boltfoundry-com", "boltfoundry-com-data"


def test_plan_then_run_then_nothing_to_do(site_world: SiteWorld) -> None:
    world = site_world

    # The plan: every role says what it would do; no simulator sees a write.
    plan = world.run("site.yml", check=True, diff=True).assert_ok()
    assert world.mutating() == NO_WRITES
    assert world.kamal.calls() == []
    assert world.hcloud.client().servers.get_all() == [] and world.s3.client("ci").list_buckets()["Buckets"] == []
    assert plan.task("boltfoundry.infra.hetzner : Server").changed
    assert plan.task("boltfoundry.infra.object_storage : Run records bucket (ci project, private)").changed
    # Before the first run the floating IP has no address: DNS and Kamal say what they will do.
    assert plan.task("DNS records, once the floating IP exists").changed
    assert plan.task("Write the Kamal config and deploy, once the floating IP exists").changed
    planned_record = plan.task("Run record | write it to the ci project's bucket")
    assert planned_record.changed and '"playbook": "site.yml"' in planned_record["diff"]["after"]
    assert '"check_mode": true' in planned_record["diff"]["after"]
    assert world.leaked(plan) == []

    # The run, at -vvvv: every task's arguments and results are printed, secrets must not be.
    applied = world.run("site.yml", diff=True, verbosity=4).assert_ok()
    assert world.leaked(applied) == []
    hcloud = world.hcloud.client()
    (server,) = hcloud.servers.get_all()
    floating_ip = hcloud.floating_ips.get_by_name(SERVER)
    assert server.name == SERVER and floating_ip.server.id == server.id
    assert hcloud.volumes.get_by_name(VOLUME).server.id == server.id
    records = {(r.type, r.name): r.content for r in world.cloudflare.client().dns.records.list(zone_id=world.cloudflare.zone["id"]).result}
    assert records == {("A", "boltfoundry.test"): floating_ip.ip, ("CNAME", "assets.boltfoundry.test"): "bft-assets.hel1.your-objectstorage.com"}
    assert {b["Name"] for b in world.s3.client("production").list_buckets()["Buckets"]} == {"bft-assets"}
    # Kamal (the STAND-IN) deployed the app's secrets, and no infra token, to the floating IP.
    environment = world.kamal.state()["hosts"][floating_ip.ip]["env"]
    app_secrets = world.op.app_secrets("Production", infra=("CLOUDFLARE_API_TOKEN", "DEPLOY_WEBHOOK_TOKEN", "HCLOUD_TOKEN"))
    assert {name: environment[name] for name in app_secrets if name != "KAMAL_REGISTRY_PASSWORD"} == {
        name: value for name, value in app_secrets.items() if name != "KAMAL_REGISTRY_PASSWORD"
    }
    assert not set(environment) & {"HCLOUD_TOKEN", "CLOUDFLARE_API_TOKEN", "S3_SECRET_ACCESS_KEY", "KAMAL_REGISTRY_PASSWORD"}
    env_file = world.app / ".kamal" / "synced-sandbox.env"
    assert env_file.stat().st_mode & 0o777 == 0o600

    # The run record: one object in the ci project's private bucket, names and counts only.
    ((key, record),) = world.records().items()
    assert re.fullmatch(r"runs/sandbox/\d{4}-\d\d-\d\dT\d{6}Z-site-[0-9a-f]{12}\.json", key), key
    assert key.endswith(f"-{record['run_id']}.json")
    assert record["playbook"] == "site.yml" and record["environment"] == "sandbox" and record["check_mode"] is False
    assert record["collection_version"] == "0.1.0" and record["failed"] == 0
    assert set(record["roles"]) >= {"hetzner", "object_storage", "dns", "secrets", "kamal"}
    assert record["roles"]["hetzner"]["changed_tasks"]["Server"] == 1
    assert record["roles"]["dns"]["changed_tasks"] == {"DNS records of sandbox": 2}
    assert record["changed"] == sum(role["changed"] for role in record["roles"].values())
    stored = world.s3.client("ci").get_object(Bucket=RECORDS_BUCKET, Key=key)["Body"].read().decode()
    assert [value for value in world.secrets() if len(value) > 3 and value in stored] == []

    # A second run: nothing changes, no simulator sees a write, no new record.
    again = world.run("site.yml", diff=True).assert_ok()
    assert again.changed() == 0, again.output
    assert world.mutating() == NO_WRITES
    assert world.hcloud.admin.count("GET", r"^/v1/servers$") == 1  # provisioning reads, nothing is looked up twice
    assert [call[:1] for call in world.kamal.calls()][-1:] == [["app"]]  # asked what runs, did not deploy
    assert len(world.records()) == 1
    assert again.task("Run record | write it to the ci project's bucket").status == "skipped"
    assert world.leaked(again) == []


def test_deploy_alone_reads_the_facts_and_configure_alone_finds_them(site_world: SiteWorld) -> None:
    world = site_world
    missing = world.run("deploy.yml")
    assert missing.rc != 0 and world.mutating() == NO_WRITES
    assert (
        "No server boltfoundry-com, volume boltfoundry-com-data, floating IP boltfoundry-com labelled managed-by=boltfoundry.infra and "
        "environment=sandbox in this Hetzner Cloud project: run provision.yml (or site.yml) first."
    ) in missing.output

    world.run("site.yml").assert_ok()
    alone = world.run("deploy.yml", check=True, diff=True).assert_ok()
    assert alone.changed() == 0 and world.mutating() == NO_WRITES
    # The facts come from three reads by label (hcloud_info), nothing else at Hetzner.
    assert [(r["method"], r["path"]) for r in world.hcloud.admin.requests()] == [
        ("GET", "/v1/servers"),
        ("GET", "/v1/volumes"),
        ("GET", "/v1/floating_ips"),
    ]
    assert alone.task("boltfoundry.infra.hetzner : Return the facts provisioning returns").result["ansible_facts"]["hetzner_floating_ip"]["name"] == SERVER

    configured = world.run("configure.yml").assert_ok()
    assert configured.changed() == 0 and world.mutating() == NO_WRITES
    assert world.hcloud.admin.count() == 3


def test_secret_set(site_world: SiteWorld, tmp_path) -> None:
    world = site_world
    nothing = world.run("secrets.yml")
    assert nothing.rc != 0 and "Give the secrets to set or remove as secrets_set in a file of extra vars (-e @set.yml)" in nothing.output

    new = "a new value with $(dollar) and 'quotes'"
    added = world.run("secrets.yml", secrets_set=[{"name": "NEW_SECRET", "value": new}, {"name": "HYPERDX_API_KEY", "state": "absent"}])
    added.assert_ok()
    assert world.op.value("Production", "NEW_SECRET") == new and world.op.items("Production", "HYPERDX_API_KEY") == []
    assert new not in added.output and world.mutating()["onepassword"] == 2

    again = world.run("secrets.yml", secrets_set=[{"name": "NEW_SECRET", "value": new}, {"name": "HYPERDX_API_KEY", "state": "absent"}])
    assert again.assert_ok().changed() == 0 and world.mutating() == NO_WRITES
