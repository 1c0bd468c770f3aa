"""Client side of the engine RPC API.

History:
    1.0 - ping
"""

from typing import Any

import oslo_messaging as messaging

from protector import rpc
from protector.conf import CONF

RPC_API_VERSION = "1.0"


class EngineAPI:
    def __init__(self) -> None:
        target = messaging.Target(topic=CONF.engine.topic, version=RPC_API_VERSION)
        self.client = messaging.get_rpc_client(rpc.get_transport(), target,
                                               serializer=rpc.ContextSerializer())

    def ping(self, ctxt: Any, timeout: float = 10) -> dict[str, Any]:
        """Which engine answered, to check the bus and an engine are alive."""
        cctxt = self.client.prepare(version="1.0", timeout=timeout)
        return cctxt.call(ctxt, "ping")
