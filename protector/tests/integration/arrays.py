"""Both simulated FlashArrays against both Cinders (--storage pure): after a
DR operation every array volume belongs to a volume Cinder knows and every
Cinder volume is on its array; nothing destroyed, unmanaged or left of a
deleted protection group stays behind.

Names are Cinder's Pure driver's: ``volume-<id>-cinder``, and
``cinder-pod::volume-<id>-cinder`` for ``replicated-sync`` volumes, which
live in the one pod both sites' drivers stretch over both arrays.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import openstack

from protector.lab import arrays as lab_arrays
from protector.lab import config
from protector.tests.integration import cloud_lab

POD = "cinder-pod::"
SETTLING = ("creating", "deleting", "downloading", "attaching", "detaching", "maintenance")


@dataclass(frozen=True)
class ArrayView:
    live: set[str]
    destroyed: set[str]
    pgroups: set[str]


def array_view(site: config.Site) -> ArrayView:
    with lab_arrays.session(site) as client:
        vols = list(client.get_volumes().items)
        pgroups = {g.name for g in client.get_protection_groups().items}
    return ArrayView(live={v.name for v in vols if not v.destroyed},
                     destroyed={v.name for v in vols if v.destroyed}, pgroups=pgroups)


def _admin(cloud: str) -> openstack.connection.Connection:
    return openstack.connection.Connection(config=cloud_lab.cloud_region(cloud))


def cinder_names(cloud: str, timeout: float = 120) -> set[str]:
    """Array names of every volume ``cloud``'s Cinder holds, in all projects,
    once none is half-way through a change."""
    conn = _admin(cloud)
    sync_types = {t.name for t in conn.block_storage.types()
                  if "sync" in str((t.extra_specs or {}).get("replication_type", ""))
                  and "async" not in str((t.extra_specs or {}).get("replication_type", ""))}
    deadline = time.monotonic() + timeout
    while True:
        vols = list(conn.block_storage.volumes(details=True, all_projects=True))
        settling = [(v.id, v.status) for v in vols if v.status in SETTLING]
        if not settling:
            break
        assert time.monotonic() < deadline, f"{cloud}: volumes still settling: {settling}"
        time.sleep(2)
    errored = [(v.id, v.name, v.status) for v in vols if v.status.startswith("error")]
    assert not errored, f"{cloud}: volumes in error: {errored}"
    return {f"{POD if v.volume_type in sync_types else ''}volume-{v.id}-cinder" for v in vols}


def pod_volumes(site: str) -> set[str]:
    """The live ``cinder-pod::`` volumes on site ``site`` ("a" or "b")'s array."""
    return {n for n in array_view(config.SITES[site]).live if n.startswith(POD)}


def assert_accounted(gone_pgroups: tuple[str, ...] = ()) -> dict[str, ArrayView]:
    """Each array holds exactly the volumes its Cinder knows (plus the pod's
    volumes of both), nothing destroyed or ``-unmanaged``, and none of
    ``gone_pgroups`` (protector's deleted PGs) on either array, as source or
    as replica target (``<peer>:<name>``)."""
    a, b = config.SITES["a"], config.SITES["b"]
    names = {a: cinder_names("site-a"), b: cinder_names("site-b")}
    pod = {n for known in names.values() for n in known if n.startswith(POD)}
    views = {}
    for site, peer in ((a, b), (b, a)):
        view = array_view(site)
        views[site.array_name] = view
        local = {n for n in names[site] if not n.startswith(POD)}
        on_array = {n for n in view.live if not n.startswith(POD)}
        assert on_array == local, (
            f"{site.array_name}: volumes no Cinder volume of {site.cloud} owns: "
            f"{sorted(on_array - local)}; Cinder volumes missing on the array: "
            f"{sorted(local - on_array)}")
        pod_live = {n for n in view.live if n.startswith(POD)}
        assert pod_live == pod, (f"{site.array_name}: pod volumes {sorted(pod_live)}, "
                                 f"Cinder's {sorted(pod)}")
        assert not view.destroyed, f"{site.array_name}: destroyed, not eradicated: " \
                                   f"{sorted(view.destroyed)}"
        unmanaged = sorted(n for n in view.live if n.endswith("-unmanaged"))
        assert not unmanaged, f"{site.array_name}: unmanaged copies left: {unmanaged}"
        stray = sorted(g for g in view.pgroups for name in gone_pgroups
                       if g in (name, f"{peer.array_name}:{name}")
                       or g.endswith(f"::{name}"))
        assert not stray, f"{site.array_name}: protection groups of deleted PGs: {stray}"
    return views


def unmanaged_volume(cloud: str, name: str, size_gb: int) -> str:
    """A volume ``cloud``'s Cinder does not know, as ``source-name`` for
    ``manage``: made on the site's array (pure), or the mock lab driver's
    ``name@<GiB>`` convention (mock)."""
    if config.storage_mode() != "pure":
        return f"{name}@{size_gb}"
    from pypureclient import flasharray

    with lab_arrays.session(_site(cloud)) as client:
        _ok(client.post_volumes(names=[name],
                                volume=flasharray.VolumePost(provisioned=size_gb * 2**30)))
    return name


def remove_unmanaged(cloud: str, name: str) -> None:
    """Eradicate the ``<name>-unmanaged`` copy Cinder's Pure driver leaves on
    unmanage (an operator's job; no-op in mock mode). Fails if it is not there."""
    drop_volume(cloud, f"{name}-unmanaged")


def drop_volume(cloud: str, name: str) -> None:
    """Destroy and eradicate array volume ``name`` (pure; no-op in mock mode)."""
    if config.storage_mode() != "pure":
        return
    from pypureclient import flasharray

    with lab_arrays.session(_site(cloud)) as client:
        _ok(client.patch_volumes(names=[name], volume=flasharray.VolumePatch(destroyed=True)))
        _ok(client.delete_volumes(names=[name]))


def _site(cloud: str) -> config.Site:
    return config.SITES[cloud.removeprefix("site-").split("-", 1)[0]]


def _ok(resp: Any) -> Any:
    errors = getattr(resp, "errors", None)
    assert not errors, "; ".join(str(getattr(e, "message", e)) for e in errors)
    return resp


def server_backends(cloud: str, volume_ids: set[str]) -> set[str]:
    """The Cinder backends (host@backend) holding ``volume_ids``."""
    conn = _admin(cloud)
    hosts: set[str] = set()
    for vid in volume_ids:
        vol: Any = conn.block_storage.get_volume(vid)
        hosts.add(str(vol.host).split("#", 1)[0])
    return hosts
