"""Horizon's test cases with protector in the service catalog."""

from openstack_dashboard.test import helpers

PROTECTOR_SERVICE = {
    "type": "protector", "name": "protector", "endpoints_links": [],
    "endpoints": [{"region": "RegionOne", "interface": interface,
                   "url": "http://protector.example.com:8788/v1/1"}
                  for interface in ("admin", "internal", "public")],
}

create_mocks = helpers.create_mocks
IsHttpRequest = helpers.IsHttpRequest


class _WithProtector:
    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog.append(dict(PROTECTOR_SERVICE))


class TestCase(_WithProtector, helpers.TestCase):
    """A tenant (member and reader of project 1)."""


class AdminTestCase(_WithProtector, helpers.BaseAdminViewTests):
    """An administrator."""
