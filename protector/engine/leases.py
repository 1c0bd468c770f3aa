"""Who runs an operation: a lease on its dr_operations row.

An engine claims an operation with one conditional UPDATE, so two engines
never run the same operation; it renews the lease while it works. A lease
that lapses (the engine died, was SIGKILLed, lost its database) lets any
engine claim the operation and resume it from taskflow's persisted state.
"""

import datetime
import threading
from typing import Any

from oslo_log import log
from oslo_utils import timeutils
from sqlalchemy import and_, or_, select, update

from protector import states
from protector.conf import CONF
from protector.db import models, session

LOG = log.getLogger(__name__)
_ACTIVE = states.OP_ACTIVE


def _expiry() -> datetime.datetime:
    return timeutils.utcnow() + datetime.timedelta(seconds=CONF.engine.lease_seconds)


def claim(context: Any, op_id: str, host: str) -> bool:
    """Take the operation if nobody holds a live lease on it."""
    op = models.Operation
    now = timeutils.utcnow()
    with session.writer(context) as s:
        result = s.execute(update(op).where(
            op.id == op_id, op.status.in_(_ACTIVE),
            or_(op.engine_host.is_(None), op.engine_host == host,
                op.lease_expires_at < now)).values(
            engine_host=host, lease_expires_at=_expiry()))
        return result.rowcount == 1


def renew(context: Any, op_id: str, host: str) -> bool:
    """Extend our lease; False means another engine took the operation."""
    op = models.Operation
    with session.writer(context) as s:
        result = s.execute(update(op).where(op.id == op_id, op.engine_host == host)
                           .values(lease_expires_at=_expiry()))
        return result.rowcount == 1


def release(context: Any, op_id: str, host: str) -> None:
    op = models.Operation
    with session.writer(context) as s:
        s.execute(update(op).where(op.id == op_id, op.engine_host == host)
                  .values(engine_host=None, lease_expires_at=None))


def orphaned(context: Any, pending_grace: int) -> list[str]:
    """Operations whose engine died, and pending ones no engine picked up
    (a cast lost while the bus was down) within ``pending_grace`` seconds."""
    op = models.Operation
    now = timeutils.utcnow()
    old = now - datetime.timedelta(seconds=pending_grace)
    with session.reader(context) as s:
        return list(s.execute(select(op.id).where(op.status.in_(_ACTIVE), or_(
            op.lease_expires_at < now,
            and_(op.engine_host.is_(None), op.created_at < old)))).scalars())


class Heartbeat:
    """Renews a lease in the background while an operation runs."""

    def __init__(self, context: Any, op_id: str, host: str) -> None:
        self.context, self.op_id, self.host = context, op_id, host
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True,
                                        name=f"lease-{op_id[:8]}")

    def _beat(self) -> None:
        interval = max(CONF.engine.lease_seconds / 3, 0.5)
        while not self._stop.wait(interval):
            try:
                if not renew(self.context, self.op_id, self.host):
                    LOG.error("Lost the lease on operation %s", self.op_id)
                    self.lost.set()
                    return
            except Exception:  # noqa: BLE001 - a DB blip: try again next beat
                LOG.exception("Could not renew the lease on operation %s", self.op_id)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
