import datetime
from types import SimpleNamespace

from django.conf import settings
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from openstack_dashboard.api import cinder

from protector_dashboard.api import peers, protector
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

INDEX_URL = reverse("horizon:project:protection_groups:index")
CREATE_URL = reverse("horizon:project:protection_groups:create")
DETAIL_URL = reverse("horizon:project:protection_groups:detail", args=[data.PG_ID])
ROW = f"protection_groups__row_{data.PG_ID}__action_"


def url(name, *args):
    return reverse("horizon:project:protection_groups:" + name, args=args or [data.PG_ID])


def deny_pg_create(actions, request, target=None):
    """A policy that refuses creating protection groups, allows the rest."""
    return not any(rule == "protector:protection_groups:create" for _s, rule in actions)


class ProtectionGroupIndexTests(test.TestCase):
    @test.create_mocks({protector: ("pg_list", "site_names", "health", "member_list")})
    def test_index_shows_sites_members_and_rpo(self):
        self.mock_pg_list.return_value = [data.pg()]
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_health.return_value = data.HEALTH
        self.mock_member_list.return_value = data.MEMBERS
        res = self.client.get(INDEX_URL)
        self.assertTemplateUsed(res, "horizon/common/_data_table_view.html")
        rows = res.context["table"].data
        self.assertEqual(1, len(rows))
        row = rows[0]
        self.assertEqual(("site-a", "site-b", "site-a"),
                         (row.primary_site, row.secondary_site, row.current_primary_site))
        self.assertEqual(2, row.member_count)
        self.assertContains(res, "3 min / 15 min")
        self.mock_member_list.assert_called_once_with(test.IsHttpRequest(), data.PG_ID)

    @test.create_mocks({protector: ("pg_list",)})
    def test_index_says_why_when_the_api_is_down(self):
        self.mock_pg_list.side_effect = protector.ProtectorUnavailable(
            "Cannot reach the protector API at http://ctl:8788/v1/1: Connection refused")
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)
        self.assertContains(res, "Unable to list protection groups.")
        self.assertContains(res, "Connection refused", count=1)  # once, after the view's words

    def _index(self, pg):
        self.mock_pg_list.return_value = [pg]
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_health.return_value = data.HEALTH
        self.mock_member_list.return_value = data.MEMBERS
        return self.client.get(INDEX_URL)

    @test.create_mocks({protector: ("pg_list", "site_names", "health", "member_list")})
    def test_row_actions_follow_the_state_machine(self):
        res = self._index(data.pg())
        self.assertContains(res, 'id="protection_groups__action_create"')
        for shown in ("test_failover", "failover", "unplanned_failover", "reprotect",
                      "sync_force", "update", "add_member", "policy", "delete"):
            self.assertContains(res, f'id="{ROW}{shown}"')
        for hidden in ("test_cleanup", "failback"):
            self.assertNotContains(res, f'id="{ROW}{hidden}"')

    @test.create_mocks({protector: ("pg_list", "site_names", "health", "member_list")})
    def test_failed_over_pg_offers_failback_not_edits(self):
        res = self._index(data.pg(status="failed_over", current_primary_site_id=data.SITE_B))
        for shown in ("failback", "reprotect", "sync_force"):
            self.assertContains(res, f'id="{ROW}{shown}"')
        for hidden in ("test_failover", "failover", "unplanned_failover", "test_cleanup",
                       "update", "add_member", "policy", "delete"):
            self.assertNotContains(res, f'id="{ROW}{hidden}"')

    @test.create_mocks({protector: ("pg_list", "site_names", "health", "member_list")})
    def test_test_failed_over_pg_offers_cleanup_only(self):
        res = self._index(data.pg(status="test_failed_over"))
        self.assertContains(res, f'id="{ROW}test_cleanup"')
        self.assertNotContains(res, f'id="{ROW}test_failover"')
        self.assertNotContains(res, f'id="{ROW}failover"')

    @override_settings(POLICY_CHECK_FUNCTION=__name__ + ".deny_pg_create")
    @test.create_mocks({protector: ("pg_list", "site_names", "health", "member_list")})
    def test_create_button_hidden_when_the_policy_refuses(self):
        res = self._index(data.pg())
        self.assertNotContains(res, 'id="protection_groups__action_create"')
        self.assertContains(res, 'id="protection_groups__action_delete"')

    @test.create_mocks({protector: ("pg_list", "site_names", "health", "member_list",
                                    "pg_delete")})
    def test_delete(self):
        self._index(data.pg())
        res = self.client.post(INDEX_URL,
                               {"action": f"protection_groups__delete__{data.PG_ID}"})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_pg_delete.assert_called_once_with(test.IsHttpRequest(), data.PG_ID)

    @test.create_mocks({protector: ("pg_list", "site_names", "health", "member_list",
                                    "pg_delete")})
    def test_delete_refused_shows_the_reason(self):
        self._index(data.pg())
        self.mock_pg_delete.side_effect = protector.ProtectorConflict(
            "protection group web-tier has members; remove them first")
        res = self.client.post(INDEX_URL,
                               {"action": f"protection_groups__delete__{data.PG_ID}"},
                               follow=True)
        self.assertContains(res, "has members; remove them first")


VOLUME_TYPES = [
    SimpleNamespace(id="t1", name="replicated-async",
                    extra_specs={"replication_enabled": "<is> True"}),
    SimpleNamespace(id="t2", name="plain", extra_specs={"volume_backend_name": "lvm"}),
    SimpleNamespace(id="t3", name="hidden-specs", extra_specs={}),
]


class ProtectionGroupCreateTests(test.TestCase):
    def _mock(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_volume_type_list.return_value = VOLUME_TYPES

    @test.create_mocks({protector: ("site_names",), cinder: ("volume_type_list",)})
    def test_form_lists_replicated_types_and_defaults_to_this_site(self):
        self._mock()
        res = self.client.get(CREATE_URL)
        form = res.context["form"]
        names = [value for value, _label in form.fields["volume_type"].choices]
        self.assertEqual(["", "hidden-specs", "replicated-async"], names)
        self.assertEqual("site-a", form.fields["primary_site"].initial)
        self.assertEqual("site-b", form.fields["secondary_site"].initial)
        # Not signed in to site-b: its types are left to protector.
        self.assertIn("protector checks on create that site-b",
                      str(form.fields["volume_type"].help_text))

    @test.create_mocks({protector: ("site_names", "site_volume_types"),
                        cinder: ("volume_type_list",)})
    def test_form_checks_the_peer_types_when_signed_in_there(self):
        self._mock()
        self.mock_site_volume_types.return_value = [{"name": "replicated-async"}]
        session = self.client.session
        session[peers.SESSION_KEY] = {"site-b": {
            "token": "t", "endpoint": "http://remote:8788/v1/1", "username": "u",
            "expires": (timezone.now() + datetime.timedelta(hours=1)).isoformat()}}
        session.save()  # signed cookies: the cookie is the session
        self.client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        res = self.client.get(CREATE_URL)
        labels = dict(res.context["form"].fields["volume_type"].choices)
        self.assertEqual("replicated-async (replication enabled; on site-b: yes)",
                         labels["replicated-async"])
        self.assertEqual("hidden-specs (replication not visible to you; on site-b: missing)",
                         labels["hidden-specs"])
        self.mock_site_volume_types.assert_called_once_with(test.IsHttpRequest(), "site-b")

    @test.create_mocks({protector: ("site_names", "pg_create"),
                        cinder: ("volume_type_list",)})
    def test_create_sends_the_parsed_mappings(self):
        self._mock()
        self.mock_pg_create.return_value = data.pg()
        res = self.client.post(CREATE_URL, {
            "name": "web-tier", "description": "the shop", "replication_type": "async",
            "volume_type": "replicated-async", "primary_site": "site-a",
            "secondary_site": "site-b",
            "network_mapping": "net-a = net-b\n\n private-a=private-b ",
            "flavor_mapping": ""})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_pg_create.assert_called_once_with(
            test.IsHttpRequest(), name="web-tier", description="the shop",
            replication_type="async", volume_type="replicated-async",
            primary_site="site-a", secondary_site="site-b",
            network_mapping={"net-a": "net-b", "private-a": "private-b"},
            flavor_mapping=None)

    @test.create_mocks({protector: ("site_names", "pg_create"),
                        cinder: ("volume_type_list",)})
    def test_bad_mapping_line_is_a_form_error(self):
        self._mock()
        res = self.client.post(CREATE_URL, {
            "name": "web-tier", "replication_type": "async",
            "volume_type": "replicated-async", "primary_site": "site-a",
            "secondary_site": "site-b", "network_mapping": "net-a=net-b\nnet-c",
            "flavor_mapping": "m1.small=m1.small\nm1.small=m1.large"})
        self.assertContains(res, "Line 2 (&quot;net-c&quot;) is not source=target.")
        self.assertContains(res, "Line 2 maps m1.small a second time.")
        self.mock_pg_create.assert_not_called()

    @test.create_mocks({protector: ("site_names", "pg_create"),
                        cinder: ("volume_type_list",)})
    def test_same_site_twice_is_refused(self):
        self._mock()
        res = self.client.post(CREATE_URL, {
            "name": "x", "replication_type": "sync", "volume_type": "replicated-async",
            "primary_site": "site-a", "secondary_site": "site-a"})
        self.assertFormErrors(res, 1, "The secondary site must differ from the primary site.")
        self.mock_pg_create.assert_not_called()


class ProtectionGroupUpdateTests(test.TestCase):
    @test.create_mocks({protector: ("site_names", "pg_get", "pg_update")})
    def test_update_sends_changed_mappings_only(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = data.pg(network_mapping={"net-a": "net-b"})
        self.mock_pg_update.return_value = data.pg(name="shop")
        res = self.client.get(url("update"))
        self.assertEqual("net-a=net-b", res.context["form"].fields["network_mapping"].initial)
        res = self.client.post(url("update"), {
            "name": "shop", "description": "", "network_mapping": "net-a=net-b",
            "flavor_mapping": "m1=m2"})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, DETAIL_URL)
        self.mock_pg_update.assert_called_once_with(
            test.IsHttpRequest(), data.PG_ID, name="shop", description="",
            flavor_mapping={"m1": "m2"})

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_update")})
    def test_refused_update_shows_the_api_message(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = data.pg()
        self.mock_pg_update.side_effect = protector.ProtectorConflict(
            "Protection group web-tier is failing_over: it can change only when active")
        res = self.client.post(url("update"), {"name": "shop"})
        self.assertContains(res, "it can change only when active")
