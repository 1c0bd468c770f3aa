"""Cinder, as the engine sees it: manage array copies, groups, plain volumes.

``manage_volume`` imports an array volume that the storage layer
materialised (``{"source-name": <name>}``) into Cinder. Cinder wants the
cinder-volume *host* that owns the back end; :meth:`VolumeAPI.manage_host`
finds it through ``services:index``: the ``cinder-volume`` service whose
back end (the part of its host after ``@``) equals the type's
``volume_backend_name``.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from protector.cloud import common
from protector.cloud import exception as exc
from protector.cloud.common import CloudOptions

AVAILABLE = "available"
DELETED = "deleted"  # what wait_deleted reads once Cinder answers 404
IN_USE = "in-use"
RESERVED_GROUP_TYPE = "default_cgsnapshot_type"
VOLUME_FAILED = ("error", "error_managing", "error_extending", "error_deleting")
RETYPING, RETYPED = "retyping", "retyped"


@dataclass(frozen=True)
class Attachment:
    server_id: str
    device: str | None = None


@dataclass(frozen=True)
class Volume:
    id: str
    name: str | None
    status: str
    size_gb: int
    volume_type: str | None = None
    bootable: bool = False
    metadata: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    availability_zone: str | None = None
    group_id: str | None = None
    host: str | None = None  # visible to admins only
    # Cinder's volume_image_metadata: the Glance image the volume was made
    # from, which the mock storage mode rebuilds it from on the other site.
    image_name: str | None = None


@dataclass(frozen=True)
class VolumeType:
    id: str
    name: str
    extra_specs: dict[str, str] = field(default_factory=dict)

    @property
    def backend_name(self) -> str | None:
        """``volume_backend_name``; hidden from non-admins by Cinder's default policy."""
        return self.extra_specs.get("volume_backend_name")

    @property
    def replication_enabled(self) -> bool:
        value = self.extra_specs.get("replication_enabled", "")
        return value.replace(" ", "").lower() == "<is>true"


@dataclass(frozen=True)
class VolumeService:
    binary: str
    host: str  # "host@backend" for cinder-volume
    state: str = "up"
    status: str = "enabled"
    zone: str | None = None

    @property
    def backend(self) -> str | None:
        """The back end: the part of the host after ``@`` (without any ``#pool``)."""
        if "@" not in self.host:
            return None
        return self.host.split("@", 1)[1].split("#", 1)[0]

    @property
    def usable(self) -> bool:
        return self.state == "up" and self.status == "enabled"


@dataclass(frozen=True)
class GroupType:
    id: str
    name: str
    group_specs: dict[str, str] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        """Whether groups of this type take consistent snapshots."""
        value = self.group_specs.get("consistent_group_snapshot_enabled", "")
        return value.replace(" ", "").lower() == "<is>true"

    @property
    def reserved(self) -> bool:
        """Cinder keeps this one for migrated consistency groups."""
        return self.name == RESERVED_GROUP_TYPE


@dataclass(frozen=True)
class VolumeGroup:
    """A Cinder generic volume group."""

    id: str
    name: str
    status: str
    group_type: str | None = None
    volume_types: tuple[str, ...] = ()
    volume_ids: tuple[str, ...] = ()
    project_id: str | None = None
    description: str = ""


class VolumeAPI(abc.ABC):
    """Cinder volumes, types, services and groups of one project on one site."""

    site: str = ""
    options: CloudOptions

    def __init__(self) -> None:
        self._hosts: dict[str, tuple[str, float]] = {}
        self._hosts_lock = threading.Lock()

    # -- volumes ---------------------------------------------------------------------------
    @abc.abstractmethod
    def get_volume(self, volume_id: str) -> Volume:
        """:raises CloudNotFound: no such volume."""

    @abc.abstractmethod
    def find_volumes(self, metadata: Mapping[str, str]) -> list[Volume]:
        """Volumes whose metadata holds every key/value of ``metadata``."""

    @abc.abstractmethod
    def create_volume(self, size_gb: int, *, name: str | None = None,
                      volume_type: str | None = None, image_id: str | None = None,
                      metadata: Mapping[str, str] | None = None) -> str:
        """Create a volume (from an image if ``image_id``); does not wait.

        :returns: the volume id (status ``creating``).
        :raises QuotaExceeded: volume or gigabyte quota used up.
        """

    @abc.abstractmethod
    def delete_volume(self, volume_id: str) -> None:
        """Delete a volume; one that is already gone is not an error."""

    @abc.abstractmethod
    def set_bootable(self, volume_id: str, bootable: bool = True) -> None: ...

    @abc.abstractmethod
    def wait_status(self, volume_id: str, statuses: Sequence[str],
                    timeout: float | None = None) -> Volume:
        """Wait until the volume's status is one of ``statuses``.

        :raises ResourceInError: it went to ``error`` or ``error_managing``.
        :raises CloudTimeout: it did not get there in time.
        """

    def wait_available(self, volume_id: str, timeout: float | None = None) -> Volume:
        return self.wait_status(volume_id, (AVAILABLE,), timeout)

    def wait_deleted(self, volume_id: str, timeout: float | None = None) -> None:
        """Wait until the volume is gone: a back end deletes asynchronously,
        and a cleanup that says done must mean its volumes are gone.

        :raises ResourceInError: it went to ``error_deleting``.
        :raises CloudTimeout: it was still there after ``timeout``.
        """
        def read() -> str:
            try:
                return self.get_volume(volume_id).status
            except exc.CloudNotFound:
                return DELETED

        common.wait_for(read, lambda status: status, (DELETED,), ("error_deleting",),
                        options=self.options, timeout=timeout, resource="Volume",
                        resource_id=volume_id, site=self.site)

    @abc.abstractmethod
    def retype_volume(self, volume_id: str, volume_type: str) -> None:
        """Change the volume's type in place (``migration_policy=never``: the
        back end it is on must serve the new type); does not wait.

        :raises CloudRequestFailed: Cinder refused it (status, same type).
        """

    def wait_retyped(self, volume_id: str, volume_type: str,
                     timeout: float | None = None) -> Volume:
        """Wait until a retype has ended; Cinder puts a volume back in its
        old status whether the back end retyped it or not, so the type says.

        :raises RetypeFailed: it ended still of its old type.
        """
        def read() -> Volume:
            return self.get_volume(volume_id)

        done = common.wait_for(
            read, lambda v: RETYPED if v.status != RETYPING else v.status, (RETYPED,), (),
            options=self.options, timeout=timeout, resource="Volume", resource_id=volume_id,
            site=self.site)
        if done.volume_type != volume_type:
            why = self.last_fault(volume_id) or "see the cinder-volume log"
            raise exc.RetypeFailed(id=volume_id, site=self.site, volume_type=volume_type,
                                   current=done.volume_type, reason=why)
        return done

    def last_fault(self, volume_id: str) -> str | None:
        """Why an asynchronous Cinder action on the volume failed, if known."""
        return None

    # -- types and services ----------------------------------------------------------------
    @abc.abstractmethod
    def volume_types(self) -> list[VolumeType]:
        """Types with the extra specs this project may see."""

    @abc.abstractmethod
    def find_volume_type(self, name_or_id: str) -> VolumeType | None: ...

    @abc.abstractmethod
    def volume_services(self) -> list[VolumeService]:
        """Cinder services (``services:index``).

        :raises PolicyForbidden: the Cinder policy does not allow it.
        """

    def backend_of(self, vtype: VolumeType) -> str | None:
        """The type's back end name; implementations that can read it
        another way (an admin session) override this."""
        return vtype.backend_name

    def manage_host(self, volume_type: str) -> str:
        """The cinder-volume host (``host@backend``) serving ``volume_type``; cached.

        With the back end name hidden (non-admin) and a single usable
        cinder-volume service, that service is the answer.

        :raises CloudNotFound: no such volume type.
        :raises ManageHostNotFound: no usable service matches.
        """
        now = self.options.monotonic()
        with self._hosts_lock:
            cached = self._hosts.get(volume_type)
            if cached and cached[1] > now:
                return cached[0]
        vtype = self.find_volume_type(volume_type)
        if vtype is None:
            raise exc.CloudNotFound(resource="Volume type", id=volume_type, site=self.site)
        backend = self.backend_of(vtype)
        services = [s for s in self.volume_services()
                    if s.binary == "cinder-volume" and s.usable]
        if backend is not None:
            matching = [s for s in services if s.backend == backend]
            reason = "no usable cinder-volume service has that back end"
        else:
            matching = services if len(services) == 1 else []
            reason = ("the type's volume_backend_name is not visible to this project and "
                      f"{len(services)} cinder-volume services are up")
        if not matching:
            raise exc.ManageHostNotFound(site=self.site, type=vtype.name,
                                         backend=backend or "unknown", reason=reason)
        host = sorted(s.host for s in matching)[0]
        with self._hosts_lock:
            self._hosts[volume_type] = (host, now + self.options.host_cache_ttl)
        return host

    def forget_hosts(self) -> None:
        with self._hosts_lock:
            self._hosts.clear()

    # -- manage ----------------------------------------------------------------------------
    @abc.abstractmethod
    def manage_volume(self, ref: Mapping[str, str], volume_type: str, *,
                      name: str | None = None, host: str | None = None,
                      bootable: bool = False, metadata: Mapping[str, str] | None = None,
                      wait: bool = True, timeout: float | None = None) -> str:
        """Bring an existing back-end volume under Cinder.

        :param ref: the back-end reference, ``{"source-name": <array name>}``.
        :param host: the cinder-volume host; default :meth:`manage_host`.
        :param wait: wait until the volume is ``available``.
        :returns: the new Cinder volume id.
        :raises PolicyForbidden: ``volume_extension:volume_manage`` is not
            allowed (the spec's Cinder policy change is missing).
        :raises ResourceInError: Cinder could not manage it
            (``error_managing``, e.g. an unknown reference).
        """

    @abc.abstractmethod
    def unmanage_volume(self, volume_id: str) -> None:
        """Remove a volume from Cinder, leaving the back-end volume.

        :raises PolicyForbidden: ``volume_extension:volume_unmanage`` is not allowed.
        """

    # -- generic volume groups -------------------------------------------------------------
    @abc.abstractmethod
    def group_types(self) -> list[GroupType]: ...

    @abc.abstractmethod
    def create_group(self, name: str, group_type: str, volume_types: Sequence[str], *,
                     description: str = "") -> VolumeGroup:
        """Create a group and wait until it is available."""

    @abc.abstractmethod
    def get_group(self, group_id: str) -> VolumeGroup:
        """:raises CloudNotFound: no such group."""

    @abc.abstractmethod
    def list_groups(self) -> list[VolumeGroup]: ...

    @abc.abstractmethod
    def add_volumes(self, group_id: str, volume_ids: Sequence[str]) -> VolumeGroup:
        """:raises CloudConflict: a volume is in another group or of a foreign type."""

    @abc.abstractmethod
    def remove_volumes(self, group_id: str, volume_ids: Sequence[str]) -> VolumeGroup: ...

    @abc.abstractmethod
    def delete_group(self, group_id: str, *, delete_volumes: bool = False) -> None:
        """:raises CloudConflict: the group still has volumes and not ``delete_volumes``."""
