"""Replication monitor: how old is each PG's newest recovery point?

Every ``[engine] replication_check_interval`` seconds the engine asks the
array driver of every PG that runs on its site (``current_primary_site``)
for the PG's replication health and stores the time of the newest complete
recovery point in ``last_replication_at``. The health API
(``/v1/{project}/health``) compares that with the policy's RPO; the log
says when a PG falls out of it. The site where a PG does not run leaves it
alone: the engine next to the source array is the one that can read it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from oslo_log import log

from protector import states
from protector.db import protection_groups as pg_db
from protector.engine import resources
from protector.sync import sites as sync_sites

LOG = log.getLogger(__name__)

PAGE = 500
# While an operation moves the PG its arrays are busy and its direction may flip.
AT_REST = frozenset({states.ACTIVE, states.TEST_FAILED_OVER, states.FAILED_OVER,
                     states.FAILED_OVER_PARTIAL})


def check_all(context: Any) -> int:
    """Refresh ``last_replication_at`` of the PGs running on this site.

    :returns: how many PGs were checked.
    """
    local = sync_sites.local_site(context)
    checked = 0
    for pg in _pages(context, {"current_primary_site_id": local.id}):
        if pg.policy is None or pg.status not in AT_REST:
            continue
        try:
            check(context, pg)
        except Exception:  # noqa: BLE001 - one PG's broken policy must not stop the rest
            LOG.exception("Replication check of protection group %s failed", pg.name)
            continue
        checked += 1
    return checked


def _pages(context: Any, filters: dict[str, Any]) -> Iterator[Any]:
    """The PGs with their policies, ``PAGE`` at a time: an estate's worth of
    rows is never in memory at once."""
    marker = None
    while True:
        page = pg_db.list_(context, filters=filters, limit=PAGE, marker=marker, policy=True)
        yield from page
        if len(page) < PAGE:
            return
        marker = page[-1].id


def check(context: Any, pg: Any) -> datetime.datetime | None:
    """Record ``pg``'s newest complete recovery point; returns its time."""
    driver = resources.pg_storage(pg)
    try:
        health = driver.replication_health()
    finally:
        driver.close()
    if not (health.source_reachable and health.target_reachable):
        LOG.warning("Protection group %s: array %s unreachable; replication state unknown",
                    pg.name, "source" if not health.source_reachable else "target")
        return pg.last_replication_at
    latest = health.latest.created if health.latest else None
    if latest is not None:
        latest = latest.astimezone(datetime.UTC).replace(tzinfo=None)
        if pg.last_replication_at is None or latest > pg.last_replication_at:
            # A local observation, not metadata: the version stays.
            pg_db.update(context, None, pg.id, {"last_replication_at": latest},
                         bump_version=False)
    if health.lag_seconds is not None and health.lag_seconds > health.rpo_seconds:
        LOG.warning("Protection group %s is outside its RPO: newest recovery point is "
                    "%.0f s old, RPO %d s", pg.name, health.lag_seconds, health.rpo_seconds)
    return latest or pg.last_replication_at
