"""[fake_cloud]: act on shared in-memory clouds instead of OpenStack (the
embedded demo only; see protector/cloud/fake/service.py)."""

from oslo_config import cfg

group = cfg.OptGroup("fake_cloud", title="Shared fake clouds (embedded demo only)")

opts = [
    cfg.StrOpt("address",
               help="host:port of the process holding the demo's fake clouds. When "
                    "set, this service acts on those clouds instead of OpenStack. "
                    "Never set it in a deployment."),
    cfg.StrOpt("authkey_file",
               help="File holding the key that authenticates to the fake cloud "
                    "holder (required with address)."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list:
    return [(group, opts)]
