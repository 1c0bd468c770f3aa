"""What the peer site holds of each PG (see protector.sync.delta)."""

from typing import Any

from sqlalchemy import delete

from protector.db import models, session


def get(context: Any, pg_id: str) -> models.PeerDocument | None:
    with session.reader(context) as s:
        return s.get(models.PeerDocument, pg_id)


def put(s: Any, pg_id: str, version: int, digests: dict[str, Any]) -> None:
    """Inside a writer session: the peer holds ``version`` of the PG."""
    row = s.get(models.PeerDocument, pg_id)
    if row is None:
        s.add(models.PeerDocument(protection_group_id=pg_id, metadata_version=version,
                                  digests=digests))
    else:
        row.metadata_version, row.digests = version, digests


def record(context: Any, pg_id: str, version: int, digests: dict[str, Any]) -> None:
    with session.writer(context) as s:
        if s.get(models.ProtectionGroup, pg_id) is not None:  # not deleted meanwhile
            put(s, pg_id, version, digests)


def forget(context: Any, pg_id: str) -> None:
    """The peer's copy is unknown (a push it did not confirm)."""
    with session.writer(context) as s:
        s.execute(delete(models.PeerDocument).where(
            models.PeerDocument.protection_group_id == pg_id))
