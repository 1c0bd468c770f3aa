"""What the tenant mapping pages derive: project and site names, and whether
the peer site holds each mapping's mirror.

protector writes the mirror itself (protector/sync/service.py): on the peer,
under the same id, ``local_tenant`` is our ``remote_tenant``, ``remote_tenant``
our ``local_tenant`` and ``remote_site`` this site (by the name it is
registered under here).
"""

import logging
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from openstack_dashboard.api import keystone

from protector_dashboard.api import peers, protector

LOG = logging.getLogger(__name__)


class Record(dict):
    """An API record with attribute access (``mapping.id``) for the tables."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def projects(request: Any) -> list[Any]:
    """This site's projects, [] when Keystone does not list them."""
    try:
        found, _more = keystone.tenant_list(request)
    except Exception:
        LOG.warning("Keystone did not list the projects", exc_info=True)
        return []
    return sorted(found, key=lambda p: (p.name or "").lower())


def sites(request: Any) -> tuple[dict[str, str], str | None]:
    """Site names by id and the local site's name (None when unknown)."""
    try:
        known = protector.site_names(request)
    except Exception:
        LOG.warning("protector did not list its sites' names", exc_info=True)
        return {}, None
    local = next((s["name"] for s in known if s.get("local")), None)
    return {s["id"]: s["name"] for s in known}, local


def _is_mirror(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    return (theirs.get("local_tenant") == ours.get("remote_tenant")
            and theirs.get("remote_tenant") == ours.get("local_tenant"))


def _state(ours: dict[str, Any], peer: list[dict[str, Any]]) -> str:
    same_id = next((m for m in peer if m.get("id") == ours.get("id")), None)
    if same_id is not None and not _is_mirror(ours, same_id):
        return str(_("No: the peer maps %(local)s to %(remote)s")
                   % {"local": same_id.get("local_tenant"),
                      "remote": same_id.get("remote_tenant")})
    if same_id is not None or any(_is_mirror(ours, m) for m in peer):
        return str(_("Yes"))
    return str(_("No"))


def _sign_in_hint(site: str) -> str:
    text = _("sign in to %s to check") % site
    if site not in peers.sites():
        return str(_("%s is not in PROTECTOR_SITES: cannot check") % site)
    return format_html('<a href="{}">{}</a>',
                       reverse("horizon:project:dr_sites:sign_in", args=(site,)), text)


def mirror_states(request: Any, mappings: list[dict[str, Any]],
                  local: str | None) -> dict[str, str]:
    """Mapping id -> whether the peer holds its mirror, asking each peer
    site once, and only the peers the admin is signed in to."""
    by_site: dict[str, list[dict[str, Any]]] = {}
    for mapping in mappings:
        by_site.setdefault(mapping["remote_site_name"], []).append(mapping)
    states = {}
    for site, ours in by_site.items():
        if not peers.signed_in(request, site):
            hint = _sign_in_hint(site)
            states.update((m["id"], hint) for m in ours)
            continue
        # Only the peer's mappings that point back at this site.
        query = {"remote_site": local} if local else {}
        try:
            peer = protector.tenant_mapping_list(request, site=site, **query)
        except protector.ProtectorNotFound as exc:
            # The peer does not know this site's name: it holds no mirror.
            states.update((m["id"], str(_("No: %s") % exc)) for m in ours)
            continue
        except Exception as exc:
            LOG.warning("Cannot list the tenant mappings of %s", site, exc_info=True)
            states.update((m["id"], str(_("cannot check: %s") % exc)) for m in ours)
            continue
        states.update((m["id"], _state(m, peer)) for m in ours)
    return states
