"""[engine] options: the protector-engine RPC service."""

from oslo_config import cfg

group = cfg.OptGroup("engine", title="protector-engine options")

opts = [
    cfg.StrOpt("topic", default="protector-engine",
               help="RPC topic the engines consume."),
    cfg.IntOpt("workers", default=1, min=1,
               help="Number of engine processes on this node."),
    cfg.IntOpt("max_concurrent_operations", default=8, min=1,
               help="Operations one engine process runs at the same time."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list:
    return [(group, opts)]
