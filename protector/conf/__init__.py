"""protector's configuration: one module per section, registered on CONF."""

from oslo_config import cfg

from protector.conf import (
    api,
    database,
    default,
    engine,
    fake_cloud,
    keystone_authtoken,
    peer,
    service_credentials,
    storage,
)

CONF = cfg.CONF

default.register_opts(CONF)
api.register_opts(CONF)
database.register_opts(CONF)
engine.register_opts(CONF)
fake_cloud.register_opts(CONF)
service_credentials.register_opts(CONF)
keystone_authtoken.register_opts(CONF)
peer.register_opts(CONF)
storage.register_opts(CONF)
