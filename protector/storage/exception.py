"""Errors of the storage layer (array drivers, mock storage, mock Cinder groups).

Messages name the array (by its URL host or array name) and the object, and
say what to do where there is something to do. They never carry API tokens.
``transient`` tells the caller (the engine's retry policy) whether trying the
same call again later can succeed.
"""

from __future__ import annotations

from typing import Any

from protector import exception


class StorageError(exception.ProtectorException):
    message = "Storage error: %(reason)s"
    code = 502
    transient = False


class StorageDriverNotFound(StorageError):
    message = ("Storage driver %(name)s is not installed (entry point namespace "
               "protector.storage.drivers); check [storage] driver.")
    code = 500


class ArrayUnreachable(StorageError):
    message = "Array %(array)s is unreachable: %(reason)s"
    code = 503
    transient = True


class ArrayUnavailable(StorageError):
    """The array answered, but with 429/5xx after the SDK's own retries."""

    message = "Array %(array)s is unavailable (HTTP %(status)s) for %(operation)s: %(reason)s"
    code = 503
    transient = True


class ArrayConnectionFailed(StorageError):
    """Not worth retrying as is: TLS verification, bad URL, refused login."""

    message = "Cannot connect to array %(array)s: %(reason)s"


class ArrayAuthenticationFailed(ArrayConnectionFailed):
    message = ("Array %(array)s refused the API token: %(reason)s. Update the "
               "replication policy with a valid token.")


class ArrayRequestFailed(StorageError):
    """The array refused a request (HTTP 400 and friends)."""

    message = "Array %(array)s refused %(operation)s on %(object)s: %(reason)s"


class StorageObjectNotFound(ArrayRequestFailed):
    message = "Not found on array %(array)s: %(reason)s (%(operation)s on %(object)s)"


class StorageObjectExists(ArrayRequestFailed):
    message = ("Already exists on array %(array)s: %(reason)s (%(operation)s on "
               "%(object)s); run the cleanup of the operation that created it first.")


class ReplicationNotConfigured(StorageError):
    message = ("%(container)s %(name)s is not set up on array %(array)s; "
               "ensure replication for the protection group first.")
    code = 409


class ReplicationTimeout(StorageError):
    message = ("Snapshot %(snapshot)s did not finish transferring to array "
               "%(array)s within %(timeout)s s (progress %(progress)s).")
    code = 504
    transient = True


class RecoveryPointNotFound(StorageError):
    message = "Recovery point %(point)s does not exist on array %(array)s."
    code = 404


class RecoveryPointIncomplete(StorageError):
    message = ("Recovery point %(point)s on array %(array)s is still transferring "
               "(progress %(progress)s); choose a complete one.")
    code = 409


class VolumeNotInRecoveryPoint(StorageError):
    message = ("Recovery point %(point)s on array %(array)s holds no copy of "
               "volume(s) %(volumes)s.")
    code = 409


class VolumeNotInPod(StorageError):
    message = ("Volume %(volume)s is not in pod %(pod)s on array %(array)s; a sync "
               "protection group needs volumes of a sync-replicated volume type.")
    code = 409


class MaterialiseFailed(StorageError):
    """Copies could not all be made; ``leftovers`` could not be rolled back."""

    message = ("Materialising %(count)s volume(s) on array %(array)s failed: "
               "%(reason)s%(leftover_note)s")

    def __init__(self, *, array: str, count: int, reason: str,
                 leftovers: list[str] | None = None, cause: Exception | None = None,
                 **kwargs: Any) -> None:
        self.leftovers = list(leftovers or [])
        self.cause = cause
        note = ""
        if self.leftovers:
            shown = ", ".join(self.leftovers[:5]) + (", ..." if len(self.leftovers) > 5 else "")
            note = (f" Could not remove {len(self.leftovers)} partial copies ({shown}); "
                    "run the operation's cleanup once the array is back.")
        super().__init__(array=array, count=count, reason=reason, leftover_note=note, **kwargs)
        self.transient = bool(cause is not None and getattr(cause, "transient", False))


class CleanupIncomplete(StorageError):
    message = ("Could not remove %(count)s volume(s) from array %(array)s (%(names)s); "
               "run the cleanup again once the array is reachable.")
    transient = True


class ContainersLeft(StorageError):
    message = ("Could not remove replication container(s) %(names)s from array %(array)s "
               "(%(reason)s); they stay recorded: remove the protection group's last "
               "member again once the array answers.")
    transient = True


class PodPeerLost(StorageError):
    """Cinder's Pure driver cannot take a sync volume in while the pod's
    other array is gone: it stretches each one to it first."""

    message = ("Array %(array)s, the other side of pod %(pod)s, does not answer: Cinder's "
               "Pure driver stretches every replicated-sync volume it manages to it, so the "
               "copies of a sync protection group cannot be handed to Cinder on "
               "%(target)s now. Bring %(array)s back and retry.")
    code = 409
    transient = True


class ImageNotFound(StorageError):
    # Exactly the text the spec's troubleshooting section shows.
    message = "Image '%(image)s' not found on target site"
    code = 409


class MockStorageError(StorageError):
    message = "Mock storage: %(reason)s"


class ConsistencyGroupNotFound(StorageError):
    message = "Consistency group %(group)s could not be found."
    code = 404


class ConsistencyGroupConflict(StorageError):
    message = "Consistency group %(group)s: %(reason)s"
    code = 409
