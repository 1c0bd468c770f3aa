"""Small helpers shared by the simulator tests."""

from __future__ import annotations

from typing import Any

from pypureclient import flasharray

GiB = 1024**3


def ok(res: Any) -> list[Any]:
    """The items of a successful response; fail with the array's message otherwise."""
    assert res.status_code == 200, [e.message for e in getattr(res, "errors", [])]
    return list(res.items) if res.items is not None else []


def err(res: Any, status: int = 400) -> str:
    """The first error message of a failed response."""
    assert res.status_code == status, f"expected {status}, got {res.status_code}"
    assert not hasattr(res, "items")
    return res.errors[0].message


def names(items: list[Any]) -> list[str]:
    return [item.name for item in items]


def create_volumes(client: Any, *vols: str, size: int = GiB) -> None:
    ok(client.post_volumes(names=list(vols), volume=flasharray.VolumePost(provisioned=size)))


def setup_async(
    src: Any,
    tgt: Any,
    *,
    pg: str = "pg",
    source_array: str = "array-a",
    target_array: str = "array-b",
    volumes: tuple[str, ...] = (),
    frequency_ms: int = 3_600_000,
    retention: tuple[int, int, int] = (14_400, 3, 7),
    enable: bool = True,
) -> None:
    """The sequence the Cinder driver runs in ``_setup_replicated_pgroups``."""
    ok(src.post_protection_groups(names=[pg]))
    all_for, per_day, days = retention
    ok(
        src.patch_protection_groups(
            names=[pg],
            protection_group=flasharray.ProtectionGroup(
                target_retention=flasharray.RetentionPolicy(
                    all_for_sec=all_for, per_day=per_day, days=days
                )
            ),
        )
    )
    ok(
        src.patch_protection_groups(
            names=[pg],
            protection_group=flasharray.ProtectionGroup(
                replication_schedule=flasharray.ReplicationSchedule(frequency=frequency_ms)
            ),
        )
    )
    ok(src.post_protection_groups_targets(group_names=[pg], member_names=[target_array]))
    ok(
        tgt.patch_protection_groups_targets(
            group_names=[f"{source_array}:{pg}"],
            target=flasharray.TargetProtectionGroupPostPatch(allowed=True),
        )
    )
    if volumes:
        ok(src.post_protection_groups_volumes(group_names=[pg], member_names=list(volumes)))
    if enable:
        ok(
            src.patch_protection_groups(
                names=[pg],
                protection_group=flasharray.ProtectionGroup(
                    replication_schedule=flasharray.ReplicationSchedule(enabled=True)
                ),
            )
        )


def snap_now(client: Any, pg: str = "pg", **kwargs: Any) -> str:
    """``replicate_now`` snapshot with retention, as the Ansible module does it."""
    kwargs.setdefault("apply_retention", True)
    items = ok(
        client.post_protection_group_snapshots(source_names=[pg], replicate_now=True, **kwargs)
    )
    return items[0].name


def latest_complete(client: Any, replica_pg: str = "array-a:pg") -> Any:
    """Cinder's ``_get_latest_replicated_pg_snap``, with ``source_names``."""
    items = ok(
        client.get_protection_group_snapshots_transfer(
            source_names=[replica_pg],
            destroyed=False,
            filter='progress="1.0"',
            sort=["started-"],
        )
    )
    return items[0] if items else None
