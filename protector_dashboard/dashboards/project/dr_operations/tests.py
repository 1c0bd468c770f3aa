import json
import os
import re
from unittest import mock

from django.test.utils import override_settings
from django.urls import reverse

from protector_dashboard import common
from protector_dashboard.api import peers, protector
from protector_dashboard.dashboards.project.dr_operations import utils
from protector_dashboard.dashboards.project.dr_operations import views as op_views
from protector_dashboard.tests import data
from protector_dashboard.tests import helpers as test

INDEX_URL = reverse("horizon:project:dr_operations:index")
PEER_OP_ID = "f6f6f6f6-0000-4000-8000-000000000006"
TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "dr_operations",
                        "detail.html")


def url(name, op_id=data.OP_ID, site=None):
    return reverse(f"horizon:project:dr_operations:{name}", args=(op_id,)) + (
        f"?site={site}" if site else "")


def deny(rule):
    """A policy check that refuses ``rule`` only (Horizon's own checks pass)."""
    return lambda actions, request, target=None: ("protector", rule) not in actions


def signed_in_to_site_b(request, site):
    return {"token": "t", "endpoint": "http://remote:8788/v1/1"} if site == "site-b" else None


def local_then_peer_pgs(request, site=None):
    return [data.pg()] if site is None else [data.pg(id="pg-b", name="db-tier")]


class OperationIndexTests(test.TestCase):
    @test.create_mocks({protector: ("operation_list", "pg_list"), peers: ("signed_in",)})
    def test_lists_local_and_signed_in_peer_operations_newest_first(self):
        peer_op = data.operation(id=PEER_OP_ID, protection_group_id="pg-b",
                                 started_at="2026-12-07T03:00:00+00:00")
        self.mock_operation_list.side_effect = lambda request, site=None, **kw: (
            [data.operation(), data.PARTIAL_FAILOVER] if site is None else [peer_op])
        self.mock_pg_list.side_effect = local_then_peer_pgs
        self.mock_signed_in.side_effect = signed_in_to_site_b
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        rows = res.context["table"].data
        self.assertEqual([PEER_OP_ID, data.OP_B_ID, data.OP_ID], [r["id"] for r in rows])
        self.assertEqual(["site-b", "site-a", "site-a"], [r["site"] for r in rows])
        self.assertEqual(["db-tier", "web-tier", "web-tier"], [r["pg_name"] for r in rows])
        self.mock_operation_list.assert_has_calls([
            mock.call(test.IsHttpRequest()),
            mock.call(test.IsHttpRequest(), site="site-b")])
        self.assertEqual(2, self.mock_operation_list.call_count)
        # The peer's row links to its detail with ?site=, and has a row id
        # the AJAX row update can tell the site from.
        self.assertContains(res, url("detail", PEER_OP_ID, "site-b"))
        self.assertContains(res, f'id="operations__row__{PEER_OP_ID}@site-b"')
        self.assertContains(res, "failover (unplanned)")
        self.assertContains(res, "4 min 10 s")  # RTO of the completed failover

    @test.create_mocks({protector: ("operation_list", "pg_list"), peers: ("signed_in",)})
    def test_a_failing_peer_is_a_warning_and_local_rows_stay(self):
        def listing(request, site=None, **kw):
            if site == "site-b":
                raise protector.ProtectorUnavailable("Cannot reach the protector API at "
                                                     "http://remote:8788: timed out")
            return [data.operation()]
        self.mock_operation_list.side_effect = listing
        self.mock_pg_list.side_effect = local_then_peer_pgs
        self.mock_signed_in.side_effect = signed_in_to_site_b
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertEqual([data.OP_ID], [r["id"] for r in res.context["table"].data])
        self.assertMessageCount(res, warning=1, error=0)
        self.assertContains(res, "timed out")

    @test.create_mocks({protector: ("operation_list", "pg_list"), peers: ("signed_in",)})
    def test_peer_not_signed_in_is_not_asked(self):
        self.mock_operation_list.return_value = [data.operation(protection_group_id="gone")]
        self.mock_pg_list.return_value = [data.pg()]
        self.mock_signed_in.return_value = None
        res = self.client.get(INDEX_URL)
        self.mock_operation_list.assert_called_once_with(test.IsHttpRequest())
        self.assertEqual(["gone"], [r["pg_name"] for r in res.context["table"].data])

    @test.create_mocks({protector: ("operation_list", "pg_list"), peers: ("signed_in",)})
    def test_filter_by_status_is_passed_to_every_site(self):
        self.mock_operation_list.return_value = []
        self.mock_signed_in.side_effect = signed_in_to_site_b
        res = self.client.post(INDEX_URL, {"action": "operations__filter",
                                           "operations__filter__q_field": "status",
                                           "operations__filter__q": "running"}, follow=True)
        self.assertEqual(200, res.status_code)
        self.mock_operation_list.assert_has_calls([
            mock.call(test.IsHttpRequest(), status="running"),
            mock.call(test.IsHttpRequest(), site="site-b", status="running")])

    @test.create_mocks({protector: ("operation_list",), peers: ("signed_in",)})
    def test_unknown_filter_value_says_what_to_use(self):
        res = self.client.post(INDEX_URL, {"action": "operations__filter",
                                           "operations__filter__q_field": "operation_type",
                                           "operations__filter__q": "failvoer"}, follow=True)
        self.mock_operation_list.assert_not_called()
        self.assertMessageCount(res, warning=1)
        self.assertContains(res, "test_failover, test_cleanup, failover")

    @override_settings(POLICY_CHECK_FUNCTION="openstack_auth.policy.check")
    @mock.patch("openstack_auth.policy.check", side_effect=deny("protector:operations:show"))
    @test.create_mocks({protector: ("operation_list", "pg_list"), peers: ("signed_in",)})
    def test_no_detail_link_for_a_user_who_may_not_see_operations(self, _check):
        self.mock_operation_list.return_value = [data.operation()]
        self.mock_pg_list.return_value = [data.pg()]
        self.mock_signed_in.return_value = None
        res = self.client.get(INDEX_URL)
        self.assertEqual(1, len(res.context["table"].data))
        self.assertNotContains(res, f'href="{url("detail")}"')
        self.assertContains(res, data.OP_ID)

    @test.create_mocks({protector: ("operation_list",), peers: ("signed_in",)})
    def test_local_site_down_is_an_error_message(self):
        self.mock_operation_list.side_effect = protector.ProtectorUnavailable(
            "Cannot reach the protector API at http://ctl:8788/v1/1: Connection refused")
        self.mock_signed_in.return_value = None
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)
        self.assertContains(res, "Connection refused")

    @test.create_mocks({protector: ("operation_get", "pg_get")})
    def test_row_update_asks_the_peer_of_the_row(self):
        self.mock_operation_get.return_value = data.operation(progress=70)
        self.mock_pg_get.return_value = data.pg()
        res = self.client.get(INDEX_URL, {"action": "row_update", "table": "operations",
                                          "obj_id": f"{data.OP_ID}@site-b"},
                              HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        self.assertEqual(200, res.status_code)
        self.mock_operation_get.assert_called_once_with(test.IsHttpRequest(), data.OP_ID,
                                                        site="site-b")
        self.assertContains(res, "70%")
        self.assertContains(res, "web-tier")


class OperationDetailTests(test.TestCase):
    @test.create_mocks({protector: ("operation_steps", "pg_get")})
    def test_running_operation(self):
        self.mock_operation_steps.return_value = data.steps()
        self.mock_pg_get.return_value = data.pg()
        res = self.client.get(url("detail"))
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, "project/dr_operations/detail.html")
        html = res.content.decode()
        self.assertIn('<span id="op-status" class="label label-info">running</span>', html)
        self.assertRegex(html, r'id="op-progress"[^>]*data-progress="40"[^>]*>40%<')
        self.assertIn('<dd id="op-current-step" class="op-empty" data-empty="-">boot servers'
                      '</dd>', html)
        for element in ("op-error", "op-left-behind", "op-leftovers", "op-poll-error",
                        "op-report-link"):
            self.assertIn(f'id="{element}"', html)
        steps = re.search(r'<table id="op-steps".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
        rows = re.findall(r"<tr class=\"([^\"]*)\">(.*?)</tr>", steps, re.S)
        self.assertEqual(2, len(rows))
        self.assertIn("protection group", rows[0][1])
        self.assertIn("op-step-running", rows[1][0])  # the running step is marked
        self.assertIn("boot db", rows[1][1])
        self.assertNotIn("op-step-running", rows[0][0])
        # Not final: the report is not embedded yet, and the page polls.
        self.assertIn('data-final="false"', html)
        self.assertRegex(html, r'<iframe id="op-report" class="hidden"[^>]*></iframe>')
        self.assertNotRegex(html, r'<iframe id="op-report"[^>]* src=')
        self.assertIn("site-a &rarr; site-b", html)
        pg_url = reverse("horizon:project:protection_groups:detail", args=(data.PG_ID,))
        self.assertIn(f'<dd id="op-pg"><a href="{pg_url}">web-tier</a></dd>', html)
        self.assertIn("pgroup-web.41", html)
        self.assertIn("6 min 0 s old", html)  # point of 01:05, operation began 01:11
        self.mock_operation_steps.assert_called_once_with(test.IsHttpRequest(), data.OP_ID,
                                                          site=None)

    @test.create_mocks({protector: ("operation_steps", "pg_get")})
    def test_partial_failover_shows_what_it_left_behind_and_the_report(self):
        self.mock_operation_steps.return_value = data.steps(
            data.PARTIAL_FAILOVER, recovery_point=data.PARTIAL_FAILOVER["result"]
            ["recovery_point"], timeline=[])
        self.mock_pg_get.return_value = data.pg()
        res = self.client.get(url("detail", data.OP_B_ID))
        html = res.content.decode()
        self.assertIn(">completed</span>", html)
        left = re.search(r'<ul id="op-left-behind"[^>]*>(.*?)</ul>', html, re.S).group(1)
        self.assertEqual("<li><strong>web</strong>: web: No valid host was found</li>", left)
        leftovers = re.search(r'<ul id="op-leftovers"[^>]*>(.*?)</ul>', html, re.S).group(1)
        self.assertIn("<strong>array copies</strong>: array fa-b did not answer", leftovers)
        self.assertIn("detail: m2", leftovers)
        self.assertIn("1 member(s) left behind", html)
        self.assertIn("4 min 10 s", html)  # RTO
        report = url("report", data.OP_B_ID)
        self.assertRegex(html, rf'<iframe id="op-report"[^>]* src="{re.escape(report)}"')
        self.assertIn('data-final="true"', html)

    @test.create_mocks({protector: ("operation_steps", "pg_get")})
    def test_peer_operation_asks_the_peer_everywhere(self):
        self.mock_operation_steps.return_value = data.steps()
        self.mock_pg_get.return_value = data.pg()
        res = self.client.get(url("detail", site="site-b"))
        self.assertEqual(200, res.status_code)
        self.mock_operation_steps.assert_called_once_with(test.IsHttpRequest(), data.OP_ID,
                                                          site="site-b")
        self.mock_pg_get.assert_called_once_with(test.IsHttpRequest(), data.PG_ID,
                                                 site="site-b")
        self.assertContains(res, f'data-progress-url="{url("progress", site="site-b")}"')
        self.assertContains(res, f'href="{url("report", site="site-b")}"')

    @test.create_mocks({protector: ("operation_steps",)})
    def test_unknown_operation_redirects_with_the_api_message(self):
        self.mock_operation_steps.side_effect = protector.ProtectorNotFound(
            "Operation d4d4 could not be found.", 404)
        res = self.client.get(url("detail"))
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertMessageCount(error=1)

    def test_template_loads_the_script_and_passes_the_progress_url(self):
        with open(TEMPLATE, encoding="utf-8") as f:
            source = f.read()
        self.assertRegex(source, r"{% load [^%]*\bstatic\b")
        self.assertIn("<script src=\"{% static 'protector_dashboard/js/operation_progress.js'"
                      " %}\"></script>", source)
        self.assertIn('data-progress-url="{{ progress_url }}"', source)
        script = os.path.join(os.path.dirname(op_views.__file__), os.pardir, os.pardir,
                              os.pardir, "static", "protector_dashboard", "js",
                              "operation_progress.js")
        with open(script, encoding="utf-8") as f:
            js = f.read()
        self.assertNotIn(".html(", js)  # API strings go in with .text() only


class ProgressTests(test.TestCase):
    @test.create_mocks({protector: ("operation_steps",)})
    def test_running(self):
        self.mock_operation_steps.return_value = data.steps()
        res = self.client.get(url("progress", site="site-b"))
        self.assertEqual(200, res.status_code)
        body = json.loads(res.content)
        self.assertEqual(("running", 40, "boot servers", False),
                         (body["status"], body["progress"], body["current_step"],
                          body["final"]))
        self.assertEqual(["check sites", "boot db"], [s["step"] for s in body["timeline"]])
        self.assertEqual(["", "info op-step-running"],
                         [s["row_class"] for s in body["timeline"]])
        self.assertEqual([], body["left_behind"])
        self.assertEqual(2, len(body["members"]))
        self.assertIn("no-cache", res["Cache-Control"])
        self.mock_operation_steps.assert_called_once_with(test.IsHttpRequest(), data.OP_ID,
                                                          site="site-b")

    @test.create_mocks({protector: ("operation_steps",)})
    def test_final_with_left_behind(self):
        self.mock_operation_steps.return_value = data.steps(data.PARTIAL_FAILOVER)
        body = json.loads(self.client.get(url("progress", data.OP_B_ID)).content)
        self.assertTrue(body["final"])
        self.assertEqual(100, body["progress"])
        self.assertEqual([{"name": "web", "text": "web: No valid host was found"}],
                         body["left_behind"])
        self.assertEqual("array copies", body["leftovers"][0]["name"])
        self.assertIn("left behind", body["error_message"])
        self.assertIn("pgroup-web.41 (taken", body["recovery_point"])
        # The point is known only once the operation picked it: the poll brings it.
        self.mock_operation_steps.return_value = data.steps(data.PARTIAL_FAILOVER,
                                                            recovery_point=None)
        body = json.loads(self.client.get(url("progress", data.OP_B_ID)).content)
        self.assertEqual("-", body["recovery_point"])
        self.mock_operation_steps.return_value = data.steps(
            data.PARTIAL_FAILOVER, recovery_point=data.PARTIAL_FAILOVER["result"]
            ["recovery_point"])
        body = json.loads(self.client.get(url("progress", data.OP_B_ID)).content)
        self.assertIn("pgroup-web.42 (taken", body["recovery_point"])

    @test.create_mocks({protector: ("operation_steps",)})
    def test_api_failure_is_an_error_json(self):
        self.mock_operation_steps.side_effect = protector.ProtectorUnavailable(
            "Cannot reach the protector API at http://ctl:8788/v1/1: Connection refused")
        res = self.client.get(url("progress"))
        self.assertEqual(200, res.status_code)
        self.assertEqual("application/json", res["Content-Type"])
        self.assertEqual({"error": "Cannot reach the protector API at "
                                   "http://ctl:8788/v1/1: Connection refused"},
                         json.loads(res.content))

    @test.create_mocks({protector: ("operation_steps",)})
    def test_unexpected_failure_is_an_error_json_too(self):
        self.mock_operation_steps.side_effect = KeyError("operation")
        res = self.client.get(url("progress"))
        self.assertEqual(200, res.status_code)
        self.assertIn("error", json.loads(res.content))


class ReportTests(test.TestCase):
    @test.create_mocks({protector: ("operation_report",)})
    def test_report_is_html_with_a_strict_csp(self):
        self.mock_operation_report.return_value = "<!DOCTYPE html><h1>Failover</h1>"
        res = self.client.get(url("report", site="site-b"))
        self.assertEqual(200, res.status_code)
        self.assertTrue(res["Content-Type"].startswith("text/html"))
        self.assertEqual("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                         "frame-ancestors 'self'", res["Content-Security-Policy"])
        self.assertEqual("SAMEORIGIN", res["X-Frame-Options"])
        self.assertEqual(b"<!DOCTYPE html><h1>Failover</h1>", res.content)
        self.mock_operation_report.assert_called_once_with(test.IsHttpRequest(),
                                                           data.OP_ID, site="site-b")

    @test.create_mocks({protector: ("operation_report",)})
    def test_api_failure_is_a_small_page_that_says_why(self):
        self.mock_operation_report.side_effect = peers.SignInRequired("site-b")
        res = self.client.get(url("report", site="site-b"))
        self.assertEqual(502, res.status_code)
        self.assertTrue(res["Content-Type"].startswith("text/html"))
        self.assertIn("frame-ancestors 'self'", res["Content-Security-Policy"])
        self.assertContains(res, "Sign in to site site-b first", status_code=502)
        self.assertNotContains(res, "Traceback", status_code=502)

    @test.create_mocks({protector: ("operation_report",)})
    def test_error_page_escapes_the_message(self):
        self.mock_operation_report.side_effect = protector.ProtectorError("<b>x</b>", 403)
        res = self.client.get(url("report"))
        self.assertContains(res, "&lt;b&gt;x&lt;/b&gt;", status_code=502)


class UtilsTests(test.TestCase):
    def test_entries_tolerate_unknown_shapes(self):
        self.assertEqual([], utils.entries(None))
        self.assertEqual([{"name": "", "text": "a"}, {"name": "", "text": "k: v"}],
                         utils.entries(["a", {"k": "v"}]))
        self.assertEqual([{"name": "servers", "text": "x: 1; y: a, b"}],
                         utils.entries({"servers": {"x": 1, "y": ["a", "b"]}}))
        self.assertEqual([{"name": "", "text": "odd"}], utils.entries("odd"))

    def test_type_rto_and_duration(self):
        self.assertEqual("failover (unplanned)", utils.type_label(data.PARTIAL_FAILOVER))
        self.assertEqual("test_failover", utils.type_label(data.OPERATION))
        self.assertEqual(250.0, utils.rto_seconds(data.PARTIAL_FAILOVER))
        self.assertIsNone(utils.rto_seconds(data.OPERATION))
        self.assertEqual(("42 s", "2 h 5 min"), (common.duration(42), common.duration(7500)))
