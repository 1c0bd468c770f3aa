"""What the protection group pages derive from the API's records."""

from collections.abc import Iterable
from concurrent import futures
from typing import Any

from django.utils.translation import gettext_lazy as _

from protector_dashboard.api import protector


class PG(dict):
    """A protection group record with the names the templates and tables use
    (site names for ids, member count, health); a dict underneath, so
    ``pg.id`` and ``pg["id"]`` both work."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def recovery_point_age(pg: PG) -> str:
    """'3 min / 15 min' against the RPO; '-' before the first point."""
    health = pg.get("health") or {}
    lag, rpo = health.get("replication_lag_seconds"), health.get("rpo_minutes")
    if lag is None:
        return str(_("no recovery point yet")) if rpo else "-"
    return f"{age(lag)} / {rpo} min" if rpo else age(lag)


def decorate(request: Any, pgs: Iterable[dict[str, Any]], *, members: bool = True,
             health: bool = True) -> list[PG]:
    """PGs with site names, member counts (asked in parallel) and health."""
    names = protector.site_name_map(request)
    found = [PG(pg) for pg in pgs]
    for pg in found:
        for key in ("primary_site", "secondary_site", "current_primary_site"):
            site_id = pg.get(key + "_id")
            pg[key] = names.get(site_id, site_id)
    if health and found:
        try:
            entries = protector.health(request)["protection_groups"]
        except protector.ProtectorError:
            entries = []  # an API without 1.2, or unreachable: no age shown
        by_id = {e["protection_group_id"]: e for e in entries}
        for pg in found:
            pg["health"] = by_id.get(pg["id"])
    if members and found:
        def count(pg: PG) -> int | None:
            try:
                return len(protector.member_list(request, pg["id"]))
            except protector.ProtectorError:
                return None

        with futures.ThreadPoolExecutor(max_workers=min(8, len(found))) as pool:
            for pg, n in zip(found, pool.map(count, found), strict=True):
                pg["member_count"] = "-" if n is None else n
    return found
