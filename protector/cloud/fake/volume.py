"""The fake Cinder: volumes, types, services, manage/unmanage, generic groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from protector.cloud import common, volume
from protector.cloud import exception as exc
from protector.cloud.fake.backend import cinder_volume_name, unmanaged_name
from protector.cloud.fake.cloud import FakeCloud, Record, api, new_id

TRANSITIONAL = ("creating", "attaching", "detaching", "reserved", "retyping")
# error_deleting too: Cinder wants a reset-state first; the fake lets a retry go.
DELETABLE = ("available", "error", "error_managing", "error_restoring", "error_extending",
             "error_deleting")


def volume_view(rec: Record) -> volume.Volume:
    d = rec.data
    return volume.Volume(
        id=rec.id, name=rec.name, status=rec.status, size_gb=d["size"],
        volume_type=d["type"], bootable=d["bootable"], metadata=dict(rec.metadata),
        attachments=tuple(volume.Attachment(s, dev) for s, dev in d["attachments"]),
        availability_zone="nova", group_id=d["group_id"], host=d["host"],
        image_name=d.get("image_name"))


def finish(cloud: FakeCloud, volume_id: str, status: str, fault: str | None = None,
           **data: object) -> None:
    """A transition at the end of a simulated duration (lock held by settle)."""
    rec = cloud.volumes.get(volume_id)
    if rec is None or rec.status not in TRANSITIONAL:
        return
    rec.status = status
    rec.fault = fault
    rec.data.update(data)


class FakeVolume(volume.VolumeAPI):
    def __init__(self, cloud: FakeCloud) -> None:
        super().__init__()
        self.cloud = cloud
        self.site = cloud.site
        self.options = cloud.options

    # -- helpers (lock held) ---------------------------------------------------------------
    def _rec(self, volume_id: str) -> Record:
        rec = self.cloud.volumes.get(volume_id)
        if rec is None:
            raise exc.CloudNotFound(resource="Volume", id=volume_id, site=self.site)
        return rec

    def _type(self, name_or_id: str) -> Record:
        types = self.cloud.volume_types
        found = types.get(name_or_id) or next(
            (t for t in types.values() if t.name == name_or_id), None)
        if found is None:
            raise exc.CloudNotFound(resource="Volume type", id=name_or_id, site=self.site)
        return found

    def _check_quota(self, size_gb: int) -> None:
        c = self.cloud
        if c.max_volumes is not None and len(c.volumes) >= c.max_volumes:
            raise exc.QuotaExceeded(
                site=self.site, resource="volumes",
                reason=f"VolumeLimitExceeded: Maximum number of volumes allowed "
                       f"({c.max_volumes}) exceeded for quota 'volumes'")
        used = sum(v.data["size"] for v in c.volumes.values())
        if c.max_gigabytes is not None and used + size_gb > c.max_gigabytes:
            raise exc.QuotaExceeded(
                site=self.site, resource="gigabytes",
                reason=f"Requested volume or snapshot exceeds allowed gigabytes quota. "
                       f"Requested {size_gb}G, quota is {c.max_gigabytes}G and {used}G "
                       "has been consumed")

    def _new(self, name: str | None, size_gb: int, vtype: str,
             metadata: Mapping[str, str] | None) -> Record:
        vid = new_id()
        rec = Record(vid, name or "", "creating", dict(metadata or {}), data={
            "size": size_gb, "type": vtype, "bootable": False, "attachments": [],
            "group_id": None, "host": None, "backend_name": None, "image_id": None})
        self.cloud.volumes[vid] = rec
        return rec

    def _provision(self, rec: Record) -> str | None:
        """The back end's volume for a new Cinder volume; the driver's error, if any."""
        name = cinder_volume_name(rec.id)
        try:
            self.cloud.backend.create(name, rec.data["size"])
        except Exception as err:  # any driver failure leaves the volume in error
            return f"Volume {rec.id} could not be created on the back end: {err}"
        rec.data["backend_name"] = name
        return None

    def _drop(self, rec: Record) -> bool:
        """Delete a Cinder volume and its back end volume; False (and the
        volume in ``error_deleting``) when the driver fails."""
        name = rec.data["backend_name"]
        if name:
            try:
                self.cloud.backend.delete(name)
            except Exception as err:  # as Cinder: the volume stays, error_deleting
                rec.status, rec.fault = "error_deleting", str(err)
                return False
        del self.cloud.volumes[rec.id]
        return True

    # -- volumes ---------------------------------------------------------------------------
    @api("volume")
    def get_volume(self, volume_id: str) -> volume.Volume:
        return volume_view(self._rec(volume_id))

    @api("volume")
    def find_volumes(self, metadata: Mapping[str, str]) -> list[volume.Volume]:
        return [volume_view(v) for v in self.cloud.volumes.values()
                if common.matches(v.metadata, metadata)]

    @api("volume")
    def create_volume(self, size_gb: int, *, name: str | None = None,
                      volume_type: str | None = None, image_id: str | None = None,
                      metadata: Mapping[str, str] | None = None) -> str:
        c = self.cloud
        vtype = self._type(volume_type or "__DEFAULT__")
        if image_id is not None:
            img = c.images.get(image_id)
            if img is None or img.status != "active":
                raise exc.CloudRequestFailed(
                    service="Cinder", site=self.site, operation="create volume",
                    reason="HTTP 400: Invalid image identifier or unable to access "
                           "requested image.")
        self._check_quota(size_gb)
        rec = self._new(name, size_gb, vtype.name, metadata)
        rec.data["image_id"] = image_id
        rec.data["image_name"] = c.images[image_id].name if image_id else None
        rec.data["host"] = self._first_host(vtype)
        fault = c.volume_faults.popleft() if c.volume_faults else None
        fault = fault or self._provision(rec)
        delay = c.volume_create_time + (c.image_copy_time if image_id else 0.0)
        if fault:
            c.at(delay, lambda: finish(c, rec.id, "error", fault))
        else:
            c.at(delay, lambda: finish(c, rec.id, "available", bootable=image_id is not None))
        return rec.id

    def _first_host(self, vtype: Record) -> str | None:
        backend = vtype.data["extra_specs"].get("volume_backend_name")
        hosts = [s["host"] for s in self.cloud.services if s["binary"] == "cinder-volume"
                 and (backend is None or s["host"].split("@", 1)[-1] == backend)]
        return hosts[0] if hosts else None

    @api("volume")
    def delete_volume(self, volume_id: str) -> None:
        rec = self.cloud.volumes.get(volume_id)
        if rec is None:
            return
        if rec.status not in DELETABLE or rec.data["attachments"] or rec.data["group_id"]:
            raise exc.CloudRequestFailed(
                service="Cinder", site=self.site, operation="delete volume",
                reason=f"HTTP 400: Invalid volume: Volume {volume_id} status must be "
                       "available or error and must not be attached or belong to a group "
                       f"(status {rec.status}, group {rec.data['group_id']})")
        self._drop(rec)

    @api("volume")
    def set_bootable(self, volume_id: str, bootable: bool = True) -> None:
        self._rec(volume_id).data["bootable"] = bootable

    @api("volume")
    def retype_volume(self, volume_id: str, volume_type: str) -> None:
        """As Cinder with ``migration_policy=never``: in place, on a back end
        that serves the new type too, else the volume stays as it was."""
        rec, vtype = self._rec(volume_id), self._type(volume_type)
        if rec.status not in ("available", "in-use") or rec.data["type"] == vtype.name:
            raise exc.CloudRequestFailed(
                service="Cinder", site=self.site, operation="retype volume",
                reason=f"HTTP 400: Invalid volume: volume {volume_id} must be available or "
                       f"in-use and of another type (status {rec.status}, type "
                       f"{rec.data['type']})")
        back_to, host = rec.status, rec.data["host"] or ""
        backend = vtype.data["extra_specs"].get("volume_backend_name")
        served = backend is None or host.split("@", 1)[-1].split("#", 1)[0] == backend
        rec.status = "retyping"
        c = self.cloud

        def end() -> None:
            if served:
                rec.data["type"] = vtype.name
                finish(c, volume_id, back_to)
            else:
                finish(c, volume_id, back_to, f"No valid host was found: {host} does not "
                                              f"serve {vtype.name} and migration is never")

        c.at(c.manage_time, end)

    def last_fault(self, volume_id: str) -> str | None:
        rec = self.cloud.volumes.get(volume_id)
        return rec.fault if rec else None

    def wait_status(self, volume_id: str, statuses: Sequence[str],
                    timeout: float | None = None) -> volume.Volume:
        def fault() -> str | None:
            rec = self.cloud.volumes.get(volume_id)
            return rec.fault if rec else None

        return common.wait_for(
            lambda: self.get_volume(volume_id), lambda v: v.status, statuses,
            volume.VOLUME_FAILED, options=self.options, timeout=timeout, resource="Volume",
            resource_id=volume_id, site=self.site, fault_of=lambda _: fault())

    # -- types and services ----------------------------------------------------------------
    @api("volume")
    def volume_types(self) -> list[volume.VolumeType]:
        return [volume.VolumeType(t.id, t.name, dict(t.data["extra_specs"]))
                for t in self.cloud.volume_types.values()]

    @api("volume")
    def find_volume_type(self, name_or_id: str) -> volume.VolumeType | None:
        try:
            t = self._type(name_or_id)
        except exc.CloudNotFound:
            return None
        return volume.VolumeType(t.id, t.name, dict(t.data["extra_specs"]))

    @api("volume")
    def volume_services(self) -> list[volume.VolumeService]:
        return [volume.VolumeService(binary=s["binary"], host=s["host"], state=s["state"],
                                     status=s["status"], zone=s["zone"])
                for s in self.cloud.services]

    # -- manage ----------------------------------------------------------------------------
    @api("volume", locked=False)
    def manage_volume(self, ref: Mapping[str, str], volume_type: str, *,
                      name: str | None = None, host: str | None = None,
                      bootable: bool = False, metadata: Mapping[str, str] | None = None,
                      wait: bool = True, timeout: float | None = None) -> str:
        host = host or self.manage_host(volume_type)
        c = self.cloud
        with c.lock:
            c.settle()
            vid = self._manage(ref, volume_type, name, host, bootable, metadata)
        if wait:
            self.wait_available(vid, timeout)
        return vid

    def _manage(self, ref: Mapping[str, str], volume_type: str, name: str | None, host: str,
                bootable: bool, metadata: Mapping[str, str] | None) -> str:
        c = self.cloud
        vtype = self._type(volume_type)
        service = next((s for s in c.services if s["binary"] == "cinder-volume"
                        and s["host"].split("#", 1)[0] == host.split("#", 1)[0]), None)
        if service is None:
            raise exc.CloudNotFound(resource="Volume service", id=host, site=self.site)
        self._check_quota(0)
        rec = self._new(name, 0, vtype.name, metadata)
        rec.data["host"] = host
        backend = vtype.data["extra_specs"].get("volume_backend_name")
        if backend is not None and host.split("@", 1)[-1].split("#", 1)[0] != backend:
            fault = (f"No valid backend was found. Host {host} does not serve volume type "
                     f"{vtype.name} (volume_backend_name {backend})")
        else:
            fault = self._adopt(rec, ref, bootable)
            if fault is None:
                return rec.id
        c.at(c.manage_time, lambda: finish(c, rec.id, "error_managing", fault))
        return rec.id

    def _adopt(self, rec: Record, ref: Mapping[str, str], bootable: bool) -> str | None:
        """The driver checks the reference and renames the array volume after
        the new Cinder volume; Cinder's message if it cannot."""
        c = self.cloud
        source = ref.get("source-name")
        name = cinder_volume_name(rec.id)
        invalid = (f"Manage existing volume failed due to invalid backend reference "
                   f"{dict(ref)}: Unable to find volume {source!r} on the back end")
        try:
            if source is None or c.backend.size(source) is None:
                return invalid
            size = c.backend.adopt(source, name)
        except Exception as err:  # any driver failure: error_managing
            return f"Manage existing volume failed: {err}"
        rec.data["backend_name"] = name
        c.at(c.manage_time, lambda: finish(c, rec.id, "available", size=size,
                                           bootable=bootable))
        return None

    @api("volume")
    def unmanage_volume(self, volume_id: str) -> None:
        rec = self._rec(volume_id)
        if rec.status not in DELETABLE or rec.data["attachments"]:
            raise exc.CloudRequestFailed(
                service="Cinder", site=self.site, operation="unmanage volume",
                reason=f"HTTP 400: Invalid volume: Volume {volume_id} status must be "
                       f"available or error and must not be attached (status {rec.status})")
        name = rec.data["backend_name"]
        if name:
            try:
                # As the Pure driver: the array volume stays, renamed "-unmanaged".
                self.cloud.backend.unmanage(name, unmanaged_name(name))
            except Exception as err:  # as Cinder: the volume stays, error_unmanaging
                rec.status, rec.fault = "error_unmanaging", str(err)
                return
        if rec.data["group_id"]:
            group = self.cloud.groups.get(rec.data["group_id"])
            if group is not None:
                group.data["volume_ids"].remove(volume_id)
        del self.cloud.volumes[volume_id]

    # -- generic volume groups -------------------------------------------------------------
    def _group(self, group_id: str) -> Record:
        rec = self.cloud.groups.get(group_id)
        if rec is None:
            raise exc.CloudNotFound(resource="Volume group", id=group_id, site=self.site)
        return rec

    def _group_view(self, rec: Record) -> volume.VolumeGroup:
        d = rec.data
        return volume.VolumeGroup(
            id=rec.id, name=rec.name, status=rec.status, group_type=d["group_type"],
            volume_types=tuple(d["volume_types"]), volume_ids=tuple(sorted(d["volume_ids"])),
            project_id=self.cloud.project_id, description=d["description"])

    @api("volume")
    def group_types(self) -> list[volume.GroupType]:
        return [volume.GroupType(name, name, dict(specs))
                for name, specs in self.cloud.group_types.items()]

    @api("volume", locked=False)
    def create_group(self, name: str, group_type: str, volume_types: Sequence[str], *,
                     description: str = "") -> volume.VolumeGroup:
        c = self.cloud
        with c.lock:
            if group_type not in c.group_types:
                raise exc.CloudNotFound(resource="Group type", id=group_type, site=self.site)
            if group_type == volume.RESERVED_GROUP_TYPE:
                raise exc.CloudRequestFailed(
                    service="Cinder", site=self.site, operation="create group",
                    reason=f"HTTP 400: Group_type {group_type} is reserved for migrating CGs "
                           "to groups. Migrated group can only be operated by CG APIs.")
            types = [self._type(t).name for t in volume_types]
            gid = new_id()
            c.groups[gid] = Record(gid, name, "creating", data={
                "group_type": group_type, "volume_types": types, "volume_ids": [],
                "description": description})

            def ready() -> None:
                if gid in c.groups:
                    c.groups[gid].status = "available"

            c.at(c.group_time, ready)
        return common.wait_for(
            lambda: self.get_group(gid), lambda g: g.status, ("available",), ("error",),
            options=self.options, timeout=None, resource="Volume group", resource_id=gid,
            site=self.site)

    @api("volume")
    def get_group(self, group_id: str) -> volume.VolumeGroup:
        return self._group_view(self._group(group_id))

    @api("volume")
    def list_groups(self) -> list[volume.VolumeGroup]:
        return [self._group_view(g) for g in self.cloud.groups.values()]

    def _conflict(self, group_id: str, reason: str) -> exc.CloudConflict:
        return exc.CloudConflict(resource="Volume group", id=group_id, site=self.site,
                                 reason=reason)

    @api("volume")
    def add_volumes(self, group_id: str, volume_ids: Sequence[str]) -> volume.VolumeGroup:
        group = self._group(group_id)
        if group.status != "available":
            raise self._conflict(group_id, f"group is {group.status}, not available")
        recs = []
        for vid in volume_ids:
            rec = self.cloud.volumes.get(vid)
            if rec is None:
                raise self._conflict(group_id, f"volume {vid} does not exist")
            if rec.data["group_id"] not in (None, group_id):
                raise self._conflict(group_id, f"volume {vid} is already in group "
                                               f"{rec.data['group_id']}")
            if rec.data["type"] not in group.data["volume_types"]:
                raise self._conflict(group_id, f"volume {vid} has type {rec.data['type']}, "
                                               "which the group does not support")
            if rec.status not in ("available", "in-use"):
                raise self._conflict(group_id, f"volume {vid} is {rec.status}")
            recs.append(rec)
        for rec in recs:
            if rec.data["group_id"] is None:
                rec.data["group_id"] = group_id
                group.data["volume_ids"].append(rec.id)
        return self._group_view(group)

    @api("volume")
    def remove_volumes(self, group_id: str, volume_ids: Sequence[str]) -> volume.VolumeGroup:
        group = self._group(group_id)
        for vid in volume_ids:
            if vid not in group.data["volume_ids"]:
                raise self._conflict(group_id, f"volume {vid} is not in the group")
        for vid in volume_ids:
            group.data["volume_ids"].remove(vid)
            self.cloud.volumes[vid].data["group_id"] = None
        return self._group_view(group)

    @api("volume")
    def delete_group(self, group_id: str, *, delete_volumes: bool = False) -> None:
        group = self.cloud.groups.get(group_id)
        if group is None:
            return
        members = list(group.data["volume_ids"])
        if members and not delete_volumes:
            raise self._conflict(group_id, f"group still has {len(members)} volume(s); "
                                           "remove them or delete with their volumes")
        busy = [v for v in members if self.cloud.volumes[v].data["attachments"]]
        if busy:
            raise self._conflict(group_id, f"volume(s) {', '.join(busy)} are attached")
        for vid in members:
            rec = self.cloud.volumes[vid]
            rec.data["group_id"] = None
            group.data["volume_ids"].remove(vid)
            if not self._drop(rec):
                raise self._conflict(group_id, f"volume {vid} could not be deleted: "
                                               f"{rec.fault}")
        del self.cloud.groups[group_id]
