"""The storage behind the fake Cinder: what its volume driver does on the back end.

In a real site Cinder's Pure back end *is* the array: creating a volume
creates the array volume ``volume-<id>-cinder``, ``manage`` adopts an array
volume under that name, ``unmanage`` leaves it renamed ``...-unmanaged``,
and deleting the Cinder volume destroys the array volume. The fake Cinder
(:mod:`protector.cloud.fake.volume`) decides the names, as the Cinder
driver does, and calls a :class:`VolumeBackend` for the array side.

Two implementations:

- :class:`MemoryBackend` (the default): array volumes as dicts; tests
  register manageable volumes in ``FakeCloud.backend_volumes``;
- ``protector.storage.simulator.cinder.SimulatedArrayBackend``: one array
  of a simulated FlashArray fabric, so the ``pure`` storage driver and the
  fake Cinder see the same volumes.

A back end method that raises is the driver failing: the fake Cinder puts
the volume in ``error`` / ``error_managing`` / ``error_deleting`` with the
exception's message, as Cinder does.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

MAX_NAME = 63  # Purity's limit on a volume name
UNMANAGED_SUFFIX = "-unmanaged"


def cinder_volume_name(volume_id: str) -> str:
    """The array name the Cinder Pure driver gives volume ``volume_id``."""
    return f"volume-{volume_id}-cinder"


def unmanaged_name(name: str) -> str:
    """What the Cinder Pure driver renames an unmanaged volume to (cut to fit)."""
    if len(name) + len(UNMANAGED_SUFFIX) > MAX_NAME:
        return name[:-len(UNMANAGED_SUFFIX)] + UNMANAGED_SUFFIX
    return name + UNMANAGED_SUFFIX


@runtime_checkable
class VolumeBackend(Protocol):
    """The array side of the fake Cinder's volume driver."""

    def create(self, name: str, size_gb: int) -> None:
        """A new, empty array volume of ``size_gb`` GiB."""

    def size(self, name: str) -> int | None:
        """GiB (rounded up) of the array volume ``name`` if Cinder may manage
        it, else None (missing, destroyed, connected or in a stretched pod);
        raises when the back end cannot answer."""

    def adopt(self, name: str, new_name: str) -> int:
        """``manage``: rename the manageable ``name`` to ``new_name``; its GiB."""

    def unmanage(self, name: str, new_name: str) -> None:
        """``unmanage``: the array volume stays, renamed ``new_name``."""

    def delete(self, name: str) -> None:
        """Remove the array volume of a deleted Cinder volume (gone is fine)."""


class MemoryBackend:
    """Array volumes in two dicts (name -> GiB): the ones Cinder owns and the
    manageable ones (``FakeCloud.backend_volumes``: tests put the storage
    layer's materialised names there)."""

    def __init__(self) -> None:
        self.volumes: dict[str, int] = {}  # manageable, not Cinder's
        self.owned: dict[str, int] = {}  # Cinder's volumes

    def create(self, name: str, size_gb: int) -> None:
        self.owned[name] = size_gb

    def size(self, name: str) -> int | None:
        return self.volumes.get(name)

    def adopt(self, name: str, new_name: str) -> int:
        size = self.volumes.pop(name)
        self.owned[new_name] = size
        return size

    def unmanage(self, name: str, new_name: str) -> None:
        size = self.owned.pop(name, None)
        if size is not None:
            self.volumes[new_name] = size

    def delete(self, name: str) -> None:
        self.owned.pop(name, None)
