"""What Cinder's Pure driver reads or writes beside volumes and replication:
capacity and performance for its scheduler stats, SafeMode's default
protections of a pod, and the tags it puts on every volume it creates or
attaches (namespace ``openstack-integration.purestorage.com``).
"""

from __future__ import annotations

from typing import Any

from protector.storage.simulator.errors import bad_request, does_not_exist
from protector.storage.simulator.state.core import ArrayCore
from protector.storage.simulator.state.views import array as array_view

CAPACITY = 100 * 1024**4  # the 100 TiB get_arrays reports


class InventoryOps(ArrayCore):
    # -- capacity and performance --------------------------------------------------
    def get_arrays_space(self) -> list[dict]:
        provisioned = sum(v.provisioned for v in self.all_volumes() if v.destroyed_at is None)
        view = array_view(self)
        # Thin provisioning with no data written: nothing is physically used.
        view["space"].update({"total_provisioned": provisioned, "total_physical": 0,
                              "total_reduction": 1.0, "data_reduction": 1.0})
        return [{"id": self.id, "name": self.name, "capacity": CAPACITY,
                 "parity": 1.0, "space": view["space"], "time": self.now}]

    def get_arrays_performance(self) -> list[dict]:
        zero = ("reads_per_sec", "writes_per_sec", "read_bytes_per_sec",
                "write_bytes_per_sec", "usec_per_read_op", "usec_per_write_op",
                "queue_depth", "queue_usec_per_mirrored_write_op",
                "queue_usec_per_read_op", "queue_usec_per_write_op",
                "mirrored_writes_per_sec", "san_usec_per_read_op", "san_usec_per_write_op")
        return [{"id": self.id, "name": self.name, "time": self.now,
                 **{key: 0 for key in zero}}]

    # -- SafeMode default protections of pods (and the array itself) --------------
    def get_container_default_protections(self, *, names: list[str] | None) -> list[dict]:
        out = []
        for name in names or [""]:
            if name and name not in self.pods:
                raise does_not_exist("Pod", name)
            out.append({"name": name, "type": "pod" if name else "array",
                        "default_protections": [
                            {"name": pg, "type": "protection_group"}
                            for pg in self.default_protections.get(name, [])]})
        return out

    def patch_container_default_protections(self, *, names: list[str] | None,
                                            body: dict[str, Any]) -> list[dict]:
        wanted = [ref.get("name") for ref in body.get("default_protections") or []]
        for name in names or [""]:
            if name and name not in self.pods:
                raise does_not_exist("Pod", name)
            self.default_protections[name] = [n for n in wanted if n]
        return self.get_container_default_protections(names=names)

    # -- volume tags -------------------------------------------------------------------
    def _tagged(self, resource_names: list[str] | None) -> list[tuple[str, str]]:
        if not resource_names:
            raise bad_request("resource_names is required.", "resource_names")
        return [(name, self.live_volume(name).id) for name in resource_names]

    def put_volumes_tags_batch(self, *, resource_names: list[str] | None,
                               tags: list[dict[str, Any]]) -> list[dict]:
        out = []
        for name, vol_id in self._tagged(resource_names):
            held = self.tags.setdefault(vol_id, {})
            for tag in tags:
                if not tag.get("key"):
                    raise bad_request("Every tag needs a key.", name)
                namespace = tag.get("namespace") or "default"
                held[(namespace, tag["key"])] = {
                    "key": tag["key"], "value": tag.get("value"), "namespace": namespace,
                    "copyable": bool(tag.get("copyable", True))}
                out.append({**held[(namespace, tag["key"])],
                            "resource": {"name": name, "id": vol_id}})
        return out

    def get_volumes_tags(self, *, resource_names: list[str] | None,
                         namespaces: list[str] | None) -> list[dict]:
        pairs = (self._tagged(resource_names) if resource_names else
                 [(v.name, v.id) for v in self.all_volumes() if v.destroyed_at is None])
        return [{**tag, "resource": {"name": name, "id": vol_id}}
                for name, vol_id in pairs
                for (ns, _), tag in sorted(self.tags.get(vol_id, {}).items())
                if not namespaces or ns in namespaces]

    def delete_volumes_tags(self, *, resource_names: list[str] | None,
                            namespaces: list[str] | None, keys: list[str] | None
                            ) -> list[dict]:
        for _, vol_id in self._tagged(resource_names):
            held = self.tags.get(vol_id, {})
            for ns, key in list(held):
                if (not namespaces or ns in namespaces) and (not keys or key in keys):
                    del held[(ns, key)]
        return []
