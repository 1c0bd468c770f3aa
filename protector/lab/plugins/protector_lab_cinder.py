"""Fake Cinder back end for the lab: ``volume_driver = protector_lab_cinder.LabDriver``.

cinder's own ``FakeLoggingVolumeDriver`` (shipped in the cinder wheel) logs
instead of acting, but cannot manage existing volumes: its fake LVM returns
a list where a size is expected. protector's failover imports volumes with
the manage API, so this subclass adds manage/unmanage for volumes and
snapshots, reports replication for replicated types, fails over, and "clones"
images (a volume from an image is made without a download, image metadata
kept).
Sizes of managed objects come from the reference: ``source-name: "x@5"`` is
5 GiB (anything else is 1 GiB).
"""

from typing import Any

from cinder import exception
from cinder.objects import fields
from cinder.tests import fake_driver
from cinder.volume import volume_utils

SECONDARY = "secondary"


def _size_from_ref(existing_ref: dict) -> int:
    name = str(existing_ref.get("source-name") or existing_ref.get("source-id") or "")
    if not name:
        raise exception.ManageExistingInvalidReference(
            existing_ref=existing_ref, reason="source-name or source-id is required")
    _, _, size = name.rpartition("@")
    return int(size) if size.isdigit() and int(size) > 0 else 1


def _replicated(volume: Any) -> bool:
    try:
        vtype = volume.volume_type
        return bool(vtype and vtype.extra_specs
                    and volume_utils.is_replicated_spec(vtype.extra_specs))
    except exception.VolumeTypeNotFound:
        return False


class LabDriver(fake_driver.FakeLoggingVolumeDriver):
    VERSION = "1.0.0"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The parent hard-codes 'fake'; report the configured name so volume
        # types can use the name `openstack volume service list` shows.
        self.backend_name = self.configuration.safe_get("volume_backend_name") or "fake"
        self._active_backend_id = kwargs.get("active_backend_id")

    def _model(self, volume: Any) -> dict:
        if _replicated(volume):
            return {"replication_status": fields.ReplicationStatus.ENABLED}
        return {}

    def create_volume(self, volume: Any) -> dict:
        super().create_volume(volume)
        return self._model(volume)

    def create_volume_from_snapshot(self, volume: Any, snapshot: Any) -> dict:
        return self._model(volume)

    def create_cloned_volume(self, volume: Any, src_vref: Any) -> dict:
        return self._model(volume)

    def manage_existing(self, volume: Any, existing_ref: dict) -> dict:
        return self._model(volume)

    def manage_existing_get_size(self, volume: Any, existing_ref: dict) -> int:
        return _size_from_ref(existing_ref)

    def unmanage(self, volume: Any) -> None:
        pass

    def retype(self, context: Any, volume: Any, new_type: Any, diff: Any,
               host: Any) -> tuple[bool, dict]:
        # Nothing here depends on the type but the replication status.
        replicated = volume_utils.is_replicated_spec(new_type.get("extra_specs") or {})
        return True, {"replication_status": fields.ReplicationStatus.ENABLED if replicated
                      else fields.ReplicationStatus.DISABLED}

    def manage_existing_snapshot(self, snapshot: Any, existing_ref: dict) -> dict:
        return {}

    def manage_existing_snapshot_get_size(self, snapshot: Any, existing_ref: dict) -> int:
        return _size_from_ref(existing_ref)

    def unmanage_snapshot(self, snapshot: Any) -> None:
        pass

    def clone_image(self, context: Any, volume: Any, image_location: Any, image_meta: Any,
                    image_service: Any) -> tuple[dict, bool]:
        # "Cloned" on the back end, as RBD does: Cinder skips the download
        # (qemu-img through sudo) and still records the image metadata.
        return self._model(volume), True

    def copy_image_to_volume(self, context: Any, volume: Any, image_service: Any,
                             image_id: str, disable_sparse: bool = False) -> None:
        # The real one runs qemu-img through sudo and rootwrap; there is no data here.
        pass

    def copy_volume_to_image(self, context: Any, volume: Any, image_service: Any,
                             image_meta: Any) -> None:
        pass

    def extend_volume(self, volume: Any, new_size: int) -> None:
        pass

    def failover_host(self, context: Any, volumes: list, secondary_id: str | None = None,
                      groups: Any = None) -> tuple[str, list, list]:
        target = secondary_id or SECONDARY
        status = (fields.ReplicationStatus.ENABLED if target == "default"
                  else fields.ReplicationStatus.FAILED_OVER)
        updates = [{"volume_id": v.id, "updates": {"replication_status": status}}
                   for v in volumes if _replicated(v)]
        self._active_backend_id = None if target == "default" else target
        return target, updates, []

    def _update_volume_stats(self) -> None:
        super()._update_volume_stats()
        # Without driver-level replication_enabled, failover-host is refused.
        self._stats["replication_enabled"] = True
        self._stats["replication_targets"] = [SECONDARY]
        # Volume types ask replication_type='<in> async' or '<in> sync'; the
        # CapabilitiesFilter matches that as a substring of this capability.
        for caps in (self._stats, *self._stats["pools"]):
            caps["replication_type"] = "async sync"
        self._stats["active_backend_id"] = self._active_backend_id
