"""Reaching the two-site lab's clouds (``clouds.yaml`` written by ``protector.lab``).

``PROTECTOR_LAB_CLOUDS`` names the file, default the lab's own
(``$PROTECTOR_LAB_DIR/clouds.yaml``, ``~/.cache/protector-lab/clouds.yaml``);
entries ``site-a``/``site-b`` are admins, ``site-a-demo``/``site-b-demo``
members of project ``demo``. Used by ``test_cloud_sdk.py`` and the contract
test in ``tests/unit/cloud``; skips, never fails, when the lab is down.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from keystoneauth1 import exceptions as ks_exc
from openstack import config as os_config

from protector.cloud import base, common, sdk
from protector.lab import config as lab_config

SERVICES = ("compute", "volumev3", "network", "image")


def clouds_yaml() -> Path | None:
    env = os.environ.get("PROTECTOR_LAB_CLOUDS")
    path = Path(env).expanduser() if env else lab_config.clouds_yaml()
    return path if path.is_file() else None


@functools.cache
def cloud_region(name: str) -> os_config.cloud_region.CloudRegion:
    path = clouds_yaml()
    assert path is not None
    return os_config.OpenStackConfig(config_files=[str(path)]).get_one(cloud=name)


@functools.cache
def _unavailable(name: str) -> str | None:
    """Why the lab cloud ``name`` cannot be used, or None when it can."""
    path = clouds_yaml()
    if path is None:
        return ("the two-site lab is not up: no clouds.yaml at $PROTECTOR_LAB_CLOUDS or "
                f"{lab_config.clouds_yaml()} (start it with `python -m protector.lab up`)")
    try:
        region = cloud_region(name)
    except Exception as err:  # missing entry, bad YAML
        return f"lab cloud {name!r} is not usable in {path}: {err}"
    sess = region.get_session()
    for service in SERVICES:
        try:
            url = sess.get_endpoint(service_type=service, interface=region.interface,
                                    region_name=region.region_name)
            if not url:  # e.g. a Keystone-only lab site
                return f"lab cloud {name!r} has no {service} endpoint"
            sess.get(url, authenticated=True, raise_exc=True, timeout=10)
        except (ks_exc.ClientException, ks_exc.http.HttpError) as err:
            if isinstance(err, ks_exc.http.HttpError) and err.http_status < 500:
                continue  # answering; a 4xx on the root is fine
            return f"lab cloud {name!r}: {service} does not answer ({err})"
    return None


def require(name: str) -> None:
    reason = _unavailable(name)
    if reason:
        pytest.skip(reason)


def lab_cloud(name: str, options: common.CloudOptions | None = None) -> base.Cloud:
    """The SDK twin for lab cloud ``name`` (skips the test when the lab is down)."""
    require(name)
    region = cloud_region(name)
    options = options or common.CloudOptions(timeout=180.0, poll_interval=1.0,
                                             volume_from_image=False)
    return sdk.build_cloud(region.get_session(), site=name, region_name=region.region_name,
                           interface=region.interface or "public", options=options)


def ensure_group_type(cloud: base.Cloud, name: str = "protector-consistent") -> None:
    """The Cinder group type protector's consistency groups need (admin only);
    the lab's Cinder has only the reserved ``default_cgsnapshot_type``."""
    if any(t.consistent and not t.reserved for t in cloud.volume.group_types()):
        return
    bs = cloud.volume.conn.block_storage  # type: ignore[attr-defined]
    bs.create_group_type(name=name, group_specs={
        "consistent_group_snapshot_enabled": "<is> True"})
