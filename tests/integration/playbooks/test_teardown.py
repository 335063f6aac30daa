"""teardown.yml: protection stops it before anything is deleted; lifted, it deletes what the collection made, keeps the
buckets and what it did not make, writes a run record, and a second teardown changes nothing."""

from __future__ import annotations

from tests.integration.playbooks.conftest import SiteWorld

NO_WRITES = {"hcloud": 0, "cloudflare": 0, "s3": 0, "onepassword": 0}


def test_protection_then_teardown(site_world: SiteWorld) -> None:
    world = site_world
    world.run("provision.yml").assert_ok()
    zone = world.cloudflare.zone["id"]
    dns = world.cloudflare.client().dns.records
    # A record someone made by hand in the zone: not the collection's, never deleted.
    dns.create(zone_id=zone, name="mail.boltfoundry.test", type="A", content="192.0.2.25", ttl=1)

    # The inventory protects the environment, as production is: the plan and the run both refuse, nothing is deleted.
    for check in (True, False):
        refused = world.run("teardown.yml", check=check, diff=check)
        assert refused.rc != 0 and world.mutating() == NO_WRITES
        (failed,) = [task for task in refused.tasks if task.failed]
        assert failed.task == "boltfoundry.infra.hetzner : Server absent"
        assert failed.msg == (
            "Server 'boltfoundry-com' is protected against deletion, so it is not deleted; to delete it, first run this module with "
            "state=present and delete_protection=false (in the hetzner role: hetzner_protection=false), then delete it."
        )
        assert world.hcloud.admin.count(mutating=True) == 0 and world.cloudflare.admin.count("DELETE") == 0

    # Lifting the protection is its own run (the hetzner role's rule), then the teardown goes through.
    world.run("provision.yml", hetzner_protection=False).assert_ok()
    plan = world.run("teardown.yml", check=True, diff=True, hetzner_protection=False).assert_ok()
    assert plan.changed() > 0 and world.mutating() == NO_WRITES
    done = world.run("teardown.yml", hetzner_protection=False).assert_ok()
    assert world.leaked(done) == []
    hcloud = world.hcloud.client()
    assert (hcloud.servers.get_all(), hcloud.volumes.get_all(), hcloud.floating_ips.get_all(), hcloud.firewalls.get_all(), hcloud.ssh_keys.get_all()) == (
        [],
        [],
        [],
        [],
        [],
    )
    assert [(r.type, r.name) for r in dns.list(zone_id=zone).result] == [("A", "mail.boltfoundry.test")]
    assert {b["Name"] for b in world.s3.client("production").list_buckets()["Buckets"]} == {"bft-assets"}
    teardown_records = {key: record for key, record in world.records().items() if "-teardown-" in key}
    ((_key, record),) = teardown_records.items()
    assert record["playbook"] == "teardown.yml" and record["roles"]["hetzner"]["changed"] == 5
    assert record["roles"]["dns"]["changed_tasks"] == {"DNS records of sandbox": 2}

    again = world.run("teardown.yml", hetzner_protection=False).assert_ok()
    assert again.changed() == 0 and world.mutating() == NO_WRITES


def test_a_teardown_that_stopped_after_the_floating_ip_went_still_deletes_the_dns_records(site_world: SiteWorld) -> None:
    world = site_world
    world.run("provision.yml", hetzner_protection=False).assert_ok()
    zone = world.cloudflare.zone["id"]
    dns = world.cloudflare.client().dns.records
    assert len(dns.list(zone_id=zone).result) == 2
    # As if an earlier teardown had got as far as the floating IP.
    hcloud = world.hcloud.client()
    floating_ip = hcloud.floating_ips.get_by_name("boltfoundry-com")
    floating_ip.unassign().wait_until_finished()
    floating_ip.delete()

    resumed = world.run("teardown.yml", hetzner_protection=False).assert_ok()
    assert world.leaked(resumed) == []
    assert dns.list(zone_id=zone).result == []
    assert hcloud.servers.get_all() == [] and hcloud.volumes.get_all() == []
