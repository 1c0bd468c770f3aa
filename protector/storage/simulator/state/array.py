"""One simulated FlashArray: the operation mixins put together."""

from __future__ import annotations

from protector.storage.simulator.state.connections import ConnectionOps
from protector.storage.simulator.state.hosts import HostOps
from protector.storage.simulator.state.inventory import InventoryOps
from protector.storage.simulator.state.pgroups import PGroupOps
from protector.storage.simulator.state.pgsnaps import PGSnapOps
from protector.storage.simulator.state.pods import PodOps
from protector.storage.simulator.state.volumes import VolumeOps


class Array(VolumeOps, PGroupOps, PGSnapOps, PodOps, ConnectionOps, HostOps, InventoryOps):
    """All state of one array; every public method is one REST operation.

    Methods take the REST parameters as keyword arguments, return the
    ``items`` of the response as dicts, and raise
    :class:`~protector.storage.simulator.errors.SimError` for a 400. Callers
    hold ``fabric.lock`` and call ``fabric.sync()`` first.
    """
