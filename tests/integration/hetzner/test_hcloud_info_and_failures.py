"""hcloud_info by label selector, and how every module fails: bad token, no API, rate limit, actions that outlast the timeout."""

from __future__ import annotations

import socket

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.integration.hcloud.conftest import make_server, public_key
from tests.integration.hetzner.conftest import api_requests, run_module, task, tasks_play

ALL_KINDS = ["servers", "volumes", "floating_ips", "ssh_keys", "firewalls"]


def test_info_lists_what_a_label_selector_matches(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    for environment in ("production", "staging"):
        labels = {"managed-by": "boltfoundry.infra", "environment": environment}
        server = make_server(client, f"web-{environment}", labels=labels)
        client.volumes.create(size=10, name=f"data-{environment}", location=server.location, labels=labels).action.wait_until_finished()
        client.floating_ips.create(type="ipv4", name=f"ip-{environment}", home_location=server.location, labels=labels)
        client.ssh_keys.create(name=f"key-{environment}", public_key=public_key(len(environment)), labels=labels)
    client.ssh_keys.create(name="someone-else", public_key=public_key(99))

    hcloud_sim.admin.reset_requests()
    args = {"label_selector": "managed-by=boltfoundry.infra,environment=production", "kinds": ALL_KINDS}
    found, _run = run_module(ansible, hcloud_sim, "hcloud_info", args, check=True)
    assert not found.changed
    assert [server["name"] for server in found["servers"]] == ["web-production"]
    assert [volume["name"] for volume in found["volumes"]] == ["data-production"]
    assert found["volumes"][0]["linux_device"].startswith("/dev/disk/by-id/scsi-0HC_Volume_")
    assert [address["name"] for address in found["floating_ips"]] == ["ip-production"]
    assert [key["name"] for key in found["ssh_keys"]] == ["key-production"]
    assert found["firewalls"] == []
    assert [path for _method, path in api_requests(hcloud_sim)] == [f"/v1/{kind}" for kind in ALL_KINDS]  # one request per kind

    by_name, _run = run_module(ansible, hcloud_sim, "hcloud_info", {"name": "data-staging", "kinds": ["volumes"]})
    assert [volume["name"] for volume in by_name["volumes"]] == ["data-staging"] and "servers" not in by_name.result


def test_a_wrong_token_says_which_option_to_check_and_never_shows_the_token(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    wrong = "sandboxWrongTokenNotARealSecret" + "0" * 30
    run = ansible.playbook(
        tasks_play([{"name": "read", "boltfoundry.infra.hcloud_info": {}}]),
        env={"HCLOUD_ENDPOINT": hcloud_sim.api_endpoint, "HCLOUD_TOKEN": wrong},
        verbosity=4,
    )
    result = run.task("read")
    assert result.failed
    assert result.msg.startswith("Listing servers failed: the API answered unable to authenticate (unauthorized, correlation id ")
    assert result.msg.endswith(
        "Check api_token (or HCLOUD_TOKEN): it must be a current API token of the Hetzner Cloud project (Console, Security, API tokens)."
    )
    assert result["failure"]["code"] == "unauthorized" and result["failure"]["correlation_id"]
    assert wrong not in run.output  # not even at -vvvv

    missing = ansible.playbook(
        tasks_play([{"name": "read", "boltfoundry.infra.hcloud_info": {}}]), env={"HCLOUD_TOKEN": "", "HCLOUD_ENDPOINT": hcloud_sim.api_endpoint}
    )
    assert missing.task("read").msg == "api_token is empty: give an API token of the Hetzner Cloud project, or set HCLOUD_TOKEN."


def test_an_endpoint_that_does_not_answer(ansible: AnsibleRunner) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = ansible.playbook(
        tasks_play([{"name": "read", "boltfoundry.infra.hcloud_info": {"api_token": "x", "api_endpoint": f"http://127.0.0.1:{port}/v1"}}]),
    )
    result = run.task("read")
    assert result.msg.startswith("Listing servers failed: no answer from the API (ConnectionError). Check api_endpoint (http://127.0.0.1:")
    assert [retry["reason"] for retry in result["api_retries"]] == ["ConnectionError"] * 7  # 8 tries of a read


def test_the_rate_limit_is_waited_out_as_its_headers_say_or_reported(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    # 360 an hour: one request back every 10 s. One left: the first listing takes it, the second meets the limit,
    # and the module waits the 10 s the headers say instead of failing (Ansible starting up takes far less).
    hcloud_sim.admin.set_rate_limit(limit=360, remaining=1)
    waited, _run = run_module(ansible, hcloud_sim, "hcloud_info", {"kinds": ["servers", "volumes"]})
    assert not waited.failed
    [retry] = waited["api_retries"]
    assert retry["reason"] == "rate_limit_exceeded" and retry["path"] == "/v1/volumes" and 9 <= retry["delay"] <= 10.5

    # 36 an hour: the next request is 100 s away, more than the module may wait; it says so at once.
    hcloud_sim.admin.set_rate_limit(limit=36, remaining=0)
    refused, _run = run_module(ansible, hcloud_sim, "hcloud_info", {"kinds": ["servers"], "timeout": 30})
    assert refused["failure"]["code"] == "rate_limit_exceeded" and refused["api_retries"] == []
    assert "The project's request budget is used up" in refused.msg and "raise timeout" in refused.msg
    hcloud_sim.admin.set_rate_limit(limit=3600, remaining=3600)


def test_actions_that_outlast_the_timeout_are_named(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    server = {"name": "web", "server_type": "cpx22", "image": "ubuntu-22.04", "location": "ash", "timeout": 1}
    with hcloud_sim.frozen():
        slow, _run = run_module(ansible, hcloud_sim, "hcloud_server", server)
    assert slow.failed and slow["failure"]["code"] == "timeout"
    assert slow.msg.startswith("Waiting for the actions on server 'web' did not finish: still running after the timeout of 1 seconds: create_server (")
    assert slow.msg.endswith("The actions go on at Hetzner: run again later (the module waits for them), or raise timeout.")
    done, _run = run_module(ansible, hcloud_sim, "hcloud_server", {**server, "timeout": 60})
    assert not done.changed and done["hcloud_server"]["status"] == "running"  # the next run found it and waited


def test_labels_the_api_would_refuse_stop_a_module_before_its_first_request(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    hcloud_sim.admin.reset_requests()
    args = {"name": "deploy", "public_key": public_key(1), "labels": {"environment": "prod eu"}}
    refused, _run = run_module(ansible, hcloud_sim, "hcloud_ssh_key", args)
    assert refused.failed
    assert refused.msg == (
        "labels: the value 'prod eu' of the key 'environment' is not a valid label value "
        "(empty, or 63 characters at most, a letter or digit at both ends, and only letters, digits, dashes, underscores and dots)."
    )
    assert api_requests(hcloud_sim) == []


def test_the_label_selector_filter_finds_what_the_labels_name(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    client.ssh_keys.create(name="ours", public_key=public_key(1), labels={"managed-by": "boltfoundry.infra", "environment": "ci"})
    client.ssh_keys.create(name="theirs", public_key=public_key(2), labels={"environment": "ci"})
    selector = "{{ {'managed-by': 'boltfoundry.infra', 'environment': bf_environment} | boltfoundry.infra.hcloud_label_selector }}"
    info = task("find", "hcloud_info", {"label_selector": selector, "kinds": ["ssh_keys"]}, vars={"bf_environment": "ci"})
    run = ansible.playbook(tasks_play([info]), env=hcloud_sim.env()).assert_ok()
    assert [key["name"] for key in run.task("find")["ssh_keys"]] == ["ours"]

    bad = ansible.playbook(tasks_play([{**info, "vars": {"bf_environment": "ci/eu"}}]), env=hcloud_sim.env())
    assert bad.rc != 0
    assert "hcloud_label_selector's input: the value 'ci/eu' of the key 'environment' is not a valid label value" in bad.output
