"""Errors raised by the simulated arrays.

Purity answers a failed REST 2.x call with HTTP 400 and
``{"errors": [{"context": <object name>, "message": <text>}]}``. Callers such
as the Cinder driver match substrings of the message ("does not exist",
"already exists", "has been destroyed", ...), so the helpers below keep those
substrings stable.
"""

from __future__ import annotations


class SimError(Exception):
    """A request the array refuses; becomes one entry of ``errors``."""

    def __init__(self, message: str, context: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.context = context
        self.status = status

    def to_dict(self) -> dict[str, str]:
        out = {"message": self.message}
        if self.context is not None:
            out["context"] = self.context
        return out


def does_not_exist(kind: str, name: str) -> SimError:
    return SimError(f"{kind} does not exist.", name)


def already_exists(kind: str, name: str) -> SimError:
    return SimError(f"{kind} already exists.", name)


def pending_eradication(kind: str, name: str) -> SimError:
    # A destroyed object keeps its name until it is eradicated.
    return SimError(f"{kind} '{name}' has been destroyed. Eradicate it or recover it first.", name)


def not_destroyed(kind: str, name: str) -> SimError:
    return SimError(f"{kind} '{name}' must be destroyed before it can be eradicated.", name)


def not_connected(array: str) -> SimError:
    return SimError(f"Array '{array}' is not connected.", array)


def bad_request(message: str, context: str | None = None) -> SimError:
    return SimError(message, context)
