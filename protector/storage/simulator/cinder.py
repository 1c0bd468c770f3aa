"""One simulated array as the back end of a fake Cinder (the Cinder Pure driver's side).

In a real site Cinder's Pure back end is the array, so a fake Cinder given
``backend=SimulatedArrayBackend(sim.fabric, "array-a")`` keeps its volumes
on that array: the ``pure`` storage driver then replicates exactly the
volumes the fake Cinder created, and the fake Cinder of the other site
manages the copies the driver made there. It implements
:class:`protector.cloud.fake.backend.VolumeBackend` (structurally: neither
package imports the other) and calls the array's own operations in process,
under the fabric's lock, as the REST front end does, so the state is the one
the SDK sees over HTTPS. The calls are what the Cinder driver sends:

==========  =======================================================================
create      ``post_volumes(names=[volume-<id>-cinder], provisioned=GiB)``
size        ``get_volumes(names=[ref])``: ``ceil(provisioned / GiB)``; refused as
            Cinder's ``_validate_manage_existing_ref`` does (destroyed, connected,
            in a stretched pod, a realm name)
adopt       ``patch_volumes(names=[ref], name=volume-<new id>-cinder)``
unmanage    ``patch_volumes(name=<name>-unmanaged)``
delete      ``patch_volumes(destroyed=True)``, then eradicate (``eradicate``, as
            ``pure_eradicate_on_delete``)
==========  =======================================================================

Not modelled: Cinder's own replication (``cinder-group``, ``cinder-pod``):
protector's sites replicate through protector's own groups, so sync volume
types (created in a pod) are not supported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from protector.storage.simulator.errors import SimError
from protector.storage.simulator.state.array import Array
from protector.storage.simulator.state.fabric import Fabric

GiB = 1024**3
T = TypeVar("T")


class ArrayBackendError(Exception):
    """The array refused (or did not answer) what the Cinder driver asked."""


class SimulatedArrayBackend:
    """The volumes of array ``array`` of ``fabric``, as a Cinder back end.

    :param eradicate: eradicate deleted volumes at once (Cinder's
        ``pure_eradicate_on_delete``); else they stay destroyed for the
        fabric's eradication delay.
    """

    def __init__(self, fabric: Fabric, array: str, *, eradicate: bool = True) -> None:
        if array not in fabric.arrays:
            raise ValueError(f"no array {array} in the fabric")
        self.fabric = fabric
        self.array_name = array
        self.eradicate = eradicate

    def __repr__(self) -> str:
        return f"SimulatedArrayBackend({self.array_name})"

    def _on_array(self, what: str, call: Callable[[Array], T]) -> T:
        """Run ``call`` on the array as one REST request: up to date, locked."""
        with self.fabric.lock:
            if not self.fabric.array_up(self.array_name):
                raise ArrayBackendError(f"{what}: array {self.array_name} is unreachable")
            self.fabric.sync()
            try:
                return call(self.fabric.arrays[self.array_name])
            except SimError as err:
                raise ArrayBackendError(f"{what}: {err.message} ({err.context})") from err

    def create(self, name: str, size_gb: int) -> None:
        self._on_array(f"create {name}", lambda a: a.post_volumes(
            names=[name], provisioned=size_gb * GiB))

    def _manageable(self, array: Array, name: str) -> dict[str, Any] | None:
        if name.count("::") > 1:
            return None  # realm volumes are refused
        vol = array.find_volume(name)
        if vol is None or vol.destroyed_at is not None:
            return None
        pod = array.pod_of(name)
        if pod is not None and len(pod.members) > 1:
            return None  # Cinder cannot manage a volume of a stretched pod
        view = array.get_volumes(names=[name], destroyed=False)[0]
        return view if not view.get("connection_count") else None

    def size(self, name: str) -> int | None:
        found = self._on_array(f"look up {name}", lambda a: self._manageable(a, name))
        return math.ceil(found["provisioned"] / GiB) if found else None

    def adopt(self, name: str, new_name: str) -> int:
        def rename(array: Array) -> int:
            found = self._manageable(array, name)
            if found is None:
                raise ArrayBackendError(f"manage {name}: not a manageable volume of "
                                        f"{self.array_name}")
            array.patch_volumes(names=[name], changes={"name": new_name})
            return math.ceil(found["provisioned"] / GiB)

        return self._on_array(f"manage {name}", rename)

    def unmanage(self, name: str, new_name: str) -> None:
        self._on_array(f"unmanage {name}", lambda a: a.patch_volumes(
            names=[name], changes={"name": new_name}))

    def delete(self, name: str) -> None:
        def destroy(array: Array) -> None:
            vol = array.find_volume(name)
            if vol is None:
                return  # gone already: Cinder deletes it all the same
            array.patch_volumes(names=[name], changes={"destroyed": True})
            if self.eradicate:
                array.delete_volumes(names=[name])

        self._on_array(f"delete {name}", destroy)

    # -- for tests and the demo ------------------------------------------------------
    def volumes(self, *, destroyed: bool | None = None) -> dict[str, int]:
        """The array's volumes (name -> bytes); ``destroyed`` as the REST query."""
        return self._on_array("list volumes", lambda a: {
            v["name"]: v["provisioned"] for v in a.get_volumes(names=None, destroyed=destroyed)})
