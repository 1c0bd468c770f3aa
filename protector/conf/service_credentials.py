"""[service_credentials]: how protector acts for tenants (Keystone trusts)."""

from oslo_config import cfg

group = cfg.OptGroup("service_credentials",
                     title="Credentials protector uses on behalf of tenants")

opts = [
    cfg.ListOpt("default_trust_roles", default=["member", "_member_"],
                help="Roles delegated when a Keystone trust is created. Every "
                     "role listed must exist in the site's Keystone."),
    cfg.StrOpt("interface", default="internal",
               choices=["public", "internal", "admin"],
               help="Endpoint interface used to reach OpenStack services."),
    cfg.FloatOpt("timeout", default=10.0, min=0.1,
                 help="Seconds to wait for an OpenStack API to answer."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list:
    return [(group, opts)]
