"""Errors of the OpenStack access layer.

Both twins raise these: the openstacksdk implementations translate SDK and
keystoneauth errors into them (:mod:`protector.cloud.sdk.errors`), the fake
raises them directly. Messages name the site and the object and say what the
operator can do. ``transient`` tells the engine whether the same call may
succeed later.
"""

from __future__ import annotations

from typing import Any

from protector import exception

# The Cinder policy overrides the spec asks for on every site (Prerequisites, step 3).
CINDER_POLICY_ACTIONS = (
    "volume_extension:volume_manage",
    "volume_extension:volume_unmanage",
    "volume_extension:services:index",
)


class CloudError(exception.ProtectorException):
    message = "OpenStack request failed: %(reason)s"
    code = 502
    transient = False


class CloudUnavailable(CloudError):
    """Connection refused or reset, timeouts, 5xx after keystoneauth's retries."""

    message = "%(service)s on site %(site)s is unavailable: %(reason)s"
    code = 503
    transient = True


class CloudRequestFailed(CloudError):
    """A 4xx not covered by a more specific class."""

    message = "%(service)s on site %(site)s refused %(operation)s: %(reason)s"


class CloudNotFound(CloudError):
    message = "%(resource)s %(id)s not found on site %(site)s."
    code = 404


class CloudConflict(CloudError):
    message = "%(resource)s %(id)s on site %(site)s: %(reason)s"
    code = 409


class PolicyForbidden(CloudError):
    """HTTP 403 for a policy rule; the message starts like the service's own."""

    message = "Policy doesn't allow %(action)s to be performed (site %(site)s).%(hint)s"
    code = 403

    def __init__(self, *, action: str, site: str, **kwargs: Any) -> None:
        hint = ""
        if action in CINDER_POLICY_ACTIONS:
            rules = ", ".join(f'"{a}": "rule:admin_or_owner"' for a in CINDER_POLICY_ACTIONS)
            hint = (f" Apply the Cinder policy changes of the protector prerequisites on "
                    f"site {site} ({rules} in /etc/cinder/policy.yaml, or the "
                    "Kolla-Ansible equivalent) and restart or reconfigure cinder-api.")
        self.action = action
        super().__init__(action=action, site=site, hint=hint, **kwargs)


class QuotaExceeded(CloudError):
    message = ("Quota exceeded on site %(site)s for %(resource)s: %(reason)s. Raise the "
               "project's quota on that site or free resources, then retry.")
    code = 413


class CapacityExceeded(CloudError):
    """The cloud has no room: no valid host or back end."""

    message = ("Not enough capacity on site %(site)s for %(resource)s: %(reason)s. Free "
               "capacity or add hosts on that site, then retry.")
    code = 507
    transient = True


class ImageNotFound(CloudError):
    # Exactly the text of the spec's troubleshooting section.
    message = "Image '%(image)s' not found on target site"
    code = 409


class RetypeFailed(CloudError):
    """Cinder ended a retype with the volume still of its old type."""

    message = ("Volume %(id)s on site %(site)s was not retyped to %(volume_type)s "
               "(it is still %(current)s): %(reason)s")


class ResourceInError(CloudError):
    """A resource went to an error status (server ERROR, volume error_managing)."""

    message = "%(resource)s %(id)s went to %(status)s on site %(site)s: %(fault)s"


class CloudTimeout(CloudError):
    message = ("%(resource)s %(id)s did not reach %(wanted)s within %(timeout)s s on "
               "site %(site)s (still %(status)s).")
    code = 504
    transient = True


class ManageHostNotFound(CloudError):
    message = ("No cinder-volume service on site %(site)s serves volume type %(type)s "
               "(back end %(backend)s): %(reason)s. Check the type's volume_backend_name "
               "against the Host column of 'openstack volume service list' (the part "
               "after '@').")
    code = 409


class GroupTypeMissing(CloudError):
    message = ("Site %(site)s has no Cinder group type with consistent_group_snapshot_enabled="
               "'<is> True' (default_cgsnapshot_type is reserved by Cinder). Create one as "
               "admin on that site: openstack volume group type create protector-consistent; "
               "openstack volume group type set --property consistent_group_snapshot_enabled="
               "'<is> True' protector-consistent")
    code = 409
