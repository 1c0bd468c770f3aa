"""The protection groups table: where each PG runs, how fresh its newest
recovery point is against its RPO, and every action the API accepts in
the PG's state (the others are hidden, not refused after a click)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions, tables

from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.protection_groups import utils

URL = "horizon:project:protection_groups:"
ACTION_RULE = (("protector", "protector:operations:action"),)

STATUS_CHOICES = (
    ("active", True), ("failed_over", True), ("test_failed_over", True),
    ("error", False), ("failed_over_partial", False),
)
STATUS_DISPLAY = (
    ("active", _("Active")), ("failed_over", _("Failed over")),
    ("failed_over_partial", _("Partially failed over")),
    ("test_failed_over", _("Test failed over")), ("testing", _("Test failing over")),
    ("cleaning_up", _("Cleaning up test")), ("failing_over", _("Failing over")),
    ("reprotecting", _("Reprotecting")), ("failing_back", _("Failing back")),
    ("deleting", _("Deleting")), ("error", _("Error")),
)


class ProtectionGroupFilterAction(tables.FilterAction):
    filter_type = "server"
    filter_choices = (("name", _("Name ="), True), ("status", _("Status ="), True))


class CreateProtectionGroup(tables.LinkAction):
    name = "create"
    verbose_name = _("Create Protection Group")
    url = URL + "create"
    classes = ("ajax-modal",)
    icon = "plus"
    policy_rules = (("protector", "protector:protection_groups:create"),)


class _PGAction(tables.LinkAction):
    """A row action opening its modal form, shown only in the states the
    API accepts it in."""

    classes = ("ajax-modal",)
    state_key = ""  # key of utils.ACTION_STATES; the action name by default

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url = URL + self.name

    def allowed(self, request, datum=None):
        return datum is None or utils.allows(datum, self.state_key or self.name)


class TestFailover(_PGAction):
    name = "test_failover"
    verbose_name = _("Test Failover")
    icon = "flask"
    policy_rules = ACTION_RULE


class TestCleanup(_PGAction):
    name = "test_cleanup"
    verbose_name = _("Clean Up Test")
    icon = "eraser"
    policy_rules = ACTION_RULE


class Failover(_PGAction):
    name = "failover"
    verbose_name = _("Planned Failover")
    icon = "exchange"
    policy_rules = ACTION_RULE


class UnplannedFailover(_PGAction):
    name = "unplanned_failover"
    verbose_name = _("Unplanned Failover")
    icon = "bolt"
    classes = ("ajax-modal", "btn-danger")
    policy_rules = ACTION_RULE


class Reprotect(_PGAction):
    name = "reprotect"
    verbose_name = _("Reprotect")
    icon = "shield"
    policy_rules = ACTION_RULE


class Failback(_PGAction):
    name = "failback"
    verbose_name = _("Failback")
    icon = "undo"
    policy_rules = ACTION_RULE


class SyncForce(_PGAction):
    name = "sync_force"
    verbose_name = _("Force Metadata Sync")
    icon = "refresh"
    policy_rules = (("protector", "protector:protection_groups:sync_force"),)


class UpdateProtectionGroup(_PGAction):
    name = "update"
    verbose_name = _("Edit Protection Group")
    icon = "pencil"
    policy_rules = (("protector", "protector:protection_groups:update"),)


class AddMember(_PGAction):
    name = "add_member"
    verbose_name = _("Add Servers")
    icon = "plus"
    policy_rules = (("protector", "protector:members:create"),)

    def allowed(self, request, datum=None):
        # Members are added on the site the PG runs on only.
        return super().allowed(request, datum) and (
            datum is None or datum.get("runs_here") is not False)


class EditPolicy(_PGAction):
    name = "policy"
    verbose_name = _("Replication Policy")
    icon = "cog"
    policy_rules = (("protector", "protector:policies:create"),)


class DeleteProtectionGroup(tables.DeleteAction):
    policy_rules = (("protector", "protector:protection_groups:delete"),)
    help_text = _("A protection group with members cannot be deleted: remove them first.")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Delete Protection Group", "Delete Protection Groups", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Deleted Protection Group", "Deleted Protection Groups", count)

    def allowed(self, request, datum=None):
        return datum is None or utils.allows(datum, "delete")

    def delete(self, request, obj_id):
        try:
            protector.pg_delete(request, obj_id)
        except Exception:
            # Escalated: the API's reason is the message, not a generic one.
            exceptions.handle(request, _("Unable to delete the protection group."),
                              escalate=True)

    def get_success_url(self, request=None):
        return reverse(URL + "index")


class ProtectionGroupsTable(tables.DataTable):
    name = tables.WrappingColumn("name", verbose_name=_("Name"), link=URL + "detail")
    status = tables.Column("status", verbose_name=_("Status"), status=True,
                           status_choices=STATUS_CHOICES, display_choices=STATUS_DISPLAY)
    primary = tables.Column("primary_site", verbose_name=_("Primary site"))
    secondary = tables.Column("secondary_site", verbose_name=_("Secondary site"))
    running_on = tables.Column("current_primary_site", verbose_name=_("Runs on"))
    members = tables.Column("member_count", verbose_name=_("Members"))
    replication_type = tables.Column("replication_type", verbose_name=_("Replication"))
    sync_status = tables.Column("sync_status", verbose_name=_("Metadata sync"))
    recovery_point = tables.Column(utils.recovery_point_age,
                                   verbose_name=_("Recovery point age / RPO"))

    class Meta:
        name = "protection_groups"
        verbose_name = _("Protection Groups")
        status_columns = ["status"]
        table_actions = (ProtectionGroupFilterAction, CreateProtectionGroup,
                         DeleteProtectionGroup)
        row_actions = (TestFailover, TestCleanup, Failover, UnplannedFailover, Reprotect,
                       Failback, SyncForce, UpdateProtectionGroup, AddMember, EditPolicy,
                       DeleteProtectionGroup)
