"""One array's API: SDK clients per thread, error mapping and retries.

A ``flasharray.Client`` is not made for sharing between threads: its
generated ``ApiClient`` writes ``last_response`` on every call, a 401
re-login rewrites the shared default headers, and its urllib3 pool holds
four connections (more parallel calls open and drop extra ones). So each
thread gets its own client, created on first use (two calls: version
negotiation and login) and kept for later calls from a thread with the same
id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from protector.storage import base
from protector.storage import exception as exc
from protector.storage.drivers.pure import errors

LOG = logging.getLogger(__name__)

ClientFactory = Callable[[base.ArrayEndpoint, base.DriverOptions], Any]
MAX_BACKOFF = 10.0


def sdk_client(endpoint: base.ArrayEndpoint, options: base.DriverOptions) -> Any:
    """A real ``pypureclient.flasharray`` client for ``endpoint``."""
    from pypureclient import flasharray
    from pypureclient.configuration import Configuration

    # The SDK's ssl_cert argument is not used by its transport; the CA goes
    # in through the configuration.
    config = Configuration(ssl_ca_cert=endpoint.ca_file) if endpoint.ca_file else None
    timeout = options.api_timeout or None  # urllib3 takes float seconds
    return flasharray.Client(
        target=endpoint.host,
        api_token=endpoint.api_token,
        verify_ssl=endpoint.verify_ssl,
        configuration=config,
        retries=options.api_retries,
        timeout=timeout,
        user_agent=options.user_agent,
    )


class ArraySession:
    """Calls to one array, by SDK method name, returning the response items."""

    def __init__(self, role: str, endpoint: base.ArrayEndpoint,
                 options: base.DriverOptions, factory: ClientFactory | None = None) -> None:
        self.role = role
        self.endpoint = endpoint
        self.options = options
        self.label = endpoint.host
        self._factory = factory or sdk_client
        self._clients: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._info: tuple[str, str | None] | None = None

    # -- clients ----------------------------------------------------------------
    def _client(self) -> Any:
        key = threading.get_ident()
        client = self._clients.get(key)
        if client is None:
            client = self._factory(self.endpoint, self.options)
            with self._lock:
                self._clients[key] = client
        return client

    def close(self) -> None:
        """Log every client out.

        The SDK only logs out at interpreter exit (``atexit`` keeps its token
        manager alive), so an engine building drivers per operation would
        pile up sessions on the array without this.
        """
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            close_session = getattr(getattr(client, "_token_man", None), "close_session", None)
            if callable(close_session):
                try:
                    close_session()
                except Exception as err:  # the array may be gone; the session expires
                    LOG.debug("logout from array %s failed: %s", self.label, err)

    # -- calls --------------------------------------------------------------------
    def call(self, operation: str, obj: str, *, ignore: Iterable[str] = (),
             idempotent: bool | None = None, **kwargs: Any) -> list[Any]:
        """Call ``client.<operation>(**kwargs)`` and return its items.

        :param obj: the object the call is about, for error messages.
        :param ignore: error substrings that mean "already done" (the call
            then returns ``[]``).
        :param idempotent: whether a request that may have reached the array
            can be sent again; default: only for ``get_*``.
        :raises StorageError: mapped from the response or the exception.
        """
        if idempotent is None:
            idempotent = operation.startswith("get_")
        ignore = tuple(ignore)
        attempt = 0
        while True:
            try:
                return self._call_once(operation, obj, ignore, kwargs)
            except errors.Unreachable as err:
                # Retry what cannot have been applied, or what is safe to repeat.
                if attempt >= self.options.api_retries or (err.sent and not idempotent):
                    raise
                attempt += 1
                delay = min(0.5 * 2 ** (attempt - 1), MAX_BACKOFF)
                LOG.warning("%s on array %s failed (%s); retry %d/%d in %.1f s",
                            operation, self.label, err.kwargs.get("reason"), attempt,
                            self.options.api_retries, delay)
                self.options.sleep(delay)

    def _call_once(self, operation: str, obj: str, ignore: tuple[str, ...],
                   kwargs: dict[str, Any]) -> list[Any]:
        try:
            res = getattr(self._client(), operation)(**kwargs)
            if res.status_code == 200:
                # Later pages are fetched while iterating, so stay in the try.
                return list(res.items) if getattr(res, "items", None) is not None else []
        except Exception as err:  # mapped below; anything else is re-raised
            mapped = errors.from_exception(err, array=self.label)
            if mapped is None:
                raise
            raise mapped from err
        if ignore and errors.matches(errors.reason_of(res), ignore):
            return []
        raise errors.from_response(res, array=self.label, operation=operation, obj=obj)

    # -- the array itself ---------------------------------------------------------
    def info(self) -> tuple[str, str | None]:
        """(array name, Purity version), cached."""
        if self._info is None:
            items = self.call("get_arrays", self.label)
            if not items:
                raise exc.ArrayRequestFailed(array=self.label, operation="get_arrays",
                                             object="array", reason="no array in reply")
            self._info = (items[0].name, getattr(items[0], "version", None))
        return self._info

    @property
    def name(self) -> str:
        return self.info()[0]

    def status(self) -> base.ArrayStatus:
        try:
            name, version = self.info()
        except exc.StorageError as err:
            return base.ArrayStatus(role=self.role, endpoint=self.label, reachable=False,
                                    error=str(err))
        return base.ArrayStatus(role=self.role, endpoint=self.label, reachable=True,
                                array_name=name, version=version)
