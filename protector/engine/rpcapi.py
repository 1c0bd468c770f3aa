"""Client side of the engine RPC API.

History:
    1.0 - ping
    1.1 - run_operation
"""

from typing import Any

import oslo_messaging as messaging

from protector import rpc
from protector.conf import CONF

RPC_API_VERSION = "1.1"


class EngineAPI:
    def __init__(self) -> None:
        target = messaging.Target(topic=CONF.engine.topic, version=RPC_API_VERSION)
        self.client = messaging.get_rpc_client(rpc.get_transport(), target,
                                               serializer=rpc.ContextSerializer())

    def ping(self, ctxt: Any, timeout: float = 10) -> dict[str, Any]:
        """Which engine answered, to check the bus and an engine are alive."""
        cctxt = self.client.prepare(version="1.0", timeout=timeout)
        return cctxt.call(ctxt, "ping")

    def run_operation(self, ctxt: Any, operation_id: str) -> None:
        """Ask an engine to run an operation; the engine reloads it by id."""
        cctxt = self.client.prepare(version="1.1")
        cctxt.cast(ctxt, "run_operation", operation_id=operation_id)
