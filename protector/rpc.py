"""oslo.messaging plumbing shared by the API (client) and the engine (server)."""

from typing import Any

import oslo_messaging as messaging

from protector import context
from protector.conf import CONF

# Parsing a URL registers transport_url & co. without loading a driver, so
# they can be set and checked before the first transport is made.
messaging.TransportURL.parse(CONF)
messaging.set_transport_defaults(control_exchange="protector")
_transport: messaging.Transport | None = None


class ContextSerializer(messaging.NoOpSerializer):
    """Sends a RequestContext as a dict and rebuilds it on the other side."""

    def serialize_context(self, ctxt: Any) -> dict:
        return ctxt.to_dict()

    def deserialize_context(self, ctxt: dict) -> context.RequestContext:
        return context.RequestContext.from_dict(ctxt)


def get_transport() -> messaging.Transport:
    global _transport
    if _transport is None:
        _transport = messaging.get_rpc_transport(CONF)
    return _transport


def cleanup() -> None:
    global _transport
    if _transport is not None:
        _transport.cleanup()
    _transport = None
