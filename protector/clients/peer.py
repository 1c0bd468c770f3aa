"""The peer site's protector API, as this site's protector calls it.

Authentication: through the peer's Keystone with the site record's service
credentials (default: the local [keystone_authtoken] user), the endpoint
from the peer's catalog (service type ``protector``) or the site's
``protector_url``. When this site runs ``auth_strategy = noauth`` (tests,
the embedded demo) the peer is assumed to as well, and the call carries a
``protector:<project>:admin`` token to the site's ``protector_url``.

Reachability is cached for [peer] reachability_cache_seconds so that a
burst of modifications does not probe the peer for each one.
"""

import threading
import time
from typing import Any
from urllib import parse

import requests
from keystoneauth1 import adapter, token_endpoint
from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session

from protector import exception
from protector.clients import keystone
from protector.conf import CONF

_reachability: dict[str, tuple[float, str | None]] = {}
_lock = threading.Lock()


class PeerUnreachable(exception.ServiceUnavailable):
    pass


class PeerError(exception.ProtectorException):
    """The peer answered with an error; ``code`` is its HTTP status."""

    message = "%(reason)s"

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason=reason)
        self.code = status


class PeerClient:
    def __init__(self, site: Any) -> None:
        self.site = site
        if CONF.api.auth_strategy == "noauth":
            if not site.protector_url:
                raise exception.ServiceUnavailable(
                    reason=f"site {site.name} has no protector_url; in noauth mode the "
                           "peer cannot be found through Keystone")
            auth = token_endpoint.Token(site.protector_url.rstrip("/"),
                                        "protector-sync:admin:admin")
            sess = ks_session.Session(auth=auth, timeout=CONF.peer.timeout)
        else:
            sess = keystone.site_session(site)
            sess.timeout = CONF.peer.timeout
        self.adapter = adapter.Adapter(
            sess, service_type="protector", interface=site.interface,
            region_name=site.region_name, connect_retries=CONF.peer.retries,
            endpoint_override=site.protector_url)

    def _base(self) -> str:
        """http://host:8788/v1 of the peer (the catalog URL carries a project)."""
        endpoint = self.adapter.get_endpoint()
        if not endpoint:
            raise PeerUnreachable(reason=f"site {self.site.name} has no protector "
                                         "endpoint in its Keystone catalog")
        parts = parse.urlsplit(endpoint)
        path = parts.path.split("/v1", 1)[0].rstrip("/")
        return parse.urlunsplit((parts.scheme, parts.netloc, path + "/v1", "", ""))

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            url = self._base() + path
            resp = self.adapter.request(url, method, raise_exc=False,
                                        headers={"OpenStack-API-Version": "protector 1.2"},
                                        **kwargs)
        except (ks_exc.ConnectFailure, ks_exc.ConnectTimeout, ks_exc.RequestTimeout,
                ks_exc.DiscoveryFailure, ks_exc.EndpointNotFound) as exc:
            self._remember(str(exc))
            raise PeerUnreachable(reason=self.unreachable_message(str(exc))) from exc
        except (ks_exc.ClientException, requests.RequestException) as exc:
            # Keystone refused our credentials, or discovery failed to connect.
            self._remember(str(exc))
            raise PeerUnreachable(reason=self.unreachable_message(str(exc))) from exc
        self._remember(None)
        if resp.status_code >= 400:
            try:
                message = resp.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = resp.text[:200]
            raise PeerError(resp.status_code, f"site {self.site.name}: {message}")
        return resp.json() if resp.content else None

    def _remember(self, error: str | None) -> None:
        with _lock:
            _reachability[self.site.id] = (time.monotonic(), error)

    def unreachable_message(self, error: str) -> str:
        return (f"remote site {self.site.name} is unreachable ({error}); protection "
                "group changes are blocked until it answers. Once it does, run "
                "'openstack protector protection-group sync-force <pg>'")

    def check_reachable(self) -> None:
        """Raise PeerUnreachable unless the peer answered recently or answers now."""
        with _lock:
            seen = _reachability.get(self.site.id)
        if seen and time.monotonic() - seen[0] < CONF.peer.reachability_cache_seconds:
            if seen[1] is not None:
                raise PeerUnreachable(reason=self.unreachable_message(seen[1]))
            return
        self._call("GET", "/admin/sites?limit=1")

    # Protection group documents -------------------------------------------
    def get_metadata(self, project_id: str, pg_id: str) -> dict | None:
        try:
            return self._call("GET", f"/{project_id}/protection-groups/{pg_id}/metadata")
        except PeerError as exc:
            if exc.code == 404:
                return None
            raise

    def get_version(self, project_id: str, pg_id: str) -> int | None:
        """The peer's ``metadata_version`` of the PG (None: it has none),
        without the whole document (a peer that predates ``fields`` sends it
        all the same)."""
        try:
            doc = self._call("GET", f"/{project_id}/protection-groups/{pg_id}/metadata"
                                    "?fields=metadata_version")
        except PeerError as exc:
            if exc.code == 404:
                return None
            raise
        return doc["metadata_version"]

    def put_metadata(self, project_id: str, document: dict, force: bool = False) -> dict:
        query = "?force=true" if force else ""
        return self._call("PUT", f"/{project_id}/protection-groups/{document['id']}/"
                                 f"metadata{query}", json=document)

    def get_trust(self, project_id: str) -> dict:
        """The trust ``project_id`` (a project of the peer) granted there."""
        return self._call("GET", f"/{project_id}/trust")["trust"]

    # Tenant mappings --------------------------------------------------------
    def put_tenant_mapping(self, mapping_id: str, mirror: dict) -> dict:
        return self._call("PUT", f"/admin/tenant-mappings/{mapping_id}/mirror", json=mirror)


def reachability(site: Any) -> str | None:
    """The last seen error for ``site``, None if it answered (or was not tried)."""
    with _lock:
        seen = _reachability.get(site.id)
    return seen[1] if seen else None


def get_client(site: Any) -> PeerClient:
    """Factory the sync service uses; tests replace it with a fake peer."""
    return PeerClient(site)
