"""The tables of the detail page's tabs: the PG's members and its DR
operations."""

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions, tables

from protector_dashboard import common
from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.protection_groups import utils

URL = "horizon:project:protection_groups:"

MEMBER_STATUS = (("protected", True), ("error", False), ("failover_failed", False))
MEMBER_STATUS_DISPLAY = (
    ("adding", _("Adding")), ("protected", _("Protected")), ("removing", _("Removing")),
    ("error", _("Error")), ("failover_failed", _("Left behind by the failover")),
)


def _pg(table) -> dict:
    return table.kwargs.get("pg") or {}


def member_volumes(member) -> str:
    """The volumes captured in the member's spec, boot volume first."""
    spec = member.get("spec") or {}
    vols = ([spec["boot_volume"]] if spec.get("boot_volume") else []) + list(
        spec.get("data_volumes") or []) or list(member.get("volumes") or [])
    lines = []
    for vol in vols:
        if isinstance(vol, str):
            lines.append(vol)
            continue
        text = vol.get("volume_id") or vol.get("id") or "?"
        if vol.get("volume_type"):
            text += f" ({vol['volume_type']})"
        if vol.get("boot_index") == 0:
            text += " " + str(_("boot"))
        lines.append(text)
    # linebreaksbr escapes each volume's text, then joins them with <br>.
    return linebreaksbr("\n".join(lines)) if lines else "-"


class AddMember(tables.LinkAction):
    name = "add_member"
    verbose_name = _("Add Servers")
    classes = ("ajax-modal",)
    icon = "plus"
    policy_rules = (("protector", "protector:members:create"),)

    def get_link_url(self, datum=None):
        return reverse(URL + "add_member", args=[self.table.kwargs["pg_id"]])

    def allowed(self, request, datum=None):
        pg = _pg(self.table)
        return utils.allows(pg, "add_member") and pg.get("runs_here") is not False


class SetBootOrder(tables.LinkAction):
    name = "boot_order"
    verbose_name = _("Set Boot Order")
    classes = ("ajax-modal",)
    icon = "sort-numeric-asc"
    policy_rules = (("protector", "protector:members:create"),)

    def get_link_url(self, datum=None):
        return reverse(URL + "member_boot_order",
                       args=[self.table.kwargs["pg_id"], datum["id"]])

    def allowed(self, request, datum=None):
        return utils.allows(_pg(self.table), "members")


class RemoveMember(tables.DeleteAction):
    name = "remove"
    policy_rules = (("protector", "protector:members:delete"),)
    help_text = _("Its volumes leave replication; the server itself is not touched.")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Remove Member", "Remove Members", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Removed Member", "Removed Members", count)

    def allowed(self, request, datum=None):
        return utils.allows(_pg(self.table), "members") and (
            datum is None or datum.get("status") != "removing")

    def delete(self, request, obj_id):
        try:
            protector.member_remove(request, self.table.kwargs["pg_id"], obj_id)
        except Exception:
            # Escalated: the API's reason is the message, not a generic one.
            exceptions.handle(request, _("Unable to remove the member."), escalate=True)

    def get_success_url(self, request=None):
        return utils.detail_url(self.table.kwargs["pg_id"], "members")


class MembersTable(tables.DataTable):
    name = tables.Column(lambda m: m.get("instance_name") or m.get("instance_id"),
                         verbose_name=_("Server"))
    instance_id = tables.Column("instance_id", verbose_name=_("Server ID"))
    status = tables.Column("status", verbose_name=_("Status"), status=True,
                           status_choices=MEMBER_STATUS,
                           display_choices=MEMBER_STATUS_DISPLAY)
    boot_order = tables.Column("boot_order", verbose_name=_("Boot order"))
    volumes = tables.Column(member_volumes, verbose_name=_("Volumes"))

    class Meta:
        name = "members"
        verbose_name = _("Members")
        status_columns = ["status"]
        table_actions = (AddMember, RemoveMember)
        row_actions = (SetBootOrder, RemoveMember)


def operation_link(op) -> str | None:
    return utils.operation_url(op["id"])


class OperationsTable(tables.DataTable):
    operation_type = tables.Column("operation_type", verbose_name=_("Operation"),
                                   link=operation_link)
    failover_type = tables.Column("failover_type", verbose_name=_("Failover type"),
                                  empty_value="-")
    status = tables.Column("status", verbose_name=_("Status"))
    progress = tables.Column(lambda op: f"{op.get('progress') or 0} %",
                             verbose_name=_("Progress"))
    source = tables.Column("source_site", verbose_name=_("From"), empty_value="-")
    target = tables.Column("target_site", verbose_name=_("To"), empty_value="-")
    started = tables.Column("started_at", verbose_name=_("Started"), filters=(common.when,))
    completed = tables.Column("completed_at", verbose_name=_("Ended"),
                              filters=(common.when,))
    error = tables.WrappingColumn("error_message", verbose_name=_("Error"),
                                  empty_value="-")

    class Meta:
        name = "operations"
        verbose_name = _("Operations")
