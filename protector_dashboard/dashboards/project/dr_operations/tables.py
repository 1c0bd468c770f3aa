"""The operations table: every DR operation of this site and of the peer
sites the user is signed in to, newest first; running rows update live."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions, tables
from openstack_dashboard import policy

from protector_dashboard import common
from protector_dashboard.api import protector
from protector_dashboard.dashboards.project.dr_operations import utils

SHOW_RULE = (("protector", "protector:operations:show"),)
STATUS_CHOICES = (
    ("completed", True), ("failed", False), ("rolled_back", False),
)
STATUS_DISPLAY = (
    ("pending", _("Pending")), ("running", _("Running")), ("completed", _("Completed")),
    ("failed", _("Failed")), ("rolling_back", _("Rolling back")),
    ("rolled_back", _("Rolled back")),
)
STATUSES = tuple(value for value, _label in STATUS_DISPLAY)
TYPES = ("test_failover", "test_cleanup", "failover", "reprotect", "failback", "sync",
         "protect", "unprotect")


class OperationFilterAction(tables.FilterAction):
    filter_type = "server"
    filter_choices = (("status", _("Status ="), True),
                      ("operation_type", _("Type ="), True))


class UpdateRow(tables.Row):
    """Polls an unfinished operation's row, on the site its record is on."""

    ajax = True

    def get_data(self, request, obj_id):
        op_id, site = utils.split_row_id(obj_id)
        try:
            op = utils.Operation(protector.operation_get(request, op_id, site=site))
        except protector.ProtectorError as exc:
            # Horizon's row update answers an error code for these only.
            raise exceptions.NotAvailable(str(exc)) from exc
        op["peer"], op["site"] = site, site or utils.local_site_name(request)
        op["pg_name"] = op.get("protection_group_id") or "-"
        try:
            if op.get("protection_group_id"):
                pg = protector.pg_get(request, op["protection_group_id"], site=site)
                op["pg_name"] = pg.get("name") or op["pg_name"]
        except Exception:
            pass  # the PG was deleted since: its id stands in for its name
        return op


def detail_link(op: utils.Operation, request=None) -> str | None:
    """The operation's page, for a user the API lets see it."""
    if not policy.check(SHOW_RULE, request):
        return None
    return utils.url("detail", op["id"], op.get("peer"))


def progress_text(op: utils.Operation) -> str:
    return f"{utils.progress_percent(op)}%"


class OperationsTable(tables.DataTable):
    id = tables.Column("id", verbose_name=_("ID"), link=detail_link)
    pg = tables.Column("pg_name", verbose_name=_("Protection group"))
    type = tables.Column(utils.type_label, verbose_name=_("Type"))
    status = tables.Column("status", verbose_name=_("Status"), status=True,
                           status_choices=STATUS_CHOICES, display_choices=STATUS_DISPLAY)
    progress = tables.Column(progress_text, verbose_name=_("Progress"))
    current_step = tables.Column("current_step", verbose_name=_("Current step"),
                                 empty_value="-")
    started = tables.Column(lambda op: common.when(op.get("started_at")),
                            verbose_name=_("Started"))
    rto = tables.Column(utils.rto, verbose_name=_("RTO"))
    site = tables.Column("site", verbose_name=_("Site"))

    class Meta:
        name = "operations"
        verbose_name = _("Operations")
        status_columns = ["status"]
        row_class = UpdateRow
        table_actions = (OperationFilterAction,)
        row_actions = ()

    def get_object_id(self, datum):
        return utils.row_id(datum)
