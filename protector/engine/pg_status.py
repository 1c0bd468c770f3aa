"""Moves a protection group to the state an operation's outcome gives, and
syncs that to the peer. The state change must happen even when the peer is
down (a PG never stays in a transient state), so it then lands here alone
and the PG shows OUT_OF_SYNC until sync-force."""

from collections.abc import Callable
from typing import Any

from oslo_log import log

from protector import exception, states
from protector.clients import peer as peer_client
from protector.db import protection_groups as pg_db
from protector.sync import service

LOG = log.getLogger(__name__)


def change(context: Any, pg_id: str, values: dict[str, Any]) -> None:
    """Change PG fields as an operation's step, synced when the peer allows."""
    apply(context, pg_id, lambda: pg_db.update(context, None, pg_id, values))


def apply(context: Any, pg_id: str, change: Callable[[], Any]) -> None:
    """Run ``change`` (a local transaction that bumps the PG's version) and
    sync it; with the peer down or stale it lands here alone."""
    pg = pg_db.get(context, None, pg_id)
    try:
        service.modify(context, pg, change)
    except (peer_client.PeerUnreachable, exception.Conflict) as exc:
        # Refused before anything changed: the peer is down or already stale.
        LOG.warning("Protection group %s: %s; changing it here alone", pg_id, exc)
        service.modify_without_peer(context, pg, change)
    except exception.ServiceUnavailable as exc:
        # Applied here; the push failed and the PG is now OUT_OF_SYNC.
        LOG.warning("Protection group %s changed but not synced: %s", pg_id, exc)


def settle(context: Any, op: Any, event: str) -> None:
    """Move the operation's PG on by ``event`` (its outcome unless the flow
    says otherwise) and sync that."""
    pg = pg_db.get(context, None, op.protection_group_id)
    if pg.status not in states.PG_TRANSIENT:
        return  # settled by an engine that died before it closed the operation
    new = states.pg_transition(pg.name, pg.status, event)
    change(context, pg.id, {"status": new})
