"""What every collaborator implementation shares: tunables and status waits."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from protector.cloud import exception as exc

T = TypeVar("T")

# The metadata key (Nova, Cinder) and tag prefix (Neutron) that name the
# protector operation that created a resource, so a revert can find it.
OPERATION_KEY = "protector_operation"


def operation_tag(operation_id: str) -> str:
    """The Neutron tag for resources made by ``operation_id``."""
    return f"{OPERATION_KEY}={operation_id}"


@dataclass
class CloudOptions:
    """Tunables and injectable time functions (tests use a fake clock).

    :param timeout: default seconds to wait for a status (server ACTIVE,
        volume available).
    :param poll_interval: seconds between polls while waiting.
    :param connect_retries: keystoneauth retries of a refused or reset
        connection (SDK only).
    :param status_code_retries: keystoneauth retries of HTTP 503 (SDK only).
    :param host_cache_ttl: seconds a discovered manage host stays cached.
    :param volume_from_image: create image-backed volumes by copying the
        image (Cinder downloads it); False creates an empty volume and marks
        it bootable, for back ends without image support (the lab).
    """

    timeout: float = 600.0
    poll_interval: float = 2.0
    connect_retries: int = 3
    status_code_retries: int = 3
    host_cache_ttl: float = 300.0
    volume_from_image: bool = True
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic


def wait_for(read: Callable[[], T], status_of: Callable[[T], str], wanted: Iterable[str],
             failed: Iterable[str], *, options: CloudOptions, timeout: float | None,
             resource: str, resource_id: str, site: str,
             fault_of: Callable[[T], str | None] = lambda _: None) -> T:
    """Poll ``read`` until its status is in ``wanted``.

    :raises ResourceInError: the status reached one of ``failed``.
    :raises CloudTimeout: ``timeout`` (default ``options.timeout``) passed.
    """
    wanted = tuple(wanted)
    wanted_set = {s.lower() for s in wanted}
    failed_set = {s.lower() for s in failed}
    limit = options.timeout if timeout is None else timeout
    deadline = options.monotonic() + limit
    while True:
        current = read()
        status = status_of(current) or ""
        if status.lower() in wanted_set:
            return current
        if status.lower() in failed_set:
            raise exc.ResourceInError(resource=resource, id=resource_id, status=status,
                                      site=site, fault=fault_of(current) or "no fault given")
        if options.monotonic() >= deadline:
            raise exc.CloudTimeout(resource=resource, id=resource_id, wanted="/".join(wanted),
                                   timeout=limit, site=site, status=status)
        options.sleep(options.poll_interval)


def matches(metadata: Mapping[str, str] | None, wanted: Mapping[str, str]) -> bool:
    """Whether ``metadata`` holds every key/value of ``wanted``."""
    have = metadata or {}
    return all(have.get(k) == v for k, v in wanted.items())
