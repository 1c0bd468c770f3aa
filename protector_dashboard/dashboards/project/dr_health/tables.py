"""One row per protection group: how fresh its newest recovery point is
against its RPO, whether it can fail over now, and why not."""

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from horizon import tables
from openstack_dashboard import policy

from protector_dashboard import common
from protector_dashboard.dashboards.project.dr_health import utils

SHOW_RULE = (("protector", "protector:protection_groups:show"),)
YES_NO = {True: _("yes"), False: _("no"), None: _("unknown")}


class Entry(dict):
    """A health entry; attribute access for Horizon's columns."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def pg_link(entry: Entry, request=None) -> str | None:
    if not policy.check(SHOW_RULE, request):
        return None
    try:
        return reverse("horizon:project:protection_groups:detail",
                       args=(entry["protection_group_id"],))
    except NoReverseMatch:
        return None  # the protection group pages are not installed


def lag_vs_rpo(entry: Entry) -> str:
    """'3 min 0 s / 15 min (20%)'; '-' without a recovery point."""
    lag, rpo = entry.get("replication_lag_seconds"), entry.get("rpo_minutes")
    if lag is None:
        return str(_("no recovery point yet")) if rpo else "-"
    if not rpo:
        return common.duration(lag)
    return f"{common.duration(lag)} / {rpo} min ({round(100 * lag / (rpo * 60))}%)"


def blockers(entry: Entry) -> str:
    found = entry.get("blockers") or []
    if not found:
        return format_html('<li class="text-muted">{}</li>', _("none"))
    return format_html_join("", "<li>{}</li>", ((str(b),) for b in found))


def rag_class(value: Any) -> dict[str, str]:
    return {"class": f"rag rag-{value}"} if value in (utils.GREEN, utils.AMBER,
                                                     utils.RED) else {}


class HealthTable(tables.DataTable):
    name = tables.WrappingColumn("name", verbose_name=_("Protection group"), link=pg_link)
    status = tables.Column("status", verbose_name=_("Status"))
    sync_status = tables.Column("sync_status", verbose_name=_("Metadata sync"))
    last_point = tables.Column(lambda e: common.when(e.get("last_replication_at")),
                               verbose_name=_("Last recovery point"))
    lag = tables.Column(lag_vs_rpo, verbose_name=_("Lag / RPO"))
    rpo_compliant = tables.Column(lambda e: YES_NO.get(e.get("rpo_compliant"), "-"),
                                  verbose_name=_("Within RPO"))
    failover_ready = tables.Column(lambda e: YES_NO.get(e.get("failover_ready"), "-"),
                                   verbose_name=_("Ready to fail over"))
    rag = tables.Column(utils.rag, verbose_name=_("Readiness"),
                        cell_attributes_getter=rag_class)
    blockers = tables.Column(blockers, verbose_name=_("Blockers"), wrap_list=True)

    class Meta:
        name = "health"
        verbose_name = _("Protection group health")
        table_actions = ()
        row_actions = ()

    def get_object_id(self, datum):
        return datum["protection_group_id"]
