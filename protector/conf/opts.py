"""Entry points for oslo-config-generator (see etc/protector/)."""

from oslo_config import cfg
from oslo_policy import opts as policy_opts

from protector.conf import (
    api,
    database,
    default,
    engine,
    keystone_authtoken,
    service_credentials,
)

POLICY_FILE = "/etc/protector/policy.yaml"


def list_opts() -> list:
    return (default.list_opts() + api.list_opts() + database.list_opts()
            + engine.list_opts() + service_credentials.list_opts()
            + keystone_authtoken.list_opts())


def set_defaults(conf: cfg.ConfigOpts = cfg.CONF) -> None:
    """Defaults of library options that the spec documents differently."""
    policy_opts.set_defaults(conf, policy_file=POLICY_FILE)
    conf.set_default("log_dir", "/var/log/protector")
