"""protector-engine: the RPC server that runs DR workflows (no eventlet:
oslo.messaging's threading executor under cotyledon)."""

import sys
from typing import Any

import cotyledon
import oslo_messaging as messaging
from oslo_log import log

from protector import rpc
from protector.cmd import _common
from protector.conf import CONF
from protector.engine import manager

LOG = log.getLogger(__name__)


class EngineService(cotyledon.Service):
    name = "protector-engine"

    def __init__(self, worker_id: int) -> None:
        super().__init__(worker_id)
        self.server: Any = None
        self.manager: Any = None

    def run(self) -> None:
        target = messaging.Target(topic=CONF.engine.topic, server=CONF.host)
        self.manager = manager.EngineManager()
        self.server = messaging.get_rpc_server(
            rpc.get_transport(), target, [self.manager],
            serializer=rpc.ContextSerializer())  # threading executor, the default
        self.server.start()
        self.manager.start_sweeper()
        LOG.info("protector-engine worker %d consuming topic %s on %s", self.worker_id,
                 CONF.engine.topic, CONF.host)
        self.server.wait()

    def terminate(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server.wait()
            self.manager.stop()
        rpc.cleanup()


def main(argv: list[str] | None = None) -> None:
    _common.init("protector-engine", argv)
    try:
        rpc.get_transport()
    except messaging.InvalidTransportURL as exc:
        sys.exit(f"protector-engine: invalid transport_url: {exc}")
    sm = cotyledon.ServiceManager()
    sm.add(EngineService, workers=CONF.engine.workers)
    sm.run()
