"""[api] options: the protector-api WSGI service."""

from oslo_config import cfg

group = cfg.OptGroup("api", title="protector-api options")

opts = [
    cfg.HostAddressOpt("bind_host", default="0.0.0.0",
                       help="Interface the API process listens on."),
    cfg.PortOpt("bind_port", default=8788,
                help="TCP port the API listens on. Must match the endpoint "
                     "registered in Keystone; both sites expose the same port."),
    cfg.IntOpt("workers", default=4, min=1,
               help="Number of API worker processes."),
    cfg.StrOpt("api_paste_config", default="api-paste.ini",
               help="The paste deployment file, looked up in the "
                    "configuration directories (/etc/protector)."),
    cfg.StrOpt("auth_strategy", default="keystone",
               choices=[("keystone", "Validate tokens with keystonemiddleware."),
                        ("noauth", "Trust X-User-Id / X-Project-Id / X-Roles "
                                   "headers. For tests and the embedded demo "
                                   "only, never for a real cloud.")],
               help="How API requests are authenticated."),
    cfg.IntOpt("max_limit", default=1000, min=1,
               help="Largest number of items a list call returns at once."),
    cfg.IntOpt("default_limit", default=100, min=1,
               help="Items in a page of a list call that gives no limit (at most "
                    "max_limit); the next link leads on. A page of 1,000 PGs costs "
                    "tens of milliseconds of one worker's CPU, a page of 100 a tenth "
                    "of it."),
    cfg.IntOpt("graceful_timeout", default=30, min=0,
               help="Seconds a worker gets to finish requests on shutdown."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list:
    return [(group, opts)]
