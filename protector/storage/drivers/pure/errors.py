"""Turn py-pure-client outcomes into protector exceptions.

The SDK does not raise on HTTP errors: it returns an ``ErrorResponse`` whose
``errors[i].message`` carries Purity's text (the Cinder driver matches
substrings of it, and so do we). It *does* raise when the array cannot be
reached: urllib3's ``MaxRetryError`` (connection refused, TLS failure) or
``ProtocolError``/timeouts, and ``PureError`` when logging in fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import urllib3.exceptions
from pypureclient.exceptions import PureError

from protector.storage import exception as exc

# Purity's wording, as the Cinder driver matches it (cinder/volume/drivers/pure.py).
NOT_FOUND = ("does not exist", "No such volume or snapshot", "could not be found")
ALREADY_EXISTS = ("already exists",)
DESTROYED = ("has been destroyed",)


class Unreachable(exc.ArrayUnreachable):
    """:class:`ArrayUnreachable` that knows whether the request may have been sent."""

    def __init__(self, *, array: str, reason: str, sent: bool) -> None:
        super().__init__(array=array, reason=reason)
        self.sent = sent


def reason_of(res: Any) -> str:
    parts = []
    for err in getattr(res, "errors", None) or []:
        message = getattr(err, "message", None) or "unknown error"
        context = getattr(err, "context", None)
        parts.append(f"{context}: {message}" if context else message)
    return "; ".join(parts) or f"HTTP {getattr(res, 'status_code', '?')}"


def matches(text: str, needles: Iterable[str]) -> bool:
    return any(n.lower() in text.lower() for n in needles)


def from_response(res: Any, *, array: str, operation: str, obj: str) -> exc.StorageError:
    """The exception for a non-200 response."""
    status = getattr(res, "status_code", None)
    reason = reason_of(res)
    if status == 401:
        return exc.ArrayAuthenticationFailed(array=array, reason=reason)
    if status in (429,) or (isinstance(status, int) and status >= 500):
        return exc.ArrayUnavailable(array=array, status=status, operation=operation,
                                    reason=reason)
    kwargs = {"array": array, "operation": operation, "object": obj, "reason": reason}
    if matches(reason, NOT_FOUND):
        return exc.StorageObjectNotFound(**kwargs)
    if matches(reason, ALREADY_EXISTS):
        return exc.StorageObjectExists(**kwargs)
    return exc.ArrayRequestFailed(**kwargs)


def from_exception(err: BaseException, *, array: str) -> exc.StorageError | None:
    """The exception for an SDK/transport exception, or None if it is not one."""
    if isinstance(err, exc.StorageError):
        return err
    if isinstance(err, urllib3.exceptions.MaxRetryError):
        cause = err.reason
        if isinstance(cause, urllib3.exceptions.SSLError):
            return exc.ArrayConnectionFailed(
                array=array, reason=f"TLS verification failed ({cause}); check "
                "[storage] verify_ssl and ca_file")
        sent = not isinstance(cause, (urllib3.exceptions.NewConnectionError,
                                      urllib3.exceptions.ConnectTimeoutError))
        return Unreachable(array=array, reason=_short(cause or err), sent=sent)
    if isinstance(err, urllib3.exceptions.SSLError):
        return exc.ArrayConnectionFailed(array=array, reason=f"TLS error: {err}")
    if isinstance(err, (urllib3.exceptions.NewConnectionError,
                        urllib3.exceptions.ConnectTimeoutError)):
        return Unreachable(array=array, reason=_short(err), sent=False)
    if isinstance(err, urllib3.exceptions.HTTPError):
        # Read timeouts, resets mid-response: the request may have been applied.
        return Unreachable(array=array, reason=_short(err), sent=True)
    if isinstance(err, PureError):
        text = str(getattr(err, "reason", err))
        if "(401)" in text or "API token" in text or "Authentication" in text:
            return exc.ArrayAuthenticationFailed(array=array, reason=_short(text))
        return exc.ArrayConnectionFailed(array=array, reason=_short(text))
    return None


def _short(obj: Any) -> str:
    text = str(obj)
    # urllib3 repeats the pool and URL; the array is already named.
    for marker in ("Failed to establish a new connection: ", "Caused by "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text.strip(" ()\"'")[:300]
