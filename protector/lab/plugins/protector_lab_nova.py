"""Nova's fake virt driver with a node uuid that survives a restart.

``fake.FakeDriver`` names its node uuid with a per-process sentinel, so a
restarted nova-compute finds "its" compute node under a new uuid and
refuses to start (duplicate compute node; no local node identity). This
subclass uses the uuid in the node identity file (``compute_id``, which the
lab writes before the first start), else a uuid derived from host and node.
Nova loads drivers from ``nova.virt`` only: the lab adds a one-line
``nova/virt/protector_lab.py`` importing this class
(``compute_driver = protector_lab.LabFakeDriver``).
"""

import uuid

from nova.virt import fake, node


class LabFakeDriver(fake.FakeDriver):
    def _node_uuid(self, nodename: str) -> str:
        return node.read_local_node_uuid() or str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"protector-lab:{self._host}:{nodename}"))

    def get_available_resource(self, nodename: str) -> dict:
        resources = super().get_available_resource(nodename)
        resources["uuid"] = self._node_uuid(nodename)
        return resources

    def get_nodenames_by_uuid(self, refresh: bool = False) -> dict[str, str]:
        return {self._node_uuid(n): n for n in self.get_available_nodes()}
