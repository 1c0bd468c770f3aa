import datetime

from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from protector_dashboard.api import peers, protector
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

INDEX_URL = reverse("horizon:project:dr_sites:index")
SIGN_IN_URL = reverse("horizon:project:dr_sites:sign_in", args=("site-b",))
SIGN_OUT_URL = reverse("horizon:project:dr_sites:sign_out", args=("site-b",))
SECRET = "s3cr3t-Passw0rd"
SIGNED_IN = {"token": "tok", "expires": "2026-12-07T12:00:00+00:00",
             "endpoint": "http://remote:8788/v1/p2", "username": "alice",
             "project_name": "demo-b", "project_id": "p2"}


def sign_in_data(**changes):
    found = {"username": "alice", "password": SECRET, "user_domain_name": "Default",
             "project_name": "demo-b", "project_domain_name": "Default"}
    found.update(changes)
    return found


class SitesIndexTests(test.TestCase):
    @test.create_mocks({protector: ("site_names",), peers: ("signed_in",)})
    def test_index_merges_protector_sites_and_configured_keystones(self):
        self.mock_site_names.return_value = data.SITE_NAMES + [
            {"id": "c", "name": "site-c", "local": False}]
        self.mock_signed_in.return_value = None
        res = self.client.get(INDEX_URL)
        self.assertTemplateUsed(res, "project/dr_sites/index.html")
        rows = {row.name: row for row in res.context["table"].data}
        self.assertEqual(["site-a", "site-b", "site-c"], sorted(rows))
        self.assertTrue(rows["site-a"].local)
        self.assertFalse(rows["site-b"].local)
        self.assertEqual("http://remote/identity/v3", rows["site-b"].auth_url)
        self.assertContains(res, "not configured in PROTECTOR_SITES", 1)
        # Only the configured peer can be signed in to.
        self.assertContains(res, 'id="dr_sites__row_site-b__action_sign_in"')
        self.assertNotContains(res, "dr_sites__row_site-a__action_sign_in")
        self.assertNotContains(res, "dr_sites__row_site-c__action_sign_in")
        self.assertNotContains(res, "__action_sign_out")
        self.assertContains(res, "its own")  # the why paragraph
        self.assertContains(res, "Keystone trust")
        self.mock_signed_in.assert_called_once_with(test.IsHttpRequest(), "site-b")

    @test.create_mocks({protector: ("site_names",), peers: ("signed_in",)})
    def test_index_shows_the_sign_in(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_signed_in.return_value = SIGNED_IN
        res = self.client.get(INDEX_URL)
        self.assertContains(res, "as alice / demo-b, until 2026-12-07 12:00 UTC")
        self.assertContains(res, 'id="dr_sites__row_site-b__action_sign_out"')

    @test.create_mocks({protector: ("site_names",), peers: ("signed_in",)})
    def test_index_lists_configured_sites_when_the_api_is_down(self):
        self.mock_site_names.side_effect = protector.ProtectorUnavailable(
            "Cannot reach the protector API: Connection refused")
        self.mock_signed_in.return_value = None
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)
        self.assertEqual(["site-a", "site-b"], [r.name for r in res.context["table"].data])
        self.assertContains(res, "dr_sites__row_site-b__action_sign_in")

    @override_settings(POLICY_CHECK_FUNCTION="openstack_auth.policy.check")
    @test.create_mocks({protector: ("site_names",), peers: ("signed_in",)})
    def test_a_member_may_sign_in_under_the_real_policy(self):
        # protector:sites:names is rule:default (the project's own members).
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_signed_in.return_value = None
        res = self.client.get(INDEX_URL)
        self.assertContains(res, 'id="dr_sites__row_site-b__action_sign_in"')


class SignInTests(test.TestCase):
    def test_form_offers_the_current_user(self):
        res = self.client.get(SIGN_IN_URL)
        self.assertTemplateUsed(res, "project/dr_sites/sign_in.html")
        form = res.context["form"]
        self.assertEqual(self.user.name, form.initial["username"])
        self.assertEqual(self.domain.name, form.initial["user_domain_name"])
        self.assertEqual("Default", form.initial["project_domain_name"])
        for field in ("username", "password", "user_domain_name", "project_name",
                      "project_domain_name"):
            self.assertContains(res, f'id="id_{field}"')
        self.assertContains(res, 'type="password"')
        res = self.client.get(SIGN_IN_URL, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        self.assertTemplateUsed(res, "project/dr_sites/_sign_in.html")
        self.assertContains(res, f'action="{SIGN_IN_URL}"')

    @test.create_mocks({peers: ("sign_in",)})
    def test_post_signs_in_with_the_fields(self):
        self.mock_sign_in.return_value = SIGNED_IN
        res = self.client.post(SIGN_IN_URL, sign_in_data())
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertMessageCount(success=1)
        self.mock_sign_in.assert_called_once_with(
            test.IsHttpRequest(), "site-b", username="alice", password=SECRET,
            user_domain_name="Default", project_name="demo-b",
            project_domain_name="Default")

    @test.create_mocks({peers: ("sign_in",)})
    def test_refused_password_shows_on_the_form_without_the_password(self):
        self.mock_sign_in.side_effect = protector.ProtectorError(
            "Keystone of site-b refused the user name or password (or the user has no "
            "role in project demo-b there).", 401)
        res = self.client.post(SIGN_IN_URL, sign_in_data())
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "project/dr_sites/sign_in.html")
        self.assertContains(res, "Keystone of site-b refused the user name or password")
        self.assertNotContains(res, SECRET)
        self.assertEqual(1, self.mock_sign_in.call_count)

    @test.create_mocks({peers: ("sign_in",)})
    def test_unreachable_keystone_shows_on_the_form(self):
        self.mock_sign_in.side_effect = protector.ProtectorUnavailable(
            "Cannot reach the Keystone of site-b at http://remote/identity/v3: timed out")
        res = self.client.post(SIGN_IN_URL, sign_in_data())
        self.assertEqual(200, res.status_code)
        self.assertContains(res, "Cannot reach the Keystone of site-b")
        self.assertNotContains(res, SECRET)

    @test.create_mocks({peers: ("sign_in",)})
    def test_missing_password_is_a_form_error(self):
        res = self.client.post(SIGN_IN_URL, sign_in_data(password=""))
        self.assertFormErrors(res, 1)
        self.mock_sign_in.assert_not_called()

    @test.create_mocks({peers: ("sign_in",)})
    def test_local_and_unknown_sites_cannot_be_signed_in_to(self):
        for site in ("site-a", "nowhere"):
            url = reverse("horizon:project:dr_sites:sign_in", args=(site,))
            res = self.client.post(url, sign_in_data())
            self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_sign_in.assert_not_called()


class SignOutTests(test.TestCase):
    def _store_sign_in(self, **changes):
        session = self.client.session
        session[peers.SESSION_KEY] = {"site-b": dict(SIGNED_IN, **changes)}
        session.save()
        self.client.cookies["sessionid"] = session.session_key

    @test.create_mocks({peers: ("sign_out",)})
    def test_sign_out_page(self):
        res = self.client.get(SIGN_OUT_URL)
        self.assertTemplateUsed(res, "project/dr_sites/sign_out.html")
        res = self.client.post(SIGN_OUT_URL, {})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_sign_out.assert_called_once_with(test.IsHttpRequest(), "site-b")

    @test.create_mocks({protector: ("site_names",)})
    def test_row_action_forgets_the_token(self):
        self.mock_site_names.return_value = data.SITE_NAMES
        expires = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
        self._store_sign_in(expires=expires)
        res = self.client.get(INDEX_URL)
        self.assertContains(res, "as alice / demo-b")
        self.assertContains(res, 'id="dr_sites__row_site-b__action_sign_out"')
        res = self.client.post(INDEX_URL, {"action": "dr_sites__sign_out__site-b"})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertNotIn("site-b", self.client.session.get(peers.SESSION_KEY, {}))
        res = self.client.get(INDEX_URL)
        self.assertNotContains(res, "as alice / demo-b")
        self.assertNotContains(res, "__action_sign_out")
