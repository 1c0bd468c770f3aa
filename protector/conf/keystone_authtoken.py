"""[keystone_authtoken]: keystonemiddleware's options plus the password
plugin's. The service user is also protector's default identity towards
every site, and the sample config shows username/password as the spec's
template does."""

from keystoneauth1 import loading as ks_loading
from keystonemiddleware import auth_token  # noqa: F401 - registers its options
from oslo_config import cfg

GROUP = "keystone_authtoken"


def _password_opts() -> list[cfg.Opt]:
    return ks_loading.get_auth_plugin_conf_options("password")


def register_opts(conf: cfg.ConfigOpts) -> None:
    ks_loading.register_auth_conf_options(conf, GROUP)


def register_password_opts(conf: cfg.ConfigOpts) -> None:
    """The password plugin's options, as keystoneauth registers them when it
    loads the plugin. Call after parsing: they are marked required, which
    must not fail a noauth service that has no such section."""
    conf.register_opts(_password_opts(), group=GROUP)


def list_opts() -> list:
    return [(GROUP, _password_opts())]
