"""Cinder through openstacksdk."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from openstack import connection
from openstack import exceptions as os_exc

from protector.cloud import common, volume
from protector.cloud import exception as exc
from protector.cloud.sdk.errors import translate

LOG = logging.getLogger(__name__)
CINDER = "Cinder"
MANAGE = "volume_extension:volume_manage"
UNMANAGE = "volume_extension:volume_unmanage"
SERVICES = "volume_extension:services:index"
# Cinder's 400 for an update of a group that is not 'available' (being updated).
_GROUP_BUSY = "Group status must be available"
GROUPS_MV = "3.13"  # generic groups with add_volumes/remove_volumes
GROUP_VOLUMES_MV = "3.25"  # GET /groups/{id}?list_volume=True
MESSAGES_MV = "3.3"


def _volume(v: Any) -> volume.Volume:
    return volume.Volume(
        id=v.id, name=v.name, status=v.status or "", size_gb=v.size or 0,
        volume_type=v.volume_type, bootable=bool(v.is_bootable),
        metadata=dict(v.metadata or {}),
        attachments=tuple(volume.Attachment(a.get("server_id", ""), a.get("device"))
                          for a in v.attachments or ()),
        availability_zone=v.availability_zone, group_id=v.group_id, host=v.host,
        image_name=(v.volume_image_metadata or {}).get("image_name"))


def _group(body: Mapping[str, Any]) -> volume.VolumeGroup:
    return volume.VolumeGroup(
        id=body["id"], name=body.get("name") or "", status=body.get("status") or "",
        group_type=body.get("group_type"), volume_types=tuple(body.get("volume_types") or ()),
        volume_ids=tuple(sorted(body.get("volumes") or ())), project_id=body.get("project_id"),
        description=body.get("description") or "")


class SdkVolume(volume.VolumeAPI):
    """:param admin: builds an admin-scoped twin on the same site, used only to
        read what Cinder hides from this project: a volume type's
        ``volume_backend_name``, group types' specs and the volume services
        (the hosts to manage volumes on)."""

    def __init__(self, conn: connection.Connection, site: str, options: common.CloudOptions,
                 admin: Callable[[], volume.VolumeAPI] | None = None) -> None:
        super().__init__()
        self.conn = conn
        self.site = site
        self.options = options
        self._admin = admin

    def _t(self, operation: str, resource_id: str = "", *, resource: str = "Volume",
           action: str | None = None) -> Any:
        return translate(site=self.site, service=CINDER, operation=operation,
                         resource=resource, resource_id=resource_id, action=action)

    @property
    def _bs(self) -> Any:
        return self.conn.block_storage

    # -- volumes ---------------------------------------------------------------------------
    def get_volume(self, volume_id: str) -> volume.Volume:
        with self._t("show volume", volume_id):
            return _volume(self._bs.get_volume(volume_id))

    def find_volumes(self, metadata: Mapping[str, str]) -> list[volume.Volume]:
        with self._t("list volumes"):
            # Filtered here: Cinder's metadata filter syntax varies across releases.
            return [_volume(v) for v in self._bs.volumes(details=True)
                    if common.matches(v.metadata, metadata)]

    def create_volume(self, size_gb: int, *, name: str | None = None,
                      volume_type: str | None = None, image_id: str | None = None,
                      metadata: Mapping[str, str] | None = None) -> str:
        attrs: dict[str, Any] = {"size": size_gb, "name": name,
                                 "metadata": dict(metadata or {})}
        if volume_type:
            attrs["volume_type"] = volume_type
        if image_id:
            attrs["image_id"] = image_id
        with self._t("create volume", name or ""):
            return self._bs.create_volume(**attrs).id

    def delete_volume(self, volume_id: str) -> None:
        try:
            with self._t("delete volume", volume_id):
                self._bs.delete_volume(volume_id, ignore_missing=True)
        except exc.CloudRequestFailed:
            try:  # a second delete while Cinder is still deleting it is refused
                if self.get_volume(volume_id).status == "deleting":
                    return
            except exc.CloudNotFound:
                return
            raise

    def set_bootable(self, volume_id: str, bootable: bool = True) -> None:
        with self._t("set bootable", volume_id):
            self._bs.set_volume_bootable_status(volume_id, bootable)

    def retype_volume(self, volume_id: str, volume_type: str) -> None:
        found = self.find_volume_type(volume_type)
        if found is None:
            raise exc.CloudNotFound(resource="Volume type", id=volume_type, site=self.site)
        with self._t("retype volume", volume_id):
            self._bs.retype_volume(volume_id, found.id, migration_policy="never")

    def wait_status(self, volume_id: str, statuses: Sequence[str],
                    timeout: float | None = None) -> volume.Volume:
        return common.wait_for(
            lambda: self.get_volume(volume_id), lambda v: v.status, statuses,
            volume.VOLUME_FAILED, options=self.options, timeout=timeout, resource="Volume",
            resource_id=volume_id, site=self.site, fault_of=lambda v: self.last_fault(v.id))

    def last_fault(self, volume_id: str) -> str | None:
        """Cinder's user message for an asynchronous failure (best effort)."""
        try:
            resp = self._bs.get(f"/messages?resource_uuid={volume_id}",
                                microversion=MESSAGES_MV)
            messages = resp.json().get("messages", []) if resp.ok else []
        except Exception:  # only an explanation; the caller has the real error
            return None
        if not messages:
            return None
        latest = max(messages, key=lambda m: m.get("created_at") or "")
        return latest.get("user_message")

    # -- types and services ----------------------------------------------------------------
    def volume_types(self) -> list[volume.VolumeType]:
        with self._t("list volume types", resource="Volume type"):
            return [volume.VolumeType(t.id, t.name, dict(t.extra_specs or {}))
                    for t in self._bs.types()]

    def find_volume_type(self, name_or_id: str) -> volume.VolumeType | None:
        with self._t("find volume type", name_or_id, resource="Volume type"):
            t = self._bs.find_type(name_or_id, ignore_missing=True)
        return volume.VolumeType(t.id, t.name, dict(t.extra_specs or {})) if t else None

    def volume_services(self) -> list[volume.VolumeService]:
        try:
            with self._t("list volume services", resource="Volume service", action=SERVICES):
                return [volume.VolumeService(binary=s.binary, host=s.host,
                                             state=s.state or "", status=s.status or "",
                                             zone=s.availability_zone)
                        for s in self._bs.services()]
        except exc.PolicyForbidden:
            if self._admin is None:
                raise
            # Cinder (2026.1 at least) lists services for admin contexts only,
            # whatever volume_extension:services:index allows: its database
            # layer requires one. Only the hosts are read this way.
            LOG.debug("Site %s: listing volume services as admin", self.site)
            return self._admin().volume_services()

    def backend_of(self, vtype: volume.VolumeType) -> str | None:
        if vtype.backend_name is None and self._admin is not None:
            try:
                admin_type = self._admin().find_volume_type(vtype.id)
            except exc.CloudError as err:
                LOG.warning("Site %s: cannot read volume type %s as admin: %s",
                            self.site, vtype.name, err)
                return None
            return admin_type.backend_name if admin_type else None
        return vtype.backend_name

    # -- manage ----------------------------------------------------------------------------
    def manage_volume(self, ref: Mapping[str, str], volume_type: str, *,
                      name: str | None = None, host: str | None = None,
                      bootable: bool = False, metadata: Mapping[str, str] | None = None,
                      wait: bool = True, timeout: float | None = None) -> str:
        host = host or self.manage_host(volume_type)
        with self._t("manage volume", str(dict(ref)), action=MANAGE):
            vol = self._bs.manage_volume(host=host, ref=dict(ref), name=name,
                                         volume_type=volume_type, bootable=bootable,
                                         metadata=dict(metadata or {}))
        if wait:
            got = self.wait_available(vol.id, timeout)
            missing = {k: v for k, v in (metadata or {}).items() if got.metadata.get(k) != v}
            if missing:
                # Cinder's Pure driver (2026.1) answers manage_existing with
                # its own metadata, which replaces what the request gave; put
                # ours back, it is how an operation finds what it made.
                with self._t("set volume metadata", vol.id):
                    self._bs.set_volume_metadata(vol.id, **missing)
        return vol.id

    def unmanage_volume(self, volume_id: str) -> None:
        with self._t("unmanage volume", volume_id, action=UNMANAGE):
            self._bs.unmanage_volume(volume_id)

    # -- generic volume groups -------------------------------------------------------------
    def _group_request(self, method: str, path: str, operation: str, group_id: str = "",
                       **kw: Any) -> Any:
        with self._t(operation, group_id, resource="Volume group"):
            resp = getattr(self._bs, method)(path, **kw)
            os_exc.raise_from_response(resp)
        return resp

    def group_types(self) -> list[volume.GroupType]:
        with self._t("list group types", resource="Group type"):
            types = [volume.GroupType(g.id, g.name, dict(g.group_specs or {}))
                     for g in self._bs.group_types()]
        if self._admin is None or all(t.group_specs for t in types):
            return types
        # Cinder shows group specs to admins only (group:access_group_types_specs),
        # and whether a type snapshots consistently is one of them.
        try:
            as_admin = {t.id: t for t in self._admin().group_types()}
        except exc.CloudError as err:
            LOG.warning("Site %s: cannot read group type specs as admin: %s", self.site, err)
            return types
        return [t if t.group_specs else as_admin.get(t.id, t) for t in types]

    def create_group(self, name: str, group_type: str, volume_types: Sequence[str], *,
                     description: str = "") -> volume.VolumeGroup:
        body = {"group": {"name": name, "group_type": group_type,
                          "volume_types": list(volume_types), "description": description}}
        resp = self._group_request("post", "/groups", "create group", name, json=body,
                                   microversion=GROUPS_MV)
        gid = resp.json()["group"]["id"]
        return common.wait_for(
            lambda: self.get_group(gid), lambda g: g.status, ("available",), ("error",),
            options=self.options, timeout=None, resource="Volume group", resource_id=gid,
            site=self.site)

    def get_group(self, group_id: str) -> volume.VolumeGroup:
        resp = self._group_request("get", f"/groups/{group_id}?list_volume=True",
                                   "show group", group_id, microversion=GROUP_VOLUMES_MV)
        return _group(resp.json()["group"])

    def list_groups(self) -> list[volume.VolumeGroup]:
        resp = self._group_request("get", "/groups/detail?list_volume=True", "list groups",
                                   microversion=GROUP_VOLUMES_MV)
        return [_group(g) for g in resp.json().get("groups", [])]

    def _update_group(self, group_id: str, key: str, volume_ids: Sequence[str]) -> None:
        if not volume_ids:
            return
        body = {"group": {key: ",".join(volume_ids)}}
        deadline = self.options.monotonic() + self.options.timeout
        while True:
            # Cinder takes one update of a group at a time: another operation's
            # add or remove leaves it 'updating' until its back end is done.
            self._wait_group(group_id)
            try:
                self._group_request("put", f"/groups/{group_id}", "update group", group_id,
                                    json=body, microversion=GROUPS_MV)
                return
            except exc.CloudRequestFailed as err:
                busy = _GROUP_BUSY in str(err)
                if not busy or self.options.monotonic() > deadline:
                    # Cinder also answers 400 for a volume of another group.
                    raise exc.CloudConflict(resource="Volume group", id=group_id,
                                            site=self.site, reason=str(err)) from err

    def _wait_group(self, group_id: str) -> volume.VolumeGroup:
        return common.wait_for(
            lambda: self.get_group(group_id), lambda g: g.status, ("available",), ("error",),
            options=self.options, timeout=None, resource="Volume group",
            resource_id=group_id, site=self.site)

    def add_volumes(self, group_id: str, volume_ids: Sequence[str]) -> volume.VolumeGroup:
        self._update_group(group_id, "add_volumes", volume_ids)
        return self._wait_group(group_id)

    def remove_volumes(self, group_id: str, volume_ids: Sequence[str]) -> volume.VolumeGroup:
        self._update_group(group_id, "remove_volumes", volume_ids)
        return self._wait_group(group_id)

    def delete_group(self, group_id: str, *, delete_volumes: bool = False) -> None:
        body = {"delete": {"delete-volumes": delete_volumes}}
        try:
            self._group_request("post", f"/groups/{group_id}/action", "delete group",
                                group_id, json=body, microversion=GROUPS_MV)
        except exc.CloudNotFound:
            return
        except exc.CloudRequestFailed as err:
            try:  # a second delete while Cinder is still deleting it is refused
                if self.get_group(group_id).status == "deleting":
                    return
            except exc.CloudNotFound:
                return
            raise exc.CloudConflict(resource="Volume group", id=group_id, site=self.site,
                                    reason=str(err)) from err
