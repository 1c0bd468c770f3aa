"""protector-api and protector-engine of a lab site, configured from the
spec's protector.conf template (install guide, Step 5) with the site's own
Keystone, database and vhost."""

from __future__ import annotations

from pathlib import Path

from protector.lab import catalog, config, ini, procs
from protector.lab.config import Site


def conf_path(site: Site) -> Path:
    return site.svc_dir("protector") / "protector.conf"


def write_config(site: Site) -> Path:
    d = site.svc_dir("protector")
    for sub in ("log", "state"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    keystone = f"http://{site.ip}:{config.PORTS['keystone']}"
    return ini.write(conf_path(site), {
        "DEFAULT": {
            "debug": False, "log_dir": d / "log", "state_path": d / "state",
            "site_name": site.cloud, "host": f"protector-{site.name}",
            "transport_url": site.transport_url, **_storage_mode(),
        },
        # Recovery points show in the health API within seconds, and a
        # killed engine's operation is taken over quickly.
        "engine": {"replication_check_interval": 10, "sweep_interval": 5},
        "storage": _storage(),
        "api": {
            "bind_host": site.ip, "bind_port": config.PORTS["protector"], "workers": 1,
            "api_paste_config": config.REPO / "etc" / "protector" / "api-paste.ini",
        },
        "database": {"connection": site.db_url("protector")},
        "keystone_authtoken": {
            "www_authenticate_uri": keystone, "auth_url": keystone, "auth_type": "password",
            "project_domain_name": "Default", "user_domain_name": "Default",
            "project_name": "service", "username": config.PROTECTOR_USER,
            "password": config.PROTECTOR_PASSWORD,
        },
        "service_credentials": {"default_trust_roles": "member,_member_"},
        "oslo_policy": {"policy_file": config.REPO / "etc" / "protector" / "policy.yaml"},
    })


def _storage_mode() -> dict[str, object]:
    if config.storage_mode() == "mock":
        # The spec's mock storage mode: no arrays, and the fake Cinder back end
        # has no consistency groups.
        return {"use_mock_cinder": True, "use_mock_storage": True}
    # The real path: Cinder's Pure back end makes real generic groups.
    return {"use_mock_cinder": False, "use_mock_storage": False}


def _storage() -> dict[str, object]:
    if config.storage_mode() == "mock":
        # The simulated arrays and Cinder groups in one directory for both
        # sites: real ones are reachable from both sites' engines too.
        return {"mock_storage_dir": config.mock_storage_dir()}
    # The arrays' URLs and tokens come with each PG's replication policy;
    # here only how to trust and poll them.
    return {"driver": "pure", "verify_ssl": True, "ca_file": config.array_ca_file(),
            "poll_interval": 1.0, "replicate_timeout": 300, "api_timeout": 30,
            "unreplicated_volume_type": catalog.UNREPLICATED}


def up(site: Site) -> None:
    conf = write_config(site)
    d = site.svc_dir("protector")
    args = ["--config-file", str(conf)]
    # `db sync` is safe to re-run (pending migrations only), and protector's
    # schema changes between commits, so it runs on every `up`.
    procs.run([config.protector_bin("protector-manage"), *args, "db", "sync"],
              d / "log" / "protector-manage.log",
              what=f"protector-manage db sync (site {site.name})")
    for binary in ("protector-api", "protector-engine"):
        procs.start(site, binary, [config.protector_bin(binary), *args],
                    d / "log" / f"{binary}.out", configs=[conf])
    procs.wait_http(f"{site.url('protector')}/", site, "protector-api",
                    d / "log" / "protector-api.out", timeout=60)
