"""keystoneauth sessions for reaching a site's OpenStack services.

A site record may carry its own service credentials; otherwise protector
uses the local ``[keystone_authtoken]`` service user against the site's
auth_url (both sites usually create the same protector user).
"""

from typing import Any

from keystoneauth1 import identity
from keystoneauth1 import session as ks_session

from protector import crypto, exception
from protector.conf import CONF, keystone_authtoken

AUTHTOKEN = "keystone_authtoken"


def _authtoken_value(name: str) -> Any:
    """An option of the [keystone_authtoken] password plugin, or None."""
    keystone_authtoken.register_password_opts(CONF)
    return CONF[AUTHTOKEN][name.replace("-", "_")]


def site_credentials(site: Any) -> dict[str, Any]:
    """The credentials used for ``site``, the password decrypted."""
    return {
        "auth_url": site.auth_url,
        "username": site.service_username or _authtoken_value("username"),
        "password": (crypto.decrypt(site.service_password_encrypted)
                     if site.service_password_encrypted else _authtoken_value("password")),
        "project_name": site.service_project_name or _authtoken_value("project_name"),
        "user_domain_name": (site.service_user_domain_name
                             or _authtoken_value("user_domain_name") or "Default"),
        "project_domain_name": (site.service_project_domain_name
                                or _authtoken_value("project_domain_name") or "Default"),
    }


class MissingCredentials(exception.Conflict):
    message = ("no service credentials for site %(site)s: set them on the site "
               "(openstack protector site set) or in [keystone_authtoken]")


def site_session(site: Any) -> ks_session.Session:
    creds = site_credentials(site)
    if not creds["username"] or not creds["password"]:
        raise MissingCredentials(site=site.name)
    # The generic plugin discovers the v3 API, so auth_url may be given with
    # or without /v3 (the spec's template has none).
    auth = identity.Password(**creds)
    return ks_session.Session(auth=auth, timeout=CONF.service_credentials.timeout)
