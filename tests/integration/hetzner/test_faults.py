"""The hetzner role when the API misbehaves: injected faults, lost answers, a run killed half-way."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import yaml

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.harness.ansible import ANSIBLE_PLAYBOOK
from tests.integration.hetzner.conftest import SERVER, api_requests, role_play

FAULT_STATUSES = (429, 409, 423, 503)
RUNS = 20


def assert_one_of_each(sim: HcloudSim) -> None:
    client = sim.client()
    servers, volumes, floating_ips = client.servers.get_all(), client.volumes.get_all(), client.floating_ips.get_all()
    assert (len(servers), len(volumes), len(floating_ips)) == (1, 1, 1)
    assert len(client.ssh_keys.get_all()) == 1 and len(client.firewalls.get_all()) == 1
    assert volumes[0].server.id == servers[0].id and floating_ips[0].server.id == servers[0].id
    assert servers[0].status == "running"


def test_twenty_runs_with_a_fifth_of_the_requests_failing_leave_one_of_each(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    # Four rules, each taking the same share of what the ones before left, fault 20% of the API requests in all.
    share = 1 - 0.8 ** (1 / len(FAULT_STATUSES))
    hcloud_sim.admin.set_faults([{"path": "^/v1/", "status": status, "fraction": share} for status in FAULT_STATUSES], seed=6)
    failed_runs = []
    for number in range(RUNS):
        run = ansible.playbook(role_play(), env=hcloud_sim.env())
        if run.rc != 0:
            failed_runs.append((number, run.output[-2000:]))
    hcloud_sim.admin.clear_faults()
    log = [entry for entry in hcloud_sim.admin.requests() if entry["path"].startswith("/v1/")]
    faults = Counter(entry["fault"] for entry in log if entry["fault"])
    assert set(faults) == {str(status) for status in FAULT_STATUSES}
    assert 0.15 < sum(faults.values()) / len(log) < 0.25
    assert failed_runs == []  # every refused request was retried or re-planned, none failed a run
    assert_one_of_each(hcloud_sim)
    hcloud_sim.admin.reset_requests()
    assert ansible.playbook(role_play(), env=hcloud_sim.env()).assert_ok().changed() == 0


def test_a_server_create_whose_answer_is_lost_is_found_not_repeated(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    # The POST is carried out, then the connection drops: the module reads again and carries on with that server.
    hcloud_sim.admin.add_fault(method="POST", path="^/v1/servers$", drop=True, after=True, count=1)
    run = ansible.playbook(role_play(), env=hcloud_sim.env()).assert_ok()
    assert api_requests(hcloud_sim).count(("POST", "/v1/servers")) == 1
    assert run.task(SERVER).changed
    assert_one_of_each(hcloud_sim)


def test_a_504_after_a_create_is_not_answered_with_a_second_create(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    # hcloud-python would repeat this POST and meet its own server (uniqueness_error); the modules switch that off.
    hcloud_sim.admin.add_fault(method="POST", path="^/v1/(servers|volumes)$", status=504, after=True, count=2)
    ansible.playbook(role_play(), env=hcloud_sim.env()).assert_ok()
    requests = api_requests(hcloud_sim)
    assert requests.count(("POST", "/v1/servers")) == 1 and requests.count(("POST", "/v1/volumes")) == 1
    assert_one_of_each(hcloud_sim)


def test_a_run_killed_right_after_the_server_post_converges_on_the_next_run(ansible: AnsibleRunner, hcloud_sim: HcloudSim, tmp_path: Path) -> None:
    playbook = tmp_path / "site.yml"
    playbook.write_text(yaml.safe_dump(role_play(), sort_keys=False))
    environment = {**ansible.base_env(), **hcloud_sim.env()}
    # The next request after the POST waits, so the run is surely still inside the server task when it is killed.
    hcloud_sim.admin.add_fault(method="GET", path="^/v1/servers$", latency=2.0)
    process = subprocess.Popen(
        [ANSIBLE_PLAYBOOK, str(playbook), "-i", "localhost,"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while ("POST", "/v1/servers") not in api_requests(hcloud_sim):
            assert process.poll() is None, "ansible-playbook ended before it created the server"
            assert time.monotonic() < deadline, "no server POST within two minutes"
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    hcloud_sim.admin.clear_faults()
    client = hcloud_sim.client()
    assert len(client.servers.get_all()) == 1 and client.volumes.get_all() == []

    hcloud_sim.admin.reset_requests()
    ansible.playbook(role_play(), env=hcloud_sim.env()).assert_ok()
    assert ("POST", "/v1/servers") not in api_requests(hcloud_sim)
    assert_one_of_each(hcloud_sim)
