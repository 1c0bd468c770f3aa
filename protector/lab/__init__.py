"""protector's lab: two real OpenStack 2026.1 sites on loopback (``protector-lab``).

Site a listens on 127.0.0.1 and site b on 127.0.0.2, each with its own
Keystone, Placement, Glance, Cinder, Neutron, Nova and protector, sharing the
machine's MariaDB (one set of databases per site) and RabbitMQ (one vhost per
site). The OpenStack services run from a venv of their own, outside the repo.
See docs/lab.md.
"""
