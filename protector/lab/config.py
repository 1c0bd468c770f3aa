"""Where the lab lives, what a site is, and the fixed names and passwords.

Everything here is lab-only: passwords are derived from names so that a
test, a shell and the lab itself agree without reading any state.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONSTRAINTS_NAME = "upper-constraints-2026.1.txt"

# OpenStack 2026.1 (Gazpacho): the releases the lab recipe was measured with.
PINS = {
    "keystone": "keystone==29.1.0",
    "placement": "openstack-placement==15.0.0",
    "glance": "glance==32.0.0",
    "cinder": "cinder[pure]==28.0.0",
    "neutron": "neutron==28.0.2",
    "nova": "nova==33.0.2",
}
# Installed with any service: the WSGI server and the DB driver.
COMMON_REQUIREMENTS = ("gunicorn", "PyMySQL", "keystonemiddleware")

# Start order: each needs the ones before it (nova needs all the others).
OPENSTACK_SERVICES = ("keystone", "placement", "glance", "cinder", "neutron", "nova")
ALL_SERVICES = (*OPENSTACK_SERVICES, "protector")

PORTS = {
    "keystone": 5000,
    "placement": 8778,
    "glance": 9292,
    "cinder": 8776,
    "neutron": 9696,
    "nova": 8774,
    "protector": 8788,
}
# Keystone catalog: service type, description and endpoint path per service.
CATALOG = {
    "placement": ("placement", "Placement API", ""),
    "glance": ("image", "Image Service", ""),
    "cinder": ("block-storage", "Block Storage", "/v3/%(project_id)s"),
    "neutron": ("network", "Networking", ""),
    "nova": ("compute", "Compute", "/v2.1"),
    "protector": ("protector", "OpenStack Disaster Recovery Service", "/v1/%(tenant_id)s"),
}

REGION = "RegionOne"  # each site has its own Keystone, so both use the spec's name
DB_HOST = os.environ.get("PROTECTOR_LAB_DB_HOST", "127.0.0.1")
DB_PORT = int(os.environ.get("PROTECTOR_LAB_DB_PORT", "3306"))
DB_ROOT_USER = os.environ.get("PROTECTOR_LAB_DB_ROOT_USER", "root")
DB_ROOT_PASSWORD = os.environ.get("PROTECTOR_LAB_DB_ROOT_PASSWORD", "")
DB_USER = "oslab"
DB_PASSWORD = "oslab-pw"
RABBIT_HOST = os.environ.get("PROTECTOR_LAB_RABBIT_HOST", "127.0.0.1")
RABBIT_USER = os.environ.get("PROTECTOR_LAB_RABBIT_USER", "guest")
RABBIT_PASSWORD = os.environ.get("PROTECTOR_LAB_RABBIT_PASSWORD", "guest")

PROTECTOR_USER = "protector"
PROTECTOR_PASSWORD = "protector-pw"
DEMO_PROJECT = "demo"
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-pw"
ROLES = ("member", "_member_", "reader", "admin", "service")
# The backend section of cinder.conf: hosts show as cinder-<site>@lab-fake
# (mock storage) or cinder-<site>@pure (Cinder's Pure driver on the simulator).
CINDER_BACKENDS = {"mock": "lab-fake", "pure": "pure"}
STORAGE_MODES = ("pure", "mock")
# The simulated FlashArrays (--storage pure): one per site, on the site's
# address, served by one protector-flasharray-sim process (replication
# between them is in process).
ARRAY_PORT = 8443
ARRAY_CONTROL_PORT = 8449  # the simulator's fault-injection endpoint, on 127.0.0.1
ARRAY_API_TOKEN = "pure-lab-api-token"


@dataclass(frozen=True)
class Site:
    name: str  # "a" or "b"
    ip: str

    @property
    def cloud(self) -> str:
        return f"site-{self.name}"

    @property
    def admin_password(self) -> str:
        return f"admin-{self.name}"

    @property
    def vhost(self) -> str:
        return f"site_{self.name}"

    @property
    def keystone_url(self) -> str:
        return f"http://{self.ip}:{PORTS['keystone']}/v3"

    def url(self, service: str) -> str:
        return f"http://{self.ip}:{PORTS[service]}"

    def db(self, service: str) -> str:
        return f"{service}_{self.name}"

    def db_url(self, service: str) -> str:
        return (f"mysql+pymysql://{DB_USER}:{DB_PASSWORD}@{DB_HOST}:{DB_PORT}/"
                f"{self.db(service)}?charset=utf8")

    @property
    def transport_url(self) -> str:
        return f"rabbit://{RABBIT_USER}:{RABBIT_PASSWORD}@{RABBIT_HOST}:5672/{self.vhost}"

    @property
    def dir(self) -> Path:
        return lab_dir() / "sites" / self.name

    def svc_dir(self, service: str) -> Path:
        return self.dir / service

    @property
    def run_dir(self) -> Path:
        return self.dir / "run"

    @property
    def array_name(self) -> str:
        return f"array-{self.name}"

    @property
    def array_target(self) -> str:
        """What Cinder's san_ip and flasharray.Client(target=) take."""
        return f"{self.ip}:{ARRAY_PORT}"

    @property
    def array_url(self) -> str:
        """What a protector replication policy's --primary-fa-url takes."""
        return f"https://{self.array_target}"


SITES = {"a": Site("a", "127.0.0.1"), "b": Site("b", "127.0.0.2")}
# Not a site: where the array simulator's pid file, log and certificates live
# (procs manages it like a site's process; `down` of both sites stops it).
ARRAYS = Site("arrays", "127.0.0.1")


def service_password(service: str) -> str:
    return f"{service}-pw"


def lab_dir() -> Path:
    """$PROTECTOR_LAB_DIR, else ~/.cache/protector-lab: outside the repo, kept between runs."""
    env = os.environ.get("PROTECTOR_LAB_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "protector-lab"


def venv_dir() -> Path:
    env = os.environ.get("PROTECTOR_LAB_VENV")
    return Path(env).expanduser() if env else lab_dir() / "venv"


def venv_bin(name: str) -> str:
    return str(venv_dir() / "bin" / name)


def clouds_yaml() -> Path:
    return lab_dir() / "clouds.yaml"


def mock_storage_dir() -> Path:
    """Both sites' [storage] mock_storage_dir (--storage mock)."""
    return lab_dir() / "mock_storage"


def storage_mode_file() -> Path:
    return lab_dir() / "storage-mode"


def storage_mode() -> str:
    """The mode the lab was brought up with (`up --storage`), else "pure"."""
    try:
        mode = storage_mode_file().read_text().strip()
    except OSError:
        return STORAGE_MODES[0]
    return mode if mode in STORAGE_MODES else STORAGE_MODES[0]


def cinder_backend() -> str:
    return CINDER_BACKENDS[storage_mode()]


def array_ca_file() -> Path:
    return ARRAYS.dir / "certs" / "ca.pem"


def tenant_clouds_yaml() -> Path:
    """The demo tenant's workstation view: site-a and site-b as user demo."""
    return lab_dir() / "clouds-demo.yaml"


def constraints_file() -> Path:
    """OpenStack's upper-constraints: never copied into the repo, found beside it."""
    env = os.environ.get("PROTECTOR_LAB_CONSTRAINTS")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared" / "lab" / CONSTRAINTS_NAME,
                   Path("/work/shared/lab") / CONSTRAINTS_NAME]
    for path in candidates:
        if path.is_file():
            return path
    raise SystemExit("protector-lab: cannot find " + CONSTRAINTS_NAME + "; set "
                     "PROTECTOR_LAB_CONSTRAINTS (tried " + ", ".join(map(str, candidates)) + ")")


def protector_bin(name: str) -> str:
    """protector's own console scripts: $PROTECTOR_LAB_PROTECTOR_BIN, else the
    ones next to the running python (the project's venv)."""
    env = os.environ.get("PROTECTOR_LAB_PROTECTOR_BIN")
    base = Path(env) if env else Path(sys.executable).parent
    return str(base / name)


def select_sites(names: str | None) -> list[Site]:
    """"a,b" -> sites, in the order a, b (they start one after the other)."""
    if not names:
        return list(SITES.values())
    wanted = {n.strip().removeprefix("site-") for n in names.split(",") if n.strip()}
    unknown = wanted - SITES.keys()
    if unknown:
        raise SystemExit(f"protector-lab: unknown site(s) {sorted(unknown)}; use a and/or b")
    return [site for name, site in SITES.items() if name in wanted]


def select_services(names: str | None) -> list[str]:
    """"keystone,cinder" -> those and what they need, in start order."""
    if not names or names == "all":
        return list(ALL_SERVICES)
    wanted = {n.strip() for n in names.split(",") if n.strip()}
    unknown = wanted - set(ALL_SERVICES)
    if unknown:
        raise SystemExit(f"protector-lab: unknown service(s) {sorted(unknown)}; "
                         f"choose from {', '.join(ALL_SERVICES)}")
    if wanted - {"keystone"}:
        # Anything beyond Keystone is wired to all the others (nova <-> cinder,
        # neutron <-> nova, protector validates them all), so it is all or keystone.
        return list(ALL_SERVICES)
    return ["keystone"]
