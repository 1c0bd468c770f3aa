"""RPC endpoints of protector-engine: log, then delegate."""

from typing import Any

import oslo_messaging as messaging
from oslo_log import log

from protector import version
from protector.conf import CONF
from protector.engine import rpcapi

LOG = log.getLogger(__name__)


class EngineManager:
    target = messaging.Target(version=rpcapi.RPC_API_VERSION)

    def ping(self, ctxt: Any) -> dict[str, Any]:
        LOG.debug("ping from %s", getattr(ctxt, "request_id", None))
        return {"host": CONF.host, "version": version.__version__}
