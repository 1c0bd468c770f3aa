"""[storage] options: the array driver and how it talks to the arrays.

``use_mock_storage = True`` in [DEFAULT] overrides ``driver`` with ``mock``.
"""

from oslo_config import cfg

group = cfg.OptGroup("storage", title="Storage array driver options")

opts = [
    cfg.StrOpt("driver", default="pure",
               help="Storage driver (entry point in protector.storage.drivers): "
                    "'pure' for Pure Storage FlashArray, 'mock' for SQLite-simulated "
                    "arrays. [DEFAULT] use_mock_storage = True selects 'mock'."),
    cfg.IntOpt("replicate_timeout", default=3600, min=1,
               help="Seconds to wait for a 'replicate now' snapshot to reach the "
                    "target array, and for a pod to come online after stretching."),
    cfg.FloatOpt("poll_interval", default=5.0, min=0.01,
                 help="Seconds between polls while waiting for a transfer or a pod."),
    cfg.IntOpt("api_retries", default=3, min=0,
               help="Retries of an array API call that failed for a transient "
                    "reason (connection refused or reset, HTTP 429/503)."),
    cfg.IntOpt("api_timeout", default=60, min=1,
               help="Seconds before one array API call times out."),
    cfg.BoolOpt("verify_ssl", default=True,
                help="Verify the arrays' TLS certificates."),
    cfg.StrOpt("ca_file",
               help="CA bundle that signs the arrays' certificates (default: the "
                    "system trust store)."),
    cfg.IntOpt("max_concurrent_copies", default=8, min=1, max=64,
               help="Volume copies issued to an array at the same time when "
                    "materialising a recovery point."),
    cfg.BoolOpt("eradicate_on_cleanup", default=True,
                help="Eradicate copies removed by test cleanup or rollback at once "
                     "instead of leaving them destroyed for the array's "
                     "eradication delay."),
    cfg.StrOpt("sync_pod_name", default="cinder-pod",
               help="Stretched ActiveCluster pod holding sync-replicated volumes "
                    "(the Cinder Pure driver's pure_replication_pod_name)."),
    cfg.StrOpt("unreplicated_volume_type",
               help="Volume type on this site, on the same Cinder back end as the "
                    "sync-replicated types but without replication, for an unplanned "
                    "failover (or test failover) here of a sync PG while its pod's "
                    "other array is lost: Cinder's Pure driver cannot manage a "
                    "replicated-sync volume then (it stretches it to that array and "
                    "waits), so the copies are managed with this type, and reprotect "
                    "retypes them to the PG's type once that array is back. Unset, "
                    "such a failover is refused."),
    cfg.StrOpt("mock_storage_dir", default="$state_path/mock_storage",
               help="Mock storage only: where the simulated arrays (one SQLite file "
                    "per array URL) and the simulated Cinder groups (one file per "
                    "site) live. Real arrays and Cinder are reachable from both sites' "
                    "engines; point both sites at one shared directory to have them "
                    "see the same simulated ones too. With a directory per site (the "
                    "default) an engine sees only what it recorded itself."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list:
    return [(group, opts)]
