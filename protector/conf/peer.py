"""[peer]: how this site's protector reaches the other site's protector."""

from oslo_config import cfg

group = cfg.OptGroup("peer", title="Calls to the peer site's protector API")

opts = [
    cfg.FloatOpt("timeout", default=10.0, min=0.1,
                 help="Seconds to wait for the peer to answer one call."),
    cfg.IntOpt("retries", default=2, min=0,
               help="Times a call that could not connect is retried."),
    cfg.IntOpt("reachability_cache_seconds", default=5, min=0,
               help="How long a reachability check of the peer is reused."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list:
    return [(group, opts)]
