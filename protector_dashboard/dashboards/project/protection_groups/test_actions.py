"""The DR actions' forms: the options they send, where they send them, and
what the user sees when the API refuses."""

from unittest import mock

from django.urls import reverse

from protector_dashboard.api import peers, protector
from protector_dashboard.dashboards.project.protection_groups import utils
from protector_dashboard.dashboards.project.protection_groups.tests import DETAIL_URL, url
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

OP_PAGE = "/project/dr_operations/%s/"


def _reverse(name, *args, **kwargs):
    """The operations panel's page, whether or not that panel is installed."""
    if name == "horizon:project:dr_operations:detail":
        return OP_PAGE % kwargs["args"][0]
    return reverse(name, *args, **kwargs)


@mock.patch.object(utils, "reverse", side_effect=_reverse)
class ActionTests(test.TestCase):
    def _pg(self, **changes):
        self.mock_site_names.return_value = data.SITE_NAMES
        self.mock_pg_get.return_value = data.pg(**changes)

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_recovery_points",
                                    "pg_test_failover")})
    def test_test_failover_with_auto_network_and_a_recovery_point(self, _rev):
        self._pg()
        self.mock_pg_recovery_points.return_value = data.RECOVERY_POINTS
        self.mock_pg_test_failover.return_value = data.operation()
        res = self.client.get(url("test_failover"))
        choices = res.context["form"].fields["recovery_point"].choices
        self.assertEqual([("", "Newest complete point"),
                          ("pgroup-web.42", "pgroup-web.42 (3 min old, complete)"),
                          ("pgroup-web.43", "pgroup-web.43 (20 s old, in progress 40 %)")],
                         [(v, str(label)) for v, label in choices])
        self.assertContains(res, 'id="id_network_choice_0"')
        res = self.client.post(url("test_failover"), {
            "network_choice": "auto", "flavor_mapping": "m1.small=m1.medium",
            "recovery_point": "pgroup-web.42"})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, OP_PAGE % data.OP_ID)
        self.mock_pg_test_failover.assert_called_once_with(
            test.IsHttpRequest(), data.PG_ID, auto_network=True,
            recovery_point="pgroup-web.42", network_mapping=None,
            flavor_mapping={"m1.small": "m1.medium"})
        self.mock_pg_recovery_points.assert_called_with(test.IsHttpRequest(), data.PG_ID,
                                                        site=None)

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_recovery_points",
                                    "pg_test_failover")})
    def test_recovery_points_unlisted_leave_the_newest(self, _rev):
        self._pg()
        self.mock_pg_recovery_points.side_effect = protector.ProtectorUnavailable(
            "array fa-b does not answer")
        res = self.client.get(url("test_failover"))
        self.assertEqual(200, res.status_code)
        field = res.context["form"].fields["recovery_point"]
        self.assertEqual([""], [v for v, _label in field.choices])
        self.assertIn("array fa-b does not answer", field.help_text)

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_recovery_points",
                                    "pg_test_failover")})
    def test_test_failover_needs_a_network(self, _rev):
        self._pg()
        self.mock_pg_recovery_points.return_value = data.RECOVERY_POINTS
        res = self.client.post(url("test_failover"), {"network_choice": "mapping"})
        self.assertContains(res, "The protection group has no network mapping")
        res = self.client.post(url("test_failover"), {"network_choice": "auto",
                                                      "network_mapping": "a=b"})
        self.assertContains(res, "Either an isolated test network or a network mapping")
        self.mock_pg_test_failover.assert_not_called()

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_recovery_points",
                                    "pg_test_failover")})
    def test_refused_action_shows_the_api_message(self, _rev):
        self._pg()
        self.mock_pg_recovery_points.return_value = data.RECOVERY_POINTS
        self.mock_pg_test_failover.side_effect = protector.ProtectorConflict(
            "Protection group web-tier is testing: 'test_failover' is not allowed in "
            "this state")
        res = self.client.post(url("test_failover"), {"network_choice": "auto"})
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "project/protection_groups/_modal.html")
        self.assertContains(res, "is not allowed in this state")

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_test_cleanup")})
    def test_test_cleanup(self, _rev):
        self._pg(status="test_failed_over")
        self.mock_pg_test_cleanup.return_value = data.operation(operation_type="test_cleanup")
        res = self.client.post(url("test_cleanup"), {})
        self.assertRedirectsNoFollow(res, OP_PAGE % data.OP_ID)
        self.mock_pg_test_cleanup.assert_called_once_with(test.IsHttpRequest(), data.PG_ID)

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_failover")})
    def test_planned_failover_with_mappings(self, _rev):
        self._pg()
        self.mock_pg_failover.return_value = data.operation(operation_type="failover")
        res = self.client.post(url("failover"), {"network_mapping": "net-a=net-b",
                                                 "flavor_mapping": ""})
        self.assertRedirectsNoFollow(res, OP_PAGE % data.OP_ID)
        self.mock_pg_failover.assert_called_once_with(
            test.IsHttpRequest(), data.PG_ID, unplanned=False,
            network_mapping={"net-a": "net-b"}, flavor_mapping=None)

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_recovery_points",
                                    "pg_failover")})
    def test_unplanned_failover_confirms_and_goes_to_the_dr_site(self, _rev):
        self._pg()  # runs on site-a, the local site: the DR site is the peer
        self.mock_pg_recovery_points.return_value = data.RECOVERY_POINTS
        self.mock_pg_failover.return_value = data.operation(
            operation_type="failover", failover_type="unplanned")
        res = self.client.get(url("unplanned_failover"))
        self.assertContains(res, "Sign in to site site-b first")
        self.mock_pg_recovery_points.assert_called_with(test.IsHttpRequest(), data.PG_ID,
                                                        site="site-b")
        res = self.client.post(url("unplanned_failover"), {"confirm": "web"})
        self.assertFormErrors(res, 1, "Type the protection group's name, web-tier, to "
                                      "confirm")
        self.mock_pg_failover.assert_not_called()
        res = self.client.post(url("unplanned_failover"), {
            "confirm": "web-tier", "recovery_point": "pgroup-web.42",
            "network_mapping": "net-a=net-b"})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, OP_PAGE % data.OP_ID + "?site=site-b")
        self.mock_pg_failover.assert_called_once_with(
            test.IsHttpRequest(), data.PG_ID, site="site-b", unplanned=True,
            recovery_point="pgroup-web.42", network_mapping={"net-a": "net-b"},
            flavor_mapping=None)

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_recovery_points",
                                    "pg_failover")})
    def test_unplanned_failover_of_a_pg_running_on_the_peer_stays_here(self, _rev):
        self._pg(current_primary_site_id=data.SITE_B)  # site-b is down: DR is site-a
        self.mock_pg_recovery_points.return_value = data.RECOVERY_POINTS
        self.mock_pg_failover.return_value = data.operation()
        res = self.client.post(url("unplanned_failover"), {"confirm": "web-tier"})
        self.assertRedirectsNoFollow(res, OP_PAGE % data.OP_ID)
        self.mock_pg_failover.assert_called_once_with(
            test.IsHttpRequest(), data.PG_ID, site=None, unplanned=True,
            recovery_point=None, network_mapping=None, flavor_mapping=None)

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_recovery_points",
                                    "pg_failover")})
    def test_unplanned_failover_without_peer_sign_in_says_so(self, _rev):
        self._pg()
        self.mock_pg_recovery_points.return_value = data.RECOVERY_POINTS
        self.mock_pg_failover.side_effect = peers.SignInRequired("site-b")
        res = self.client.post(url("unplanned_failover"), {"confirm": "web-tier"})
        self.assertEqual(200, res.status_code)
        self.assertFormErrors(res, 1)
        self.assertIn("Sign in to site site-b first",
                      str(res.context["form"].non_field_errors()))

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_reprotect")})
    def test_reprotect(self, _rev):
        self._pg(status="failed_over", current_primary_site_id=data.SITE_B)
        self.mock_pg_reprotect.return_value = data.operation(operation_type="reprotect")
        res = self.client.post(url("reprotect"), {})
        self.assertRedirectsNoFollow(res, OP_PAGE % data.OP_ID)
        self.mock_pg_reprotect.assert_called_once_with(test.IsHttpRequest(), data.PG_ID)

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_failback")})
    def test_failback_with_mappings(self, _rev):
        self._pg(status="failed_over", current_primary_site_id=data.SITE_B)
        self.mock_pg_failback.return_value = data.operation(operation_type="failback")
        res = self.client.post(url("failback"), {"flavor_mapping": "big=small"})
        self.assertRedirectsNoFollow(res, OP_PAGE % data.OP_ID)
        self.mock_pg_failback.assert_called_once_with(
            test.IsHttpRequest(), data.PG_ID, network_mapping=None,
            flavor_mapping={"big": "small"})

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_sync_force")})
    def test_sync_force_from_a_chosen_site(self, _rev):
        self._pg()
        self.mock_pg_sync_force.return_value = dict(data.SYNC_IN, local_version=6,
                                                    peer_version=6)
        res = self.client.get(url("sync_force"))
        self.assertEqual(["", "site-a", "site-b"],
                         [v for v, _label in res.context["form"].fields["source"].choices])
        res = self.client.post(url("sync_force"), {"source": "site-b"})
        self.assertRedirectsNoFollow(res, DETAIL_URL + "?tab=pg_details__overview")
        self.mock_pg_sync_force.assert_called_once_with(test.IsHttpRequest(), data.PG_ID,
                                                        source="site-b")

    @test.create_mocks({protector: ("site_names", "pg_get", "pg_sync_force")})
    def test_sync_force_default_source_and_refusal(self, _rev):
        self._pg()
        self.mock_pg_sync_force.side_effect = protector.ProtectorUnavailable(
            "protector of site-b did not answer")
        res = self.client.post(url("sync_force"), {"source": ""})
        self.assertContains(res, "protector of site-b did not answer")
        self.mock_pg_sync_force.assert_called_once_with(test.IsHttpRequest(), data.PG_ID,
                                                        source=None)
