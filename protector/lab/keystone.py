"""Keystone of a lab site, and the Python API tests use to get one.

``running_keystone(site="a")`` returns a :class:`KeystoneInfo` for a Keystone
that is up and provisioned: the admin, the protector service user (admin in
project ``service``) and the demo user (member of project ``demo``). It
reuses a running one, else installs Keystone into the lab venv and starts it.
"""

from __future__ import annotations

import getpass
import grp
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from protector.lab import config, infra, ini, procs
from protector.lab.config import Site


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    project_name: str
    user_domain_name: str = "Default"
    project_domain_name: str = "Default"

    def auth_kwargs(self, auth_url: str) -> dict[str, str]:
        """keystoneauth ``v3.Password`` arguments (also the clouds.yaml ``auth``)."""
        return {"auth_url": auth_url, "username": self.username, "password": self.password,
                "project_name": self.project_name, "user_domain_name": self.user_domain_name,
                "project_domain_name": self.project_domain_name}


@dataclass(frozen=True)
class KeystoneInfo:
    site: str  # "a"
    url: str  # the v3 auth URL
    region: str
    admin: Credentials
    protector: Credentials
    demo: Credentials
    project_ids: dict[str, str] = field(default_factory=dict)  # admin, service, demo
    user_ids: dict[str, str] = field(default_factory=dict)  # admin, protector, demo
    role_ids: dict[str, str] = field(default_factory=dict)

    def session(self, who: str = "admin") -> ks_session.Session:
        creds: Credentials = getattr(self, who)
        return ks_session.Session(auth=v3.Password(**creds.auth_kwargs(self.url)))


def credentials(site: Site) -> dict[str, Credentials]:
    return {
        "admin": Credentials("admin", site.admin_password, "admin"),
        "protector": Credentials(config.PROTECTOR_USER, config.PROTECTOR_PASSWORD, "service"),
        "demo": Credentials(config.DEMO_USER, config.DEMO_PASSWORD, config.DEMO_PROJECT),
    }


# -- configuration and start ----------------------------------------------------------

def conf_path(site: Site) -> Path:
    return site.svc_dir("keystone") / "keystone.conf"


def write_config(site: Site) -> Path:
    d = site.svc_dir("keystone")
    for sub in ("log", "fernet-keys", "credential-keys"):
        (d / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    return ini.write(conf_path(site), {
        "DEFAULT": {"log_file": d / "log" / "keystone.log", "debug": False},
        "database": {"connection": site.db_url("keystone")},
        "token": {"provider": "fernet", "expiration": 3600},
        "fernet_tokens": {"key_repository": d / "fernet-keys"},
        "credential": {"key_repository": d / "credential-keys"},
        # bcrypt's minimum: user creation and every password login get much cheaper.
        "identity": {"password_hash_rounds": 4},
        # One process, so an in-memory cache is coherent; it cuts each API call
        # from about 250 ms to 15 ms (token validation is what costs).
        "cache": {"enabled": True, "backend": "oslo_cache.dict"},
        "oslo_policy": {"enforce_new_defaults": True, "enforce_scope": True},
    })


def _manage(site: Site, *args: str) -> None:
    log = site.svc_dir("keystone") / "log" / "keystone-manage.log"
    procs.run([config.venv_bin("keystone-manage"), "--config-file", str(conf_path(site)),
               *args], log, what=f"keystone-manage {args[0]} (site {site.name})")


def bootstrap(site: Site) -> None:
    """db_sync, key repositories and bootstrap; skipped when done on this DB."""
    stamp = site.svc_dir("keystone") / ".bootstrapped"
    if stamp.exists() and infra.has_tables(site.db("keystone")):
        return
    user, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
    _manage(site, "db_sync")
    _manage(site, "fernet_setup", "--keystone-user", user, "--keystone-group", group)
    _manage(site, "credential_setup", "--keystone-user", user, "--keystone-group", group)
    url = site.keystone_url
    _manage(site, "bootstrap", "--bootstrap-password", site.admin_password,
            "--bootstrap-region-id", config.REGION, "--bootstrap-admin-url", url,
            "--bootstrap-internal-url", url, "--bootstrap-public-url", url)
    stamp.write_text(time.strftime("%F %T\n"))


def start(site: Site) -> None:
    log = procs.start_wsgi(site, "keystone", "keystone.wsgi.api:application",
                           config.PORTS["keystone"],
                           env={"OS_KEYSTONE_CONFIG_FILES": str(conf_path(site))},
                           configs=[conf_path(site)])
    procs.wait_http(site.keystone_url, site, "keystone-api", log)


# -- provisioning through the API -------------------------------------------------------

class Identity:
    """Find-or-create calls on Keystone's v3 API as the site's admin."""

    def __init__(self, site: Site) -> None:
        admin = credentials(site)["admin"]
        self.site = site
        self.sess = ks_session.Session(auth=v3.Password(**admin.auth_kwargs(site.keystone_url)))

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self.sess.request(self.site.keystone_url + path, method, **kwargs)
        return resp.json() if resp.content else None

    def _find(self, collection: str, **query: str) -> dict | None:
        found = self._call("GET", f"/{collection}", params=query)[collection]
        return found[0] if found else None

    def _ensure(self, collection: str, body: dict, **query: str) -> str:
        item = self._find(collection, **query)
        if item is None:
            item = self._call("POST", f"/{collection}",
                              json={collection[:-1]: body})[collection[:-1]]
        return item["id"]

    def role(self, name: str) -> str:
        return self._ensure("roles", {"name": name}, name=name)

    def project(self, name: str, description: str = "") -> str:
        return self._ensure("projects", {"name": name, "domain_id": "default",
                                         "description": description},
                            name=name, domain_id="default")

    def user(self, name: str, password: str, project_id: str | None = None) -> str:
        body = {"name": name, "password": password, "domain_id": "default"}
        if project_id:
            body["default_project_id"] = project_id
        return self._ensure("users", body, name=name, domain_id="default")

    def grant(self, project_id: str, user_id: str, role_id: str) -> None:
        self._call("PUT", f"/projects/{project_id}/users/{user_id}/roles/{role_id}")

    def service(self, name: str, service_type: str, description: str) -> str:
        return self._ensure("services", {"name": name, "type": service_type,
                                         "description": description, "enabled": True},
                            type=service_type)

    def endpoints(self, service_id: str, url: str) -> None:
        have = {(e["interface"], e["url"]) for e in self._call(
            "GET", "/endpoints", params={"service_id": service_id})["endpoints"]}
        for interface in ("public", "internal", "admin"):
            if (interface, url) not in have:
                self._call("POST", "/endpoints", json={"endpoint": {
                    "service_id": service_id, "interface": interface, "url": url,
                    "region_id": config.REGION, "enabled": True}})


def provision(site: Site) -> KeystoneInfo:
    """Roles, the service project with the protector user, the demo project and user."""
    ident = Identity(site)
    roles = {name: ident.role(name) for name in config.ROLES}
    projects = {
        "admin": ident.project("admin"),
        "service": ident.project("service", "Service users"),
        config.DEMO_PROJECT: ident.project(config.DEMO_PROJECT, "Lab tenant"),
    }
    creds = credentials(site)
    users = {"admin": ident._find("users", name="admin", domain_id="default")["id"]}
    users["protector"] = ident.user(config.PROTECTOR_USER, config.PROTECTOR_PASSWORD,
                                    projects["service"])
    ident.grant(projects["service"], users["protector"], roles["admin"])
    users["demo"] = ident.user(config.DEMO_USER, config.DEMO_PASSWORD,
                               projects[config.DEMO_PROJECT])
    # A trust delegates member and _member_ (default_trust_roles): the trustor needs both.
    for role in ("member", "_member_"):
        ident.grant(projects[config.DEMO_PROJECT], users["demo"], roles[role])
    return KeystoneInfo(site=site.name, url=site.keystone_url, region=config.REGION,
                        admin=creds["admin"], protector=creds["protector"],
                        demo=creds["demo"], project_ids=projects, user_ids=users,
                        role_ids=roles)


def up(site: Site) -> KeystoneInfo:
    infra.ensure_databases(site, ["keystone"])
    write_config(site)
    bootstrap(site)
    start(site)
    return provision(site)


def running_keystone(site: str = "a") -> KeystoneInfo:
    """A provisioned Keystone for ``site``: the running one, or one started now
    (installing Keystone into the lab venv first if needed)."""
    from protector.lab import lab  # late: lab imports this module

    the_site = config.SITES[site.removeprefix("site-")]
    with lab.lock():
        if procs.running(the_site, "keystone-api") is None:
            lab.up(["keystone"], [the_site], quiet=True)
        return provision(the_site)
