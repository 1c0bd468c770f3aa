"""openstacksdk / keystoneauth errors -> :mod:`protector.cloud.exception`.

keystoneauth already retried refused connections and HTTP 503
(``connect_retries``, ``status_code_retries``); what reaches here is final.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as os_exc

from protector.cloud import exception as exc

_POLICY = re.compile(r"Policy doesn't allow (\S+) to be performed")
_QUOTA = re.compile(r"quota|limit exceeded|overquota", re.IGNORECASE)
_NO_VALID = re.compile(r"no valid (host|backend)", re.IGNORECASE)


def _reason(err: BaseException) -> str:
    if isinstance(err, os_exc.HttpException):
        details = err.details or ""
        text = str(details) if details else str(err.message or err)
        return text.strip() or f"HTTP {err.status_code}"
    return str(err) or type(err).__name__


@contextlib.contextmanager
def translate(*, site: str, service: str, operation: str, resource: str = "",
              resource_id: str = "", action: str | None = None) -> Iterator[None]:
    """Turn SDK errors raised inside the block into protector errors.

    :param service: "Nova", "Cinder", "Neutron" or "Glance", for messages.
    :param operation: what was attempted, e.g. "manage volume".
    :param resource: kind of object, for 404/409 messages ("Volume").
    :param action: the policy rule a 403 means (when the service's message
        does not name one).
    """
    try:
        yield
    except exc.CloudError:
        raise
    except os_exc.HttpException as err:
        raise from_http(err, site=site, service=service, operation=operation,
                        resource=resource, resource_id=resource_id, action=action) from err
    except (ks_exc.ConnectFailure, ks_exc.ConnectTimeout, ks_exc.RetriableConnectionFailure,
            ks_exc.SSLError) as err:
        raise exc.CloudUnavailable(service=service, site=site, reason=str(err)) from err
    except ks_exc.EndpointNotFound as err:
        raise exc.CloudRequestFailed(
            service=service, site=site, operation=operation,
            reason=f"no {service} endpoint in the site's Keystone catalog ({err}); check "
                   "the site's region_name and interface") from err
    except ks_exc.Unauthorized as err:
        raise exc.CloudRequestFailed(service=service, site=site, operation=operation,
                                     reason=f"authentication failed: {err}") from err
    except ks_exc.ClientException as err:
        raise exc.CloudUnavailable(service=service, site=site, reason=str(err)) from err


def from_http(err: os_exc.HttpException, *, site: str, service: str, operation: str,
              resource: str = "", resource_id: str = "",
              action: str | None = None) -> exc.CloudError:
    status = err.status_code or 0
    reason = _reason(err)
    if status == 413 or (_QUOTA.search(reason) and status in (400, 403, 409)):
        # Nova answers 403, Cinder 413, Neutron 409 for a used-up quota.
        return exc.QuotaExceeded(site=site, resource=resource or operation, reason=reason)
    if status == 403:
        match = _POLICY.search(reason)
        rule = match.group(1) if match else (action or f"{service} {operation}")
        return exc.PolicyForbidden(action=rule, site=site)
    if status == 404:
        return exc.CloudNotFound(resource=resource or service + " resource",
                                 id=resource_id or "?", site=site)
    if _NO_VALID.search(reason):
        return exc.CapacityExceeded(site=site, resource=resource or operation, reason=reason)
    if status == 409:
        return exc.CloudConflict(resource=resource or service + " resource",
                                 id=resource_id or "?", site=site, reason=reason)
    if status >= 500 or status in (408, 429):
        return exc.CloudUnavailable(service=service, site=site,
                                    reason=f"HTTP {status} on {operation}: {reason}")
    return exc.CloudRequestFailed(service=service, site=site, operation=operation,
                                  reason=f"HTTP {status}: {reason}")
