"""Which site record is this site, and which is the peer of a PG."""

from typing import Any
from urllib import parse

from protector import exception
from protector.conf import CONF, keystone_authtoken
from protector.db import models
from protector.db import sites as sites_db


def _host_port(url: str | None) -> tuple[str, int] | None:
    if not url:
        return None
    parts = parse.urlsplit(url)
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def _local_keystones() -> set[tuple[str, int]]:
    keystone_authtoken.register_password_opts(CONF)  # auth_url is a plugin option
    group = CONF.keystone_authtoken
    found = {_host_port(group.www_authenticate_uri), _host_port(group.auth_url)}
    found.discard(None)
    return found  # type: ignore[return-value]


def local_site(context: Any) -> models.Site:
    """The site record of this site ([DEFAULT] site_name, else by Keystone)."""
    if CONF.site_name:
        try:
            return sites_db.get(context, CONF.site_name)
        except exception.SiteNotFound as exc:
            raise exception.Conflict(
                reason=f"[DEFAULT] site_name is {CONF.site_name}, but no site of that "
                       "name is registered here; register both sites on this site") from exc
    mine = _local_keystones()
    found = [s for s in sites_db.list_(context, filters={}) if _host_port(s.auth_url) in mine]
    if len(found) != 1:
        raise exception.Conflict(
            reason="cannot tell which registered site is this one; register it, or set "
                   "[DEFAULT] site_name to the name it is registered under")
    return found[0]


def peer_of(context: Any, pg: models.ProtectionGroup) -> models.Site:
    """The PG's other site, seen from here."""
    here = local_site(context)
    if here.id == pg.primary_site_id:
        return sites_db.get(context, pg.secondary_site_id)
    if here.id == pg.secondary_site_id:
        return sites_db.get(context, pg.primary_site_id)
    raise exception.Conflict(reason=f"protection group {pg.name} is between two sites "
                                    f"other than this one ({here.name})")
