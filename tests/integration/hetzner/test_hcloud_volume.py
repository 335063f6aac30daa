"""hcloud_volume through ansible-playbook: only growing, attach/move/detach, overlap with the server's creation, deletion rules."""

from __future__ import annotations

from tests.fixtures.hcloud import HcloudSim
from tests.harness import AnsibleRunner
from tests.integration.hcloud.conftest import make_server
from tests.integration.hetzner.conftest import run_module, task, tasks_play, writes

VOLUME = {"name": "data", "size": 10, "location": "ash", "format": "ext4", "labels": {"environment": "production"}}


def test_grow_attach_move_detach_and_never_shrink(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    first = make_server(client, "first", labels={"managed-by": "boltfoundry.infra"})
    second = make_server(client, "second", labels={"managed-by": "boltfoundry.infra"})
    tasks = [
        task("create on first", "hcloud_volume", {**VOLUME, "server": "first"}),
        task("the same by ID", "hcloud_volume", {**VOLUME, "server": str(first.id)}),
        task("grow", "hcloud_volume", {"name": "data", "size": 20}, diff=True),
        task("move", "hcloud_volume", {"name": "data", "server": "second"}, diff=True),
        task("detach", "hcloud_volume", {"name": "data", "detach": True}),
        task("detached again", "hcloud_volume", {"name": "data", "detach": True}),
        task("other format", "hcloud_volume", {"name": "data", "format": "xfs"}),
    ]
    run = ansible.playbook(tasks_play(tasks), env=hcloud_sim.env()).assert_ok()
    assert [run.task(t["name"]).changed for t in tasks] == [True, False, True, True, True, False, False]
    created = run.task("create on first")["hcloud_volume"]
    assert created["server"] == first.id and created["linux_device"] == f"/dev/disk/by-id/scsi-0HC_Volume_{created['id']}"
    assert (run.task("grow")["diff"]["before"]["size"], run.task("grow")["diff"]["after"]["size"]) == (10, 20)
    assert (run.task("move")["diff"]["before"]["server"], run.task("move")["diff"]["after"]["server"]) == (first.id, second.id)
    assert "is used only at creation" in run.output
    volume = client.volumes.get_by_name("data")
    assert (volume.size, volume.server, volume.format) == (20, None, "ext4")

    hcloud_sim.admin.reset_requests()
    for check in (True, False):
        shrink, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {"name": "data", "size": 10}, check=check)
        assert shrink.failed
        assert shrink.msg == (
            "size 10 GB is smaller than the 20 GB volume 'data' has: volumes only grow, and shrinking would lose data; set size to 20 or more."
        )
    assert writes(hcloud_sim) == []
    assert client.volumes.get_by_name("data").size == 20


def test_the_volume_is_created_while_its_server_is_still_being_created(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    hcloud_sim.admin.set_durations(create_server=600)  # three seconds at test speed: long enough to overlap
    server = {"name": "web", "server_type": "cpx22", "image": "ubuntu-22.04", "location": "ash", "wait": False}
    tasks = [
        task("server", "hcloud_server", server, register="server"),
        task("volume", "hcloud_volume", {**VOLUME, "server": "{{ server.hcloud_server.id }}"}),
    ]
    ansible.playbook(tasks_play(tasks), env=hcloud_sim.env()).assert_ok()
    client = hcloud_sim.client()
    web, volume = client.servers.get_by_name("web"), client.volumes.get_by_name("data")
    assert volume.server.id == web.id
    create_server = next(a for a in client.servers.get_actions(web) if a.command == "create_server")
    create_volume, attach = (next(a for a in client.volumes.get_actions(volume) if a.command == command) for command in ("create_volume", "attach_volume"))
    assert create_volume.started < create_server.finished  # overlapped
    assert attach.started >= create_server.finished  # and attached once the server was up


def test_deleting_needs_it_detached_or_force_and_never_a_protected_one(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    client = hcloud_sim.client()
    make_server(client, "web")
    run_module(ansible, hcloud_sim, "hcloud_volume", {**VOLUME, "server": "web", "delete_protection": True})
    hcloud_sim.admin.reset_requests()
    protected, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {"name": "data", "state": "absent", "force": True})
    assert protected.failed and "protected against deletion" in protected.msg
    run_module(ansible, hcloud_sim, "hcloud_volume", {"name": "data", "delete_protection": False})
    attached, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {"name": "data", "state": "absent"})
    assert attached.msg == (
        "Volume 'data' is attached to server "
        f"{client.servers.get_by_name('web').id}, and a volume is deleted only when detached; "
        "detach it first (detach=true), or set force=true to detach and delete it."
    )
    assert [path for method, path in writes(hcloud_sim)] == [f"/v1/volumes/{client.volumes.get_by_name('data').id}/actions/change_protection"]
    forced, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {"name": "data", "state": "absent", "force": True})
    assert [method for method, _path in writes(hcloud_sim)][-2:] == ["POST", "DELETE"]  # detached, then deleted
    assert forced.changed and client.volumes.get_all() == []


def test_clear_refusals(ansible: AnsibleRunner, hcloud_sim: HcloudSim) -> None:
    no_size, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {"name": "data", "location": "ash"})
    assert no_size.msg == "volume 'data' does not exist, and size is needed to create it."
    nowhere, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {"name": "data", "size": 10})
    assert nowhere.msg == "volume 'data' does not exist, and location (or server) is needed to create it."
    no_server, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {**VOLUME, "server": "ghost"})
    assert no_server.msg == "server is 'ghost', but the project has no server of that name; create the server first."
    both, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {**VOLUME, "server": "ghost", "detach": True})
    assert both.msg == "detach=true and server contradict each other: give one of them."
    too_big, _run = run_module(ansible, hcloud_sim, "hcloud_volume", {**VOLUME, "size": 20000})
    assert too_big.msg == "size 20000 is out of range: a volume has 10 to 10240 GB."
    assert writes(hcloud_sim) == []
