"""The peer site: a second Keystone and protector the user signs in to.

The two sites of a protection group are independent clouds, each with its
own Keystone, so the token Horizon logged in with is good on one site
only. The CLI holds a clouds.yaml entry per site; the dashboard holds a
token per peer site instead, asked for once per Horizon session with the
user's password on that site (``sign_in``). The password goes to that
Keystone and nowhere else; the token, its expiry and the protector
endpoint of that site's catalog are kept in the Django session beside
Horizon's own token, and dropped at sign-out or expiry.

The first authenticated request to the peer's protector makes the
Keystone trust protector needs to act on that site later (failover), as
the CLI's first call there does.

Sites come from the ``PROTECTOR_SITES`` setting (name -> Keystone URL,
optionally ``{"auth_url": ..., "region": ...}``), else from Horizon's
``AVAILABLE_REGIONS`` (each Keystone's display name as the site name).
Which of them is the local one is the Keystone Horizon logged in to.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from protector_dashboard.api import protector

LOG = logging.getLogger(__name__)
SESSION_KEY = "protector_peers"
_EXPIRY_MARGIN = datetime.timedelta(minutes=2)


class SignInRequired(protector.ProtectorError):
    """The page needs the peer site and the user has not signed in there."""

    def __init__(self, site: str) -> None:
        super().__init__(str(_("Sign in to site %(site)s first (Project > Site Recovery > "
                               "Sites > Sign in): its Keystone is separate from this "
                               "one's.") % {"site": site}))
        self.site = site


def sites() -> dict[str, dict[str, str | None]]:
    """Site name -> {"auth_url", "region"} of every Keystone the dashboard knows."""
    configured = getattr(settings, "PROTECTOR_SITES", None)
    if configured:
        found = {}
        for name, value in configured.items():
            entry = {"auth_url": value} if isinstance(value, str) else dict(value)
            entry.setdefault("region", None)
            found[name] = entry
        return found
    return {name: {"auth_url": url, "region": None}
            for url, name in getattr(settings, "AVAILABLE_REGIONS", None) or []}


def _same_keystone(a: str, b: str) -> bool:
    return a.rstrip("/").removesuffix("/v3") == b.rstrip("/").removesuffix("/v3")


def local_name(request: Any) -> str | None:
    """The configured site whose Keystone Horizon logged in to."""
    here = getattr(request.user, "endpoint", None) or ""
    return next((name for name, entry in sites().items()
                 if _same_keystone(entry["auth_url"] or "", here)), None)


def is_local(request: Any, site: str) -> bool:
    if site not in sites():
        return True  # not a Keystone the dashboard knows: ask this site's protector
    return site == local_name(request)


def _stored(request: Any) -> dict[str, dict[str, Any]]:
    return request.session.get(SESSION_KEY) or {}


def signed_in(request: Any, site: str) -> dict[str, Any] | None:
    """The unexpired sign-in of ``site``: username, project, endpoint, expires."""
    entry = _stored(request).get(site)
    if not entry:
        return None
    expires = datetime.datetime.fromisoformat(entry["expires"])
    if expires - _EXPIRY_MARGIN <= timezone.now():
        sign_out(request, site)
        return None
    return entry


def client(request: Any, site: str) -> Any:
    entry = signed_in(request, site)
    if entry is None:
        raise SignInRequired(site)
    return protector.make_client(entry["endpoint"], entry["token"])


def sign_in(request: Any, site: str, *, username: str, password: str,
            user_domain_name: str, project_name: str,
            project_domain_name: str) -> dict[str, Any]:
    """Get a project-scoped token on ``site``'s Keystone and keep it in the
    session; call that site's protector once with it (which makes the
    trust there).

    :raises ProtectorError: the Keystone refused, or there is no protector
        endpoint in that site's catalog, or it does not answer.
    """
    entry = sites().get(site)
    if entry is None:
        raise protector.ProtectorBadRequest(
            str(_("%(site)s is not one of this dashboard's sites (PROTECTOR_SITES).")
                % {"site": site}))
    auth = v3.Password(auth_url=entry["auth_url"], username=username, password=password,
                       user_domain_name=user_domain_name, project_name=project_name,
                       project_domain_name=project_domain_name)
    sess = ks_session.Session(auth=auth, verify=not getattr(
        settings, "OPENSTACK_SSL_NO_VERIFY", False), timeout=30)
    try:
        access = auth.get_access(sess)
        url = access.service_catalog.url_for(
            service_type=protector.SERVICE_TYPE, region_name=entry["region"],
            interface=getattr(settings, "OPENSTACK_ENDPOINT_TYPE", "publicURL"))
    except ks_exc.Unauthorized as exc:
        raise protector.ProtectorError(
            str(_("Keystone of %(site)s refused the user name or password (or the user "
                  "has no role in project %(project)s there).")
                % {"site": site, "project": project_name}), 401) from exc
    except ks_exc.EndpointNotFound as exc:
        raise protector.ProtectorUnavailable(
            str(_("No protector endpoint in the catalog of %(site)s.") % {"site": site})
        ) from exc
    except ks_exc.ClientException as exc:
        raise protector.ProtectorUnavailable(
            str(_("Cannot reach the Keystone of %(site)s at %(url)s: %(reason)s")
                % {"site": site, "url": entry["auth_url"], "reason": exc})) from exc
    record = {"token": access.auth_token, "expires": access.expires.isoformat(),
              "endpoint": url, "username": username, "project_name": project_name,
              "project_id": access.project_id}
    # The first authenticated request there makes protector's trust on that site.
    protector.handled(lambda: protector.make_client(url, access.auth_token)
                      .protection_groups.list(limit=1))()
    stored = dict(_stored(request))
    stored[site] = record
    request.session[SESSION_KEY] = stored
    LOG.info("%s signed in to protector site %s as %s", request.user.username, site,
             username)
    return record


def sign_out(request: Any, site: str) -> None:
    stored = dict(_stored(request))
    if stored.pop(site, None) is not None:
        request.session[SESSION_KEY] = stored
