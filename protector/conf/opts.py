"""Entry points for oslo-config-generator (see etc/protector/)."""

from oslo_config import cfg
from oslo_log import _options as log_options  # the Opt objects oslo.log registers
from oslo_log import log
from oslo_middleware import sizelimit
from oslo_policy import opts as policy_opts

from protector.conf import (
    api,
    database,
    default,
    engine,
    fake_cloud,
    keystone_authtoken,
    peer,
    service_credentials,
    storage,
)

POLICY_FILE = "/etc/protector/policy.yaml"
# A protection group's whole document crosses to the peer in one PUT; with
# 500 members and their captured specs it is over a megabyte (oslo's 112 KiB
# default stops at about 35 members).
MAX_REQUEST_BODY = 16 * 1024 * 1024
LOG_DIR = "/var/log/protector"


def list_opts() -> list:
    return (default.list_opts() + api.list_opts() + database.list_opts()
            + engine.list_opts() + fake_cloud.list_opts() + service_credentials.list_opts()
            + keystone_authtoken.list_opts() + peer.list_opts() + storage.list_opts())


def set_defaults(conf: cfg.ConfigOpts = cfg.CONF) -> None:
    """Defaults of library options that the spec documents differently."""
    policy_opts.set_defaults(conf, policy_file=POLICY_FILE)
    log.register_options(conf)
    # On the Opt objects themselves, so the sample config shows it too.
    cfg.set_defaults(log_options.logging_cli_opts, log_dir=LOG_DIR)
    cfg.set_defaults(sizelimit.OPTS, max_request_body_size=MAX_REQUEST_BODY)
