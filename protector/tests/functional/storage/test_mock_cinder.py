"""Cinder consistency groups simulated in SQLite (use_mock_cinder)."""

from __future__ import annotations

import os
import stat
from typing import Any

import pytest

from protector.storage import base, factory
from protector.storage import exception as exc
from protector.storage.mock_cinder import MockConsistencyGroupAPI


@pytest.fixture
def api(tmp_path: Any) -> MockConsistencyGroupAPI:
    return MockConsistencyGroupAPI(str(tmp_path / "mock_storage"))


def test_group_life_cycle(api):
    assert isinstance(api, base.ConsistencyGroupAPI)
    group = api.create_group("pg-web", "replicated-async", description="web tier",
                             project_id="p1")
    assert (group.name, group.volume_type, group.status, group.volume_ids) == (
        "pg-web", "replicated-async", "available", ())
    group = api.add_volumes(group.id, ["vol-2", "vol-1"])
    assert group.volume_ids == ("vol-1", "vol-2")
    assert api.add_volumes(group.id, ["vol-1"]).volume_ids == ("vol-1", "vol-2")  # idempotent
    assert api.remove_volumes(group.id, ["vol-2", "unknown"]).volume_ids == ("vol-1",)
    assert api.get_group(group.id) == api.list_groups("p1")[0]
    assert api.list_groups("p2") == []
    with pytest.raises(exc.ConsistencyGroupConflict, match="still has 1 volume"):
        api.delete_group(group.id)
    api.delete_group(group.id, delete_volumes=True)
    assert api.list_groups() == []
    with pytest.raises(exc.ConsistencyGroupNotFound):
        api.get_group(group.id)
    with pytest.raises(exc.ConsistencyGroupNotFound):
        api.add_volumes(group.id, ["vol-1"])


def test_a_volume_belongs_to_one_group(api):
    first = api.create_group("a", "t")
    second = api.create_group("b", "t")
    api.add_volumes(first.id, ["vol-1"])
    with pytest.raises(exc.ConsistencyGroupConflict, match="already belongs"):
        api.add_volumes(second.id, ["vol-2", "vol-1"])
    assert api.get_group(second.id).volume_ids == ()  # all or nothing
    api.delete_group(first.id, delete_volumes=True)
    assert api.add_volumes(second.id, ["vol-1"]).volume_ids == ("vol-1",)


def test_state_is_a_private_file_that_persists(api, tmp_path):
    group = api.create_group("pg", "t")
    path = tmp_path / "mock_storage" / "cinder_groups.sqlite"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o755
    again = MockConsistencyGroupAPI(str(path.parent))
    assert again.get_group(group.id).name == "pg"


def test_selected_by_use_mock_cinder(conf):
    assert factory.get_consistency_group_api(conf) is None
    conf.set_override("use_mock_cinder", True)
    try:
        api = factory.get_consistency_group_api(conf)
    finally:
        conf.clear_override("use_mock_cinder")
    assert isinstance(api, MockConsistencyGroupAPI)
    assert api.path == os.path.join(conf.state_path, "mock_storage", "cinder_groups.sqlite")


def test_one_file_per_site_in_the_shared_dir(conf, tmp_path):
    """Any engine acting on site-b (its own or site-a's) finds site-b's groups."""
    conf.set_override("use_mock_cinder", True)
    conf.set_override("mock_storage_dir", str(tmp_path / "shared"), group="storage")
    try:
        group = factory.get_consistency_group_api(conf, site="site-b").create_group("pg", "t")
        again = factory.get_consistency_group_api(conf, site="site-b")
        other = factory.get_consistency_group_api(conf, site="site-a")
    finally:
        conf.clear_override("use_mock_cinder")
        conf.clear_override("mock_storage_dir", group="storage")
    assert again.path == str(tmp_path / "shared" / "cinder_groups-site-b.sqlite")
    assert again.get_group(group.id).name == "pg"
    assert [g.id for g in other.list_groups()] == []
