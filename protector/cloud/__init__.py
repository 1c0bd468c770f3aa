"""Access to the sites' OpenStack services: see :mod:`protector.cloud.base`."""
