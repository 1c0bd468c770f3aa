"""Operations: the list (this site and the signed-in peers), one operation's
live detail page, its progress as JSON and its HTML report.

``?site=<name>`` on the detail, progress and report URLs says the
operation's record is on that peer site: every API call then asks there.
"""

import datetime
import logging
from typing import Any

from django import http
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views import generic
from django.views.decorators.cache import never_cache
from horizon import exceptions, messages, tables, views
from openstack_dashboard import policy

from protector_dashboard import common
from protector_dashboard.api import peers, protector
from protector_dashboard.dashboards.project.dr_operations import tables as op_tables
from protector_dashboard.dashboards.project.dr_operations import utils

LOG = logging.getLogger(__name__)
INDEX = "horizon:project:dr_operations:index"
# The report is self-contained (inline styles, SVG, no script): forbid
# everything else, and let only this dashboard frame it.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'self'")
PG_SHOW_RULE = (("protector", "protector:protection_groups:show"),)
_EPOCH = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _site(request: Any) -> str | None:
    return request.GET.get("site") or None


def _reason(exc: Exception) -> str:
    """The API's own message, or a generic one for anything unexpected."""
    if isinstance(exc, protector.ProtectorError):
        return str(exc)
    return str(_("Unexpected error: see the dashboard's log."))


def _newest(op: dict[str, Any]) -> datetime.datetime:
    return (common.parse_time(op.get("started_at")) or common.parse_time(op.get("created_at"))
            or _EPOCH)


class IndexView(tables.DataTableView):
    table_class = op_tables.OperationsTable
    page_title = _("Operations")

    def _query(self) -> dict[str, str] | None:
        """The filter as API query arguments; None if its value is no status
        or type (the API would refuse it)."""
        info = self.get_server_filter_info(self.request)
        field, value = info["field"], (info["value"] or "").strip()
        choices = {"status": op_tables.STATUSES,
                   "operation_type": op_tables.TYPES}.get(field)
        if not value or choices is None:
            return {}
        if value not in choices:
            messages.warning(self.request, _("%(value)s is not an operation %(field)s; use "
                                             "one of: %(choices)s.")
                             % {"value": value, "field": field.replace("operation_", ""),
                                "choices": ", ".join(choices)})
            return None
        return {field: value}

    def _pg_names(self, site: str | None) -> dict[str, str]:
        try:
            return {pg["id"]: pg.get("name") or pg["id"]
                    for pg in protector.pg_list(self.request, site=site)}
        except Exception:
            LOG.info("No protection group names from site %s", site or "(local)",
                     exc_info=True)
            return {}  # ids stand in for the names

    def _rows(self, ops: list[dict[str, Any]], site: str, peer: str | None,
              names: dict[str, str]) -> list[utils.Operation]:
        rows = []
        for op in ops:
            row = utils.Operation(op, site=site, peer=peer)
            pg_id = op.get("protection_group_id")
            row["pg_name"] = names.get(pg_id, pg_id) if pg_id else "-"
            rows.append(row)
        return rows

    def get_data(self):
        query = self._query()
        if query is None:
            return []
        request = self.request
        rows: list[utils.Operation] = []
        try:
            local = protector.operation_list(request, **query)
        except Exception:
            exceptions.handle(request, _("Unable to list this site's operations."))
            local = []
        if local:
            rows += self._rows(local, utils.local_site_name(request), None,
                               self._pg_names(None))
        here = peers.local_name(request)
        for site in peers.sites():
            if site == here or not peers.signed_in(request, site):
                continue
            try:
                found = protector.operation_list(request, site=site, **query)
            except Exception as exc:
                # One unreachable peer must not hide the other site's rows.
                messages.warning(request, _("Unable to list the operations of site "
                                            "%(site)s: %(reason)s")
                                 % {"site": site, "reason": _reason(exc)})
                continue
            if found:
                rows += self._rows(found, site, site, self._pg_names(site))
        rows.sort(key=_newest, reverse=True)
        return rows


def _reverse_or_none(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None  # that panel is not installed


class DetailView(views.HorizonTemplateView):
    template_name = "project/dr_operations/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request, op_id, site = self.request, self.kwargs["operation_id"], _site(self.request)
        try:
            data = protector.operation_steps(request, op_id, site=site)
        except Exception:
            exceptions.handle(request, _("Unable to get operation %s.") % op_id,
                              redirect=reverse(INDEX))
        op = data.get("operation") or {}
        pg_id = op.get("protection_group_id")
        pg_name = pg_id or "-"
        if pg_id:
            try:
                pg_name = protector.pg_get(request, pg_id, site=site).get("name") or pg_id
            except Exception:
                LOG.info("Operation %s: no name of PG %s", op_id, pg_id, exc_info=True)
        context.update({
            "page_title": _("Operation %(type)s of %(pg)s")
            % {"type": utils.type_label(op), "pg": pg_name},
            "op": op, "op_id": op_id, "site": site, "live": utils.progress(data),
            "type_label": utils.type_label(op), "pg_name": pg_name,
            "pg_url": _reverse_or_none("horizon:project:protection_groups:detail", pg_id)
            if pg_id and policy.check(PG_SHOW_RULE, request) else None,
            "source_site": data.get("source_site") or op.get("source_site_id") or "-",
            "target_site": data.get("target_site") or op.get("target_site_id") or "-",
            "recovery_point": utils.recovery_point(data),
            "progress_url": utils.url("progress", op_id, site),
            "report_url": utils.url("report", op_id, site),
        })
        return context


@method_decorator(never_cache, name="dispatch")
class ProgressView(generic.View):
    """The detail page's live data as JSON; an API failure is {"error": why}
    (no Horizon message: it would show on the user's next page, out of
    context)."""

    def get(self, request, operation_id):
        try:
            data = protector.operation_steps(request, operation_id, site=_site(request))
            return http.JsonResponse(utils.progress(data))
        except Exception as exc:
            LOG.info("Progress of operation %s: %s", operation_id, exc, exc_info=True)
            return http.JsonResponse({"error": _reason(exc)})


ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; margin: 1em">
<h1 style="font-size: 1.2em">{title}</h1><p>{reason}</p></body></html>
"""


@method_decorator(never_cache, name="dispatch")
class ReportView(generic.View):
    """The API's self-contained HTML report, framed by the detail page."""

    def get(self, request, operation_id):
        try:
            page = protector.operation_report(request, operation_id, site=_site(request))
            response = http.HttpResponse(page, content_type="text/html; charset=utf-8")
        except Exception as exc:
            LOG.info("Report of operation %s: %s", operation_id, exc, exc_info=True)
            response = http.HttpResponse(
                ERROR_PAGE.format(title=escape(_("No report of this operation")),
                                  reason=escape(_reason(exc))),
                content_type="text/html; charset=utf-8", status=502)
        response["Content-Security-Policy"] = REPORT_CSP
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["X-Content-Type-Options"] = "nosniff"
        return response
