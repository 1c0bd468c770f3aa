import copy
from unittest import mock

from django.test.utils import override_settings
from django.urls import reverse

from protector_dashboard.api import protector
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

INDEX_URL = reverse("horizon:admin:dr_admin_sites:index")
CREATE_URL = reverse("horizon:admin:dr_admin_sites:create")
SITE_B = data.SITE_B
SECRET = "svc-Passw0rd-never-shown"
VALID = {"name": "site-b", "status": "active", "keystone_reachable": True,
         "nova_reachable": True, "cinder_reachable": True, "neutron_reachable": True,
         "replicated_volume_types": ["replicated-async", "replicated-sync"]}
VOLUME_TYPES = [{"id": "vt1", "name": "replicated-async", "replication_type": "async",
                 "volume_backend_name": "pure-a"}]


def url(name, site=SITE_B):
    return reverse(f"horizon:admin:dr_admin_sites:{name}", args=(site,))


def sites():
    return copy.deepcopy(data.SITES)


def create_data(**changes):
    found = {"name": "site-c", "description": "Third", "site_type": "secondary",
             "auth_url": "http://ctl-c:5000/v3", "region_name": "RegionTwo",
             "interface": "internal", "protector_url": "",
             "service_username": "protector", "service_password": SECRET,
             "service_project_name": "service", "service_user_domain_name": "",
             "service_project_domain_name": ""}
    found.update(changes)
    return found


def policy_without(*denied):
    def check(actions, request, target=None):
        return not any(rule in denied for _scope, rule in actions)
    return check


class SiteIndexTests(test.AdminTestCase):
    @test.create_mocks({protector: ("site_list",)})
    def test_index_lists_sites_with_their_actions(self):
        self.mock_site_list.return_value = sites()
        res = self.client.get(INDEX_URL)
        self.assertTemplateUsed(res, "horizon/common/_data_table_view.html")
        self.assertEqual(["site-a", "site-b"], [s.name for s in res.context["table"].data])
        self.assertContains(res, "http://remote/identity/v3")
        self.assertContains(res, "Secondary datacenter")
        self.assertContains(res, 'id="dr_admin_sites__action_create"')
        self.assertContains(res, 'id="dr_admin_sites__action_delete"')
        for action in ("validate", "update", "volume_types", "delete"):
            self.assertContains(res, f'id="dr_admin_sites__row_{SITE_B}__action_{action}"')
        self.mock_site_list.assert_called_once_with(test.IsHttpRequest())

    @override_settings(POLICY_CHECK_FUNCTION="openstack_auth.policy.check")
    @test.create_mocks({protector: ("site_list",)})
    def test_buttons_follow_the_policy(self):
        self.mock_site_list.return_value = sites()
        with mock.patch("openstack_auth.policy.check",
                        side_effect=policy_without("protector:sites:create",
                                                   "protector:sites:delete")):
            res = self.client.get(INDEX_URL)
        self.assertNotContains(res, "dr_admin_sites__action_create")
        self.assertNotContains(res, "__action_delete")
        self.assertContains(res, f"dr_admin_sites__row_{SITE_B}__action_validate")

    @test.create_mocks({protector: ("site_list",)})
    def test_index_says_why_when_the_api_is_down(self):
        self.mock_site_list.side_effect = protector.ProtectorUnavailable(
            "Cannot reach the protector API: Connection refused")
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)
        self.assertContains(res, "Connection refused")

    @test.create_mocks({protector: ("site_list", "site_delete")})
    def test_delete_in_use_shows_the_api_message(self):
        self.mock_site_list.return_value = sites()
        message = "Site site-b is used by protection group web-tier; delete it first"
        self.mock_site_delete.side_effect = protector.ProtectorConflict(message, 409)
        res = self.client.post(INDEX_URL, {"action": f"dr_admin_sites__delete__{SITE_B}"})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_site_delete.assert_called_once_with(test.IsHttpRequest(), SITE_B)
        self.assertMessageCount(error=1, success=0)
        res = self.client.get(INDEX_URL)
        self.assertContains(res, message)

    @test.create_mocks({protector: ("site_list", "site_delete")})
    def test_delete(self):
        self.mock_site_list.return_value = sites()
        self.mock_site_delete.return_value = None
        res = self.client.post(INDEX_URL, {"action": f"dr_admin_sites__delete__{SITE_B}"})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertMessageCount(success=1, error=0)
        self.mock_site_delete.assert_called_once_with(test.IsHttpRequest(), SITE_B)


class CreateSiteTests(test.AdminTestCase):
    def test_form_has_the_cli_fields_and_a_password_input(self):
        res = self.client.get(CREATE_URL)
        self.assertTemplateUsed(res, "admin/dr_admin_sites/create.html")
        for field in create_data():
            self.assertContains(res, f'id="id_{field}"')
        self.assertContains(res, 'type="password" name="service_password"')
        res = self.client.get(CREATE_URL, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        self.assertTemplateUsed(res, "admin/dr_admin_sites/_create.html")

    @test.create_mocks({protector: ("site_create",)})
    def test_create_passes_the_password_to_the_api(self):
        self.mock_site_create.return_value = {"id": "c", "name": "site-c",
                                              "service_password_set": True}
        res = self.client.post(CREATE_URL, create_data())
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_site_create.assert_called_once_with(
            test.IsHttpRequest(), name="site-c", site_type="secondary",
            auth_url="http://ctl-c:5000/v3", description="Third", region_name="RegionTwo",
            interface="internal", service_username="protector", service_password=SECRET,
            service_project_name="service")

    @test.create_mocks({protector: ("site_create",)})
    def test_refused_create_shows_the_api_message_not_the_password(self):
        self.mock_site_create.side_effect = protector.ProtectorConflict(
            "A site named site-c exists", 409)
        res = self.client.post(CREATE_URL, create_data())
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "A site named site-c exists")
        self.assertNotContains(res, SECRET)

    @test.create_mocks({protector: ("site_create",)})
    def test_bad_url_is_a_form_error(self):
        res = self.client.post(CREATE_URL, create_data(auth_url="ctl-c:5000"))
        self.assertFormErrors(res, 1)
        self.assertIn("auth_url", res.context["form"].errors)
        self.assertContains(res, "Enter an http:// or https:// URL")
        self.assertNotContains(res, SECRET)
        self.mock_site_create.assert_not_called()


class UpdateSiteTests(test.AdminTestCase):
    def _site(self):
        return dict(sites()[1], service_username="protector",
                    service_project_name="service", service_password_set=True)

    @test.create_mocks({protector: ("site_get", "site_update")})
    def test_empty_password_keeps_it_and_only_changes_are_sent(self):
        self.mock_site_get.return_value = self._site()
        self.mock_site_update.return_value = self._site()
        res = self.client.get(url("update"))
        self.assertContains(res, "A password is set")
        form = {"description": "", "auth_url": "http://remote:5000/v3",
                "region_name": "RegionOne", "interface": "public", "protector_url": "",
                "service_username": "protector", "service_password": "",
                "service_project_name": "service", "service_user_domain_name": "",
                "service_project_domain_name": ""}
        res = self.client.post(url("update"), form)
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_site_update.assert_called_once_with(
            test.IsHttpRequest(), SITE_B, auth_url="http://remote:5000/v3", description="")

    @test.create_mocks({protector: ("site_get", "site_update")})
    def test_new_password_is_sent_never_shown(self):
        self.mock_site_get.return_value = self._site()
        self.mock_site_update.side_effect = protector.ProtectorBadRequest(
            "Invalid input: service_project_name too long", 400)
        form = {"description": "Secondary datacenter", "auth_url": "http://remote/identity/v3",
                "region_name": "RegionOne", "interface": "public",
                "service_username": "protector", "service_password": SECRET,
                "service_project_name": "service"}
        res = self.client.post(url("update"), form)
        self.mock_site_update.assert_called_once_with(
            test.IsHttpRequest(), SITE_B, service_password=SECRET)
        self.assertContains(res, "service_project_name too long")
        self.assertNotContains(res, SECRET)

    @test.create_mocks({protector: ("site_get",)})
    def test_unknown_site_goes_back_with_the_message(self):
        self.mock_site_get.side_effect = protector.ProtectorNotFound(
            "Site nowhere could not be found", 404)
        res = self.client.get(url("update", "nowhere"))
        self.assertRedirectsNoFollow(res, INDEX_URL)


class ValidateSiteTests(test.AdminTestCase):
    @test.create_mocks({protector: ("site_validate",)})
    def test_all_ok(self):
        self.mock_site_validate.return_value = VALID
        res = self.client.get(url("validate"))
        self.assertTemplateUsed(res, "admin/dr_admin_sites/validate.html")
        self.assertContains(res, 'id="site-validation"')
        self.assertEqual(["Site site-b: reachable", "Keystone: OK", "Cinder: OK",
                          "Nova: OK", "Neutron: OK",
                          "Replicated volume types found: replicated-async, "
                          "replicated-sync"], res.context["lines"])
        for line in res.context["lines"]:
            self.assertContains(res, f"<li>{line}</li>")
        self.assertNotContains(res, 'id="site-validation-error"')
        self.mock_site_validate.assert_called_once_with(test.IsHttpRequest(), SITE_B)

    @test.create_mocks({protector: ("site_validate",)})
    def test_nova_failed(self):
        self.mock_site_validate.return_value = dict(
            VALID, status="error", nova_reachable=False, replicated_volume_types=[],
            error="listing volume types failed: 503 Service Unavailable")
        res = self.client.get(url("validate"))
        self.assertEqual(["Site site-b: reachable", "Keystone: OK", "Cinder: OK",
                          "Nova: FAILED", "Neutron: OK",
                          "Replicated volume types found: none"], res.context["lines"])
        self.assertContains(res, "<li>Nova: FAILED</li>")
        self.assertContains(res, 'id="site-validation-error"')
        self.assertContains(res, "listing volume types failed: 503 Service Unavailable")

    @test.create_mocks({protector: ("site_validate",)})
    def test_keystone_unreachable(self):
        self.mock_site_validate.return_value = {
            "name": "site-b", "status": "unreachable", "keystone_reachable": False,
            "nova_reachable": False, "cinder_reachable": False, "neutron_reachable": False,
            "replicated_volume_types": [],
            "error": "Keystone at http://remote/identity/v3: Connection refused"}
        res = self.client.get(url("validate"))
        self.assertContains(res, "<li>Site site-b: unreachable</li>")
        self.assertContains(res, "<li>Keystone: FAILED</li>")
        self.assertContains(res, "Connection refused")

    @test.create_mocks({protector: ("site_validate",)})
    def test_api_refusal_goes_back_with_the_message(self):
        self.mock_site_validate.side_effect = protector.ProtectorNotFound(
            "Site nowhere could not be found", 404)
        res = self.client.get(url("validate", "nowhere"))
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertMessageCount(error=1)


class SiteDetailTests(test.AdminTestCase):
    @test.create_mocks({protector: ("site_get", "site_volume_types")})
    def test_volume_types(self):
        self.mock_site_get.return_value = dict(sites()[1], service_password_set=True)
        self.mock_site_volume_types.return_value = VOLUME_TYPES
        res = self.client.get(url("detail"))
        self.assertTemplateUsed(res, "admin/dr_admin_sites/detail.html")
        self.assertEqual(["replicated-async"], [t.name for t in res.context["table"].data])
        self.assertContains(res, "pure-a")
        self.assertContains(res, "Site: site-b")
        self.assertContains(res, "set (not shown)")
        self.mock_site_volume_types.assert_called_once_with(test.IsHttpRequest(), SITE_B)

    @test.create_mocks({protector: ("site_get", "site_volume_types")})
    def test_unreachable_cinder_shows_the_api_message(self):
        self.mock_site_get.return_value = sites()[1]
        self.mock_site_volume_types.side_effect = protector.ProtectorUnavailable(
            "Cannot list volume types of site site-b: timed out. Run 'openstack "
            "protector site validate site-b'.", 503)
        res = self.client.get(url("detail"))
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)
        self.assertContains(res, "Cannot list volume types of site site-b")
