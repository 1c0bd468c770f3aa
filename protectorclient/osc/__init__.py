"""OpenStackClient plugin: ``openstack protector ...`` and ``openstack dr ...``."""
