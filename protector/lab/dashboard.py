"""Horizon with protector_dashboard in front of the lab's two sites.

The plugin goes into the Horizon of this venv the way an operator puts it
into theirs (docs/dashboard.md): its ``enabled/`` files into
``openstack_dashboard/local/enabled/`` and its settings snippet into
``local/local_settings.d/``. The lab adds one more snippet naming its two
Keystones (the login page offers both; the dashboard signs in to the other
one as ``PROTECTOR_SITES``). Static files are collected and compressed
offline into the lab's state, as a production Horizon's are, and the
server is Django's own (``runserver --insecure`` serves those files) with
``DEBUG = False``: a failing page is Horizon's error page, never a
traceback.

Horizon runs as a process of site a (``horizon``), on 127.0.0.1:8080.
"""

from __future__ import annotations

import secrets
import shutil
import sys
from pathlib import Path

from protector.lab import config, procs
from protector.lab.config import Site

PORT = 8080
SETTINGS_SNIPPET = "_1899_protector_lab.py"


def url() -> str:
    return f"http://{_site().ip}:{PORT}"


def _site() -> Site:
    return config.SITES["a"]


def _horizon_root() -> Path:
    import openstack_dashboard

    return Path(openstack_dashboard.__file__).resolve().parent


def _plugin_root() -> Path:
    import protector_dashboard

    return Path(protector_dashboard.__file__).resolve().parent


def _state() -> Path:
    return _site().svc_dir("horizon")


def install_plugin(horizon_root: Path | None = None) -> list[Path]:
    """Copy the plugin's enabled files and settings snippet into Horizon's
    ``local/`` (what docs/dashboard.md tells an operator to do)."""
    root = horizon_root or _horizon_root()
    plugin = _plugin_root()
    copied = []
    for src_dir, dst_dir in ((plugin / "enabled", root / "local" / "enabled"),
                             (plugin / "local_settings.d", root / "local" / "local_settings.d")):
        dst_dir.mkdir(parents=True, exist_ok=True)
        for stale in dst_dir.glob("_18*.py"):  # a renamed panel must not linger
            if stale.name != SETTINGS_SNIPPET:
                stale.unlink()
        for src in sorted(src_dir.glob("_18*.py")):
            shutil.copy2(src, dst_dir / src.name)
            copied.append(dst_dir / src.name)
    return copied


def _secret_key() -> str:
    path = _state() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def write_settings(horizon_root: Path | None = None) -> Path:
    """The lab's settings snippet: its Keystones, static root, no debug."""
    root = horizon_root or _horizon_root()
    state = _state()
    sites = {s.cloud: {"auth_url": s.keystone_url, "region": config.REGION}
             for s in config.SITES.values()}
    text = f'''# Written by protector-lab (protector/lab/dashboard.py); do not edit.
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECRET_KEY = {_secret_key()!r}
OPENSTACK_KEYSTONE_URL = {sites["site-a"]["auth_url"]!r}
AVAILABLE_REGIONS = {[(v["auth_url"], k) for k, v in sites.items()]!r}
PROTECTOR_SITES = {sites!r}
OPENSTACK_KEYSTONE_DEFAULT_ROLE = "member"
STATIC_ROOT = {str(state / "static")!r}
COMPRESS_ROOT = STATIC_ROOT
COMPRESS_OFFLINE = True
SESSION_TIMEOUT = 3600
# One server process: its memory holds the sessions (no memcached here).
CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}}
LOGGING = {{"version": 1, "disable_existing_loggers": False,
           "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
           "root": {{"handlers": ["console"], "level": "WARNING"}},
           "loggers": {{"protector_dashboard": {{"level": "INFO"}}}}}}
'''
    path = root / "local" / "local_settings.d" / SETTINGS_SNIPPET
    if not path.exists() or path.read_text() != text:  # a rewrite restarts Horizon
        path.write_text(text)
    return path


def _env() -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": "openstack_dashboard.settings",
            "PYTHONUNBUFFERED": "1"}


def _django_admin(*args: str, what: str) -> None:
    log = _state() / "log" / "django-admin.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    procs.run([sys.executable, "-m", "django", *args], log, what=what, env=_env())


def up(log=print) -> str:
    """Install the plugin, build the static files, (re)start Horizon; its URL."""
    site: Site = _site()
    install_plugin()
    settings = write_settings()
    log(f"horizon: plugin and {settings.name} in {settings.parent.parent}")
    _django_admin("collectstatic", "--noinput", "--clear", what="collectstatic")
    _django_admin("compress", "--force", what="compress (offline)")
    log("horizon: static files collected and compressed")
    out = _state() / "log" / "horizon.out"
    # A fresh process: the server caches templates and never reloads code.
    procs.stop(site, "horizon")
    procs.start(site, "horizon", [sys.executable, "-m", "django", "runserver", "--insecure",
                                  "--noreload", f"{site.ip}:{PORT}"],
                out, env=_env())
    procs.wait_http(f"{url()}/auth/login/", site, "horizon", out, timeout=90)
    log(f"horizon: {url()} (log {out})")
    return url()


def down() -> bool:
    return procs.stop(_site(), "horizon")
