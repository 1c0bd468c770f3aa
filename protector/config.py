"""Parse protector.conf and set up logging for one binary."""

import os
import sys

from oslo_config import cfg
from oslo_log import log

from protector import version
from protector.conf import CONF, opts

LOG = log.getLogger(__name__)
_defaults_set = False
_parsed = False


def parse_args(argv: list[str] | None, default_config_files: list[str] | None = None) -> None:
    """Register library options and parse the command line and config files.

    Errors in the files (bad syntax, a value of the wrong type) surface
    here, so ``protector-api --config-file X --help`` reports them before
    a service starts.
    """
    global _defaults_set
    if not _defaults_set:
        opts.set_defaults(CONF)
        _defaults_set = True
    CONF(argv if argv is not None else sys.argv[1:], project="protector",
         version=version.__version__, default_config_files=default_config_files)
    _check_values()
    global _parsed
    _parsed = True


def is_parsed() -> bool:
    """Whether parse_args ran in this process (tests parse once)."""
    return _parsed


def _check_values() -> None:
    """Convert every option now: oslo.config would otherwise report a value
    of the wrong type only when the option is first read, mid-request."""
    for name in list(CONF):
        value = CONF[name]
        if isinstance(value, cfg.ConfigOpts.GroupAttr):
            for opt_name in list(value):
                value[opt_name]


def setup_logging(binary: str) -> None:
    """oslo.log to $log_dir/<binary>.log; stderr when log_dir is absent.

    The packaged default (/var/log/protector) does not exist on a developer
    machine; falling back to stderr keeps `protector-api --config-file` usable
    there, and the warning says where the logs went.
    """
    missing = CONF.log_dir and not os.path.isdir(CONF.log_dir)
    if missing:
        bad_dir = CONF.log_dir
        CONF.set_override("log_dir", None)
    log.setup(CONF, binary, version=version.__version__)
    if missing:
        LOG.warning("log_dir %s does not exist; logging to stderr instead", bad_dir)
