"""Placement, Glance, Cinder, Neutron and Nova of a lab site: their config
files, database syncs and processes.

APIs run under gunicorn through plugins/protector_lab_wsgi.py, the RPC
services as their console scripts. Each service finds its config its own
way (noted per service); paste files are copied from the lab venv.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from protector.lab import arrays, config, infra, ini, procs
from protector.lab.config import Site

Progress = Callable[[str], object]


def _dirs(site: Site, service: str, *subs: str) -> Path:
    d = site.svc_dir(service)
    for sub in ("log", *subs):
        (d / sub).mkdir(parents=True, exist_ok=True)
    return d


def _auth(site: Site, service: str, **extra: object) -> dict[str, object]:
    return {**ini.keystone_auth(site.ip, service, config.service_password(service)), **extra}


def _authtoken(site: Site, service: str) -> dict[str, object]:
    # Services accept only service tokens carrying the service role (nova sends them).
    return _auth(site, service, service_token_roles_required=True)


def _client_auth(site: Site, service: str) -> dict[str, object]:
    auth = _auth(site, service, region_name=config.REGION)
    del auth["www_authenticate_uri"]
    return auth


def _paste(service: str, name: str, dest: Path) -> Path:
    src = config.venv_dir() / "etc" / service / name
    if not dest.exists() or dest.read_bytes() != src.read_bytes():
        shutil.copyfile(src, dest)
    return dest


def _synced(site: Site, service: str, db: str) -> bool:
    stamp = site.svc_dir(service) / ".db-synced"
    return stamp.exists() and infra.has_tables(site.db(db))


def _mark_synced(site: Site, service: str) -> None:
    (site.svc_dir(service) / ".db-synced").write_text(time.strftime("%F %T\n"))


def _manage(site: Site, service: str, argv: list[str], ok: tuple[int, ...] = (0,)) -> None:
    log = site.svc_dir(service) / "log" / f"{service}-manage.log"
    procs.run([config.venv_bin(argv[0]), *argv[1:]], log, ok=ok,
              what=f"{' '.join(argv[:1] + argv[3:5])} (site {site.name})")


def _common(site: Site, service: str, d: Path) -> dict[str, object]:
    return {"log_dir": d / "log", "debug": False, "graceful_shutdown_timeout": 5}


# -- placement: OS_PLACEMENT_CONFIG_DIR holds placement.conf -----------------------------

def placement(site: Site) -> None:
    d = _dirs(site, "placement")
    conf = ini.write(d / "placement.conf", {
        "DEFAULT": _common(site, "placement", d),
        "placement_database": {"connection": site.db_url("placement")},
        "api": {"auth_strategy": "keystone"},
        "keystone_authtoken": _authtoken(site, "placement"),
    })
    if not _synced(site, "placement", "placement"):
        _manage(site, "placement", ["placement-manage", "--config-file", str(conf), "db", "sync"])
        _mark_synced(site, "placement")
    procs.start_wsgi(site, "placement", "placement.wsgi.api:application",
                     config.PORTS["placement"], env={"OS_PLACEMENT_CONFIG_DIR": str(d)},
                     configs=[conf])


# -- glance: OS_GLANCE_CONFIG_DIR holds glance-api.conf and its paste file ---------------

def glance(site: Site) -> None:
    d = _dirs(site, "glance", "images", "staging", "tasks", "lock")
    paste = _paste("glance", "glance-api-paste.ini", d / "glance-api-paste.ini")
    conf = ini.write(d / "glance-api.conf", {
        "DEFAULT": {**_common(site, "glance", d), "enabled_backends": "file:file"},
        "database": {"connection": site.db_url("glance")},
        "paste_deploy": {"flavor": "keystone", "config_file": paste},
        "glance_store": {"default_backend": "file"},
        "file": {"filesystem_store_datadir": d / "images"},
        "os_glance_staging_store": {"filesystem_store_datadir": d / "staging"},
        "os_glance_tasks_store": {"filesystem_store_datadir": d / "tasks"},
        "oslo_concurrency": {"lock_path": d / "lock"},
        "keystone_authtoken": _authtoken(site, "glance"),
    })
    if not _synced(site, "glance", "glance"):
        _manage(site, "glance", ["glance-manage", "--config-file", str(conf), "db_sync"])
        _mark_synced(site, "glance")
    procs.start_wsgi(site, "glance", "glance.wsgi.api:application", config.PORTS["glance"],
                     env={"OS_GLANCE_CONFIG_DIR": str(d)}, configs=[conf, paste])


# -- cinder: --config-file on the (shimmed) command line ---------------------------------

# The spec's policy changes: tenants (through trusts) manage and unmanage volumes
# and list volume services to find the host for manage.
CINDER_POLICY = """\
"volume_extension:volume_manage": "rule:admin_or_owner"
"volume_extension:volume_unmanage": "rule:admin_or_owner"
"volume_extension:services:index": "rule:admin_or_owner"
"""


def cinder(site: Site) -> None:
    d = _dirs(site, "cinder", "state", "lock")
    policy = d / "policy.yaml"
    if not policy.exists() or policy.read_text() != CINDER_POLICY:
        policy.write_text(CINDER_POLICY)
    backend = config.cinder_backend()
    conf = ini.write(d / "cinder.conf", {
        "DEFAULT": {
            **_common(site, "cinder", d), "host": f"cinder-{site.name}", "my_ip": site.ip,
            "state_path": d / "state", "transport_url": site.transport_url,
            "auth_strategy": "keystone", "enabled_backends": backend,
            "default_volume_type": "__DEFAULT__",
            "glance_api_servers": site.url("glance"),
            "api_paste_config": config.venv_dir() / "etc" / "cinder" / "api-paste.ini",
            "resource_query_filters_file":
                config.venv_dir() / "etc" / "cinder" / "resource_filters.json",
            # The scheduler learns the pools from the volume service's periodic report.
            "periodic_interval": 10,
            "rootwrap_config": d / "no-rootwrap.conf",
        },
        "database": {"connection": site.db_url("cinder")},
        "oslo_concurrency": {"lock_path": d / "lock"},
        "oslo_policy": {"policy_file": d / "policy.yaml"},
        backend: _cinder_backend(site, backend),
        "keystone_authtoken": _authtoken(site, "cinder"),
        "nova": _client_auth(site, "cinder"),
    })
    if not _synced(site, "cinder", "cinder"):
        _manage(site, "cinder", ["cinder-manage", "--config-file", str(conf), "db", "sync"])
        _mark_synced(site, "cinder")
    args = ["--config-file", str(conf)]
    procs.start_wsgi(site, "cinder", "cinder.wsgi.api:application", config.PORTS["cinder"],
                     argv=args, configs=[conf, policy])
    for binary in ("cinder-scheduler", "cinder-volume"):
        env = arrays.cinder_env() if config.storage_mode() == "pure" else None
        procs.start(site, binary, [config.venv_bin(binary), *args], d / "log" / f"{binary}.log",
                    env=env, configs=[conf])


def _cinder_backend(site: Site, backend: str) -> dict[str, object]:
    if config.storage_mode() == "mock":
        return {"volume_driver": "protector_lab_cinder.LabDriver",
                "volume_backend_name": backend, "replication_device": "backend_id:secondary"}
    # Cinder's own Pure driver on this site's simulated array; the peer's array
    # as an ActiveCluster (sync) replication device, which also sets up the
    # async cinder-group (docs/lab.md).
    peer = next(s for s in config.SITES.values() if s != site)
    ca = config.array_ca_file()
    device = ",".join(f"{k}:{v}" for k, v in {
        "backend_id": peer.array_name, "san_ip": peer.array_target,
        "api_token": config.ARRAY_API_TOKEN, "ssl_cert_verify": True,
        "ssl_cert_path": ca, "type": "sync"}.items())
    return {"volume_driver": "cinder.volume.drivers.pure.PureISCSIDriver",
            "volume_backend_name": backend, "san_ip": site.array_target,
            "pure_api_token": config.ARRAY_API_TOKEN, "driver_ssl_cert_verify": True,
            "driver_ssl_cert_path": ca, "pure_eradicate_on_delete": True,
            "replication_device": device}


# -- neutron: OS_NEUTRON_CONFIG_DIR holds neutron.conf and plugins/ml2/ml2_conf.ini ------

def neutron(site: Site) -> None:
    d = _dirs(site, "neutron", "state", "lock", "plugins/ml2")
    conf = ini.write(d / "neutron.conf", {
        "DEFAULT": {
            **_common(site, "neutron", d), "state_path": d / "state", "core_plugin": "ml2",
            "service_plugins": "router", "auth_strategy": "keystone",
            "transport_url": site.transport_url,
            "api_paste_config": _paste("neutron", "api-paste.ini", d / "api-paste.ini"),
            # Nothing binds VIFs for real, so there are no port events for nova to wait on.
            "notify_nova_on_port_status_changes": False,
            "notify_nova_on_port_data_changes": False,
        },
        "database": {"connection": site.db_url("neutron")},
        "oslo_concurrency": {"lock_path": d / "lock"},
        "keystone_authtoken": _authtoken(site, "neutron"),
        "nova": _client_auth(site, "neutron"),
    })
    ml2 = ini.write(d / "plugins" / "ml2" / "ml2_conf.ini", {
        "ml2": {"type_drivers": "flat,vlan", "tenant_network_types": "vlan",
                # plugins/protector_lab_ml2.py: binds ports without any agent.
                "mechanism_drivers": "protector_lab", "extension_drivers": "port_security"},
        "ml2_type_vlan": {"network_vlan_ranges": "physnet1:100:200"},
        "ml2_type_flat": {"flat_networks": "physnet1"},
    })
    args = ["--config-file", str(conf), "--config-file", str(ml2)]
    if not _synced(site, "neutron", "neutron"):
        _manage(site, "neutron", ["neutron-db-manage", *args, "upgrade", "heads"])
        _mark_synced(site, "neutron")
    procs.start_wsgi(site, "neutron", "neutron.wsgi.api:application", config.PORTS["neutron"],
                     env={"OS_NEUTRON_CONFIG_DIR": str(d)}, configs=[conf, ml2])
    procs.start(site, "neutron-rpc", [config.venv_bin("neutron-rpc-server"), *args],
                d / "log" / "neutron-rpc-server.log", configs=[conf, ml2])


# -- nova: OS_NOVA_CONFIG_DIR holds nova.conf and api-paste.ini --------------------------

def nova(site: Site) -> None:
    d = _dirs(site, "nova", "state", "instances", "lock")
    _paste("nova", "api-paste.ini", d / "api-paste.ini")
    nova_auth = _client_auth(site, "nova")
    conf = ini.write(d / "nova.conf", {
        "DEFAULT": {
            **_common(site, "nova", d), "host": f"compute-{site.name}", "my_ip": site.ip,
            "state_path": d / "state", "instances_path": d / "instances",
            "transport_url": site.transport_url, "compute_driver": "protector_lab.LabFakeDriver",
        },
        "api": {"auth_strategy": "keystone"},
        "wsgi": {"api_paste_config": d / "api-paste.ini"},
        "api_database": {"connection": site.db_url("nova_api")},
        "database": {"connection": site.db_url("nova")},
        "oslo_concurrency": {"lock_path": d / "lock"},
        # One worker each instead of one per CPU: about 150 MB less per site.
        "conductor": {"workers": 1},
        "scheduler": {"workers": 1, "discover_hosts_in_cells_interval": 5},
        "glance": {"api_servers": site.url("glance")},
        "cinder": {**{k: v for k, v in nova_auth.items() if k != "region_name"},
                   "os_region_name": config.REGION},
        "vnc": {"enabled": False},
        # os-vif's OVS plugin must not find a real ovsdb on the machine.
        "os_vif_ovs": {"ovsdb_connection": f"unix:{d / 'no-ovsdb.sock'}"},
        "keystone_authtoken": _authtoken(site, "nova"),
        "placement": nova_auth,
        "neutron": nova_auth,
        "service_user": {**nova_auth, "send_service_user_token": True},
    })
    args = ["--config-file", str(conf)]
    if not _synced(site, "nova", "nova"):
        _manage(site, "nova", ["nova-manage", *args, "api_db", "sync"])
        _manage(site, "nova", ["nova-manage", *args, "cell_v2", "map_cell0",
                               "--database_connection", site.db_url("nova_cell0")])
        # Exit 2: cell1 exists already (a sync interrupted after this step).
        _manage(site, "nova", ["nova-manage", *args, "cell_v2", "create_cell", "--name",
                               "cell1"], ok=(0, 2))
        _manage(site, "nova", ["nova-manage", *args, "db", "sync"])
        _mark_synced(site, "nova")
    _compute_identity(site, d / "state" / "compute_id")
    procs.start_wsgi(site, "nova", "nova.wsgi.osapi_compute:application", config.PORTS["nova"],
                     env={"OS_NOVA_CONFIG_DIR": str(d)}, configs=[conf])
    for binary in ("nova-conductor", "nova-scheduler", "nova-compute"):
        procs.start(site, binary, [config.venv_bin(binary), *args], d / "log" / f"{binary}.log",
                    configs=[conf])


def _compute_identity(site: Site, path: Path) -> None:
    """nova-compute refuses a second start without a local node identity file,
    and the fake driver never writes one: write it before the first start (the
    uuid in the database if an earlier start put one there) for the lab's driver
    (plugins/protector_lab_nova.py) to report."""
    if path.exists():
        return
    host = f"compute-{site.name}"
    known = infra.query_one(site.db("nova"), "SELECT uuid FROM compute_nodes WHERE host = %s "
                            "AND deleted = 0", host)
    path.write_text(f"{known or uuid.uuid5(uuid.NAMESPACE_URL, f'protector-lab:{host}:{host}')}\n")


STEPS = {"placement": placement, "glance": glance, "cinder": cinder, "neutron": neutron,
         "nova": nova}


def up(site: Site, progress: Progress) -> None:
    """Configure, sync and start every service, then wait for every API."""
    for service, step in STEPS.items():
        step(site)
        progress(f"{service} configured and started")
    for service in STEPS:
        name = f"{service}-api"
        procs.wait_http(site.url(service), site, name,
                        site.svc_dir(service) / "log" / f"{name}.log", timeout=180)
    progress("all APIs answer")
    _wait_compute_mapped(site)
    progress("nova-compute mapped to cell1")


def _wait_compute_mapped(site: Site, timeout: float = 180.0) -> None:
    """Until the scheduler's periodic discovery has mapped nova-compute's
    host to cell1: a server booted before that goes to ERROR ("Host
    'compute-a' is not mapped to any cell"; CI saw it once)."""
    host = f"compute-{site.name}"
    log = site.svc_dir("nova") / "log" / "nova-compute.log"
    deadline = time.monotonic() + timeout
    while infra.query_one(site.db("nova_api"),
                          "SELECT id FROM host_mappings WHERE host = %s", host) is None:
        if procs.running(site, "nova-compute") is None:
            raise procs.LabError(f"nova-compute on site {site.name} exited; last lines of "
                                 f"{log}:\n" + procs.log_tail(log))
        if time.monotonic() > deadline:
            raise procs.LabError(f"{host} was not mapped to a cell within {timeout:.0f}s "
                                 f"(nova-scheduler discovers hosts every 5 s); see {log}")
        time.sleep(1)
