"""Load a storage driver by name (stevedore namespace ``protector.storage.drivers``)."""

from __future__ import annotations

from typing import Any

from oslo_config import cfg
from stevedore import driver as stevedore_driver
from stevedore import exception as stevedore_exc

from protector.conf import storage as storage_conf
from protector.storage import base
from protector.storage import exception as exc

NAMESPACE = "protector.storage.drivers"


def _registered(conf: cfg.ConfigOpts) -> cfg.ConfigOpts:
    # Whether or not protector.conf registered [storage] already; checked
    # first, since registering again costs dozens of oslo.config calls and
    # the engine builds a driver per PG on every replication check.
    if "storage" not in conf:  # its options are registered with it, all at once
        storage_conf.register_opts(conf)
    return conf


def driver_name(conf: cfg.ConfigOpts = cfg.CONF) -> str:
    """``mock`` when [DEFAULT] use_mock_storage is set, else [storage] driver."""
    conf = _registered(conf)
    if getattr(conf, "use_mock_storage", False):
        return "mock"
    return conf.storage.driver


def mock_storage_dir(conf: cfg.ConfigOpts = cfg.CONF) -> str:
    return _registered(conf).storage.mock_storage_dir


def options_from_conf(conf: cfg.ConfigOpts = cfg.CONF, **overrides: Any) -> base.DriverOptions:
    """:class:`~protector.storage.base.DriverOptions` from ``[storage]``."""
    conf = _registered(conf)
    s = conf.storage
    values: dict[str, Any] = {
        "replicate_timeout": float(s.replicate_timeout),
        "poll_interval": s.poll_interval,
        "api_retries": s.api_retries,
        "api_timeout": float(s.api_timeout),
        "max_concurrent_copies": s.max_concurrent_copies,
        "eradicate": s.eradicate_on_cleanup,
        "sync_pod_name": s.sync_pod_name,
        "state_path": conf.state_path,
        "mock_storage_dir": s.mock_storage_dir,
    }
    values.update(overrides)
    return base.DriverOptions(**values)


def endpoint(url: str, api_token: str, conf: cfg.ConfigOpts = cfg.CONF) -> base.ArrayEndpoint:
    """An :class:`~protector.storage.base.ArrayEndpoint` with ``[storage]`` TLS settings."""
    conf = _registered(conf)
    return base.ArrayEndpoint(url=url, api_token=api_token,
                              verify_ssl=conf.storage.verify_ssl,
                              ca_file=conf.storage.ca_file)


def _reraise(manager: Any, entry_point: Any, err: Exception) -> None:
    # stevedore would log and skip a driver whose constructor fails, and then
    # report it as missing; the constructor's own error is the useful one.
    raise err


def get_driver(
    group: base.GroupSpec,
    arrays: base.ArrayPair,
    *,
    conf: cfg.ConfigOpts = cfg.CONF,
    name: str | None = None,
    options: base.DriverOptions | None = None,
    target_volumes: base.TargetVolumeFactory | None = None,
) -> base.ReplicationDriver:
    """Build the configured driver for one protection group.

    :param group: the PG's identity and settings.
    :param arrays: source and target arrays in the current direction.
    :param name: driver name; default :func:`driver_name`.
    :param options: default :func:`options_from_conf`.
    :param target_volumes: Cinder volume creation on the target (mock driver).
    :raises StorageDriverNotFound: no driver of that name is installed.
    """
    name = name or driver_name(conf)
    options = options or options_from_conf(conf)
    try:
        manager = stevedore_driver.DriverManager(
            namespace=NAMESPACE,
            name=name,
            invoke_on_load=True,
            invoke_args=(group, arrays, options),
            invoke_kwds={"target_volumes": target_volumes},
            on_load_failure_callback=_reraise,
        )
    except stevedore_exc.NoMatches as err:
        raise exc.StorageDriverNotFound(name=name) from err
    return manager.driver


def get_consistency_group_api(conf: cfg.ConfigOpts = cfg.CONF, *, site: str | None = None
                              ) -> base.ConsistencyGroupAPI | None:
    """The simulated Cinder group API of ``site`` when [DEFAULT] use_mock_cinder
    is set, else None.

    None means: use the real Cinder group API (supplied by the engine).
    """
    if not getattr(conf, "use_mock_cinder", False):
        return None
    from protector.storage.mock_cinder import MockConsistencyGroupAPI

    return MockConsistencyGroupAPI(mock_storage_dir(conf), site=site)
