"""The detail page's tabs, the member forms and the replication policy."""

import re
from types import SimpleNamespace

from django.contrib import messages
from openstack_dashboard.api import cinder, nova

from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.protection_groups.tests import (
    DETAIL_URL,
    INDEX_URL,
    url,
)
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

DETAIL_CALLS = ("site_names", "pg_get", "health", "pg_sync_status", "member_list",
                "policy_get", "operation_list")


class DetailTests(test.TestCase):
    def _detail(self, pg=None, sync=None, members=None, policy=None, tab=None):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = pg or data.pg()
        self.mock_health.return_value = data.HEALTH
        self.mock_pg_sync_status.return_value = sync or data.SYNC_IN
        self.mock_member_list.return_value = data.MEMBERS if members is None else members
        self.mock_policy_get.return_value = policy
        self.mock_operation_list.return_value = [data.operation()]
        return self.client.get(DETAIL_URL + (f"?tab=pg_details__{tab}" if tab else ""))

    @test.create_mocks({protector: DETAIL_CALLS})
    def test_overview_shows_sites_sync_and_mappings(self):
        res = self._detail(pg=data.pg(network_mapping={"net-a": "net-b"}))
        self.assertTemplateUsed(res, "project/protection_groups/_detail_overview.html")
        self.assertContains(res, "site-a (this site)")
        self.assertContains(res, "(version 4 here, 4 on site-b)")
        self.assertContains(res, "net-a &rarr; net-b")
        self.assertContains(res, "3 min / 15 min")
        self.assertNotContains(res, 'id="pg_sync_force"')
        self.mock_pg_sync_status.assert_called_once_with(test.IsHttpRequest(), data.PG_ID)
        self.mock_operation_list.assert_called_once_with(test.IsHttpRequest(),
                                                         protection_group_id=data.PG_ID)

    @test.create_mocks({protector: DETAIL_CALLS})
    def test_unreachable_peer_is_explained_with_the_sync_force_button(self):
        res = self._detail(sync=data.SYNC_UNREACHABLE)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "peer site site-b does not answer: protector of site-b "
                                 "at http://remote:8788 did not answer: Connection refused")
        self.assertContains(res, f'id="pg_sync_force" href="{url("sync_force")}"')

    @test.create_mocks({protector: DETAIL_CALLS})
    def test_sync_status_failure_stays_on_the_page(self):
        self.mock_pg_sync_status.side_effect = protector.ProtectorUnavailable("boom 503")
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = data.pg()
        self.mock_health.return_value = data.HEALTH
        self.mock_member_list.return_value = []
        self.mock_policy_get.return_value = None
        self.mock_operation_list.return_value = []
        res = self.client.get(DETAIL_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "unknown: boom 503")

    @test.create_mocks({protector: ("site_names", "pg_get")})
    def test_missing_pg_redirects_to_the_list(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.side_effect = protector.ProtectorNotFound("No protection group x")
        res = self.client.get(DETAIL_URL)
        self.assertRedirectsNoFollow(res, INDEX_URL)

    @test.create_mocks({protector: DETAIL_CALLS})
    def test_members_tab_lists_members_and_their_actions(self):
        members = [data.member(spec={"boot_volume": {"volume_id": "v-boot",
                                                     "volume_type": "replicated-async",
                                                     "boot_index": 0},
                                     "data_volumes": [{"volume_id": "v-data"}]})]
        res = self._detail(members=members, tab="members")
        table = res.context["tab_group"].get_tab("members")._tables["members"]
        self.assertEqual(["m1"], [m.id for m in table.data])
        self.assertContains(res, "v-boot (replicated-async) boot<br>v-data")
        self.assertContains(res, 'id="members__row_m1__action_boot_order"')
        self.assertContains(res, 'id="members__row_m1__action_remove"')
        self.assertContains(res, 'id="members__action_add_member"')

    @test.create_mocks({protector: DETAIL_CALLS})
    def test_members_of_a_failed_over_pg_cannot_change(self):
        res = self._detail(pg=data.pg(status="failed_over",
                                      current_primary_site_id=data.SITE_B))
        self.assertNotContains(res, 'id="members__row_m1__action_remove"')
        self.assertNotContains(res, 'id="members__action_add_member"')

    @test.create_mocks({protector: DETAIL_CALLS + ("member_remove",)})
    def test_remove_member(self):
        self._detail()
        res = self.client.post(DETAIL_URL, {"action": "members__remove__m1"})
        self.assertRedirectsNoFollow(res, DETAIL_URL + "?tab=pg_details__members")
        self.mock_member_remove.assert_called_once_with(test.IsHttpRequest(), data.PG_ID,
                                                        "m1")

    @test.create_mocks({protector: DETAIL_CALLS})
    def test_policy_tab_never_shows_tokens(self):
        res = self._detail(policy=dict(data.POLICY, primary_fa_api_token="secret-token"))
        self.assertContains(res, "https://fa-a.example.com")
        self.assertContains(res, "set (write-only, never shown)")
        self.assertNotContains(res, "secret-token")
        self.assertContains(res, f'id="pg_policy_edit" href="{url("policy")}"')


class BootOrderTests(test.TestCase):
    @test.create_mocks({protector: ("site_names", "pg_get", "member_list", "member_update")})
    def test_set_boot_order(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = data.pg()
        self.mock_member_list.return_value = data.MEMBERS
        res = self.client.post(url("member_boot_order", data.PG_ID, "m2"), {"boot_order": 5})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, DETAIL_URL + "?tab=pg_details__members")
        self.mock_member_update.assert_called_once_with(test.IsHttpRequest(), data.PG_ID,
                                                        "m2", boot_order=5)

    @test.create_mocks({protector: ("site_names", "pg_get", "member_list", "member_update")})
    def test_boot_order_must_be_positive(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = data.pg()
        self.mock_member_list.return_value = data.MEMBERS
        res = self.client.post(url("member_boot_order", data.PG_ID, "m2"), {"boot_order": 0})
        self.assertFormErrors(res, 1)
        self.mock_member_update.assert_not_called()


def server(sid, name, image=""):
    return SimpleNamespace(id=sid, name=name, image=image)


def volume(vid, name, vtype, server_id):
    return SimpleNamespace(id=vid, name=name, volume_type=vtype,
                           attachments=[{"server_id": server_id, "device": "/dev/vda"}])


SERVERS = [server("s1", "db"), server("s3", "app"), server("s4", "cache"),
           server("s5", "legacy", image={"id": "img-1"})]
VOLUMES = [volume("v3", "app-root", "replicated-async", "s3"),
           volume("v4", "app-data", "lvm-fast", "s3"),
           volume("v5", "cache-root", "replicated-async", "s4")]
ADD_CALLS = {protector: ("site_names", "pg_get", "member_list", "member_add"),
             nova: ("server_list",), cinder: ("volume_list",)}


class AddMemberTests(test.TestCase):
    def _mock(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = data.pg()
        self.mock_member_list.return_value = data.MEMBERS  # s1 (db) is a member
        self.mock_server_list.return_value = (SERVERS, False)
        self.mock_volume_list.return_value = VOLUMES

    @test.create_mocks(ADD_CALLS)
    def test_picker_says_which_volumes_replicate(self):
        self._mock()
        res = self.client.get(url("add_member"))
        choices = dict(res.context["form"].fields["servers"].choices)
        self.assertEqual({"s3", "s4", "s5"}, set(choices))  # db is a member already
        self.assertEqual("app: app-data: not replicated: volume type lvm-fast is not the "
                         "PG's replicated-async; app-root: replicated", choices["s3"])
        self.assertEqual("legacy: not protectable: boots from an image, not a volume",
                         choices["s5"])
        self.assertContains(res, 'id="id_servers_0"')

    @test.create_mocks(ADD_CALLS)
    def test_adds_each_server_and_reports_failures(self):
        self._mock()
        self.mock_member_add.side_effect = [
            data.member(id="m3", instance_id="s3"),
            protector.ProtectorConflict("server s4 is in protection group other already")]
        res = self.client.post(url("add_member"), {"servers": ["s3", "s4"],
                                                   "boot_order": 2})
        self.assertRedirectsNoFollow(res, DETAIL_URL + "?tab=pg_details__members")
        self.assertEqual(2, self.mock_member_add.call_count)
        self.mock_member_add.assert_any_call(test.IsHttpRequest(), data.PG_ID, "s3",
                                             instance_name="app", boot_order=2)
        self.mock_member_add.assert_any_call(test.IsHttpRequest(), data.PG_ID, "s4",
                                             instance_name="cache", boot_order=2)
        text = [str(m) for m in messages.get_messages(res.wsgi_request)]
        self.assertIn("Adding to web-tier (replication starts in the background): app.",
                      text)
        self.assertIn("Not added: cache: server s4 is in protection group other already",
                      text)

    @test.create_mocks(ADD_CALLS)
    def test_image_booted_server_is_refused(self):
        self._mock()
        res = self.client.post(url("add_member"), {"servers": ["s5"]})
        self.assertContains(res, "legacy cannot be protected")
        self.mock_member_add.assert_not_called()


class PolicyFormTests(test.TestCase):
    def _mock(self, policy):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = data.pg()
        self.mock_policy_get.return_value = policy

    @test.create_mocks({protector: ("site_names", "pg_get", "policy_get")})
    def test_token_fields_are_never_filled(self):
        self._mock(dict(data.POLICY, primary_fa_api_token="leaked?"))
        res = self.client.get(url("policy"))
        html = res.content.decode()
        for name in ("primary_fa_api_token", "secondary_fa_api_token"):
            field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
            self.assertIn('type="password"', field)
            self.assertNotIn("value=", field)
        self.assertNotIn("leaked?", html)
        self.assertNotIn("******", html)
        self.assertIn('value="https://fa-a.example.com"', html)

    @test.create_mocks({protector: ("site_names", "pg_get", "policy_get", "policy_update")})
    def test_update_sends_changes_and_keeps_empty_tokens(self):
        self._mock(data.POLICY)
        res = self.client.post(url("policy"), {
            "primary_fa_url": "https://fa-a.example.com", "primary_fa_api_token": "",
            "secondary_fa_url": "https://fa-b2.example.com",
            "secondary_fa_api_token": "new-token", "pure_pg_name": "pg-web",
            "rpo_minutes": 5, "retention_short_term_seconds": 14400,
            "retention_per_day": 3, "retention_days": 7})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, DETAIL_URL + "?tab=pg_details__policy")
        self.mock_policy_update.assert_called_once_with(
            test.IsHttpRequest(), data.PG_ID, secondary_fa_url="https://fa-b2.example.com",
            secondary_fa_api_token="new-token", rpo_minutes=5)

    @test.create_mocks({protector: ("site_names", "pg_get", "policy_get", "policy_create")})
    def test_create_needs_both_tokens(self):
        self._mock(None)
        form = {"primary_fa_url": "https://fa-a", "secondary_fa_url": "https://fa-b",
                "rpo_minutes": 15}
        res = self.client.post(url("policy"), form)
        self.assertFormErrors(res, 2)
        self.mock_policy_create.assert_not_called()
        res = self.client.post(url("policy"), dict(form, primary_fa_api_token="t1",
                                                   secondary_fa_api_token="t2"))
        self.assertNoFormErrors(res)
        self.mock_policy_create.assert_called_once_with(
            test.IsHttpRequest(), data.PG_ID, primary_fa_url="https://fa-a",
            primary_fa_api_token="t1", secondary_fa_url="https://fa-b",
            secondary_fa_api_token="t2", rpo_minutes=15)
