"""The storage layer's collaborator protocols on top of the cloud ABCs.

:class:`CinderConsistencyGroups` is a
:class:`~protector.storage.base.ConsistencyGroupAPI` over Cinder generic
groups, :class:`CinderTargetVolumes` a
:class:`~protector.storage.base.TargetVolumeFactory` over Glance and Cinder.
Both work with either twin (SDK or fake).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from protector.cloud import exception as exc
from protector.cloud.image import ImageAPI
from protector.cloud.volume import VolumeAPI, VolumeGroup
from protector.storage import base as storage
from protector.storage import exception as storage_exc

LOG = logging.getLogger(__name__)
T = TypeVar("T")


class CinderConsistencyGroups:
    """Cinder generic volume groups of the cloud's project.

    ``project_id`` arguments are accepted for the protocol and only filter:
    the cloud's scope decides where groups are made.
    """

    def __init__(self, volume: VolumeAPI, group_type: str | None = None) -> None:
        self.volume = volume
        self._group_type = group_type

    @property
    def group_type(self) -> str:
        """The configured group type, else the first (by name) with consistent
        snapshots that Cinder does not reserve (``default_cgsnapshot_type``)."""
        if self._group_type is None:
            usable = sorted(t.name for t in self.volume.group_types()
                            if t.consistent and not t.reserved)
            if not usable:
                raise exc.GroupTypeMissing(site=self.volume.site)
            self._group_type = usable[0]
        return self._group_type

    def _cg(self, g: VolumeGroup) -> storage.ConsistencyGroup:
        return storage.ConsistencyGroup(
            id=g.id, name=g.name, volume_type=g.volume_types[0] if g.volume_types else "",
            project_id=g.project_id, description=g.description, status=g.status,
            volume_ids=g.volume_ids)

    def _call(self, group_id: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except exc.CloudNotFound as err:
            raise storage_exc.ConsistencyGroupNotFound(group=group_id) from err
        except exc.CloudConflict as err:
            raise storage_exc.ConsistencyGroupConflict(group=group_id, reason=str(err)) from err

    def create_group(self, name: str, volume_type: str, *, description: str = "",
                     project_id: str | None = None) -> storage.ConsistencyGroup:
        return self._cg(self.volume.create_group(name, self.group_type, [volume_type],
                                                 description=description))

    def get_group(self, group_id: str) -> storage.ConsistencyGroup:
        return self._cg(self._call(group_id, self.volume.get_group, group_id))

    def list_groups(self, project_id: str | None = None) -> list[storage.ConsistencyGroup]:
        return [self._cg(g) for g in self.volume.list_groups()
                if project_id is None or g.project_id in (None, project_id)]

    def add_volumes(self, group_id: str,
                    volume_ids: Sequence[str]) -> storage.ConsistencyGroup:
        return self._cg(self._call(group_id, self.volume.add_volumes, group_id, volume_ids))

    def remove_volumes(self, group_id: str,
                       volume_ids: Sequence[str]) -> storage.ConsistencyGroup:
        return self._cg(self._call(group_id, self.volume.remove_volumes, group_id,
                                   volume_ids))

    def delete_group(self, group_id: str, *, delete_volumes: bool = False) -> None:
        self._call(group_id, self.volume.delete_group, group_id,
                   delete_volumes=delete_volumes)


class CinderTargetVolumes:
    """Volumes "replicated" by mock storage: created from same-named images.

    :param volume_from_image: copy the image into the volume (default, from
        the cloud's options); False makes an empty volume and marks it
        bootable, for back ends that cannot copy images (the lab).
    """

    def __init__(self, volume: VolumeAPI, image: ImageAPI, *, timeout: float | None = None,
                 volume_from_image: bool | None = None) -> None:
        self.volume = volume
        self.image = image
        self.timeout = timeout
        self.volume_from_image = (volume.options.volume_from_image
                                  if volume_from_image is None else volume_from_image)

    def find_image(self, name: str) -> str | None:
        return self.image.find_image(name)

    def create_volume_from_image(self, image_id: str | None, size_gb: int, name: str,
                                 volume_type: str | None) -> str:
        copy = image_id if self.volume_from_image else None
        vid = self.volume.create_volume(size_gb, name=name, volume_type=volume_type,
                                        image_id=copy)
        try:
            self.volume.wait_available(vid, self.timeout)
            if image_id is not None and not self.volume_from_image:
                self.volume.set_bootable(vid, True)
        except Exception:
            try:
                self.volume.delete_volume(vid)
            except exc.CloudError as err:
                LOG.error("could not delete failed volume %s: %s", vid, err)
            raise
        return vid

    def delete_volume(self, volume_id: str) -> None:
        self.volume.delete_volume(volume_id)
