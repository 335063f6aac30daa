"""Unpack the collections lint and molecule need from the pinned ``ansible`` wheel.

Galaxy is unreachable from our machines, but PyPI's ``ansible`` package bundles
the community collections. This downloads the wheel pinned (with its hash) in
requirements/collections.txt and unpacks only the collections named here into
``.collections/bundled/ansible_collections``, then checks that every dependency
galaxy.yml declares is there in a version it accepts. A stamp file makes a
second run a no-op until the pin or this list changes.

It also links this checkout as ``boltfoundry.infra`` under
``.collections/self`` so molecule finds the collection under test without
building and installing it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import yaml
from ansible.galaxy.dependency_resolution.versioning import meets_requirements

REPO = Path(__file__).resolve().parent.parent
PIN_FILE = REPO / "requirements" / "collections.txt"
TARGET = REPO / ".collections"
BUNDLED = TARGET / "bundled" / "ansible_collections"
SELF = TARGET / "self" / "ansible_collections" / "boltfoundry" / "infra"
STAMP = TARGET / "bundled" / ".stamp"
COLLECTIONS = ("ansible.posix", "community.general", "containers.podman")


def pinned_requirement() -> str:
    lines = [line.strip() for line in PIN_FILE.read_text().splitlines()]
    pins = [line for line in lines if line and not line.startswith("#")]
    if len(pins) != 1 or not pins[0].startswith("ansible=="):
        sys.exit(f"{PIN_FILE} must hold exactly one pinned 'ansible==X.Y.Z --hash=sha256:...' line")
    return pins[0]


def unpack(wheel: Path, destination: Path) -> dict[str, str]:
    """Extract the listed collections; return their versions from MANIFEST.json."""
    versions = {}
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for collection in COLLECTIONS:
            prefix = "ansible_collections/" + collection.replace(".", "/") + "/"
            members = [name for name in names if name.startswith(prefix)]
            if not members:
                sys.exit(f"{wheel.name} does not bundle {collection}; pick another pin in {PIN_FILE}")
            for member in members:
                archive.extract(member, destination.parent)
            manifest = yaml.safe_load(archive.read(prefix + "MANIFEST.json"))
            versions[collection] = manifest["collection_info"]["version"]
    return versions


def check_galaxy_dependencies(versions: dict[str, str], galaxy_file: Path = REPO / "galaxy.yml") -> None:
    """Exit with a message unless every dependency galaxy.yml declares is unpacked in a version it accepts."""
    dependencies = yaml.safe_load(galaxy_file.read_text()).get("dependencies") or {}
    for name, spec in dependencies.items():
        if name not in versions:
            sys.exit(f"galaxy.yml depends on {name}, which tools/test_collections.py does not unpack: add it to COLLECTIONS")
        if not meets_requirements(versions[name], str(spec)):
            sys.exit(f"galaxy.yml wants {name} {spec} but {PIN_FILE.name} bundles {versions[name]}: change one of them")


def link_self() -> None:
    SELF.parent.mkdir(parents=True, exist_ok=True)
    if SELF.is_symlink() and SELF.resolve() == REPO:
        return
    if SELF.is_symlink():
        SELF.unlink()
    SELF.symlink_to(REPO, target_is_directory=True)


def main() -> int:
    link_self()
    requirement = pinned_requirement()
    wanted_stamp = "\n".join([requirement, *COLLECTIONS, ""])
    if STAMP.exists() and STAMP.read_text() == wanted_stamp:
        return 0
    with tempfile.TemporaryDirectory(prefix="bf-collections-") as work:
        download = Path(work, "download")
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
        subprocess.run([*pip, "download", "--quiet", "--no-deps", "--require-hashes", "-r", str(PIN_FILE), "-d", str(download)], check=True)
        wheel = next(download.glob("ansible-*.whl"))
        staged = Path(work, "ansible_collections")
        versions = unpack(wheel, staged)
        check_galaxy_dependencies(versions)
        shutil.rmtree(BUNDLED, ignore_errors=True)
        BUNDLED.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged, BUNDLED)
    STAMP.write_text(wanted_stamp)
    print("unpacked " + ", ".join(f"{name} {version}" for name, version in sorted(versions.items())) + f" into {BUNDLED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
