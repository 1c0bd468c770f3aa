import re
import unittest
from unittest import mock

from django.test.utils import override_settings
from django.urls import reverse

from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.dr_health import utils
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

INDEX_URL = reverse("horizon:project:dr_health:index")
RED_PG = "a0000000-0000-4000-8000-00000000000a"
AMBER_PG = "b0000000-0000-4000-8000-00000000000b"
PG_URL = reverse("horizon:project:protection_groups:detail", args=(data.PG_ID,))


class RagTests(unittest.TestCase):
    def test_green_when_compliant_and_ready_with_lag_well_inside_the_rpo(self):
        self.assertEqual("green", utils.rag(data.health_entry()))  # 3 min of 15
        self.assertEqual("green", utils.rag(data.health_entry(
            replication_lag_seconds=0.75 * 15 * 60)))  # exactly 75% is still green

    def test_amber_when_ready_but_lag_above_three_quarters_of_the_rpo(self):
        self.assertEqual("amber", utils.rag(data.health_entry(
            replication_lag_seconds=0.75 * 15 * 60 + 1)))

    def test_amber_when_ready_but_compliance_unknown(self):
        self.assertEqual("amber", utils.rag(data.health_entry(
            rpo_compliant=None, replication_lag_seconds=None)))

    def test_red_when_not_compliant_or_not_ready(self):
        self.assertEqual("red", utils.rag(data.health_entry(
            rpo_compliant=False, replication_lag_seconds=20 * 60)))
        self.assertEqual("red", utils.rag(data.health_entry(
            failover_ready=False, blockers=["metadata is OUT_OF_SYNC; run sync-force"])))
        self.assertEqual("red", utils.rag(data.health_entry(
            rpo_compliant=None, failover_ready=False)))
        self.assertEqual("red", utils.rag({}))  # nothing known: not ready


class HealthIndexTests(test.TestCase):
    @test.create_mocks({protector: ("health",)})
    def test_rows_show_red_amber_green_and_blockers(self):
        self.mock_health.return_value = {
            "components": {"api": "ok", "database": "ok"},
            "protection_groups": [
                data.health_entry(),
                data.health_entry(protection_group_id=AMBER_PG, name="app-tier",
                                  replication_lag_seconds=800.0),
                data.health_entry(protection_group_id=RED_PG, name="db-tier",
                                  sync_status="OUT_OF_SYNC", failover_ready=False,
                                  blockers=["metadata is OUT_OF_SYNC; run sync-force",
                                            "members not protected: <db>"]),
            ]}
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "project/dr_health/index.html")
        html = res.content.decode()
        # Each row's readiness cell: its class and its text say the colour.
        cells = dict(re.findall(r'id="health__row__([^"]+)".*?<td[^>]*class="[^"]*'
                                r'\brag-(green|amber|red)\b', html, re.S))
        self.assertEqual({data.PG_ID: "green", AMBER_PG: "amber", RED_PG: "red"}, cells)
        for colour in ("green", "amber", "red"):
            self.assertRegex(html, rf'<td[^>]*class="[^"]*\brag-{colour}\b[^"]*"[^>]*>\s*'
                                   rf'{colour}\s*</td>')
        self.assertContains(res, "<li>metadata is OUT_OF_SYNC; run sync-force</li>",
                            html=False)
        self.assertContains(res, "members not protected: &lt;db&gt;")  # escaped
        self.assertContains(res, "13 min 20 s / 15 min (89%)")
        self.assertContains(res, "api: ok")
        self.assertContains(res, "database: ok")
        self.assertContains(res, f'href="{PG_URL}"')
        self.mock_health.assert_called_once_with(test.IsHttpRequest())

    @override_settings(POLICY_CHECK_FUNCTION="openstack_auth.policy.check")
    @mock.patch("openstack_auth.policy.check",
                side_effect=lambda actions, request, target=None:
                ("protector", "protector:protection_groups:show") not in actions)
    @test.create_mocks({protector: ("health",)})
    def test_no_pg_link_for_a_user_who_may_not_see_the_pg(self, _check):
        self.mock_health.return_value = data.HEALTH
        res = self.client.get(INDEX_URL)
        self.assertEqual(1, len(res.context["table"].data))
        self.assertNotContains(res, f'href="{PG_URL}"')
        self.assertContains(res, "web-tier")

    @test.create_mocks({protector: ("health",)})
    def test_api_without_microversion_1_2_is_a_message_and_an_empty_table(self):
        self.mock_health.side_effect = protector.ProtectorUnavailable(
            "health needs protector API version 1.2 or later; this request uses 1.1.")
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertEqual([], res.context["table"].data)
        self.assertMessageCount(res, error=1)
        self.assertContains(res, "needs protector API version 1.2")
        self.assertContains(res, 'id="dr-component-unknown"')
        self.assertNotContains(res, "api: ok")

    @test.create_mocks({protector: ("health",)})
    def test_api_down_is_a_message(self):
        self.mock_health.side_effect = protector.ProtectorUnavailable(
            "Cannot reach the protector API at http://ctl:8788/v1/1: Connection refused")
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)
        self.assertContains(res, "Connection refused")

    @test.create_mocks({protector: ("health",)})
    def test_a_failing_component_is_shown(self):
        self.mock_health.return_value = {"components": {"api": "ok", "database": "error"},
                                          "protection_groups": []}
        res = self.client.get(INDEX_URL)
        self.assertContains(res, "database: error")
        self.assertRegex(res.content.decode(),
                         r'class="label label-danger"\s+id="dr-component-database"')
