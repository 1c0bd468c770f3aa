"""The dashboard's errors of the protector API.

Plain exceptions, registered with Horizon by the enabled file
(``ADD_EXCEPTIONS``), so ``horizon.exceptions.handle`` treats them as it
treats the other services' client errors: the view's own message, then
the API's. This module imports nothing of Horizon: the enabled files are
read while Django's settings load.
"""


class ProtectorError(Exception):
    """The API refused or could not be reached; ``str()`` says why."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class ProtectorBadRequest(ProtectorError):
    pass


class ProtectorUnauthorized(ProtectorError):
    """The token is no longer valid (Horizon logs the user out)."""


class ProtectorNotFound(ProtectorError):
    pass


class ProtectorConflict(ProtectorError):
    pass


class ProtectorUnavailable(ProtectorError):
    """No answer (connection refused, timeout) or a 5xx."""


# What Horizon's exceptions.handle does with each (the enabled file's
# ADD_EXCEPTIONS): recoverable ones become a message on the page.
HORIZON_EXCEPTIONS = {
    "recoverable": (ProtectorError,),
    "not_found": (ProtectorNotFound,),
    "unauthorized": (ProtectorUnauthorized,),
}
