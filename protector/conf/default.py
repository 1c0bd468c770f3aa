"""[DEFAULT] options of protector (oslo.log adds debug, log_dir and friends)."""

from oslo_config import cfg

opts = [
    cfg.StrOpt("state_path", default="/var/lib/protector",
               help="Directory for state files (mock storage, the secret key). "
                    "Must be writable by the protector user."),
    cfg.BoolOpt("use_mock_storage", default=False,
                help="Simulate Pure Storage FlashArray replication with SQLite "
                     "files under $state_path/mock_storage instead of arrays."),
    cfg.BoolOpt("use_mock_cinder", default=False,
                help="Simulate Cinder consistency-group operations in SQLite, "
                     "for clouds whose Cinder back end has no group support."),
    cfg.StrOpt("secret_key_file", default="$state_path/secret.key",
               help="Fernet key that encrypts secrets stored in the database "
                    "(array API tokens, site service passwords). Created with "
                    "mode 0600 on first use if missing. Keep it out of backups "
                    "that leave the site."),
    cfg.StrOpt("site_name",
               help="Name this site is registered under in protector (the "
                    "--name of 'protector site create'). When unset, the site "
                    "whose auth_url has the host and port of [keystone_authtoken] "
                    "www_authenticate_uri or auth_url."),
    cfg.HostAddressOpt("host", default="localhost", sample_default="<hostname>",
                       help="Name of this node, used as the RPC server name of "
                            "the engine and as the owner of operation leases."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(opts)


def list_opts() -> list:
    return [(None, opts)]
