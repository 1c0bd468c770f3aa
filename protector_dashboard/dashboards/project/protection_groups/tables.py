"""The protection groups table: where each PG runs, how fresh its newest
recovery point is against its RPO."""

from django.utils.translation import gettext_lazy as _
from horizon import tables

from protector_dashboard.dashboards.project.protection_groups import utils

STATUS_CHOICES = (
    ("active", True), ("failed_over", True), ("test_failed_over", True),
    ("error", False), ("failed_over_partial", False),
)
STATUS_DISPLAY = (
    ("active", _("Active")), ("failed_over", _("Failed over")),
    ("failed_over_partial", _("Partially failed over")),
    ("test_failed_over", _("Test failed over")), ("failing_over", _("Failing over")),
    ("failing_back", _("Failing back")), ("test_failing_over", _("Test failing over")),
    ("test_cleaning_up", _("Cleaning up test")), ("reprotecting", _("Reprotecting")),
    ("error", _("Error")),
)


class ProtectionGroupFilterAction(tables.FilterAction):
    filter_type = "server"
    filter_choices = (("name", _("Name ="), True), ("status", _("Status ="), True))


class ProtectionGroupsTable(tables.DataTable):
    name = tables.WrappingColumn("name", verbose_name=_("Name"),
                                 link="horizon:project:protection_groups:detail")
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
        table_actions = (ProtectionGroupFilterAction,)
        row_actions = ()
