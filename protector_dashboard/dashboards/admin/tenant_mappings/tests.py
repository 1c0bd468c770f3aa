from unittest import mock

from django.test.utils import override_settings
from django.urls import reverse
from openstack_dashboard import api

from protector_dashboard.api import peers, protector
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

INDEX_URL = reverse("horizon:admin:dr_tenant_mappings:index")
CREATE_URL = reverse("horizon:admin:dr_tenant_mappings:create")
UPDATE_URL = reverse("horizon:admin:dr_tenant_mappings:update", args=("tm1",))
REMOTE_P1, REMOTE_P2 = "9f0e1d2c3b4a59687766554433221100", "aa" * 16
SIGNED_IN = {"token": "tok", "expires": "2099-01-01T00:00:00+00:00",
             "endpoint": "http://remote:8788/v1/p", "username": "admin",
             "project_name": "admin", "project_id": "p"}


def mappings():
    return [
        {"id": "tm1", "local_tenant": "1", "remote_site": data.SITE_B,
         "remote_tenant": REMOTE_P1, "description": "shop"},
        {"id": "tm2", "local_tenant": "2", "remote_site": data.SITE_B,
         "remote_tenant": REMOTE_P2, "description": None},
    ]


def mirror(mapping, **changes):
    found = {"id": mapping["id"], "local_tenant": mapping["remote_tenant"],
             "remote_site": "peer-id-of-site-a", "remote_tenant": mapping["local_tenant"],
             "description": mapping["description"]}
    found.update(changes)
    return found


class TenantMappingIndexTests(test.AdminTestCase):
    def _mock_common(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_tenant_list.return_value = (self.tenants.list(), False)

    def _local_list(self, peer):
        def listing(request, site=None, **filters):
            return mappings() if site is None else peer
        self.mock_tenant_mapping_list.side_effect = listing

    def _rows(self, res):
        return {row.id: row for row in res.context["table"].data}

    @test.create_mocks({protector: ("tenant_mapping_list", "site_names"),
                        peers: ("signed_in",), api.keystone: ("tenant_list",)})
    def test_mirrored_yes_and_no_when_signed_in(self):
        self._mock_common()
        self.mock_signed_in.return_value = SIGNED_IN
        self._local_list([mirror(mappings()[0])])  # the peer lacks tm2's mirror
        res = self.client.get(INDEX_URL)
        rows = self._rows(res)
        self.assertEqual("Yes", rows["tm1"].mirrored)
        self.assertEqual("No", rows["tm2"].mirrored)
        self.assertEqual("site-b", rows["tm1"].remote_site_name)
        self.assertEqual(f"{self.tenants.first().name} (1)", rows["tm1"].local_project)
        self.assertContains(res, REMOTE_P1)
        self.assertContains(res, 'id="dr_tenant_mappings__action_create"')
        self.assertContains(res, 'id="dr_tenant_mappings__row_tm1__action_update"')
        self.assertContains(res, 'id="dr_tenant_mappings__row_tm1__action_delete"')
        # The peer is asked once for the page, for mappings back to this site.
        self.assertEqual(2, self.mock_tenant_mapping_list.call_count)
        self.mock_tenant_mapping_list.assert_any_call(test.IsHttpRequest())
        self.mock_tenant_mapping_list.assert_any_call(
            test.IsHttpRequest(), site="site-b", remote_site="site-a")
        self.mock_signed_in.assert_called_once_with(test.IsHttpRequest(), "site-b")

    @test.create_mocks({protector: ("tenant_mapping_list", "site_names"),
                        peers: ("signed_in",), api.keystone: ("tenant_list",)})
    def test_a_mirror_with_other_projects_is_not_mirrored(self):
        self._mock_common()
        self.mock_signed_in.return_value = SIGNED_IN
        self._local_list([mirror(mappings()[0], local_tenant="elsewhere"),
                          mirror(mappings()[1], id="made-by-hand")])
        rows = self._rows(self.client.get(INDEX_URL))
        self.assertEqual("No: the peer maps elsewhere to 1", rows["tm1"].mirrored)
        self.assertEqual("Yes", rows["tm2"].mirrored)

    @test.create_mocks({protector: ("tenant_mapping_list", "site_names"),
                        peers: ("signed_in",), api.keystone: ("tenant_list",)})
    def test_unknown_until_signed_in_to_the_peer(self):
        self._mock_common()
        self.mock_signed_in.return_value = None
        self._local_list([])
        res = self.client.get(INDEX_URL)
        self.assertContains(res, "sign in to site-b to check", 2)
        self.assertContains(res, reverse("horizon:project:dr_sites:sign_in",
                                         args=("site-b",)))
        self.mock_tenant_mapping_list.assert_called_once_with(test.IsHttpRequest())

    @test.create_mocks({protector: ("tenant_mapping_list", "site_names"),
                        peers: ("signed_in",), api.keystone: ("tenant_list",)})
    def test_unreachable_peer_cannot_be_checked(self):
        self._mock_common()
        self.mock_signed_in.return_value = SIGNED_IN

        def listing(request, site=None, **filters):
            if site:
                raise protector.ProtectorUnavailable("Cannot reach site-b: timed out")
            return mappings()
        self.mock_tenant_mapping_list.side_effect = listing
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertEqual("cannot check: Cannot reach site-b: timed out",
                         self._rows(res)["tm1"].mirrored)

    @test.create_mocks({protector: ("tenant_mapping_list",)})
    def test_index_says_why_when_the_api_is_down(self):
        self.mock_tenant_mapping_list.side_effect = protector.ProtectorUnavailable(
            "Cannot reach the protector API: Connection refused")
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)
        self.assertContains(res, "Connection refused")

    @override_settings(POLICY_CHECK_FUNCTION="openstack_auth.policy.check")
    @test.create_mocks({protector: ("tenant_mapping_list", "site_names"),
                        peers: ("signed_in",), api.keystone: ("tenant_list",)})
    def test_buttons_follow_the_policy(self):
        self._mock_common()
        self.mock_signed_in.return_value = None
        self._local_list([])
        denied = {"protector:tenant_mappings:update", "protector:tenant_mappings:delete"}
        with mock.patch("openstack_auth.policy.check",
                        side_effect=lambda actions, request, target=None: not any(
                            rule in denied for _scope, rule in actions)):
            res = self.client.get(INDEX_URL)
        self.assertEqual(2, len(res.context["table"].data))
        self.assertContains(res, 'id="dr_tenant_mappings__action_create"')
        self.assertNotContains(res, "__action_update")
        self.assertNotContains(res, "__action_delete")

    @test.create_mocks({protector: ("tenant_mapping_list", "site_names",
                                    "tenant_mapping_delete"),
                        peers: ("signed_in",), api.keystone: ("tenant_list",)})
    def test_delete_refused_shows_the_api_message(self):
        self._mock_common()
        self.mock_signed_in.return_value = None
        self._local_list([])
        message = "Cannot reach the protector of site-b: connection refused"
        self.mock_tenant_mapping_delete.side_effect = protector.ProtectorUnavailable(message)
        res = self.client.post(INDEX_URL, {"action": "dr_tenant_mappings__delete__tm1"})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_tenant_mapping_delete.assert_called_once_with(test.IsHttpRequest(), "tm1")
        self.assertMessageCount(error=1, success=0)
        self.assertContains(self.client.get(INDEX_URL), message)


class CreateMappingTests(test.AdminTestCase):
    def _mock_choices(self):
        self.mock_site_list.return_value = data.SITES
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_tenant_list.return_value = (self.tenants.list(), False)

    def _post(self, **changes):
        form = {"local_tenant": "1", "local_tenant_id": "", "remote_site": "site-b",
                "remote_tenant": REMOTE_P1, "description": "shop"}
        form.update(changes)
        return self.client.post(CREATE_URL, form)

    @test.create_mocks({protector: ("site_list", "site_names"),
                        api.keystone: ("tenant_list",)})
    def test_form_offers_projects_and_the_remote_site(self):
        self._mock_choices()
        res = self.client.get(CREATE_URL)
        self.assertTemplateUsed(res, "admin/dr_tenant_mappings/create.html")
        form = res.context["form"]
        self.assertEqual([("site-b", "site-b")], form.fields["remote_site"].choices)
        self.assertIn("1", [value for value, _label in form.fields["local_tenant"].choices])
        for field in ("local_tenant", "remote_site", "remote_tenant", "description"):
            self.assertContains(res, f'id="id_{field}"')

    @test.create_mocks({protector: ("site_list", "site_names", "tenant_mapping_create"),
                        api.keystone: ("tenant_list",)})
    def test_create_calls_the_api_once(self):
        self._mock_choices()
        self.mock_tenant_mapping_create.return_value = mappings()[0]
        res = self._post()
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_tenant_mapping_create.assert_called_once_with(
            test.IsHttpRequest(), local_tenant="1", remote_site="site-b",
            remote_tenant=REMOTE_P1, description="shop")

    @test.create_mocks({protector: ("site_list", "site_names", "tenant_mapping_create"),
                        api.keystone: ("tenant_list",)})
    def test_a_project_id_not_listed_is_allowed(self):
        self._mock_choices()
        self.mock_tenant_mapping_create.return_value = mappings()[0]
        for form in ({"local_tenant": "", "local_tenant_id": "unlisted-project"},
                     {"local_tenant": "unlisted-project"}):
            res = self._post(description="", **form)
            self.assertNoFormErrors(res)
        self.mock_tenant_mapping_create.assert_called_with(
            test.IsHttpRequest(), local_tenant="unlisted-project", remote_site="site-b",
            remote_tenant=REMOTE_P1, description=None)

    @test.create_mocks({protector: ("site_list", "site_names", "tenant_mapping_create"),
                        api.keystone: ("tenant_list",)})
    def test_bad_input_says_what_to_fix(self):
        self._mock_choices()
        res = self._post(local_tenant="", remote_tenant="not a project id")
        self.assertFormErrors(res, 2)
        self.assertContains(res, "Select a local project or enter its ID.")
        self.assertContains(res, "letters, digits")
        self.mock_tenant_mapping_create.assert_not_called()

    @test.create_mocks({protector: ("site_list", "site_names", "tenant_mapping_create"),
                        api.keystone: ("tenant_list",)})
    def test_refusal_shows_the_api_message_on_the_form(self):
        self._mock_choices()
        self.mock_tenant_mapping_create.side_effect = protector.ProtectorConflict(
            "Project 1 is already mapped to site site-b", 409)
        res = self._post()
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Project 1 is already mapped to site site-b")


class UpdateMappingTests(test.AdminTestCase):
    @test.create_mocks({protector: ("tenant_mapping_get", "site_names",
                                    "tenant_mapping_update")})
    def test_update_sends_the_changes(self):
        self.mock_tenant_mapping_get.return_value = mappings()[0]
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_tenant_mapping_update.return_value = mappings()[0]
        res = self.client.get(UPDATE_URL)
        self.assertContains(res, REMOTE_P1)
        self.assertContains(res, "site-b")
        res = self.client.post(UPDATE_URL, {"remote_tenant": REMOTE_P2, "description": "shop"})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_tenant_mapping_update.assert_called_once_with(
            test.IsHttpRequest(), "tm1", remote_tenant=REMOTE_P2)

    @test.create_mocks({protector: ("tenant_mapping_get",)})
    def test_unknown_mapping_goes_back(self):
        self.mock_tenant_mapping_get.side_effect = protector.ProtectorNotFound(
            "Tenant mapping tm1 could not be found", 404)
        res = self.client.get(UPDATE_URL)
        self.assertRedirectsNoFollow(res, INDEX_URL)
