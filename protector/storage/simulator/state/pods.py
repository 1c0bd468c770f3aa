"""ActiveCluster pods: create, stretch, unstretch, destroy, eradicate."""

from __future__ import annotations

from typing import Any

from protector.storage.simulator.errors import (
    SimError,
    already_exists,
    bad_request,
    does_not_exist,
    not_connected,
    not_destroyed,
    pending_eradication,
)
from protector.storage.simulator.names import check_component, split_pod
from protector.storage.simulator.state import views
from protector.storage.simulator.state.core import ArrayCore
from protector.storage.simulator.state.records import Pod, PodMember, Store, Volume

# ActiveCluster stretches a pod over two arrays at most.
MAX_POD_ARRAYS = 2


def _live_contents(pod: Pod) -> bool:
    store = pod.store
    return any(
        obj.destroyed_at is None
        for group in (store.volumes, store.pgroups)
        for obj in group.values()
    )


class PodOps(ArrayCore):
    def pod(self, name: str, *, live: bool = True) -> Pod:
        pod = self.pods.get(name)
        if pod is None:
            raise does_not_exist("Pod", name)
        if live and pod.destroyed_at is not None:
            raise pending_eradication("Pod", name)
        return pod

    def get_pods(self, *, names: list[str] | None, destroyed: bool | None) -> list[dict]:
        pods = self.select("Pod", self.pods.values(), names, destroyed)
        return [views.pod(self, p) for p in pods]

    def post_pods(
        self,
        *,
        names: list[str] | None,
        failover_preferences: list[str] | None = None,
        quota_limit: int | None = None,
    ) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        out = []
        for name in names:
            check_component("pod", name)
            existing = self.pods.get(name)
            if existing is not None:
                if existing.destroyed_at is not None:
                    raise pending_eradication("Pod", name)
                raise already_exists("Pod", name)
            pod = Pod(
                name=name,
                created=self.now,
                members={self.name: PodMember(self.name, self.now)},
                failover_preferences=list(failover_preferences or []),
                quota_limit=quota_limit,
            )
            self.pods[name] = pod
            out.append(views.pod(self, pod))
        return out

    def patch_pods(
        self,
        *,
        names: list[str] | None,
        changes: dict[str, Any],
        destroy_contents: bool = False,
    ) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        out = []
        for name in names:
            pod = self.pod(name, live=False)
            if changes.get("destroyed") is True and pod.destroyed_at is None:
                if len(pod.members) > 1:
                    raise bad_request("Pod is stretched; unstretch it before destroying it.", name)
                if _live_contents(pod) and not destroy_contents:
                    raise bad_request(
                        "Pod contains volumes or protection groups; pass destroy_contents=true.",
                        name,
                    )
                self._destroy_pod(pod)
            elif changes.get("destroyed") is False and pod.destroyed_at is not None:
                self._recover_pod(pod)
            if changes.get("requested_promotion_state") is not None and len(pod.members) > 1:
                raise bad_request(
                    f"Promotion/Demotion not permitted. Pod {name} is stretched.", name
                )
            if changes.get("failover_preferences") is not None:
                pod.failover_preferences = [
                    ref.get("name") for ref in changes["failover_preferences"] if ref.get("name")
                ]
            if changes.get("quota_limit") is not None:
                pod.quota_limit = changes["quota_limit"]
            out.append(views.pod(self, pod))
        return out

    def _destroy_pod(self, pod: Pod) -> None:
        now = self.now
        pod.destroyed_at = now
        for vol in pod.store.volumes.values():
            self._destroy_volume(vol)
        for pg in pod.store.pgroups.values():
            self.fabric.engine.destroy_pgroup(self, pg)

    def _recover_pod(self, pod: Pod) -> None:
        when = pod.destroyed_at
        pod.destroyed_at = None
        for vol in pod.store.volumes.values():
            if vol.destroyed_at == when:
                self._recover_volume(vol)
        for pg in pod.store.pgroups.values():
            if pg.destroyed_at == when:
                self.fabric.engine.recover_pgroup(self, pg)

    def delete_pods(
        self, *, names: list[str] | None, eradicate_contents: bool = False
    ) -> list[dict]:
        if not names:
            raise bad_request("The names parameter is required.")
        pods = []
        for name in names:
            pod = self.pod(name, live=False)
            if pod.destroyed_at is None:
                raise not_destroyed("Pod", name)
            if not pod.store.is_empty() and not eradicate_contents:
                raise bad_request("Pod is not empty; pass eradicate_contents=true.", name)
            pods.append(pod)
        for pod in pods:
            self.fabric.engine.eradicate_pod(pod)
        return []

    # -- stretch --------------------------------------------------------------
    def get_pods_arrays(
        self, *, group_names: list[str] | None, member_names: list[str] | None
    ) -> list[dict]:
        out = []
        for pod in self.select("Pod", self.pods.values(), group_names, None):
            for member in pod.members:
                if member_names is None or member in member_names:
                    out.append(views.pod_array(self, pod, member))
        return out

    def post_pods_arrays(
        self, *, group_names: list[str] | None, member_names: list[str] | None
    ) -> list[dict]:
        if not group_names or not member_names:
            raise bad_request("group_names and member_names are required.")
        out = []
        for name in group_names:
            pod = self.pod(name)
            for member in member_names:
                if member in pod.members:
                    raise SimError(f"Pod already exists on array '{member}'.", name)
                if len(pod.members) >= MAX_POD_ARRAYS:
                    raise SimError("Pod array limit reached.", name)
                conn = self.fabric.connection(self.name, member)
                if conn is None:
                    raise not_connected(member)
                if conn.type != "sync-replication":
                    raise bad_request(
                        f"Array '{member}' is not connected for synchronous replication.", member
                    )
                if not self.fabric.link_up(self.name, member):
                    # The pod is made on the peer: it must answer.
                    raise bad_request(
                        f"Array '{member}' is not reachable: the array connection is "
                        f"{self.fabric.connection_status(self.name, member)}.", member
                    )
                peer = self.fabric.arrays[member]
                clash = peer.pods.get(name)
                if clash is not None:
                    if clash.destroyed_at is not None:
                        raise pending_eradication("Pod", name)
                    raise already_exists("Pod", name)
                pod.members[member] = PodMember(member, self.now)
                peer.pods[name] = pod
                out.append(views.pod_array(self, pod, member))
        return out

    def delete_pods_arrays(
        self,
        *,
        group_names: list[str] | None,
        member_names: list[str] | None,
        with_unknown: bool = False,
    ) -> list[dict]:
        if not group_names or not member_names:
            raise bad_request("group_names and member_names are required.")
        for name in group_names:
            pod = self.pod(name)
            for member in member_names:
                if member not in pod.members:
                    raise bad_request(f"Array '{member}' is not a member of the pod.", name)
                if len(pod.members) <= 1:
                    raise bad_request("The last array of a pod cannot be removed.", name)
                status = self.fabric.pod_member_status(pod, self.name, member)
                if status != "online" and member != self.name and not with_unknown:
                    raise bad_request(
                        f"Array '{member}' is {status}; pass with_unknown=true to remove it.",
                        name,
                    )
        for name in group_names:
            pod = self.pods[name]
            for member in member_names:
                self._unstretch(pod, member)
        return []

    def _unstretch(self, pod: Pod, member: str) -> None:
        del pod.members[member]
        peer = self.fabric.arrays.get(member)
        if peer is None or peer.pods.get(pod.name) is not pod:
            return
        del peer.pods[pod.name]
        # The removed array keeps a destroyed copy it could restretch from.
        leftover = Pod(
            name=f"{pod.name}.restretch",
            created=self.now,
            members={member: PodMember(member, self.now)},
            destroyed_at=self.now,
            source=pod.name,
            store=Store(),
        )
        for vol in pod.store.volumes.values():
            base = split_pod(vol.name)[1]
            copy_name = f"{leftover.name}::{base}"
            leftover.store.volumes[copy_name] = Volume(
                name=copy_name,
                provisioned=vol.provisioned,
                created=vol.created,
                source=(vol.name, vol.id),
                destroyed_at=self.now,
            )
        peer.pods.setdefault(leftover.name, leftover)
