"""The protector v1 client: one keystoneauth Adapter and a manager per resource.

Every path is relative to the catalog endpoint, ``.../v1/<project_id>``;
the admin resources (sites, tenant mappings) are addressed through it as
well, as the API ignores the project there.
"""

import re
from typing import Any
from urllib import parse

from keystoneauth1 import adapter
from keystoneauth1 import exceptions as ks_exc

from protectorclient import api_versions
from protectorclient.exceptions import ProtectorClientError
from protectorclient.v1 import (
    health,
    members,
    operations,
    policies,
    protection_groups,
    sites,
    tenant_mappings,
)

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def _reason(exc: Exception) -> str:
    """The useful end of a keystoneauth/urllib3 connection error."""
    text = str(exc)
    match = _ERRNO.search(text)
    if match:
        return match.group(1).strip()
    if isinstance(exc, ks_exc.ConnectTimeout):
        return "connection timed out"
    return text.split(": ", 1)[-1][:200] if text else exc.__class__.__name__


def version_root(endpoint: str) -> str:
    """``http://h:8788/v1/<project>`` -> ``http://h:8788/``, where ``/`` lists
    the API versions."""
    parts = parse.urlsplit(endpoint)
    path = re.sub(r"/v\d+(/.*)?$", "", parts.path.rstrip("/"))
    return parse.urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


class Client:
    """Protector API v1.

    :param session: a keystoneauth1 Session (with its auth plugin)
    :param api_version: "X.Y" to send as is; None to use the newest version
        both this client and the server speak (the server's ``/`` document
        gives its range)
    :param endpoint_override: the protector endpoint, bypassing the catalog
    """

    def __init__(self, session: Any, *, api_version: str | None = None,
                 region_name: str | None = None, interface: str | None = None,
                 endpoint_override: str | None = None,
                 service_type: str = api_versions.SERVICE_TYPE, **adapter_kwargs: Any) -> None:
        self._requested = (api_versions.check_supported(api_versions.parse(api_version))
                           if api_version else None)
        self._version: api_versions.APIVersion | None = self._requested
        self.adapter = adapter.Adapter(
            session, service_type=service_type, interface=interface,
            region_name=region_name, endpoint_override=endpoint_override,
            default_microversion=str(self._requested) if self._requested else None,
            client_name="python-protectorclient",
            **adapter_kwargs)
        self.sites = sites.SiteManager(self)
        self.tenant_mappings = tenant_mappings.TenantMappingManager(self)
        self.protection_groups = protection_groups.ProtectionGroupManager(self)
        self.members = members.MemberManager(self)
        self.policies = policies.PolicyManager(self)
        self.operations = operations.OperationManager(self)
        self.health = health.HealthManager(self)

    # -- endpoint and version -------------------------------------------------

    @property
    def endpoint(self) -> str:
        try:
            url = self.adapter.get_endpoint()
        except ks_exc.EndpointNotFound as exc:
            raise self._no_endpoint() from exc
        except ks_exc.ClientException as exc:
            raise ProtectorClientError(f"Cannot find the protector endpoint: {exc}") from exc
        if not url:
            raise self._no_endpoint()
        return url

    def _no_endpoint(self) -> ProtectorClientError:
        where = ", ".join(f"{k} {v}" for k, v in (("region", self.adapter.region_name),
                                                  ("interface", self.adapter.interface)) if v)
        return ProtectorClientError(
            "No protector endpoint in the service catalog"
            + (f" ({where})" if where else "")
            + "; register one with 'openstack endpoint create ... protector ...' or set "
              "protector_endpoint_override.")

    @property
    def api_version(self) -> api_versions.APIVersion:
        """The microversion requests carry; negotiated on first use."""
        if self._version is None:
            self._version = self._negotiate()
            self.adapter.default_microversion = str(self._version)
        return self._version

    def server_versions(self) -> tuple[api_versions.APIVersion, api_versions.APIVersion]:
        """(min_version, max_version) of the server's v1 API."""
        endpoint = self.endpoint
        root = version_root(endpoint)
        try:
            resp = self.adapter.session.request(root, "GET", authenticated=False,
                                                raise_exc=False)
        except ks_exc.ClientException as exc:
            raise self._unreachable(endpoint, exc) from exc
        try:
            versions = resp.json()["versions"]
            v1 = next(v for v in versions if str(v.get("id", "")).startswith("v1"))
            return (api_versions.parse(v1.get("min_version") or "1.0"),
                    api_versions.parse(v1["max_version"]))
        except (ValueError, KeyError, TypeError, StopIteration, ProtectorClientError) as exc:
            raise ProtectorClientError(
                f"{root} did not return the protector version document (HTTP "
                f"{resp.status_code}); set the API version with "
                "--os-protector-api-version.") from exc

    def _negotiate(self) -> api_versions.APIVersion:
        server_min, server_max = self.server_versions()
        return api_versions.negotiate(server_min, server_max)

    def require(self, version: api_versions.APIVersion, what: str) -> None:
        if self.api_version < version:
            raise ProtectorClientError(
                f"{what} needs protector API version {version} or later; this request "
                f"uses {self.api_version}.")

    # -- requests ---------------------------------------------------------------

    def _unreachable(self, url: str, exc: Exception) -> ProtectorClientError:
        return ProtectorClientError(f"Cannot reach the protector API at {url}: "
                                    f"{_reason(exc)}")

    def request(self, method: str, path: str, *, json: Any = None,
                params: dict[str, Any] | None = None, raw: bool = False) -> Any:
        """Send one request; the decoded JSON body, or None for 204 (with
        ``raw``, the body as text: an HTML report)."""
        version = self.api_version
        kwargs: dict[str, Any] = {"raise_exc": False, "microversion": str(version)}
        if json is not None:
            kwargs["json"] = json
        if params:
            kwargs["params"] = {k: _query_value(v) for k, v in params.items()
                                if v is not None}
        try:
            resp = self.adapter.request(path, method, **kwargs)
        except (ks_exc.ConnectFailure, ks_exc.ConnectTimeout, ks_exc.SSLError) as exc:
            raise self._unreachable(self._url(path), exc) from exc
        except ks_exc.EndpointNotFound as exc:
            raise self._no_endpoint() from exc
        except ks_exc.ClientException as exc:
            raise ProtectorClientError(f"{method} {path} failed: {exc}") from exc
        if resp.status_code >= 400:
            raise ProtectorClientError.from_response(resp)
        if raw:
            return resp.text
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError as exc:
            raise ProtectorClientError(f"{method} {path}: the API returned a body that is "
                                       "not JSON", code=resp.status_code) from exc

    def _url(self, path: str) -> str:
        if parse.urlsplit(path).netloc:
            return path
        try:
            return self.endpoint.rstrip("/") + "/" + path.lstrip("/")
        except ProtectorClientError:
            return path

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("PUT", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
