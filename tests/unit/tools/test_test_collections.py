"""tools/test_collections.py refuses a pin that does not satisfy galaxy.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tools import test_collections


@pytest.fixture
def galaxy_file(tmp_path: Path) -> Path:
    path = tmp_path / "galaxy.yml"
    path.write_text('dependencies:\n  ansible.posix: ">=1.5.4"\n  community.general: ">=9.0.0,<12.0.0"\n')
    return path


def test_versions_inside_the_ranges_pass(galaxy_file):
    test_collections.check_galaxy_dependencies({"ansible.posix": "2.1.0", "community.general": "11.4.2", "containers.podman": "1.18.0"}, galaxy_file)


def test_a_version_outside_a_range_names_the_collection_and_both_sides(galaxy_file):
    with pytest.raises(SystemExit) as raised:
        test_collections.check_galaxy_dependencies({"ansible.posix": "2.1.0", "community.general": "12.0.0"}, galaxy_file)
    assert str(raised.value) == "galaxy.yml wants community.general >=9.0.0,<12.0.0 but collections.txt bundles 12.0.0: change one of them"


def test_a_dependency_that_is_not_unpacked_is_named(galaxy_file):
    with pytest.raises(SystemExit) as raised:
        test_collections.check_galaxy_dependencies({"community.general": "11.4.2"}, galaxy_file)
    assert "galaxy.yml depends on ansible.posix, which tools/test_collections.py does not unpack" in str(raised.value)


def test_every_dependency_galaxy_yml_declares_is_unpacked():
    dependencies = yaml.safe_load((test_collections.REPO / "galaxy.yml").read_text())["dependencies"]
    assert set(dependencies) <= set(test_collections.COLLECTIONS)
