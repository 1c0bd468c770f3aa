"""Every page of the plugin, GET and an empty POST, with protector (and the
peer Keystone, Nova, Cinder and Keystone's project list) failing every
call in each of the ways it can: the answer is a page or a redirect with
a message, never Horizon's error page (a 500) or a traceback."""

import inspect
from unittest import mock

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openstack_dashboard import api as os_api

from protector_dashboard.api import peers, protector
from protector_dashboard.tests import data, helpers

PANELS = {
    "project": ("protection_groups", "dr_operations", "dr_health", "dr_sites"),
    "admin": ("dr_admin_sites", "dr_tenant_mappings"),
}
ARGS = {"pg_id": data.PG_ID, "operation_id": data.OP_ID, "site": "site-b",
        "site_id": data.SITE_B, "mapping_id": "e5e5e5e5", "member_id": "m1"}
FAILURES = (
    protector.ProtectorUnavailable("Cannot reach the protector API: Connection refused"),
    protector.ProtectorNotFound("No such thing (HTTP 404)", 404),
    protector.ProtectorConflict("Not in this state (HTTP 409)", 409),
    protector.ProtectorError("Forbidden by policy (HTTP 403)", 403),
    peers.SignInRequired("site-b"),
)
OTHERS = ((os_api.nova, "server_list"), (os_api.cinder, "volume_list"),
          (os_api.cinder, "volume_type_list"), (os_api.keystone, "tenant_list"))


def _urls(dashboard: str, panel: str) -> list[str]:
    """Every route of the panel, with arguments filled in."""
    namespace = f"horizon:{dashboard}:{panel}"
    found = []
    resolver = get_resolver()

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{prefix}:{entry.namespace}" if prefix and entry.namespace \
                    else entry.namespace or prefix
                walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and prefix == namespace and entry.name:
                kwargs = {k: ARGS[k] for k in entry.pattern.regex.groupindex}
                found.append(reverse(f"{namespace}:{entry.name}", kwargs=kwargs))

    walk(resolver.url_patterns, "")
    assert found, f"no routes found for {namespace}"
    return found


def _fail_everything(failure):
    """Patchers that make every call to protector, the peer's Keystone and
    the services the forms read raise ``failure``."""
    # What reaches out: every API call (wrapped by @handled), the client
    # factory, the peer sign-in; pure helpers stay real.
    targets = [(protector, name) for name, func in inspect.getmembers(
        protector, inspect.isfunction) if hasattr(func, "__wrapped__")]
    targets += [(protector, "make_client"), (peers, "client"), (peers, "sign_in")]
    return [mock.patch.object(module, name, side_effect=failure)
            for module, name in targets + list(OTHERS)]


class _NoErrorPage:
    dashboard = ""

    def _check(self, url, method):
        for failure in FAILURES:
            patchers = _fail_everything(failure)
            for patcher in patchers:
                patcher.start()
            try:
                res = (self.client.get(url) if method == "GET"
                       else self.client.post(url, {}))
            finally:
                for patcher in patchers:
                    patcher.stop()
            body = res.content.decode(errors="replace")
            # 502 is the report view's own page saying the API did not answer.
            self.assertTrue(res.status_code < 500 or (res.status_code == 502
                                                      and "report" in url),
                            (method, url, failure, res.status_code, body[:300]))
            self.assertNotIn("Traceback", body, (method, url, failure))

    def test_every_page_survives_every_failure(self):
        for panel in PANELS[self.dashboard]:
            for url in _urls(self.dashboard, panel):
                for method in ("GET", "POST"):
                    with self.subTest(url=url, method=method):
                        self._check(url, method)


class TenantPagesTests(_NoErrorPage, helpers.TestCase):
    dashboard = "project"


class AdminPagesTests(_NoErrorPage, helpers.AdminTestCase):
    dashboard = "admin"
