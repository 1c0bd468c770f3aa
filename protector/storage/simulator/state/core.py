"""Shared plumbing of one simulated array: its stores, lookups and time."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from protector.storage.simulator.errors import does_not_exist, pending_eradication
from protector.storage.simulator.names import glob_match, split_pod
from protector.storage.simulator.state.records import (
    PGroup,
    PGSnapshot,
    Pod,
    Store,
    Volume,
    VolumeSnapshot,
    new_id,
)

if TYPE_CHECKING:
    from protector.storage.simulator.state.fabric import Fabric


class _Listed(Protocol):
    name: str
    destroyed_at: int | None


ListedT = TypeVar("ListedT", bound=_Listed)


def destroyed_filter(destroyed: bool | None, destroyed_at: int | None) -> bool:
    """``destroyed=`` query semantics: True only destroyed, False only live, None both."""
    if destroyed is None:
        return True
    return (destroyed_at is not None) == destroyed


class ArrayCore:
    """State and lookups shared by the per-resource operation mixins."""

    def __init__(
        self,
        fabric: Fabric,
        name: str,
        *,
        api_token: str,
        purity_version: str,
        rest_versions: list[str],
    ) -> None:
        self.fabric = fabric
        self.name = name
        self.id = new_id()
        self.api_token = api_token
        self.purity_version = purity_version
        self.rest_versions = rest_versions
        self.connection_key = str(uuid.uuid4())
        self.sessions: set[str] = set()
        self.store = Store()
        # Pods this array is a member of; a stretched pod is shared.
        self.pods: dict[str, Pod] = {}
        self.snap_seq = 0
        # Attachments (state/hosts.py) and Cinder's volume tags (state/inventory.py).
        self.hosts: dict[str, Any] = {}
        self.connections: list[Any] = []
        self.tags: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        self.default_protections: dict[str, list[str]] = {}

    # -- time -------------------------------------------------------------
    @property
    def now(self) -> int:
        return self.fabric.now

    def time_remaining(self, destroyed_at: int | None) -> int | None:
        if destroyed_at is None:
            return None
        return max(destroyed_at + self.fabric.eradication_delay_ms - self.now, 0)

    # -- stores -----------------------------------------------------------
    def stores(self) -> list[Store]:
        seen: list[Store] = [self.store]
        for pod in self.pods.values():
            seen.append(pod.store)
        return seen

    def store_for(self, name: str) -> Store:
        """The store a (possibly pod-qualified) name lives in."""
        pod_name, _ = split_pod(name)
        if pod_name is None:
            return self.store
        pod = self.pods.get(pod_name)
        if pod is None:
            raise does_not_exist("Pod", pod_name)
        return pod.store

    def pod_of(self, name: str) -> Pod | None:
        pod_name, _ = split_pod(name)
        return self.pods.get(pod_name) if pod_name is not None else None

    # -- iteration --------------------------------------------------------
    def all_volumes(self) -> Iterator[Volume]:
        for store in self.stores():
            yield from store.volumes.values()

    def all_vol_snaps(self) -> Iterator[VolumeSnapshot]:
        for store in self.stores():
            yield from store.vol_snaps.values()

    def all_pgroups(self) -> Iterator[PGroup]:
        for store in self.stores():
            yield from store.pgroups.values()

    def all_pg_snaps(self) -> Iterator[PGSnapshot]:
        for store in self.stores():
            yield from store.pg_snaps.values()

    # -- lookups ----------------------------------------------------------
    def find_volume(self, name: str) -> Volume | None:
        try:
            return self.store_for(name).volumes.get(name)
        except Exception:  # unknown pod: the volume does not exist either
            return None

    def live_volume(self, name: str) -> Volume:
        vol = self.find_volume(name)
        if vol is None:
            raise does_not_exist("Volume", name)
        if vol.destroyed_at is not None:
            raise pending_eradication("Volume", name)
        return vol

    def find_vol_snap(self, name: str) -> VolumeSnapshot | None:
        try:
            return self.store_for(name).vol_snaps.get(name)
        except Exception:
            return None

    def find_pgroup(self, name: str) -> PGroup | None:
        try:
            return self.store_for(name).pgroups.get(name)
        except Exception:
            return None

    def pgroup(self, name: str, *, live: bool = True) -> PGroup:
        pg = self.find_pgroup(name)
        if pg is None:
            raise does_not_exist("Protection group", name)
        if live and pg.destroyed_at is not None:
            raise pending_eradication("Protection group", name)
        return pg

    def find_pg_snap(self, name: str) -> PGSnapshot | None:
        try:
            return self.store_for(name).pg_snaps.get(name)
        except Exception:
            return None

    def select(
        self,
        kind: str,
        records: Iterable[ListedT],
        names: list[str] | None,
        destroyed: bool | None,
    ) -> list[ListedT]:
        """Pick records by ``names`` (exact or ``*`` wildcard) and ``destroyed``.

        Every requested name must match something, otherwise the call fails
        the way Purity does: 400 "does not exist".
        """
        pool = [r for r in records if destroyed_filter(destroyed, r.destroyed_at)]
        if names is None:
            return pool
        picked: list[ListedT] = []
        seen: set[int] = set()
        for wanted in names:
            hits = [r for r in pool if glob_match(wanted, r.name)]
            if not hits:
                raise does_not_exist(kind, wanted)
            for hit in hits:
                if id(hit) not in seen:
                    seen.add(id(hit))
                    picked.append(hit)
        return picked

    # -- implemented by the volume and group mixins, used across them -------
    def _check_pod_writable(self, name: str) -> None:
        raise NotImplementedError

    def _destroy_volume(self, vol: Volume) -> None:
        raise NotImplementedError

    def _recover_volume(self, vol: Volume) -> None:
        raise NotImplementedError

    def eradicate_volume(self, vol: Volume) -> None:
        raise NotImplementedError

    def add_volume_to_group(
        self, pg: PGroup, vol_name: str, ignore_duplicate: bool = False
    ) -> None:
        raise NotImplementedError

    def remove_volume_from_group(self, pg: PGroup, vol_name: str) -> None:
        raise NotImplementedError
