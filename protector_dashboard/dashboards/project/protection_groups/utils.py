"""What the protection group pages derive from the API's records."""

from collections.abc import Iterable
from concurrent import futures
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from horizon.utils import settings as horizon_settings

from protector_dashboard import common
from protector_dashboard.api import protector
from protector_dashboard.common import age


class PG(common.Record):
    """A protection group record with the names the templates and tables use
    (site names for ids, member count, health)."""


# Any API record (member, operation) the tables show: same attribute access.
Record = PG

# The PG states in which the API accepts each action: a mirror of the
# transitions of protector/states.py (which the dashboard cannot import).
EDITABLE = frozenset({"active", "error"})
ACTION_STATES: dict[str, frozenset[str]] = {
    "test_failover": frozenset({"active"}),
    "test_cleanup": frozenset({"test_failed_over"}),
    # From failed_over_partial, failing over again moves the members left behind.
    "failover": frozenset({"active", "failed_over_partial"}),
    "unplanned_failover": frozenset({"active", "failed_over_partial"}),
    # From active: a failback whose reprotect failed.
    "reprotect": frozenset({"failed_over", "active"}),
    "failback": frozenset({"failed_over"}),
    "update": EDITABLE,
    "add_member": EDITABLE,
    "members": EDITABLE,
    "policy": EDITABLE,
    "delete": EDITABLE,
}
TRANSIENT = frozenset({"testing", "cleaning_up", "failing_over", "reprotecting",
                       "failing_back", "deleting"})


def allows(pg: dict[str, Any], action: str) -> bool:
    """Whether the API would accept ``action`` on ``pg`` in its state; an
    action not listed (sync_force) is accepted in any state."""
    states = ACTION_STATES.get(action)
    return states is None or pg.get("status") in states


def permitted(request: Any, rule: str) -> bool:
    """The policy check Horizon's buttons use, for links drawn by hand."""
    check = horizon_settings.import_setting("POLICY_CHECK_FUNCTION")
    return True if check is None else bool(check((("protector", rule),), request))


def sites(request: Any) -> list[dict[str, Any]]:
    """site_names, or [] when the API cannot say (ids are shown instead)."""
    try:
        return list(protector.site_names(request))
    except protector.ProtectorError:
        return []


def local_site_id(site_list: Iterable[dict[str, Any]]) -> str | None:
    return next((s["id"] for s in site_list if s.get("local")), None)


def dr_site_id(pg: dict[str, Any]) -> str | None:
    """The site an unplanned failover is issued to: the one the PG does not
    run on, but for a partial failover the one it runs on (the retry moves
    the members left on the other site there)."""
    here = pg.get("current_primary_site_id")
    if pg.get("status") == "failed_over_partial":
        return here
    if here == pg.get("primary_site_id"):
        return pg.get("secondary_site_id")
    return pg.get("primary_site_id")


def route(site_list: Iterable[dict[str, Any]], site_id: str | None) -> str | None:
    """The ``site`` argument of the API functions for ``site_id``: None for
    the local site, else the peer's name.

    :raises protector.ProtectorError: the site is not among site_names.
    """
    for site in site_list:
        if site["id"] == site_id:
            return None if site.get("local") else site["name"]
    raise protector.ProtectorError(str(
        _("protector did not name site %(site)s; reload the page and try again.")
        % {"site": site_id}))


def parse_mapping(text: str | None) -> dict[str, str]:
    """``source=target`` lines as a mapping.

    :raises ValueError: saying which line is wrong and how.
    """
    found: dict[str, str] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        source, sep, target = (part.strip() for part in line.partition("="))
        if not sep or not source or not target:
            raise ValueError(str(_('Line %(n)d ("%(line)s") is not source=target.')
                                 % {"n": number, "line": line}))
        if len(source) > 255 or len(target) > 255:
            raise ValueError(str(_("Line %(n)d: a name is longer than 255 characters.")
                                 % {"n": number}))
        if source in found:
            raise ValueError(str(_("Line %(n)d maps %(source)s a second time.")
                                 % {"n": number, "source": source}))
        found[source] = target
    return found


def format_mapping(mapping: dict[str, str] | None) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted((mapping or {}).items()))


def detail_url(pg_id: str, tab: str | None = None) -> str:
    url = reverse("horizon:project:protection_groups:detail", args=[pg_id])
    return f"{url}?tab=pg_details__{tab}" if tab else url


def operation_url(operation_id: str, site: str | None = None) -> str | None:
    """The DR operation's page (``?site=`` when it runs on the peer), None
    while the operations panel is not installed."""
    try:
        url = reverse("horizon:project:dr_operations:detail", args=[operation_id])
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'site': site})}" if site else url


def recovery_point_age(pg: PG) -> str:
    """'3 min / 15 min' against the RPO; '-' before the first point."""
    health = pg.get("health") or {}
    lag, rpo = health.get("replication_lag_seconds"), health.get("rpo_minutes")
    if lag is None:
        return str(_("no recovery point yet")) if rpo else "-"
    return f"{age(lag)} / {rpo} min" if rpo else age(lag)


def decorate(request: Any, pgs: Iterable[dict[str, Any]], *, members: bool = True,
             health: bool = True, site_list: list[dict[str, Any]] | None = None
             ) -> list[PG]:
    """PGs with site names, whether they run on this site, member counts
    (asked in parallel) and health; ``site_list``: site_names if known."""
    if site_list is None:
        site_list = sites(request)
    names = {s["id"]: s["name"] for s in site_list}
    here = local_site_id(site_list)
    found = [PG(pg) for pg in pgs]
    for pg in found:
        for key in ("primary_site", "secondary_site", "current_primary_site"):
            site_id = pg.get(key + "_id")
            pg[key] = names.get(site_id, site_id)
        # Unknown (None) when site_names did not answer: the API decides then.
        pg["runs_here"] = None if here is None else pg.get("current_primary_site_id") == here
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
