"""protector's exceptions. Each carries the HTTP status the API answers with.

Messages say what went wrong and what to do about it; they never carry
secrets.
"""

from typing import Any


class ProtectorException(Exception):
    """Base class. ``message`` is formatted with the keyword arguments."""

    message = "An unknown error occurred."
    code = 500

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        self.kwargs = kwargs
        if message is None:
            message = self.message % kwargs if kwargs else self.message
        self.msg = message
        super().__init__(message)

    def __reduce__(self) -> tuple:
        # Errors cross processes (the demo's shared fake clouds): rebuilt
        # from the message and state, whatever a subclass's __init__ takes.
        return _rebuild, (type(self), self.msg), self.__dict__


def _rebuild(cls: type, message: str) -> "ProtectorException":
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    return exc


class Invalid(ProtectorException):
    message = "Invalid input: %(reason)s"
    code = 400


class InvalidMicroversion(ProtectorException):
    message = ("Version %(version)s is not supported by the API. Minimum is "
               "%(min_version)s and maximum is %(max_version)s.")
    code = 406


class MalformedVersionHeader(Invalid):
    message = ("Invalid OpenStack-API-Version header %(value)r: use "
               "'protector <major>.<minor>', for example 'protector 1.2'.")


class NotAuthenticated(ProtectorException):
    message = "Authentication required."
    code = 401


class Forbidden(ProtectorException):
    message = "Policy doesn't allow %(action)s to be performed."
    code = 403


class NotFound(ProtectorException):
    message = "Resource could not be found."
    code = 404


class TrustNotFound(NotFound):
    message = ("No trust for project %(project)s on this site: no user of the project "
               "has called protector here yet; run any 'openstack protector' command "
               "against this site once")


class SiteNotFound(NotFound):
    message = "Site %(site)s could not be found."


class TenantMappingNotFound(NotFound):
    message = "Tenant mapping %(mapping)s could not be found."


class ProtectionGroupNotFound(NotFound):
    message = "Protection group %(pg)s could not be found."


class MemberNotFound(NotFound):
    message = "Member %(member)s of protection group %(pg)s could not be found."


class ReplicationPolicyNotFound(NotFound):
    message = ("Protection group %(pg)s has no replication policy; create one "
               "with 'openstack protector policy create'.")


class OperationNotFound(NotFound):
    message = "Operation %(operation)s could not be found."


class Conflict(ProtectorException):
    message = "Conflict: %(reason)s"
    code = 409


class Duplicate(Conflict):
    message = "%(resource)s %(name)s already exists."


class InvalidState(Conflict):
    message = "%(resource)s %(id)s is %(state)s: %(reason)s"


class InUse(Conflict):
    message = "%(resource)s %(id)s is in use: %(reason)s"


class RequestTooLarge(ProtectorException):
    message = "Request body is larger than %(limit)d bytes."
    code = 413


class ServiceUnavailable(ProtectorException):
    message = "%(reason)s"
    code = 503


class SecretKeyError(ProtectorException):
    message = "Cannot use the secret key file %(path)s: %(reason)s"
