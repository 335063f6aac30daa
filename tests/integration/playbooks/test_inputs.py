"""What the controller must provide (the deploy key, the app checkout) is checked before the first change."""

from __future__ import annotations

from pathlib import Path

from tests.harness import AnsibleRunner
from tests.integration.playbooks.conftest import INVENTORY, PLAYBOOKS, REPO_ROOT, SiteWorld

NO_WRITES = {"hcloud": 0, "cloudflare": 0, "s3": 0, "onepassword": 0}


def test_a_missing_app_checkout_stops_site_before_anything_changes(site_world: SiteWorld, tmp_path: Path) -> None:
    world = site_world
    world.env["BF_SANDBOX_APP_DIR"] = str(tmp_path / "no-such-app")
    run = world.run("site.yml")
    assert run.rc != 0 and world.mutating() == NO_WRITES
    assert run.tasks[-1].msg == (
        f"kamal_app_dir {tmp_path / 'no-such-app'} is not a directory: set BF_APP_DIR (or kamal_app_dir in the inventory) to the checkout of the app"
        " Kamal deploys."
    )
    assert world.hcloud.admin.count() == 0 and world.op.invocations() == []


def test_the_production_inventory_names_what_is_missing(collections_path: str, tmp_path: Path) -> None:
    ansible = AnsibleRunner(f"{collections_path}:{REPO_ROOT / '.collections' / 'bundled'}", tmp_path / "ansible")
    production = str(INVENTORY.parent / "production")
    no_key = ansible.playbook(PLAYBOOKS / "site.yml", inventory=production, env={"BF_SSH_PUBLIC_KEY_FILE": str(tmp_path / "none.pub")})
    assert no_key.rc != 0
    assert no_key.tasks[-1].msg.startswith(f"The deploy key's public half {tmp_path / 'none.pub'} is missing or empty: set BF_SSH_PUBLIC_KEY_FILE")

    key = tmp_path / "deploy.pub"
    key.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGsn2fQ5nQmF0uK1pYd8m3b8g5y1Q5l7J0ZkZ6Yl8aXz test\n")
    no_app = ansible.playbook(PLAYBOOKS / "site.yml", inventory=production, env={"BF_SSH_PUBLIC_KEY_FILE": str(key)})
    assert no_app.rc != 0 and "BF_APP_DIR is not set: export it as the path of the app checkout Kamal deploys." in no_app.output
