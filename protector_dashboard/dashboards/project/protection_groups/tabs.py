"""The tabs of a protection group's page. Each asks the API for its own
part and shows why when it cannot: a tab never turns into an error page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from horizon import exceptions, tabs

from protector_dashboard import common
from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.protection_groups import member_tables, utils
from protector_dashboard.dashboards.project.protection_groups import tables as pg_tables

URL = "horizon:project:protection_groups:"
TEMPLATES = "project/protection_groups/"


def _pg(tab) -> utils.PG:
    return tab.tab_group.kwargs["pg"]


class OverviewTab(tabs.Tab):
    name = _("Overview")
    slug = "overview"
    template_name = TEMPLATES + "_detail_overview.html"

    def get_context_data(self, request):
        pg = _pg(self)
        sync, sync_error = None, None
        try:
            sync = protector.pg_sync_status(request, pg["id"])
        except Exception as exc:  # shown on the tab: the rest of it still matters
            sync_error = str(exc)
        may_force = utils.permitted(request, "protector:protection_groups:sync_force")
        show_force = may_force and (sync_error is not None or (sync or {}).get("status")
                                    in ("UNREACHABLE", "OUT_OF_SYNC"))
        return {
            "pg": pg, "sync": sync, "sync_error": sync_error,
            "status_label": dict(pg_tables.STATUS_DISPLAY).get(pg.get("status"),
                                                               pg.get("status")),
            "sync_force_url": reverse(URL + "sync_force", args=[pg["id"]])
            if show_force else None,
            "network_mapping": sorted((pg.get("network_mapping") or {}).items()),
            "flavor_mapping": sorted((pg.get("flavor_mapping") or {}).items()),
            "recovery_point_age": utils.recovery_point_age(pg),
            "dates": {key: common.when(pg.get(key)) for key in (
                "last_replication_at", "created_at", "updated_at")},
            "last_sync": common.when((sync or {}).get("last_sync_at") or pg.get("last_sync_at")),
        }


class MembersTab(tabs.TableTab):
    name = _("Members")
    slug = "members"
    table_classes = (member_tables.MembersTable,)
    template_name = "horizon/common/_detail_table.html"
    preload = True

    def get_members_data(self):
        pg = _pg(self)
        try:
            members = protector.member_list(self.request, pg["id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to list the members."))
            return []
        return sorted((utils.Record(m) for m in members),
                      key=lambda m: (m.get("boot_order") or 0,
                                     m.get("instance_name") or m.get("instance_id") or ""))


class PolicyTab(tabs.Tab):
    name = _("Replication Policy")
    slug = "policy"
    template_name = TEMPLATES + "_detail_policy.html"

    def get_context_data(self, request):
        pg = _pg(self)
        context = {"pg": pg, "policy": None, "error": None,
                   "edit_url": None}
        try:
            policy = protector.policy_get(request, pg["id"])
        except Exception as exc:
            context["error"] = str(exc)
            return context
        if policy:
            # Tokens are write-only: whatever the API answers, none is shown.
            context["policy"] = {k: v for k, v in policy.items() if "token" not in k}
            context["policy"]["updated"] = common.when(policy.get("updated_at")
                                                      or policy.get("created_at"))
        if utils.allows(pg, "policy") and utils.permitted(request,
                                                          "protector:policies:create"):
            context["edit_url"] = reverse(URL + "policy", args=[pg["id"]])
        return context


class OperationsTab(tabs.TableTab):
    name = _("Operations")
    slug = "operations"
    table_classes = (member_tables.OperationsTable,)
    template_name = "horizon/common/_detail_table.html"
    preload = True

    def get_operations_data(self):
        pg = _pg(self)
        try:
            ops = protector.operation_list(self.request, protection_group_id=pg["id"])
        except Exception:
            exceptions.handle(self.request, _("Unable to list the operations."))
            return []
        names = {s["id"]: s["name"] for s in self.tab_group.kwargs.get("site_list") or []}
        found = []
        for op in ops:
            record = utils.Record(op)
            for key in ("source_site", "target_site"):
                site_id = op.get(key + "_id")
                record[key] = names.get(site_id, site_id)
            found.append(record)
        return found


class DetailTabs(tabs.DetailTabsGroup):
    slug = "pg_details"
    tabs = (OverviewTab, MembersTab, PolicyTab, OperationsTab)
    sticky = True
