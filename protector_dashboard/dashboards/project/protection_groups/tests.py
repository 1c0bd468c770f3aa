from django.urls import reverse

from protector_dashboard.api import protector
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

INDEX_URL = reverse("horizon:project:protection_groups:index")


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
        self.assertContains(res, "Connection refused")
