"""Keystone trusts: protector acts for a project through a trust its user
granted to the protector service user on the project's first request.

The trust delegates the roles of [service_credentials] default_trust_roles
that the user holds (member and _member_ are both listed for compatibility
across releases), with impersonation and no expiry. The engine turns it
into a trust-scoped session with ``trust_session``.

A trust can stop working behind protector's back: deleted in Keystone, or
its trustor lost the delegated roles or was disabled. The engine finds out
when Keystone refuses it, forgets it (the operation fails saying so), and
the next request of a user of the project makes a new one: the API looks
the trust up again at most ``_RECHECK`` seconds after it last found it.
"""

import threading
import time
from typing import Any

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import identity
from keystoneauth1 import session as ks_session
from keystoneclient.v3 import client as ks_client
from oslo_log import log

from protector import exception
from protector.clients import keystone, peer
from protector.conf import CONF, keystone_authtoken
from protector.db import trusts as trusts_db
from protector.sync import sites

LOG = log.getLogger(__name__)
_RECHECK = 60.0  # seconds an API process trusts its memory of a project's trust
_known: dict[str, float] = {}  # project -> when the API found its trust (monotonic)
_service_user: dict[str, str] = {}
_peer_trusts: dict[str, str] = {}  # "<site id>/<project>" -> trust id there
_lock = threading.Lock()


class TrustError(exception.ProtectorException):
    message = "Could not create trust: %(reason)s"
    code = 403


def _service_auth(**scope: Any) -> identity.Password:
    keystone_authtoken.register_password_opts(CONF)
    group = CONF.keystone_authtoken
    if not scope:
        scope = {"project_name": group.project_name,
                 "project_domain_name": group.project_domain_name or "Default"}
    # Generic plugin: discovers v3 whether auth_url ends in /v3 or not.
    return identity.Password(auth_url=group.auth_url, username=group.username,
                       password=group.password,
                       user_domain_name=group.user_domain_name or "Default", **scope)


def _keystone_v3_url() -> str:
    """The local Keystone's v3 API (the spec's auth_url has no version)."""
    keystone_authtoken.register_password_opts(CONF)
    url = CONF.keystone_authtoken.auth_url.rstrip("/")
    return url if url.endswith("/v3") else url + "/v3"


def service_user_id() -> str:
    """The protector service user's id; checks it is admin in its project."""
    with _lock:
        if "id" in _service_user:
            return _service_user["id"]
    sess = ks_session.Session(auth=_service_auth(), timeout=CONF.service_credentials.timeout)
    try:
        access = sess.auth.get_access(sess)
    except ks_exc.ClientException as exc:
        raise TrustError(reason=f"the protector service user cannot log in to Keystone "
                                f"({exc}); check [keystone_authtoken]") from exc
    if "admin" not in access.role_names:
        raise TrustError(reason=f"the protector service user has no admin role in project "
                                f"{access.project_name}; run 'openstack role add --project "
                                f"{access.project_name} --user {access.username} admin'")
    with _lock:
        _service_user["id"] = access.user_id
    return access.user_id


def ensure_trust(context: Any, user_auth: Any) -> None:
    """Create the project's trust on its first request here (no-op afterwards)."""
    project_id = context.project_id
    if not project_id or time.monotonic() - _known.get(project_id, -_RECHECK) < _RECHECK:
        return
    if trusts_db.get(context, project_id) is not None:
        _known[project_id] = time.monotonic()
        return
    trustee = service_user_id()
    if context.user_id == trustee:  # the peer site's protector, not a tenant
        return
    wanted = CONF.service_credentials.default_trust_roles
    roles = [role for role in wanted if role in context.roles]
    if not roles:
        raise TrustError(reason=f"user {context.user_id} holds none of the roles "
                                f"{', '.join(wanted)} ([service_credentials] "
                                f"default_trust_roles) on project {project_id}")
    sess = ks_session.Session(auth=user_auth, timeout=CONF.service_credentials.timeout)
    keystone = ks_client.Client(session=sess, endpoint_override=_keystone_v3_url(),
                                interface="internal")
    try:
        trust = keystone.trusts.create(trustee_user=trustee, trustor_user=context.user_id,
                                       project=project_id, role_names=roles,
                                       impersonation=True)
    except ks_exc.ClientException as exc:
        raise TrustError(reason=str(exc)) from exc
    trusts_db.create(context, {"project_id": project_id, "trustor_user_id": context.user_id,
                               "trustee_user_id": trustee, "trust_id": trust.id,
                               "roles": roles})
    _known[project_id] = time.monotonic()
    LOG.info("Created trust %s for project %s (roles %s)", trust.id, project_id, roles)


def trust_session(context: Any, project_id: str, site: Any = None) -> ks_session.Session:
    """A session that acts in ``project_id`` as its trustor, through the trust.

    For the peer site (``site`` not this one) the trust lives in the peer's
    Keystone and database: the peer's protector tells its id, and it is
    redeemed there with the service credentials of the site record.
    """
    if site is not None and site.id != sites.local_site(context).id:
        return _peer_trust_session(site, project_id)
    trust = trusts_db.get(context, project_id)
    if trust is None:
        raise TrustError(reason=f"project {project_id} has no trust yet; a user of the "
                                "project must call the protector API once")
    sess = ks_session.Session(auth=_service_auth(trust_id=trust.trust_id),
                              timeout=CONF.service_credentials.timeout)
    try:
        # Redeemed now, not on the first cloud call: a trust Keystone
        # refuses is told apart here (the session keeps the token).
        sess.get_token()
    except (ks_exc.Unauthorized, ks_exc.NotFound, ks_exc.Forbidden) as exc:
        _refused(context, trust, exc)
    return sess


def _refused(context: Any, trust: Any, exc: Exception) -> None:
    """Keystone refused ``trust``: forget it if the service user still logs
    in (the trust is what is wrong), so the next request of a user of the
    project makes a new one; raise TrustError either way."""
    try:
        ks_session.Session(auth=_service_auth(), timeout=CONF.service_credentials.timeout
                           ).get_token()
    except ks_exc.ClientException as own:
        raise TrustError(reason=f"the protector service user cannot log in to Keystone "
                                f"({own}); check [keystone_authtoken]") from exc
    trusts_db.delete(context, trust.project_id, trust_id=trust.trust_id)
    with _lock:
        _known.pop(trust.project_id, None)
    LOG.warning("Keystone refused trust %s of project %s (%s); forgotten, a new one is "
                "made on the next API request of a user of the project", trust.trust_id,
                trust.project_id, exc)
    raise TrustError(reason=f"Keystone no longer honours the trust of project "
                            f"{trust.project_id} (deleted, or its user lost the delegated "
                            f"roles); it is made again on the next protector API request "
                            f"of a user of the project, then retry") from exc


def _peer_trust_session(site: Any, project_id: str) -> ks_session.Session:
    key = f"{site.id}/{project_id}"
    with _lock:
        trust_id = _peer_trusts.get(key)
    if trust_id is None:
        try:
            trust_id = peer.get_client(site).get_trust(project_id)["trust_id"]
        except peer.PeerError as exc:
            raise TrustError(reason=f"site {site.name}: {exc}") from exc
        with _lock:
            _peer_trusts[key] = trust_id
    creds = keystone.site_credentials(site)
    auth = identity.Password(auth_url=creds["auth_url"], username=creds["username"],
                             password=creds["password"],
                             user_domain_name=creds["user_domain_name"], trust_id=trust_id)
    sess = ks_session.Session(auth=auth, timeout=CONF.service_credentials.timeout)
    try:
        sess.get_token()
    except (ks_exc.Unauthorized, ks_exc.NotFound, ks_exc.Forbidden) as exc:
        # The peer may have made a new one since: ask again next time.
        with _lock:
            _peer_trusts.pop(key, None)
        raise TrustError(reason=f"site {site.name}'s Keystone refused the trust of project "
                                f"{project_id} ({exc}); a user of the project must call "
                                f"protector on {site.name} once to make a new one") from exc
    return sess


def forget() -> None:
    """Drop the in-process caches (tests; a changed service user)."""
    with _lock:
        _known.clear()
        _service_user.clear()
        _peer_trusts.clear()
