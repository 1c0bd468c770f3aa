"""ML2 mechanism driver ``protector_lab`` for a Neutron without agents.

With no L2 agent nothing would bind ports, and Nova cannot boot a server
with an unbound port. This driver binds every port on its first segment as
an OVS port, ACTIVE at once. There is no data plane behind it.
"""

from typing import Any

from neutron_lib import constants
from neutron_lib.api.definitions import portbindings
from neutron_lib.plugins.ml2 import api


class LabBindDriver(api.MechanismDriver):
    def initialize(self) -> None:
        pass

    def bind_port(self, context: Any) -> None:
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID], portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: False, portbindings.OVS_HYBRID_PLUG: False},
                status=constants.PORT_STATUS_ACTIVE)
            return
