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
    cfg.IntOpt("max_workers", default=16, min=1,
               help="Threads one operation uses for steps that can run in "
                    "parallel (per-server steps, array copies)."),
    cfg.IntOpt("max_concurrent_builds", default=10, min=1,
               help="Server builds (boot until ACTIVE) one engine process runs at "
                    "the same time on one site; keep it at or below Nova's "
                    "max_concurrent_builds times the compute hosts that serve the "
                    "PG's flavors."),
    cfg.IntOpt("max_concurrent_volume_calls", default=8, min=1,
               help="Cinder manage, unmanage and delete calls one engine process "
                    "runs at the same time on one site."),
    cfg.IntOpt("lease_seconds", default=60, min=2,
               help="How long an engine owns an operation without renewing; "
                    "after that another engine resumes or rolls it back."),
    cfg.IntOpt("sweep_interval", default=15, min=1,
               help="Seconds between checks for operations whose engine died."),
    cfg.IntOpt("replication_check_interval", default=60, min=0,
               help="Seconds between reads of the replication state of the protection "
                    "groups that run on this site (newest recovery point, RPO "
                    "compliance in the health API), and between retries to remove "
                    "what a rollback left on a site that did not answer; 0 turns "
                    "both off."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list:
    return [(group, opts)]
